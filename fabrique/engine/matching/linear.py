"""A linear classifier over sparse TF-IDF rows: softmax regression fitted by mini-batch Adagrad.

Each training text (an RNCP bloc, a whole certification, a ROME label, the compétences or the
texts of a fiche) is an example of its families; a text with several families spreads its
target evenly over them. Fitting passes a few times over fixed mini-batches, each touching only
the rows of the features it holds, so that a vocabulary of 150,000 features and 500 families
fits in a few seconds on one core. Weights whose magnitude stays under a threshold are then
dropped: the model kept is sparse (features × families).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from fabrique.engine.matching.vectors import Floats, Ints

EPOCHS = 5
LEARNING_RATE = 0.15
BATCH = 256
# Weights smaller than this (in magnitude) are dropped once fitted: they change no ranking.
PRUNE_BELOW = 0.03
# Features found in fewer examples than this get no weights: they would only learn their few
# examples by heart, and leaving them out halves the memory that fitting takes.
MIN_EXAMPLES = 2
SEED = 0


@dataclass
class LinearModel:
    weights: sp.csr_matrix  # features × classes
    bias: Floats  # classes

    @classmethod
    def fit(
        cls,
        rows: sp.csr_matrix,
        targets: Sequence[Sequence[int]],
        n_classes: int,
        *,
        epochs: int = EPOCHS,
        rate: float = LEARNING_RATE,
        batch: int = BATCH,
        seed: int = SEED,
    ) -> LinearModel:
        """``rows``: examples × features (unit TF-IDF rows); ``targets``: each example's classes
        (examples without any are skipped)."""
        kept = [i for i, classes in enumerate(targets) if classes]
        examples = sp.csr_matrix(rows[kept], dtype=np.float32)
        n_features = examples.shape[1]
        counts = np.bincount(examples.indices, minlength=n_features)
        used = np.flatnonzero(counts >= MIN_EXAMPLES)
        examples = sp.csr_matrix(examples[:, used])
        # Each example's target, a row of a sparse examples × classes matrix (dense for all
        # examples, it would take hundreds of megabytes).
        goals = shares([targets[i] for i in kept], n_classes)
        weights = np.zeros((len(used), n_classes), dtype=np.float32)
        bias = np.zeros(n_classes, dtype=np.float32)
        # Adagrad: one accumulated squared gradient per feature (over its classes) and per bias.
        feature_history = np.full(len(used), 1e-3, dtype=np.float32)
        bias_history = np.full(n_classes, 1e-3, dtype=np.float32)
        rng = np.random.default_rng(seed)
        order = rng.permutation(len(kept))
        batches: list[tuple[np.ndarray, sp.csr_matrix, sp.csr_matrix, tuple[Ints, Ints, Floats]]]
        batches = []
        for start in range(0, len(kept), batch):
            chosen = order[start : start + batch]
            block = examples[chosen]
            columns, inverse = np.unique(block.indices, return_inverse=True)
            compact = sp.csr_matrix(
                (block.data, inverse.astype(np.int32), block.indptr),
                shape=(len(chosen), len(columns)),
            )
            # (The batch's targets as (row, class, share) entries, taken from the
            # probabilities in place: no dense targets at all.)
            goal = sp.coo_matrix(goals[chosen])
            entries = (goal.row.astype(np.intp), goal.col.astype(np.intp), goal.data)
            batches.append((columns, compact, sp.csr_matrix(compact.T), entries))
        for _ in range(epochs):
            for index in rng.permutation(len(batches)):
                columns, compact, transposed, (goal_rows, goal_classes, goal_shares) = batches[
                    index
                ]
                local = np.take(weights, columns, axis=0)
                logits = np.asarray(compact @ local) + bias
                logits -= logits.max(axis=1, keepdims=True)
                error = np.exp(logits)
                error /= error.sum(axis=1, keepdims=True)
                error[goal_rows, goal_classes] -= goal_shares
                gradient = np.asarray(transposed @ error)
                bias_gradient = error.sum(axis=0)
                feature_history[columns] += np.einsum("ij,ij->i", gradient, gradient) / n_classes
                bias_history += bias_gradient * bias_gradient
                gradient *= (rate / np.sqrt(feature_history[columns]))[:, None]
                local -= gradient
                weights[columns] = local
                bias -= rate * bias_gradient / np.sqrt(bias_history)
        return cls(_sparse(weights, used, n_features), bias)

    def scores(self, queries: sp.csr_matrix) -> Floats:
        """Class probabilities of each query row (rows × classes), left at 0 for the classes
        that no feature of the query speaks for (the bias alone is no evidence)."""
        evidence = np.asarray((queries @ self.weights).toarray(), dtype=np.float32)
        logits = evidence + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        probabilities[evidence <= 0] = 0.0
        return probabilities


def shares(targets: Sequence[Sequence[int]], n_classes: int) -> sp.csr_matrix:
    """Examples × classes: each example's distinct classes share its weight evenly (an example
    without classes is an empty row)."""
    rows = [sorted(set(classes)) for classes in targets]
    return sp.csr_matrix(
        (
            np.concatenate(
                [np.full(len(c), 1.0 / len(c), dtype=np.float32) for c in rows if c]
                or [np.zeros(0, dtype=np.float32)]
            ),
            np.concatenate(
                [np.asarray(c, dtype=np.int32) for c in rows] or [np.zeros(0, np.int32)]
            ),
            np.concatenate([[0], np.cumsum([len(c) for c in rows])]),
        ),
        shape=(len(rows), n_classes),
    )


def _sparse(weights: Floats, used: np.ndarray, n_features: int) -> sp.csr_matrix:
    """The weights of the ``used`` features as rows of a features × classes matrix, without
    those under ``PRUNE_BELOW`` (pruned a slice at a time, to spare memory)."""
    counts = np.zeros(n_features, dtype=np.int64)
    indices: list[np.ndarray] = []
    values: list[np.ndarray] = []
    for start in range(0, len(used), 4096):
        block = weights[start : start + 4096]
        rows, columns = np.nonzero(np.abs(block) >= PRUNE_BELOW)
        counts[used[start : start + 4096]] = np.bincount(rows, minlength=len(block))
        indices.append(columns.astype(np.int32))
        values.append(block[rows, columns])
    indptr = np.concatenate([[0], np.cumsum(counts)])
    return sp.csr_matrix(
        (
            np.concatenate(values or [np.zeros(0, dtype=np.float32)]),
            np.concatenate(indices or [np.zeros(0, dtype=np.int32)]),
            indptr,
        ),
        shape=(n_features, weights.shape[1]),
    )

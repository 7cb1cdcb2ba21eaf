"""A multinomial naive Bayes classifier over sparse TF-IDF rows.

Each class's feature distribution is the sum of the rows of its examples (an example of several
classes shares its row among them evenly), smoothed by ``alpha``. A query's class probabilities
follow from the log probabilities of its features weighted by the query's row. Only the
(feature, class) pairs seen in the examples are stored: every other pair has the class's
smoothed floor, which is added once per query through the row's total weight.

It reads the same words as the linear model but weighs them otherwise (counts rather than a
discriminative fit): where the two agree, an answer is surer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from fabrique.engine.matching.linear import shares
from fabrique.engine.matching.vectors import Floats

# Small: a feature a class never showed makes that class much less likely.
ALPHA = 0.001


@dataclass
class NaiveBayes:
    log_ratio: sp.csr_matrix  # features × classes: log P(feature | class) above the floor
    floor: Floats  # classes: log P(feature | class) of a feature never seen with the class

    @classmethod
    def fit(
        cls,
        rows: sp.csr_matrix,
        targets: Sequence[Sequence[int]],
        n_classes: int,
        *,
        alpha: float = ALPHA,
    ) -> NaiveBayes:
        """``rows``: examples × features; ``targets``: each example's classes (examples
        without any count for none)."""
        membership = shares(targets, n_classes)
        mass = sp.coo_matrix(sp.csr_matrix(rows, dtype=np.float32).T @ membership)
        totals = np.asarray(mass.sum(axis=0), dtype=np.float64).ravel() + alpha * rows.shape[1]
        floor = np.log(alpha / totals)
        ratio = np.log((mass.data + alpha) / totals[mass.col]) - floor[mass.col]
        log_ratio = sp.csr_matrix(
            (ratio.astype(np.float32), (mass.row, mass.col)), shape=(rows.shape[1], n_classes)
        )
        return cls(log_ratio, floor.astype(np.float32))

    def scores(self, queries: sp.csr_matrix) -> Floats:
        """Class probabilities of each query row (rows × classes); uniform for a query without
        any known feature."""
        weight = np.asarray(queries.sum(axis=1), dtype=np.float32)
        logits = np.asarray((queries @ self.log_ratio).toarray(), dtype=np.float32)
        logits += weight * self.floor
        logits -= logits.max(axis=1, keepdims=True)
        probabilities: Floats = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        return probabilities

"""Sparse TF-IDF spaces over terms and character n-grams, and nearest rows in them."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from fabrique.engine.matching.normalise import terms
from fabrique.engine.text import fold

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int64]
Featuriser = Callable[[str], list[str]]

# The first characters of long stems: "maintenance" and "maintenir", "gestion" and "gestionnaire"
# meet on "maint", "gesti".
PREFIX_LENGTH = 5


def word_features(text: str) -> list[str]:
    """Stems, pairs of neighbouring stems, and prefixes of long stems."""
    stems = terms(text)
    features = list(stems)
    features.extend(f"{a}_{b}" for a, b in itertools.pairwise(stems))
    features.extend(f"{s[:PREFIX_LENGTH]}~" for s in stems if len(s) > PREFIX_LENGTH)
    return features


def char_features(text: str, n: int = 3) -> list[str]:
    """Character n-grams of each folded word, with its boundaries: robust to typos."""
    features: list[str] = []
    for word in fold(text).split():
        padded = f" {word} "
        features.extend(padded[i : i + n] for i in range(max(1, len(padded) - n + 1)))
    return features


def normalise_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Rows scaled to unit length (empty rows stay empty)."""
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags((1.0 / norms).astype(np.float32)) @ matrix)


@dataclass
class Space:
    """A vocabulary with inverse document frequencies: texts become unit TF-IDF rows."""

    featurise: Featuriser
    vocabulary: dict[str, int]
    idf: Floats

    @classmethod
    def fit(
        cls, featurise: Featuriser, documents: Sequence[Iterable[str]], *, max_df: float = 1.0
    ) -> Space:
        """``documents`` are already featurised (lists of features). Features found in more
        than ``max_df`` of the documents are left out: they cost time and tell little."""
        df: Counter[str] = Counter()
        for features in documents:
            df.update(set(features))
        limit = max_df * len(documents)
        kept = sorted(feature for feature, count in df.items() if count <= limit)
        vocabulary = {feature: i for i, feature in enumerate(kept)}
        counts = np.fromiter((df[feature] for feature in kept), dtype=np.float64, count=len(kept))
        idf = np.log((1.0 + len(documents)) / (1.0 + counts)) + 1.0
        return cls(featurise, vocabulary, idf.astype(np.float32))

    @property
    def size(self) -> int:
        return len(self.vocabulary)

    def counts(self, documents: Sequence[Iterable[str]]) -> sp.csr_matrix:
        """Raw counts of the known features of each featurised document."""
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        get = self.vocabulary.get
        for features in documents:
            for feature, count in Counter(features).items():
                column = get(feature)
                if column is not None:
                    indices.append(column)
                    data.append(count)
            indptr.append(len(indices))
        return sp.csr_matrix(
            (
                np.asarray(data, dtype=np.float32),
                np.asarray(indices, dtype=np.int32),
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=(len(indptr) - 1, self.size),
        )

    def weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear term frequency × idf, rows of unit length."""
        weighted = counts.copy().astype(np.float32)
        weighted.data = 1.0 + np.log(weighted.data)
        weighted = sp.csr_matrix(weighted @ sp.diags(self.idf))
        return normalise_rows(weighted)

    def vectorise_features(self, documents: Sequence[Iterable[str]]) -> sp.csr_matrix:
        return self.weigh(self.counts(documents))

    def vectorise(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self.vectorise_features([self.featurise(text) for text in texts])


def best_positive(scores: Floats, top: int) -> list[int]:
    """Indices of the ``top`` best positive scores, best first (ties: lower index first)."""
    candidates = np.flatnonzero(scores > 0)
    if len(candidates) > top > 0:
        # Those at least as good as the top-th best (ties included), then sorted.
        threshold = -np.partition(-scores[candidates], top - 1)[top - 1]
        candidates = candidates[scores[candidates] >= threshold]
    order = np.lexsort((candidates, -scores[candidates]))
    return [int(c) for c in candidates[order][:top]]

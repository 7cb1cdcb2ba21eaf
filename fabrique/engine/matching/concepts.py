"""Free text → labelled concepts: ESCO occupations, ROME and ESCO skills.

A concept scores by its best label (see ``labels.LabelIndex``), plus, where given, a weak
second field (for an ESCO occupation: the labels of its skills). Long texts (a job ad, a
training's objectives, a list of competences) are cut into segments (lines, bullets,
sentences); segments of boilerplate (the company, pay and perks, equal opportunities, how to
apply) are left out; each concept keeps its best segment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from fabrique.engine.matching.labels import LabelIndex
from fabrique.engine.matching.model import Match
from fabrique.engine.matching.sources import EscoConcept, Skill
from fabrique.engine.matching.vectors import Floats, Space, best_positive, word_features
from fabrique.engine.text import fold

FIELD_WEIGHT = 0.15  # the weak field's share of the score
FIELD_FLOOR = 0.2
# A text longer than this is cut into segments.
SEGMENT_ABOVE = 200
MAX_SEGMENTS = 400
MAX_SEGMENT_CHARS = 300
# In a long text, a concept needs at least this score in one segment.
MIN_SEGMENT_SCORE = 0.35
BATCH_CELLS = 4_000_000  # queries × labels scored at once

_SEGMENT_BREAKS = re.compile(r"[\n\r;•·▪●◦|]+|(?<=[.!?:])\s+|\s[-–—*]\s|\t")
_CLAUSE_BREAKS = re.compile(r",\s+")
# Folded phrases that mark a segment as boilerplate of job ads and training descriptions.
BOILERPLATE = (
    "nous sommes",
    "notre entreprise",
    "notre societe",
    "notre groupe",
    "notre client",
    "rejoignez",
    "rejoindre",
    "avantages",
    "remuneration",
    "salaire",
    "mutuelle",
    "ticket restaurant",
    "tickets restaurant",
    "handicap",
    "egalite des chances",
    "diversite",
    "discrimination",
    "postuler",
    "candidature",
    "envoyez",
    "votre cv",
    "contactez",
    "www",
    "http",
    "about us",
    "equal opportunit",
    "we are",
    "apply",
)


def segments(text: str) -> list[str]:
    """The meaningful pieces of a long text, boilerplate left out, duplicates once."""
    if len(text) <= SEGMENT_ABOVE:
        return [text] if text.strip() else []
    pieces: list[str] = []
    for part in _SEGMENT_BREAKS.split(text):
        if len(part) > MAX_SEGMENT_CHARS:
            pieces.extend(_CLAUSE_BREAKS.split(part))
        else:
            pieces.append(part)
    kept: list[str] = []
    seen: set[str] = set()
    for piece in pieces:
        folded = fold(piece)
        if len(folded) < 3 or folded in seen or is_boilerplate(folded):
            continue
        seen.add(folded)
        kept.append(piece.strip()[: MAX_SEGMENT_CHARS * 2])
        if len(kept) >= MAX_SEGMENTS:
            break
    return kept


def is_boilerplate(folded: str) -> bool:
    padded = f" {folded} "
    return any(f" {phrase}" in padded for phrase in BOILERPLATE)


@dataclass
class ConceptMatcher:
    codes: list[str]
    names: list[str]
    labels: LabelIndex
    space: Space | None  # the weak field
    field: sp.csr_matrix | None  # features × concepts

    @classmethod
    def build(
        cls,
        codes: Sequence[str],
        names: Sequence[str],
        labels: Sequence[Sequence[str]],
        fields: Sequence[str] | None = None,
    ) -> ConceptMatcher:
        """One concept per code, with its display name, its labels (at least the name is
        used) and, optionally, a text of weak evidence."""
        rows: list[str] = []
        owners: list[int] = []
        for i, (name, own) in enumerate(zip(names, labels, strict=True)):
            distinct = list(dict.fromkeys([name, *own]))
            rows.extend(distinct)
            owners.extend([i] * len(distinct))
        index = LabelIndex.build(rows, owners, len(codes))
        space = field = None
        if fields is not None:
            documents = [word_features(text) for text in fields]
            space = Space.fit(word_features, documents)
            field = space.vectorise_features(documents).T.tocsr()
        return cls(list(codes), list(names), index, space, field)

    def match(self, texts: Sequence[str], top: int = 10) -> list[list[Match]]:
        """The ``top`` best concepts for each text, best first. Texts of one segment (titles,
        single competences) are scored together, a batch at a time."""
        results: list[list[Match]] = [[] for _ in texts]
        if top <= 0:
            return results
        single: list[tuple[int, str]] = []
        for position, text in enumerate(texts):
            pieces = segments(text)
            if len(pieces) == 1:
                single.append((position, pieces[0]))
            elif pieces:
                results[position] = self._match_segments(pieces, top, long_text=True)
        chunk = max(1, BATCH_CELLS // max(1, len(self.labels.labels)))
        for start in range(0, len(single), chunk):
            batch = single[start : start + chunk]
            pieces = [piece for _, piece in batch]
            scores, label_scores = self.labels.search(pieces)
            scores = self._with_field(pieces, scores)
            for row, (position, _) in enumerate(batch):
                ranked = best_positive(scores[row], top)
                results[position] = [
                    self._match(
                        concept,
                        float(scores[row, concept]),
                        (self.labels.labels[self.labels.best_label(label_scores[row], concept)],),
                    )
                    for concept in ranked
                ]
        return results

    def _match(self, concept: int, score: float, evidence: tuple[str, ...]) -> Match:
        return Match(
            code=self.codes[concept],
            label=self.names[concept],
            score=round(min(1.0, score), 4),
            evidence=evidence,
        )

    def _match_segments(self, pieces: list[str], top: int, *, long_text: bool) -> list[Match]:
        best = np.zeros(len(self.codes), dtype=np.float32)
        best_segment = np.full(len(self.codes), -1, dtype=np.int64)
        chunk = max(1, BATCH_CELLS // max(1, len(self.labels.labels)))
        first_label_scores: Floats | None = None
        for start in range(0, len(pieces), chunk):
            batch = pieces[start : start + chunk]
            scores, label_scores = self.labels.search(batch)
            if first_label_scores is None:
                first_label_scores = label_scores
            scores = self._with_field(batch, scores)
            if long_text:
                scores[scores < MIN_SEGMENT_SCORE] = 0.0
            segment = np.argmax(scores, axis=0)
            value = scores[segment, np.arange(scores.shape[1])]
            better = value > best
            best[better] = value[better]
            best_segment[better] = segment[better] + start
        ranked = best_positive(best, top)
        # The evidence (each answer's best label) is looked for in the answers' segments only:
        # those of the first batch are at hand, the others are read again.
        label_rows: dict[int, Floats] = {}
        for concept in ranked:
            segment_of = int(best_segment[concept])
            if segment_of not in label_rows:
                if first_label_scores is not None and segment_of < min(chunk, len(pieces)):
                    label_rows[segment_of] = first_label_scores[segment_of]
                else:
                    label_rows[segment_of] = self.labels.search([pieces[segment_of]])[1][0]
        matches: list[Match] = []
        for concept in ranked:
            segment_of = int(best_segment[concept])
            label = self.labels.best_label(label_rows[segment_of], concept)
            evidence = [self.labels.labels[label]]
            if long_text:
                evidence.append(pieces[segment_of])
            matches.append(self._match(concept, float(best[concept]), tuple(evidence)))
        return matches

    def _with_field(self, texts: list[str], scores: Floats) -> Floats:
        if self.space is None or self.field is None:
            return scores
        weak = (self.space.vectorise(texts) @ self.field).toarray()
        scale = np.maximum(weak.max(axis=1, keepdims=True), FIELD_FLOOR)
        blended = (1.0 - FIELD_WEIGHT) * scores + FIELD_WEIGHT * weak / scale
        # The weak field ranks concepts that some label matched; alone it proves nothing.
        return np.where(scores > 0, blended, 0.0).astype(np.float32)


def rome_skills(skills: Sequence[Skill]) -> ConceptMatcher:
    return ConceptMatcher.build(
        [skill.code for skill in skills],
        [skill.label for skill in skills],
        [skill.other_labels for skill in skills],
    )


def esco_skills(concepts: Sequence[EscoConcept]) -> ConceptMatcher:
    return ConceptMatcher.build(
        [c.uri for c in concepts], [c.label for c in concepts], [c.labels for c in concepts]
    )


def esco_occupations(
    concepts: Sequence[EscoConcept],
    skills: Sequence[EscoConcept],
    relations: Sequence[tuple[str, str, str]],
) -> ConceptMatcher:
    """ESCO occupations by their French and English labels; the labels of their skills
    (essential ones twice) are weak evidence."""
    skill_labels = {skill.uri: skill.label for skill in skills}
    fields: dict[str, list[str]] = {c.uri: [] for c in concepts}
    for occupation, kind, skill in relations:
        if occupation in fields and skill in skill_labels:
            fields[occupation].extend([skill_labels[skill]] * (2 if kind == "essential" else 1))
    return ConceptMatcher.build(
        [c.uri for c in concepts],
        [c.label for c in concepts],
        [c.labels for c in concepts],
        [" . ".join(fields[c.uri]) for c in concepts],
    )

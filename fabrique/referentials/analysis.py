"""Analysis of a free text (a job advertisement, a CV, a training description): the
occupations and skills it evokes, with scores and the passages that evoke them.

The text matcher (``referentials.matching``) ranks codes from the shipped référentiel files;
this module keeps those the database holds and shows where they appear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fabrique.engine.text import fold
from fabrique.referentials.models import Occupation, Scheme, Skill
from fabrique.referentials.search import MATCHER_SCHEMES

MAX_SEGMENTS = 200
SEGMENT_BATCH = 25
SEGMENT_LENGTH = 400
WHOLE_TEXT_LENGTH = 20_000
ANALYSIS_OCCUPATIONS = 10
ANALYSIS_SKILLS = 20
ANALYSIS_MIN_SCORE = 0.3
EXCERPTS = 1

_SEGMENT_BREAK = re.compile(r"[\r\n]+|(?<=[.!?;])\s+|\s[•·▪◦*–]\s|\t+")
_WORD = re.compile(r"(\w+)")
_HEADING = re.compile(r"^\s*[\w’' ]{1,25}\s:\s+")
_COMMON_WORDS = frozenset(
    {"les", "des", "une", "pour", "par", "sur", "avec", "dans", "aux", "est", "son", "ses"}
    | {"vos", "nos", "the", "and", "for", "with", "from"}
)


def segments(text: str) -> list[str]:
    """The passages of a text that are analysed one by one: lines, sentences, list items;
    headings ("Missions :") and their words before a passage ("Profil : CAP…") left out."""
    found: list[str] = []
    for part in _SEGMENT_BREAK.split(text):
        if part.rstrip().endswith(":"):
            continue
        part = _HEADING.sub("", part).strip(" \t-*•·▪◦–:,")
        if len(part) >= 3 and any(char.isalpha() for char in part) and part not in found:
            found.append(part[:SEGMENT_LENGTH])
        if len(found) >= MAX_SEGMENTS:
            break
    return found


@dataclass(frozen=True)
class Piece:
    """A piece of a passage of the analysed text; ``marked`` when a matched label holds it."""

    text: str
    marked: bool = False


@dataclass(frozen=True)
class Found:
    """An occupation or a skill the text evokes: its row, score (0-1), the labels of the
    référentiel that matched, and passages of the text where they appear."""

    row: Any
    score: float
    labels: tuple[str, ...]
    excerpts: tuple[tuple[Piece, ...], ...] = ()

    @property
    def percent(self) -> int:
        return round(100 * self.score)

    @property
    def other_labels(self) -> tuple[str, ...]:
        """What matched, without the row's own labels (shown beside it already)."""
        own = {self.row.label, self.row.label_en}
        return tuple(label for label in self.labels if label not in own)

    @property
    def token(self) -> str:
        return f"{self.row.scheme}:{self.row.code}"


@dataclass(frozen=True)
class Analysis:
    occupations: list[Found]
    skills: list[Found]
    passages: int
    truncated: bool

    @staticmethod
    def _by_scheme(found: list[Found]) -> list[tuple[str, list[Found]]]:
        groups: dict[str, list[Found]] = {}
        for item in found:
            groups.setdefault(item.row.scheme, []).append(item)
        return [(Scheme(scheme).label, groups[scheme]) for scheme in sorted(groups, reverse=True)]

    @property
    def occupations_by_scheme(self) -> list[tuple[str, list[Found]]]:
        """ROME first, then ESCO."""
        return self._by_scheme(self.occupations)

    @property
    def skills_by_scheme(self) -> list[tuple[str, list[Found]]]:
        return self._by_scheme(self.skills)


def _stem(word: str) -> str:
    """A folded word without its plural mark: "surfaces" and "surface" compare equal."""
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


def _label_words(labels: Iterable[str]) -> set[str]:
    return {
        _stem(word)
        for label in labels
        for word in fold(label).split()
        if len(word) >= 3 and word not in _COMMON_WORDS
    }


def _passage_words(passage: str) -> set[str]:
    return {_stem(word) for word in fold(passage).split()}


def highlight(passage: str, words: set[str]) -> tuple[Piece, ...]:
    """``passage`` cut into pieces, the words of ``words`` (folded, see _stem) marked."""
    pieces: list[Piece] = []
    for part in _WORD.split(passage):
        if not part:
            continue
        marked = bool(_WORD.fullmatch(part)) and _stem(fold(part)) in words
        if pieces and pieces[-1].marked == marked:
            pieces[-1] = Piece(pieces[-1].text + part, marked)
        else:
            pieces.append(Piece(part, marked))
    return tuple(pieces)


def _excerpts(passages: list[str], labels: Iterable[str]) -> tuple[tuple[Piece, ...], ...]:
    words = _label_words(labels)
    if not words:
        return ()
    scored = []
    for index, passage in enumerate(passages):
        shared = len(words & _passage_words(passage))
        if shared:
            scored.append((-shared, index, passage))
    return tuple(highlight(passage, words) for _s, _i, passage in sorted(scored)[:EXCERPTS])


def _aggregate(
    batches: Iterable[list[list[Any]]],
) -> dict[str, tuple[float, list[str]]]:
    best: dict[str, tuple[float, list[str]]] = {}
    for batch in batches:
        for matches in batch:
            for match in matches:
                if match.score < ANALYSIS_MIN_SCORE:
                    continue
                score, labels = best.get(match.code, (0.0, []))
                labels.extend(label for label in match.evidence if label not in labels)
                best[match.code] = (max(score, match.score), labels)
    return best


def _found(
    model: type[Occupation] | type[Skill],
    scheme: str,
    best: dict[str, tuple[float, list[str]]],
    passages: list[str],
    top: int,
) -> list[Found]:
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
    codes = [code for code, _best in ranked[: top * 3]]
    rows = {row.code: row for row in model.objects.filter(scheme=scheme, code__in=codes)}
    found = []
    for code, (score, labels) in ranked:
        row = rows.get(code)
        if row is None:
            continue
        evidence = labels[:3]
        found.append(
            Found(
                row=row,
                score=min(1.0, score),
                labels=tuple(evidence),
                excerpts=_excerpts(passages, evidence),
            )
        )
        if len(found) >= top:
            break
    return found


def analyse_text(
    text: str,
    *,
    schemes: Iterable[str] = MATCHER_SCHEMES,
    occupations: int = ANALYSIS_OCCUPATIONS,
    skills: int = ANALYSIS_SKILLS,
) -> Analysis:
    """The occupations and skills a text (job advertisement, CV, training description)
    evokes, best first, for each référentiel of ``schemes`` that is in the database.

    Occupations are matched on the whole text and on its first lines (titles); skills
    passage by passage (at most ``MAX_SEGMENTS``). Codes the matcher knows but the database
    does not hold are left out.
    """
    from fabrique.referentials import matching

    text = text.replace("\x00", "")
    passages = segments(text)
    every_passage = _SEGMENT_BREAK.split(text)
    truncated = len(passages) >= MAX_SEGMENTS and len(every_passage) > MAX_SEGMENTS
    found_occupations: list[Found] = []
    found_skills: list[Found] = []
    if not passages:
        return Analysis(occupations=[], skills=[], passages=0, truncated=False)
    # The whole text (headings left out) and its first lines, where titles usually are.
    titles = ["\n".join(passages)[:WHOLE_TEXT_LENGTH], *passages[:2]]
    batches = [
        passages[start : start + SEGMENT_BATCH] for start in range(0, len(passages), SEGMENT_BATCH)
    ]
    for scheme in [s for s in MATCHER_SCHEMES if s in set(schemes)]:
        # Only what is asked for, and only référentiels the database holds: a matcher's
        # index is built or loaded on first use, which takes seconds.
        if occupations > 0 and Occupation.objects.filter(scheme=scheme).exists():
            best = _aggregate([matching.occupations(titles, scheme=scheme, top=occupations)])
            found_occupations += _found(Occupation, scheme, best, passages, occupations)
        if skills > 0 and Skill.objects.filter(scheme=scheme).exists():
            best = _aggregate(matching.skills(batch, scheme=scheme, top=5) for batch in batches)
            found_skills += _found(Skill, scheme, best, passages, skills)
    found_occupations.sort(key=lambda found: -found.score)
    found_skills.sort(key=lambda found: -found.score)
    return Analysis(
        occupations=found_occupations,
        skills=found_skills,
        passages=len(passages),
        truncated=truncated,
    )

"""Search of the référentiels, as you type: occupations, skills and certifications.

Search compares ``fold(query)`` (lower case, no accents, no punctuation) with the ``folded``
columns of the labels, and the same words, accents allowed, with the columns that have no
folded copy (a row's own label, a certification's title) through a portable regular
expression behind a cheap LIKE filter. It ranks exact, then prefix, then word-start, then
other matches; within each, preferred labels before ROME appellations, alternative and hidden
labels; codes typed as such (H2903, RNCP211, an ESCO URI) come first. It works the same on
SQLite and PostgreSQL.

When it finds few results, it tolerates typos: each word that no label begins with is
replaced by the nearest word of the labels (one or two edits away); for occupations and
skills it then adds what the text matcher (``referentials.matching``, over the shipped
référentiel files) proposes. Such results are flagged as approximate.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    F,
    IntegerField,
    Lookup,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least, Length

from fabrique.engine.text import fold
from fabrique.referentials.models import (
    Certification,
    LabelKind,
    Occupation,
    OccupationLabel,
    Skill,
    SkillLabel,
)
from fabrique.referentials.queries import ROME_CODE, UUID, clean_query

logger = logging.getLogger(__name__)

FEW_RESULTS = 3  # below this many exact results, typos are tolerated
APPROXIMATE_LIMIT = 50
MATCHER_MIN_SCORE = 0.2
MATCHER_SCHEMES: tuple[str, ...] = ("rome", "esco")  # what the text matcher knows

OCCUPATIONS = "occupations"
SKILLS = "skills"
CERTIFICATIONS = "certifications"
KINDS = (OCCUPATIONS, SKILLS, CERTIFICATIONS)

NO_MATCH = 1000
# Rank of a hit: 4 × how the text matches (exact 0, prefix 1, word start 2, elsewhere 3) +
# which label matched (preferred 0, ROME appellation 1, alternative 2, hidden 3).
_CODE_RANK = -4
_LABEL_TIER = Case(
    When(kind=LabelKind.PREFERRED, then=Value(0)),
    When(kind=LabelKind.APPELLATION, then=Value(1)),
    When(kind=LabelKind.ALTERNATIVE, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)

_CERTIFICATION_CODE = re.compile(r"(rncp|rs) ?(\d{1,6})(bc\d{1,3})?")

# --- accent-insensitive patterns, for columns without a folded copy ---------------------------

_VARIANTS = {
    "a": "aàâäáãåAÀÂÄÁÃÅ",
    "c": "cçCÇ",
    "e": "eéèêëEÉÈÊË",
    "i": "iîïíìIÎÏÍÌ",
    "n": "nñNÑ",
    "o": "oôöóòõOÔÖÓÒÕ",
    "u": "uùûüúUÙÛÜÚ",
    "y": "yÿýYŸÝ",
}
_LIGATURES = {
    "oe": f"(?:[{_VARIANTS['o']}][{_VARIANTS['e']}]|œ|Œ)",
    "ae": f"(?:[{_VARIANTS['a']}][{_VARIANTS['e']}]|æ|Æ)",
}
# What fold() turns into a space: anything but digits and (accented) Latin letters.
_SEPARATOR = "[^0-9A-Za-zÀ-ÖØ-öø-ÿŒœ]"


class _Like(Lookup):
    """``column LIKE pattern``, case-insensitive for ASCII letters on both databases: a cheap
    first filter that spares the regular expression most rows (SQLite runs those in Python).
    """

    lookup_name = "ref_like"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        operator = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
        return f"{lhs} {operator} {rhs}", [*lhs_params, *rhs_params]


def like_pattern(word: str) -> str:
    """A LIKE pattern that every spelling of ``word`` (folded) matches, and few others:
    letters that may carry an accent become ``_``, a possible ligature ``%``."""
    pattern = word
    for pair in _LIGATURES:
        pattern = pattern.replace(pair, "\x00")
    pattern = "".join("_" if char in _VARIANTS else char for char in pattern)
    return "%" + pattern.replace("\x00", "%") + "%"


def word_pattern(word: str) -> str:
    """A regular expression (SQLite's and PostgreSQL's) matching ``word`` (folded) whatever
    its accents, case and ligatures: "oeuvre" matches "Œuvre"."""
    parts: list[str] = []
    index = 0
    while index < len(word):
        pair = word[index : index + 2]
        if pair in _LIGATURES:
            parts.append(_LIGATURES[pair])
            index += 2
            continue
        char = word[index]
        parts.append(f"[{_VARIANTS[char]}]" if char in _VARIANTS else f"[{char}{char.upper()}]")
        index += 1
    return "".join(parts)


@dataclass(frozen=True)
class Terms:
    """A search text, folded, and the conditions that find it."""

    text: str
    key: str
    words: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> Terms:
        key = fold(clean_query(text))
        words = tuple(dict.fromkeys(w for w in key.split() if len(w) > 1)) or tuple(key.split())
        return cls(text=clean_query(text), key=key, words=words)

    def __bool__(self) -> bool:
        return bool(self.key)

    # Folded columns: plain LIKE comparisons.

    def folded_condition(self, column: str = "folded") -> Q:
        condition = Q()
        for word in self.words:
            condition &= Q(**{f"{column}__contains": word})
        return condition

    def folded_rank(self, column: str = "folded") -> Case:
        return Case(
            When(**{column: self.key}, then=Value(0)),
            When(**{f"{column}__startswith": self.key}, then=Value(4)),
            When(**{f"{column}__contains": f" {self.key}"}, then=Value(8)),
            default=Value(12),
            output_field=IntegerField(),
        )

    # Other text columns: regular expressions.

    def text_condition(self, column: str) -> Q:
        condition = Q()
        for word in self.words:
            condition &= Q(_Like(F(column), Value(like_pattern(word))))
        for word in self.words:
            condition &= Q(**{f"{column}__regex": word_pattern(word)})
        return condition

    def text_rank(self, column: str) -> Case:
        phrase = f"{_SEPARATOR}+".join(word_pattern(word) for word in self.key.split())
        return Case(
            When(
                self.text_condition(column),
                then=Case(
                    When(**{f"{column}__regex": f"^{phrase}{_SEPARATOR}*$"}, then=Value(0)),
                    When(**{f"{column}__regex": f"^{phrase}"}, then=Value(4)),
                    When(**{f"{column}__regex": f"(^|{_SEPARATOR}){phrase}"}, then=Value(8)),
                    default=Value(12),
                ),
            ),
            default=Value(NO_MATCH),
            output_field=IntegerField(),
        )


# --- search ---------------------------------------------------------------------------------


def _code_rank(model: type[Model], terms: Terms) -> tuple[Q, Any] | None:
    """A condition and a rank for a query typed as a code of this kind of row."""
    text = terms.text.strip()
    lowered = text.lower().replace(" ", "")
    if model is Certification:
        match = _CERTIFICATION_CODE.fullmatch(lowered)
        if match:
            code = lowered.upper()
            return Q(code=code) | Q(code__startswith=code), Case(
                When(code=code, then=Value(_CODE_RANK)),
                default=Value(2),
                output_field=IntegerField(),
            )
        if lowered.isdigit() and len(lowered) <= 6:
            codes = [f"RNCP{lowered}", f"RS{lowered}"]
            return Q(code__in=codes), Value(_CODE_RANK)
        return None
    if UUID.fullmatch(lowered) or lowered.startswith(("http://", "https://")):
        suffix = "/" + lowered.rstrip("/").rsplit("/", 1)[-1]
        return Q(code__endswith=suffix), Value(_CODE_RANK)
    if model is Occupation and ROME_CODE.fullmatch(lowered):
        code = lowered.upper()
        return Q(code__startswith=code), Case(
            When(code=code, then=Value(_CODE_RANK)),
            default=Value(2),
            output_field=IntegerField(),
        )
    if model is Skill and lowered.isdigit() and 3 <= len(lowered) <= 8:
        return Q(code=lowered), Value(_CODE_RANK)
    return None


def _search_labelled(
    model: type[Occupation] | type[Skill],
    label_model: type[OccupationLabel] | type[SkillLabel],
    owner: str,
    terms: Terms,
    *,
    scheme: str,
    include_obsolete: bool,
) -> QuerySet[Any]:
    rows = model.objects.all()
    if scheme:
        rows = rows.filter(scheme=scheme)
    if not include_obsolete:
        rows = rows.filter(obsolete=False)
    matching_labels = label_model.objects.filter(terms.folded_condition())
    if not include_obsolete and hasattr(label_model, "obsolete"):
        matching_labels = matching_labels.filter(obsolete=False)
    best_label = (
        matching_labels.filter(**{owner: OuterRef("pk")})
        .annotate(rank=terms.folded_rank() + _LABEL_TIER)
        .order_by("rank", Length("text"), "pk")
    )
    condition = (
        Q(pk__in=matching_labels.values(owner))
        | terms.text_condition("label")
        | terms.text_condition("label_en")
    )
    own_ranks = [terms.text_rank("label"), terms.text_rank("label_en")]
    ordering: list[Any] = ["rank", Length("label"), "label", "code"]
    code = _code_rank(model, terms)
    if code is not None:
        condition |= code[0]
        own_ranks.append(Case(When(code[0], then=code[1]), default=Value(NO_MATCH)))
        ordering.insert(1, "code")  # "H29": the fiches in their codes' order
    return (
        rows.filter(condition)
        .annotate(
            label_rank=Coalesce(Subquery(best_label.values("rank")[:1]), Value(NO_MATCH)),
            own_rank=Least(*own_ranks),
        )
        .annotate(
            rank=Least(F("label_rank"), F("own_rank")),
            # The label that matched, when it matched better than the row's own label.
            matched=Case(
                When(label_rank__lt=F("own_rank"), then=Subquery(best_label.values("text")[:1])),
                default=Value(""),
            ),
        )
        .order_by(*ordering)
    )


def search_occupations(
    query: str, *, scheme: str = "", include_obsolete: bool = False
) -> QuerySet[Occupation]:
    """Occupations (ROME fiches, ESCO occupations) whose labels or code match ``query``,
    best first; each has ``rank`` and ``matched`` (the label that matched, if not its own)."""
    terms = Terms.of(query)
    if not terms:
        return Occupation.objects.none()
    return _search_labelled(
        Occupation,
        OccupationLabel,
        "occupation",
        terms,
        scheme=scheme,
        include_obsolete=include_obsolete,
    )


def search_skills(
    query: str, *, scheme: str = "", include_obsolete: bool = False
) -> QuerySet[Skill]:
    """Skills whose labels or code match ``query``, best first (see search_occupations)."""
    terms = Terms.of(query)
    if not terms:
        return Skill.objects.none()
    return _search_labelled(
        Skill, SkillLabel, "skill", terms, scheme=scheme, include_obsolete=include_obsolete
    )


def search_certifications(
    query: str, *, register: str = "", include_obsolete: bool = False
) -> QuerySet[Certification]:
    """RNCP and RS certifications whose code or title matches ``query``, best first."""
    terms = Terms.of(query)
    if not terms:
        return Certification.objects.none()
    rows = Certification.objects.all()
    if register:
        rows = rows.filter(kind=register)
    if not include_obsolete:
        rows = rows.filter(obsolete=False)
    condition = terms.text_condition("title")
    ranks: list[Any] = [terms.text_rank("title")]
    code = _code_rank(Certification, terms)
    if code is not None:
        condition |= code[0]
        ranks.append(Case(When(code[0], then=code[1]), default=Value(NO_MATCH)))
    rank = Least(*ranks) if len(ranks) > 1 else ranks[0]
    return (
        rows.filter(condition)
        .annotate(rank=rank, matched=Value(""))
        .order_by("rank", F("active").desc(nulls_last=True), Length("title"), "code")
    )


def _search_kind(kind: str, query: str, *, scheme: str, include_obsolete: bool) -> QuerySet[Any]:
    if kind == OCCUPATIONS:
        return search_occupations(query, scheme=scheme, include_obsolete=include_obsolete)
    if kind == SKILLS:
        return search_skills(query, scheme=scheme, include_obsolete=include_obsolete)
    return search_certifications(query, register=scheme, include_obsolete=include_obsolete)


# --- typo tolerance ---------------------------------------------------------------------------


def edit_distance(a: str, b: str, *, limit: int = 3) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions and swaps of
    neighbours), or ``limit`` when it is at least that."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) >= limit:
            return limit
        previous2, previous = previous, current
    return min(previous[-1], limit)


_VOCABULARY_ROWS = 20_000


def _vocabulary(kind: str, start: str) -> Counter[str]:
    """Words of the labels of ``kind`` that begin with ``start`` (folded), with how many
    labels hold them.

    Folded labels are read as they are; own labels (and titles) only for the rows that have
    no preferred label among their labels, which would repeat them.
    """
    folded = Q(folded__startswith=start) | Q(folded__contains=f" {start}")
    regex = Q(_Like(F("label"), Value(like_pattern(start)))) & Q(
        label__regex=f"(^|{_SEPARATOR}){word_pattern(start)}"
    )
    if kind == OCCUPATIONS:
        labels: QuerySet[Any] = OccupationLabel.objects.filter(folded)
        preferred = OccupationLabel.objects.filter(kind=LabelKind.PREFERRED).values("occupation")
        own: QuerySet[Any] = Occupation.objects.filter(regex).exclude(pk__in=preferred)
    elif kind == SKILLS:
        labels = SkillLabel.objects.filter(folded)
        preferred = SkillLabel.objects.filter(kind=LabelKind.PREFERRED).values("skill")
        own = Skill.objects.filter(regex).exclude(pk__in=preferred)
    else:
        labels = OccupationLabel.objects.none()
        own = Certification.objects.filter(
            _Like(F("title"), Value(like_pattern(start))),
            title__regex=f"(^|{_SEPARATOR}){word_pattern(start)}",
        )
    words: Counter[str] = Counter()
    for text in labels.values_list("folded", flat=True)[:_VOCABULARY_ROWS]:
        words.update(word for word in text.split() if word.startswith(start))
    column = "title" if kind == CERTIFICATIONS else "label"
    for text in own.values_list(column, flat=True)[:_VOCABULARY_ROWS]:
        words.update(word for word in fold(text).split() if word.startswith(start))
    return words


def corrected_query(query: str, kind: str) -> str:
    """``query`` with each word that no label of ``kind`` begins with replaced by the nearest
    word of those labels, or "" when no word needed (or found) a correction.

    Words of four letters or more are corrected, by one edit (two from eight letters on);
    candidates share their first two letters with the typed word.
    """
    words = fold(clean_query(query)).split()
    corrected: list[str] = []
    changed = False
    for word in words:
        if len(word) < 4 or word.isdigit():
            corrected.append(word)
            continue
        vocabulary = _vocabulary(kind, word[:2])
        if any(candidate.startswith(word) for candidate in vocabulary):
            corrected.append(word)
            continue
        limit = 2 if len(word) >= 8 else 1
        scored = [
            (edit_distance(word, candidate, limit=limit + 1), -count, candidate)
            for candidate, count in vocabulary.items()
        ]
        best = min(scored, default=None)
        if best is None or best[0] > limit:
            corrected.append(word)
            continue
        corrected.append(best[2])
        changed = True
    return " ".join(corrected) if changed else ""


def _matcher_hits(kind: str, query: str, *, scheme: str, include_obsolete: bool) -> list[Any]:
    """Rows of the database that the text matcher proposes for ``query``, best first."""
    from fabrique.referentials import matching

    schemes = [scheme] if scheme else list(MATCHER_SCHEMES)
    schemes = [s for s in schemes if s in MATCHER_SCHEMES]
    match = matching.occupations if kind == OCCUPATIONS else matching.skills
    model: type[Occupation] | type[Skill] = Occupation if kind == OCCUPATIONS else Skill
    scored: list[tuple[float, str, str, str]] = []
    for each in schemes:
        if not matching.ready(kind, each):  # never make a search wait for an index build
            continue
        try:
            proposed = match([query], scheme=each, top=APPROXIMATE_LIMIT)[0]
        except Exception:  # an extra for search: its failure must not fail the search
            logger.exception("The text matcher failed on a search (%s, %s).", kind, each)
            continue
        for found in proposed:
            if found.score >= MATCHER_MIN_SCORE:
                evidence = found.evidence[0] if found.evidence else ""
                scored.append((found.score, each, found.code, evidence))
    if not scored:
        return []
    scored.sort(key=lambda item: -item[0])
    condition = Q()
    for _score, each, code, _evidence in scored:
        condition |= Q(scheme=each, code=code)
    rows = model.objects.filter(condition)
    if not include_obsolete:
        rows = rows.filter(obsolete=False)
    by_key = {(row.scheme, row.code): row for row in rows}
    hits = []
    for _score, each, code, evidence in scored:
        row = by_key.pop((each, code), None)
        if row is not None:
            row.matched = evidence if evidence != row.label else ""
            hits.append(row)
    return hits


# --- the search page and API ------------------------------------------------------------------


@dataclass
class SearchResults:
    """What a search found: ``items`` to paginate (a queryset, or a list when approximate),
    how many exact results each kind has (for tabs), and how typos were tolerated."""

    query: str
    kind: str
    items: QuerySet[Any] | list[Any]
    counts: dict[str, int] = field(default_factory=dict)
    corrected: str = ""
    approximate: bool = False


def search(
    query: str,
    *,
    kind: str = OCCUPATIONS,
    scheme: str = "",
    include_obsolete: bool = False,
    tolerate_typos: bool = True,
    with_counts: bool = True,
) -> SearchResults:
    query = clean_query(query)
    kind = kind if kind in KINDS else OCCUPATIONS
    options = {"include_obsolete": include_obsolete}
    exact = _search_kind(kind, query, scheme=scheme, **options)
    if not query:
        return SearchResults(query=query, kind=kind, items=exact)
    counts = {}
    if with_counts:
        for each in KINDS:
            if each == kind:
                continue
            # The scheme filter belongs to the kind on screen; other tabs count all.
            counts[each] = _search_kind(each, query, scheme="", **options).count()
    found = exact.count()
    counts[kind] = found
    model = {OCCUPATIONS: Occupation, SKILLS: Skill}.get(kind, Certification)
    typed_a_code = _code_rank(model, Terms.of(query)) is not None
    if found >= FEW_RESULTS or not tolerate_typos or typed_a_code or len(fold(query)) < 3:
        return SearchResults(query=query, kind=kind, items=exact, counts=counts)

    hits = list(exact[:FEW_RESULTS])
    seen = {row.pk for row in hits}
    corrected = corrected_query(query, kind)
    more: list[Any] = []
    if corrected:
        more = list(_search_kind(kind, corrected, scheme=scheme, **options)[:APPROXIMATE_LIMIT])
    if kind != CERTIFICATIONS and len(hits) + len(more) < FEW_RESULTS:
        more += _matcher_hits(kind, corrected or query, scheme=scheme, **options)
    for row in more:
        if row.pk not in seen and len(hits) < APPROXIMATE_LIMIT:
            seen.add(row.pk)
            row.approximate = True
            hits.append(row)
    approximate = len(hits) > found
    return SearchResults(
        query=query,
        kind=kind,
        items=hits if approximate else exact,
        counts=counts,
        corrected=corrected if approximate else "",
        approximate=approximate,
    )

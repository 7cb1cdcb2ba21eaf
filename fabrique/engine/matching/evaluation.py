"""How well the matcher does: deterministic splits, noisy job titles, hit@k.

Used by ``benchmarks/bench_matcher.py``; nothing here is used to answer queries.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Sequence

from fabrique.engine.matching.normalise import gender_variants
from fabrique.engine.text import fold

# Parts of a deterministic split, by the last digit of a hash of the identifier.
DEV = "dev"
HELD_OUT = "held-out"
TRAIN = "train"

# Abbreviations seen in job ads, applied to held-out ROME appellations to make noisy titles.
AD_ABBREVIATIONS = {
    "technicien": "tech",
    "technicienne": "tech",
    "maintenance": "maint",
    "industrielle": "indus",
    "industriel": "indus",
    "responsable": "resp",
    "conducteur": "cond.",
    "conductrice": "cond.",
    "agent": "agt",
    "agente": "agt",
    "assistant": "assist.",
    "assistante": "assist.",
    "operateur": "op.",
    "operatrice": "op.",
    "administratif": "admin",
    "administrative": "admin",
    "commercial": "commercial",
    "production": "prod",
}
AD_SUFFIXES = ("H/F", "F/H", "- CDI", "(H/F) CDI", "- CDD 6 mois", "H/F - Intérim", "")


FOLDS = 10


def fold_of(identifier: str, folds: int = FOLDS) -> int:
    """One of ``folds`` parts, from a hash of the identifier (with ``FOLDS`` parts, 0 is
    ``dev`` and 1 ``held-out``). Twenty parts divide each of the ten in two: part ``i`` of
    twenty lies in part ``i % 10`` of ten."""
    return int(hashlib.sha256(identifier.encode()).hexdigest(), 16) % folds


def part_of(identifier: str) -> str:
    """``dev`` (1 in 10), ``held-out`` (1 in 10) or ``train``, from a hash of the identifier."""
    digit = fold_of(identifier)
    return DEV if digit == 0 else HELD_OUT if digit == 1 else TRAIN


def hits(ranked: Sequence[Sequence[str]], gold: Sequence[set[str]], k: int) -> float:
    """Share of queries with at least one gold code among the first ``k`` answers."""
    if not ranked:
        return 0.0
    found = sum(1 for answers, codes in zip(ranked, gold, strict=True) if set(answers[:k]) & codes)
    return found / len(ranked)


def fold_codes(codes: Iterable[str], parents: dict[str, str]) -> list[str]:
    """Codes with each déclinaison replaced by its parent fiche, first occurrences kept."""
    folded: list[str] = []
    for code in codes:
        parent = parents.get(code, code)
        if parent not in folded:
            folded.append(parent)
    return folded


def noisy_title(label: str, seed: str) -> str:
    """A job-ad version of a ROME appellation: one side of the gender pair, upper case or
    not, accents stripped, an abbreviation, a typo, "H/F" and a contract word."""
    rng = random.Random(seed)
    variants = gender_variants(label)
    half = variants[-1] if len(variants) > 1 and rng.random() < 0.3 else variants[0]
    words = fold(half).split()
    if not words:
        return label
    abbreviable = [i for i, word in enumerate(words) if word in AD_ABBREVIATIONS]
    if abbreviable and rng.random() < 0.7:
        i = rng.choice(abbreviable)
        words[i] = AD_ABBREVIATIONS[words[i]]
    typo_candidates = [i for i, word in enumerate(words) if len(word) >= 6 and word.isalpha()]
    if typo_candidates and rng.random() < 0.6:
        i = rng.choice(typo_candidates)
        words[i] = _typo(words[i], rng)
    title = " ".join(words)
    if rng.random() < 0.5:
        title = title.upper()
    return f"{title} {rng.choice(AD_SUFFIXES)}".strip()


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("swap", "drop", "double", "replace"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeiourstn") + word[i + 1 :]

"""What the matcher answers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Match:
    """One ranked answer: an official code, its label, a score in [0, 1] and the labels of the
    référentiel (or of the supervision data) that made it match."""

    code: str
    label: str
    score: float
    evidence: tuple[str, ...] = ()

"""Skill gap: what a person's skills cover of what an occupation requires.

An occupation requires *essential* skills (ROME items at the core of the fiche, ESCO essential
skills) and *optional* ones. Given the codes a person holds and the codes an occupation
requires, :func:`compare` tells which are covered and which are missing, and two figures:

- ``essential_coverage``: covered essential skills ÷ essential skills;
- ``coverage``: the weighted share of what is required, each essential skill counting
  ``ESSENTIAL_WEIGHT`` times as much as an optional one::

      (w × covered essential + covered optional) ÷ (w × essential + optional)

Both are 1.0 when nothing is required (nothing is missing). A code listed both as essential
and as optional counts as essential. Adding a skill to the person never lowers either figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ESSENTIAL_WEIGHT = 2.0


@dataclass(frozen=True, slots=True)
class SkillGap:
    covered_essential: frozenset[str]
    missing_essential: frozenset[str]
    covered_optional: frozenset[str]
    missing_optional: frozenset[str]

    @property
    def essential(self) -> frozenset[str]:
        return self.covered_essential | self.missing_essential

    @property
    def optional(self) -> frozenset[str]:
        return self.covered_optional | self.missing_optional

    @property
    def required(self) -> frozenset[str]:
        return self.essential | self.optional

    @property
    def covered(self) -> frozenset[str]:
        return self.covered_essential | self.covered_optional

    @property
    def missing(self) -> frozenset[str]:
        return self.missing_essential | self.missing_optional

    @property
    def essential_coverage(self) -> float:
        """Share of the essential skills the person holds, in [0, 1]."""
        if not self.essential:
            return 1.0
        return len(self.covered_essential) / len(self.essential)

    @property
    def coverage(self) -> float:
        """Weighted share of all required skills the person holds, in [0, 1]."""
        total = ESSENTIAL_WEIGHT * len(self.essential) + len(self.optional)
        if total == 0:
            return 1.0
        covered = ESSENTIAL_WEIGHT * len(self.covered_essential) + len(self.covered_optional)
        return covered / total


def compare(
    person: Iterable[str], *, essential: Iterable[str], optional: Iterable[str] = ()
) -> SkillGap:
    """The gap between the skill codes a person holds and those an occupation requires."""
    held = frozenset(person)
    essential_codes = frozenset(essential)
    optional_codes = frozenset(optional) - essential_codes
    return SkillGap(
        covered_essential=essential_codes & held,
        missing_essential=essential_codes - held,
        covered_optional=optional_codes & held,
        missing_optional=optional_codes - held,
    )

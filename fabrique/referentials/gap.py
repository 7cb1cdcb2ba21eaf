"""A person's skill gap for an occupation: the database side of ``engine.skillgap``.

An occupation's required skills are its links (ROME fiche → compétences and savoirs, the
"cœur de métier" ones essential; ESCO essential and optional skills). A ROME déclinaison
without links of its own uses its parent fiche's. Skills compare by code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fabrique.engine.skillgap import SkillGap, compare
from fabrique.people.models import Person
from fabrique.referentials.models import Occupation, OccupationSkill, Scheme, Skill


@dataclass(frozen=True)
class Gap:
    person: Person
    occupation: Occupation
    reference: Occupation  # whose skill links were used: the occupation or its parent fiche
    result: SkillGap
    skills: dict[str, Skill]

    def _listed(self, codes: frozenset[str]) -> list[Skill]:
        return sorted((self.skills[code] for code in codes), key=lambda s: (s.label, s.code))

    @property
    def covered_essential(self) -> list[Skill]:
        return self._listed(self.result.covered_essential)

    @property
    def missing_essential(self) -> list[Skill]:
        return self._listed(self.result.missing_essential)

    @property
    def covered_optional(self) -> list[Skill]:
        return self._listed(self.result.covered_optional)

    @property
    def missing_optional(self) -> list[Skill]:
        return self._listed(self.result.missing_optional)

    @property
    def coverage_percent(self) -> int:
        return round(100 * self.result.coverage)

    @property
    def essential_coverage_percent(self) -> int:
        return round(100 * self.result.essential_coverage)

    @property
    def requires_nothing(self) -> bool:
        return not self.result.required


def required_links(occupation: Occupation) -> tuple[Occupation, list[OccupationSkill]]:
    """The skill links that define what ``occupation`` requires, and whose links they are."""
    links = list(OccupationSkill.objects.filter(occupation=occupation).select_related("skill"))
    if not links and occupation.scheme == Scheme.ROME and occupation.parent_id is not None:
        parent = Occupation.objects.get(pk=occupation.parent_id)
        parent_links = OccupationSkill.objects.filter(occupation=parent).select_related("skill")
        return parent, list(parent_links)
    return occupation, links


def skill_gap(*, person: Person, occupation: Occupation) -> Gap:
    reference, links = required_links(occupation)
    held = list(Skill.objects.filter(people_links__person=person).values_list("code", flat=True))
    result = compare(
        held,
        essential=[link.skill.code for link in links if link.essential],
        optional=[link.skill.code for link in links if not link.essential],
    )
    skills = {link.skill.code: link.skill for link in links}
    return Gap(
        person=person, occupation=occupation, reference=reference, result=result, skills=skills
    )


def person_gap_context(person: Person, data: Mapping[str, Any]) -> dict[str, Any]:
    """The person page's "skill gap" section: compared with the occupation chosen in
    ``data["metier"]`` (a code, else the best match of a name), else the person's current
    occupation. Keys: ``gap`` (None without an occupation), ``gap_form``, ``gap_choice``."""
    from fabrique.referentials import queries, search
    from fabrique.referentials.forms import OccupationChoiceForm

    form = OccupationChoiceForm(data if data.get("metier") else None)
    choice = form.cleaned_data["metier"] if form.is_bound and form.is_valid() else ""
    occupation = person.current_occupation
    if choice:
        occupation = queries.occupation_by_code(choice) or (
            search.search_occupations(choice).select_related("parent").first()
        )
    gap = skill_gap(person=person, occupation=occupation) if occupation is not None else None
    return {"gap": gap, "gap_form": form, "gap_choice": choice}

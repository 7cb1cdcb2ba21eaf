"""The synthetic people of the demo world: who they are, where they live, who follows them.

Each person lives in a real commune of one of the territories (drawn in proportion to the
communes' population), has a status in plausible proportions, an age that fits the status,
a mobility radius, a date from which they are available, for most of them a ROME occupation,
and 3 to 12 skills taken from the ROME compétences and savoirs of their occupation (or of the
track they study). Job seekers are followed by the territory's employment agency, students
by a school, apprentices and employees in reconversion by their employer.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.text import slugify

from fabrique.accounts.models import Organisation, User
from fabrique.demo.names import pick_name
from fabrique.demo.world import EMAIL_DOMAIN, STUDENT_AGES, OrgSpec
from fabrique.people.enums import PersonStatus as Status
from fabrique.people.enums import SkillSource
from fabrique.people.models import Person, PersonSkill

# Dates are relative to this day, not to today, so that a seed always gives the same world.
REFERENCE_DATE = datetime.date(2027, 1, 4)

STATUS_SHARES = {  # percent
    Status.JOB_SEEKER: 40,
    Status.RECONVERSION: 20,
    Status.STUDENT: 28,
    Status.APPRENTICE: 12,
}
AGES = {
    Status.STUDENT: (15, 22),
    Status.APPRENTICE: (16, 26),
    Status.JOB_SEEKER: (18, 62),
    Status.RECONVERSION: (25, 55),
}
MOBILITY_KM = {
    Status.STUDENT: (10, 25),
    Status.APPRENTICE: (15, 40),
    Status.JOB_SEEKER: (10, 50),
    Status.RECONVERSION: (20, 60),
}
SKILLS_PER_PERSON = {
    Status.STUDENT: (3, 6),
    Status.APPRENTICE: (3, 8),
    Status.JOB_SEEKER: (4, 12),
    Status.RECONVERSION: (6, 12),
}
WOMEN_SHARE = {
    Status.STUDENT: 0.35,
    Status.APPRENTICE: 0.25,
    Status.JOB_SEEKER: 0.45,
    Status.RECONVERSION: 0.35,
}
JOB_SEEKERS_WITH_OCCUPATION = 0.7
CONSENT_TO_CONTACT = 0.8
CONSENT_TO_EMPLOYERS_IF_CONTACT = 0.75  # 0.8 × 0.75: 60% may be proposed to employers
WITH_EMAIL = 0.85
WITH_PHONE = 0.7


def cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


@dataclass
class Area:
    """One territory as the population sees it."""

    code: str
    surnames: str  # key of names.SURNAME_POOLS
    communes: list[tuple[int, int]]  # (commune id, population), in INSEE code order
    companies: list[tuple[OrgSpec, Organisation]]
    schools: list[tuple[OrgSpec, Organisation]]
    agency: Organisation

    def __post_init__(self) -> None:
        self.company_weights = cumulative([spec.size for spec, _ in self.companies])
        self.school_weights = cumulative([spec.size for spec, _ in self.schools])


@dataclass(frozen=True)
class Occupations:
    """The ROME fiches of each sector and the skills of each fiche (sorted by code)."""

    by_sector: dict[str, list[str]]
    ids: dict[str, int]  # fiche code -> Occupation id
    skills: dict[str, list[tuple[str, int]]]  # fiche code -> [(skill code, Skill id)]


class Population:
    def __init__(self, rng: random.Random, areas: list[Area], occupations: Occupations) -> None:
        self.rng = rng
        self.occupations = occupations
        self.places = [(area, pk, pop) for area in areas for pk, pop in area.communes]
        self.place_weights = cumulative([population or 1 for _, _, population in self.places])
        self.statuses = list(STATUS_SHARES)
        self.status_weights = cumulative(list(STATUS_SHARES.values()))

    def _fiche(self, sectors: Sequence[str]) -> str:
        return self.rng.choice(self.occupations.by_sector[self.rng.choice(sectors)])

    def _days(self, low: int, high: int) -> datetime.date:
        return REFERENCE_DATE + datetime.timedelta(days=self.rng.randint(low, high))

    def person(self, index: int) -> tuple[Person, list[PersonSkill]]:
        """The index-th synthetic person and their skills (unsaved)."""
        rng = self.rng
        area, commune_id, _ = rng.choices(self.places, cum_weights=self.place_weights)[0]
        status = rng.choices(self.statuses, cum_weights=self.status_weights)[0]
        occupation: str | None = None
        if status == Status.STUDENT:
            spec, organisation = rng.choices(area.schools, cum_weights=area.school_weights)[0]
            age = rng.randint(*STUDENT_AGES[spec.kind])
            track = self._fiche(spec.sectors)
            leaves = REFERENCE_DATE.year + (rng.randint(1, 2) if age <= 16 else rng.randint(0, 1))
            available = datetime.date(leaves, 7, 1)
        elif status == Status.JOB_SEEKER:
            organisation = area.agency
            age = round(rng.triangular(18, 62, 32))
            spec = rng.choices(area.companies, cum_weights=area.company_weights)[0][0]
            track = self._fiche(spec.sectors)
            if rng.random() < JOB_SEEKERS_WITH_OCCUPATION:
                occupation = track
            available = self._days(0, 120)
        else:  # apprentices and employees in reconversion: followed by their employer
            spec, organisation = rng.choices(area.companies, cum_weights=area.company_weights)[0]
            track = occupation = self._fiche(spec.sectors)
            if status == Status.APPRENTICE:
                age = min(26, 16 + int(rng.triangular(0, 11, 2)))
                available = self._days(60, 540)
            else:
                age = round(rng.triangular(25, 55, 40))
                available = self._days(30, 365)
        first, last = pick_name(rng, area.surnames, woman=rng.random() < WOMEN_SHARE[status])
        low, high = MOBILITY_KM[status]
        contact = rng.random() < CONSENT_TO_CONTACT
        employers = contact and rng.random() < CONSENT_TO_EMPLOYERS_IF_CONTACT
        email = ""
        if rng.random() < WITH_EMAIL:
            email = f"{slugify(first)}.{slugify(last)}.{index:05d}@personnes.{EMAIL_DOMAIN}"
        phone = ""
        if rng.random() < WITH_PHONE:  # the range ARCEP keeps for fiction
            phone = f"06 39 98 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
        person = Person(
            first_name=first,
            last_name=last,
            email=email,
            phone=phone,
            birth_year=REFERENCE_DATE.year - age,
            status=status,
            commune_id=commune_id,
            mobility_radius_km=min(high, max(low, 5 * round(rng.randint(low, high) / 5))),
            available_from=available,
            current_occupation_id=self.occupations.ids[occupation] if occupation else None,
            organisation=organisation,
            consent_to_employers=employers,
            consent_to_contact=contact,
        )
        return person, self.skills(person, status=status, fiche=track, age=age)

    def skills(self, person: Person, *, status: str, fiche: str, age: int) -> list[PersonSkill]:
        pool = self.occupations.skills.get(fiche, [])
        low, high = SKILLS_PER_PERSON[status]
        chosen = self.rng.sample(pool, min(len(pool), self.rng.randint(low, high)))
        span = max(60, 365 * max(1, age - 16))
        return [
            PersonSkill(
                person=person,
                skill_id=skill_id,
                source=SkillSource.DECLARED,
                acquired_on=REFERENCE_DATE - datetime.timedelta(days=self.rng.randint(30, span)),
            )
            for _, skill_id in sorted(chosen)
        ]

    def learner(
        self, user: User, organisation: Organisation, fiche: str
    ) -> tuple[Person, list[PersonSkill]]:
        """The person behind the learner's login: a student of ``organisation``."""
        age = 19
        person = Person(
            user=user,
            first_name=user.first_name,
            last_name=user.last_name,
            email=user.email,
            birth_year=REFERENCE_DATE.year - age,
            status=Status.STUDENT,
            commune_id=organisation.commune_id,
            mobility_radius_km=25,
            available_from=datetime.date(REFERENCE_DATE.year, 7, 1),
            organisation=organisation,
            consent_to_employers=True,
            consent_to_contact=True,
        )
        return person, self.skills(person, status=Status.STUDENT, fiche=fiche, age=age)

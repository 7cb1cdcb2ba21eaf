"""Build the demo world: organisations, territories, accounts and synthetic people.

Deterministic: everything random comes from one ``random.Random(seed)`` and every input is
read in a fixed order, so the same seed and scale give the same data on any database
(``digest.world_digest()`` ignores only primary keys and timestamps). Dates are relative to
``population.REFERENCE_DATE``, not to today, for the same reason.

The world needs the territories (communes, EPCI) and the ROME core to be loaded. It is
written with bulk operations in one transaction, recorded in ``DataSource`` under the name
``demo`` (version ``seed=…;scale=…;people=…``) and summarised by one audit event.
"""

from __future__ import annotations

import datetime
import itertools
import random
import string
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet
from django.utils.text import slugify

from fabrique.accounts.enums import OrganisationKind as Kind
from fabrique.accounts.enums import Role
from fabrique.accounts.models import Membership, Organisation, User
from fabrique.core import audit
from fabrique.core.models import DataSource
from fabrique.core.progress import ProgressCallback, no_progress
from fabrique.demo.logins import DEMO_PASSWORD, LOGINS, LoginSpec
from fabrique.demo.names import pick_name
from fabrique.demo.needs import build_demo_needs
from fabrique.demo.population import Area, Occupations, Population, cumulative
from fabrique.demo.world import (
    EMAIL_DOMAIN,
    NATIONAL,
    OPERATOR,
    SECTORS,
    STAFF_PER_KIND,
    STUDENT_AGES,
    TERRITORIES,
    OrgSpec,
    TerritorySpec,
)
from fabrique.people.models import Person, PersonSkill
from fabrique.platforms.demo import build_demo_platforms, build_demo_projects
from fabrique.referentials.loading import rome_loaded
from fabrique.referentials.models import Occupation, OccupationSkill, Scheme
from fabrique.territories.models import EPCI, Commune, IndustrialTerritory
from fabrique.trainings.demo import build_demo_catalogue

SOURCE_NAME = "demo"
DEFAULT_SEED = 2026
PEOPLE_PER_SCALE = 3000
JOINED = datetime.datetime(2027, 1, 4, 9, 0, tzinfo=datetime.UTC)
BATCH_SIZE = 1000
LEARNER_TRACK = "plastics"
STREETS = (
    "rue de l'Industrie",
    "rue de la Gare",
    "avenue de la République",
    "rue des Artisans",
    "rue du Moulin",
    "rue des Forges",
    "rue Pasteur",
    "rue Victor-Hugo",
    "zone d'activités du Parc",
    "rue des Tilleuls",
    "avenue Jean-Jaurès",
    "rue de l'Usine",
)


class DemoWorldError(RuntimeError):
    """The demo world cannot be built (missing reference data)."""


@dataclass(frozen=True)
class DemoState:
    """What the database says about the demo world it holds."""

    seed: int
    scale: int
    people_per_scale: int
    counts: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return f"seed={self.seed};scale={self.scale};people={self.people_per_scale}"

    @classmethod
    def parse(cls, version: str, counts: dict[str, Any]) -> DemoState:
        values = dict(part.split("=", 1) for part in version.split(";") if "=" in part)
        return cls(
            seed=int(values.get("seed", DEFAULT_SEED)),
            scale=int(values.get("scale", 1)),
            people_per_scale=int(values.get("people", PEOPLE_PER_SCALE)),
            counts=counts,
        )


@dataclass(frozen=True)
class BuildReport:
    built: bool  # False: the world was already there and nothing was written
    state: DemoState
    seconds: float


def demo_state() -> DemoState | None:
    source = DataSource.objects.filter(name=SOURCE_NAME).first()
    return DemoState.parse(source.version, source.counts) if source else None


def build_world(
    *,
    seed: int = DEFAULT_SEED,
    scale: int = 1,
    people_per_scale: int = PEOPLE_PER_SCALE,
    progress: ProgressCallback = no_progress,
) -> BuildReport:
    """Build the demo world unless one is there already (then nothing is written).

    ``scale`` multiplies the synthetic population (``people_per_scale`` people per unit,
    the learner's person included) and the extra staff accounts of each organisation.
    """
    if scale < 1 or people_per_scale < 1:
        raise ValueError("scale and people_per_scale must be at least 1")
    if existing := demo_state():
        return BuildReport(built=False, state=existing, seconds=0.0)
    if not rome_loaded():
        raise DemoWorldError("The ROME core is not loaded: load it first (load_rome_core).")
    started = time.perf_counter()
    with transaction.atomic(), audit.acting_as(None, source="command"):
        counts = _Builder(random.Random(seed), scale, people_per_scale * scale, progress).run()
        counts["frameworks"] = _build_frameworks()
        counts["trainings"] = build_demo_catalogue(seed=seed)
        counts.update(build_demo_needs(seed=seed))
        counts["equipment"] = build_demo_platforms(seed=seed)
        counts["innovation_projects"] = build_demo_projects(seed=seed)
        state = DemoState(seed=seed, scale=scale, people_per_scale=people_per_scale, counts=counts)
        DataSource.objects.create(name=SOURCE_NAME, version=state.version, counts=counts)
        audit.record_event(
            action="create",
            model="demo.world",
            object_id=state.version,
            label=f"Demo world built ({state.version})",
            after=counts,
        )
    return BuildReport(built=True, state=state, seconds=time.perf_counter() - started)


def _build_frameworks() -> int:
    """The learning-factory network's competency framework, built by its coordinator."""
    from fabrique.frameworks.demo import build_demo_frameworks

    membership = (
        Membership.objects.filter(organisation__slug="sud-lorraine-reseau", role=Role.COORDINATOR)
        .select_related("user", "organisation")
        .order_by("pk")
        .first()
    )
    if membership is None:
        return 0
    build_demo_frameworks(organisation=membership.organisation, by=membership.user)
    return 1


def current_communes() -> QuerySet[Commune]:
    """Communes that are still in the official geography."""
    if any(getattr(f, "name", "") == "obsolete" for f in Commune._meta.get_fields()):
        return Commune.objects.filter(obsolete=False)
    return Commune.objects.all()


@dataclass
class _Territory:
    spec: TerritorySpec
    epci_ids: list[int]
    communes: list[tuple[int, str, int]]  # (id, INSEE code, population), by INSEE code
    organisations: dict[str, Organisation] = field(default_factory=dict)

    def members(self, *kinds: str) -> list[tuple[OrgSpec, Organisation]]:
        return [
            (spec, self.organisations[spec.slug])
            for spec in self.spec.members
            if not kinds or spec.kind in kinds
        ]

    def area(self) -> Area:
        agencies = self.members(Kind.EMPLOYMENT_SERVICE)
        schools = [
            (spec, org)
            for spec, org in self.members(*STUDENT_AGES)
            if spec.students and spec.sectors
        ]
        companies = self.members(Kind.COMPANY)
        if not (agencies and schools and companies):
            raise DemoWorldError(f"{self.spec.code} needs an agency, schools and companies.")
        return Area(
            code=self.spec.code,
            surnames=self.spec.surnames,
            communes=[(pk, population) for pk, _, population in self.communes],
            companies=companies,
            schools=schools,
            agency=agencies[0][1],
        )


class _Builder:
    def __init__(
        self, rng: random.Random, scale: int, people: int, progress: ProgressCallback
    ) -> None:
        self.rng = rng
        self.scale = scale
        self.people = people
        self.progress = progress
        self.counts: Counter[str] = Counter()
        self.by_slug: dict[str, Organisation] = {}

    def run(self) -> dict[str, int]:
        self.progress(0, self.people, "Demo world: organisations and accounts")
        territories = self._territories()
        occupations = self._occupations()
        self._build_organisations(territories)
        self._build_territories(territories)
        learner = self._build_accounts(territories)
        population = Population(self.rng, [t.area() for t in territories], occupations)
        self._build_people(population, learner)
        return dict(sorted(self.counts.items()))

    # --- reference data -------------------------------------------------------------------

    def _territories(self) -> list[_Territory]:
        territories = []
        for spec in TERRITORIES:
            epcis = dict(EPCI.objects.filter(siren__in=spec.epci_sirens).values_list("siren", "id"))
            if missing := sorted(set(spec.epci_sirens) - set(epcis)):
                raise DemoWorldError(
                    f"EPCI {', '.join(missing)} of the territory {spec.code} are not loaded: "
                    "import the territories first."
                )
            communes = [
                (pk, code, population or 0)
                for pk, code, population in current_communes()
                .filter(epci_id__in=epcis.values())
                .order_by("insee_code")
                .values_list("id", "insee_code", "population")
            ]
            if not communes:
                raise DemoWorldError(f"The territory {spec.code} has no commune loaded.")
            territories.append(
                _Territory(spec, [epcis[siren] for siren in spec.epci_sirens], communes)
            )
        return territories

    def _occupations(self) -> Occupations:
        codes = sorted({code for fiches in SECTORS.values() for code in fiches})
        ids = dict(
            Occupation.objects.filter(scheme=Scheme.ROME, code__in=codes, obsolete=False)
            .values_list("code", "id")
        )  # fmt: skip
        by_sector = {
            sector: [code for code in fiches if code in ids] for sector, fiches in SECTORS.items()
        }
        if empty := [sector for sector, fiches in by_sector.items() if not fiches]:
            raise DemoWorldError(f"No ROME fiche loaded for the sectors {', '.join(empty)}.")
        skills: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for fiche, code, skill_id in OccupationSkill.objects.filter(
            occupation_id__in=ids.values(), skill__obsolete=False
        ).values_list("occupation__code", "skill__code", "skill_id"):
            skills[fiche].append((code, skill_id))
        return Occupations(
            by_sector=by_sector,
            ids=ids,
            skills={fiche: sorted(pool) for fiche, pool in skills.items()},
        )

    # --- organisations and territories ----------------------------------------------------

    def _place(self, spec: OrgSpec, territory: _Territory) -> int:
        """The organisation's own commune if it is in the territory, else a town drawn by
        population."""
        for pk, code, _ in territory.communes:
            if code == spec.commune:
                return pk
        towns = [c for c in territory.communes if c[2] >= 1000] or territory.communes
        weights = cumulative([max(population, 1) for _, _, population in towns])
        return self.rng.choices(towns, cum_weights=weights)[0][0]

    def _organisation(self, spec: OrgSpec, commune_id: int | None) -> Organisation:
        return Organisation(
            name=spec.name,
            slug=spec.slug,
            kind=spec.kind,
            description=spec.description,
            commune_id=commune_id,
            address=f"{self.rng.randint(1, 90)} {self.rng.choice(STREETS)}",
            email=f"contact@{spec.slug}.{EMAIL_DOMAIN}",
        )

    def _build_organisations(self, territories: list[_Territory]) -> None:
        created: list[Organisation] = []
        for territory in territories:
            for spec in territory.spec.organisations:
                organisation = self._organisation(spec, self._place(spec, territory))
                territory.organisations[spec.slug] = organisation
                created.append(organisation)
        national_communes = dict(
            current_communes()
            .filter(insee_code__in=[spec.commune for spec in NATIONAL if spec.commune])
            .values_list("insee_code", "id")
        )
        for spec in NATIONAL:  # their commune is left blank if it is not loaded
            created.append(self._organisation(spec, national_communes.get(spec.commune or "")))
        Organisation.objects.bulk_create(created, batch_size=BATCH_SIZE)
        Partners = Organisation.partners.through
        Partners.objects.bulk_create(
            [
                Partners(
                    from_organisation_id=territory.organisations[
                        territory.spec.coordinator.slug
                    ].pk,
                    to_organisation_id=organisation.pk,
                )
                for territory in territories
                for _, organisation in territory.members()
            ],
            batch_size=BATCH_SIZE,
        )
        self.by_slug = {organisation.slug: organisation for organisation in created}
        self.counts["organisations"] = len(created)
        self.counts.update(f"organisations_{organisation.kind}" for organisation in created)

    def _build_territories(self, territories: list[_Territory]) -> None:
        records = [
            IndustrialTerritory(code=t.spec.code, name=t.spec.name, description=t.spec.description)
            for t in territories
        ]
        IndustrialTerritory.objects.bulk_create(records)
        pairs = list(zip(records, territories, strict=True))
        EpciLinks = IndustrialTerritory.epcis.through
        EpciLinks.objects.bulk_create(
            EpciLinks(industrialterritory_id=record.pk, epci_id=epci_id)
            for record, territory in pairs
            for epci_id in territory.epci_ids
        )
        Coordinators = IndustrialTerritory.coordinating_organisations.through
        Coordinators.objects.bulk_create(
            Coordinators(
                industrialterritory_id=record.pk,
                organisation_id=territory.organisations[territory.spec.coordinator.slug].pk,
            )
            for record, territory in pairs
        )
        self.counts["territories"] = len(records)

    # --- accounts -------------------------------------------------------------------------

    def _build_accounts(self, territories: list[_Territory]) -> User:
        """One login per role, then a few staff accounts per organisation and unit of scale,
        all with the demo password. Returns the learner's account."""
        salt = "".join(self.rng.choices(string.ascii_letters + string.digits, k=22))
        password = make_password(DEMO_PASSWORD, salt=salt)  # hashed once, for everyone
        users: list[User] = []
        memberships: list[Membership] = []
        learner: User | None = None
        for login in LOGINS:
            user = _user(login.email, login.first_name, login.last_name, password, login)
            users.append(user)
            memberships.append(
                Membership(
                    user=user, organisation=self.by_slug[login.organisation], role=login.role
                )
            )
            if login.role == Role.LEARNER:
                learner = user
        assert learner is not None
        emails = {user.email for user in users}
        surnames = {
            slug: territory.spec.surnames
            for territory in territories
            for slug in territory.organisations
        }
        for organisation in self.by_slug.values():
            if organisation.slug == OPERATOR.slug or organisation.kind not in STAFF_PER_KIND:
                continue
            per_scale, role = STAFF_PER_KIND[organisation.kind]
            for index in range(per_scale * self.scale):
                pool = surnames.get(organisation.slug, "lorraine")
                first, last = pick_name(self.rng, pool, woman=self.rng.random() < 0.5)
                local = f"{slugify(first)}.{slugify(last)}"
                domain = f"{organisation.slug}.{EMAIL_DOMAIN}"
                email = f"{local}@{domain}"
                for suffix in itertools.count(2):
                    if email not in emails:
                        break
                    email = f"{local}{suffix}@{domain}"
                emails.add(email)
                user = _user(email, first, last, password)
                users.append(user)
                staff_role = Role.ORGANISATION_ADMIN if index == 0 else role
                memberships.append(
                    Membership(user=user, organisation=organisation, role=staff_role)
                )
        User.objects.bulk_create(users, batch_size=BATCH_SIZE)
        Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
        self.counts["users"] = len(users)
        self.counts["memberships"] = len(memberships)
        return learner

    # --- people ---------------------------------------------------------------------------

    def _build_people(self, population: Population, learner: User) -> None:
        iut = self.by_slug[
            next(login.organisation for login in LOGINS if login.role == Role.LEARNER)
        ]
        track = population.occupations.by_sector[LEARNER_TRACK][0]
        batch = [population.learner(learner, iut, track)]
        total = self.people
        for index in range(1, total + 1):
            if index < total:
                batch.append(population.person(index))
            if batch and (len(batch) >= BATCH_SIZE or index == total):
                people = [person for person, _ in batch]
                skills = [skill for _, person_skills in batch for skill in person_skills]
                Person.objects.bulk_create(people)
                PersonSkill.objects.bulk_create(skills, batch_size=BATCH_SIZE)
                self.counts["people"] += len(people)
                self.counts["person_skills"] += len(skills)
                self.counts.update(f"people_{person.status}" for person in people)
                self.progress(self.counts["people"], total, "Demo world: people")
                batch = []


def _user(email: str, first: str, last: str, password: str, login: LoginSpec | None = None) -> User:
    staff = bool(login and login.staff)
    return User(
        email=email,
        first_name=first,
        last_name=last,
        password=password,
        language="fr",
        is_staff=staff,
        is_superuser=staff,
        date_joined=JOINED,
    )

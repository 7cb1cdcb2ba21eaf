"""Factories of planning records (every one is built in tests/test_factories.py)."""

import datetime as _dt
from decimal import Decimal
from types import SimpleNamespace

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from fabrique.planning.enums import RunStatus
from fabrique.planning.models import PlanAssignment, PlanRun, Scenario, UnfilledNeed
from tests.factories import IndustrialTerritoryFactory


class ScenarioFactory(DjangoModelFactory):
    """A scenario over the next year of a territory, without what-if changes."""

    class Meta:
        model = Scenario

    name = factory.Sequence(lambda n: f"Scénario {n}")
    territory = factory.SubFactory(IndustrialTerritoryFactory)
    horizon_start = factory.LazyFunction(_dt.date.today)
    horizon_end = factory.LazyAttribute(lambda s: s.horizon_start + _dt.timedelta(days=365))
    km_cost_eur = Decimal("0.30")
    changes = factory.LazyFunction(list)


class PlanRunFactory(DjangoModelFactory):
    """A queued run; trait ``done`` gives it an empty solved result."""

    class Meta:
        model = PlanRun

    scenario = factory.SubFactory(ScenarioFactory)
    status = RunStatus.QUEUED

    class Params:
        done = factory.Trait(
            status=RunStatus.DONE,
            filled=0,
            demand=0,
            total_cost_eur=0,
            solve_seconds=0.01,
            finished_at=factory.LazyFunction(timezone.now),
            document=factory.LazyAttribute(
                lambda run: {
                    "format": "fabrique-plan/1",
                    "name": run.scenario.name,
                    "parameters": {"km_cost_eur": 0.3, "session_to_need_max_km": 60},
                    "candidates": [],
                    "sessions": [],
                    "needs": [],
                }
            ),
            result=factory.LazyAttribute(
                lambda run: {
                    "format": "fabrique-plan-result/1",
                    "scenario": run.scenario.name,
                    "status": "optimal",
                    "filled": 0,
                    "demand": 0,
                    "total_cost_eur": 0,
                    "assignments": [],
                    "unfilled": [],
                    "solve_seconds": 0.01,
                }
            ),
        )


class PlanAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = PlanAssignment

    run = factory.SubFactory(PlanRunFactory, done=True)
    candidate_ref = factory.Sequence(lambda n: f"p-{n + 1}")
    session_ref = ""
    need_ref = "n-1"


class UnfilledNeedFactory(DjangoModelFactory):
    class Meta:
        model = UnfilledNeed

    run = factory.SubFactory(PlanRunFactory, done=True)
    need_ref = factory.Sequence(lambda n: f"n-{n + 1}")
    missing = 1
    reasons = factory.LazyFunction(lambda: ["no eligible candidate within reach"])


def planning_world(*, horizon_days: int = 365) -> SimpleNamespace:
    """A small territory to plan: who, what and where every planning test knows by name.

    Territory "Est" = one EPCI with communes Forbach (A) and Saint-Avold (B), 16 km apart;
    Nancy (C) lies outside, 70 km away. Occupation H2903 (and its déclinaison H2903-1),
    skill "safety". Training T1 (3,000 €) leads to H2903 and requires "safety"; its session
    S1 in Forbach has 2 seats left. Need N1: 5 × H2903 in Forbach before the horizon's end.
    Candidates: Alice (Forbach, safety), Bruno (Saint-Avold, safety), Chloé (Forbach, holds
    the déclinaison: placed directly). So the best plan fills 3 of 5 seats.
    """
    from fabrique.accounts.enums import Role
    from tests import factories as f

    today = _dt.date.today()
    end = today + _dt.timedelta(days=horizon_days)
    epci = f.EPCIFactory(name="CA Forbach Porte de France")
    elsewhere = f.EPCIFactory(name="Métropole du Grand Nancy")
    forbach = f.CommuneFactory(name="Forbach", epci=epci, latitude=49.188, longitude=6.896)
    saint_avold = f.CommuneFactory(name="Saint-Avold", epci=epci, latitude=49.104, longitude=6.707)
    unlocated = f.CommuneFactory(name="Lieu-dit", epci=epci, latitude=None, longitude=None)
    nancy = f.CommuneFactory(name="Nancy", epci=elsewhere, latitude=48.692, longitude=6.184)
    agency = f.OrganisationFactory(name="Agence Est", employment_service=True, commune=forbach)
    coordinators = f.OrganisationFactory(name="Coordination Est", consortium=True, commune=forbach)
    territory = f.IndustrialTerritoryFactory(name="Est", epcis=[epci], coordinators=[coordinators])
    coordinator = f.UserFactory(email="coordinatrice@example.org")
    f.MembershipFactory(user=coordinator, organisation=coordinators, role=Role.COORDINATOR)

    fiche = f.OccupationFactory(code="H2903", label="Conduite d'équipements d'usinage")
    declinaison = f.OccupationFactory(code="H2903-1", label="Usinage, déclinaison", parent=fiche)
    safety = f.SkillFactory(code="900001", label="Appliquer les règles de sécurité")
    training = f.TrainingFactory(title="Usinage CN", price=3000)
    training.occupations.set([declinaison])
    training.prerequisite_skills.set([safety])
    session = f.SessionFactory(
        training=training,
        commune=forbach,
        latitude=49.188,
        longitude=6.896,
        start=today + _dt.timedelta(days=30),
        end=today + _dt.timedelta(days=120),
        capacity=3,
        seats_taken=1,
    )
    useless = f.TrainingFactory(title="Culture générale", price=None)
    f.SessionFactory(training=useless, commune=forbach, start=today + _dt.timedelta(days=40))
    f.SessionFactory(
        training=training,
        commune=unlocated,
        latitude=None,
        longitude=None,
        start=today + _dt.timedelta(days=50),
    )
    far = f.SessionFactory(
        training=training,
        commune=nancy,
        latitude=48.692,
        longitude=6.184,
        start=today + _dt.timedelta(days=30),
        end=today + _dt.timedelta(days=120),
    )

    def person(first_name, commune, **fields):
        return f.PersonFactory(
            first_name=first_name,
            last_name="Martin",
            commune=commune,
            organisation=agency,
            mobility_radius_km=30,
            **fields,
        )

    alice = person("Alice", forbach)
    bruno = person("Bruno", saint_avold)
    chloe = person("Chloé", forbach, current_occupation=declinaison)
    for someone in (alice, bruno):
        f.PersonSkillFactory(person=someone, skill=safety)
    outsider = person("Oscar", nancy)
    f.PersonSkillFactory(person=outsider, skill=safety)
    anonymous = person("Anonyme", forbach, anonymised_at=timezone.now())
    unplaced = person("Ulysse", unlocated)
    homeless = person("Sans", None)

    project = f.IndustrialProjectFactory(
        name="Nouvelle ligne Forbach", commune=forbach, territory=territory
    )
    need = f.HiringNeedFactory(
        project=project, occupation=fiche, count=5, needed_by=today + _dt.timedelta(days=200)
    )
    later = f.HiringNeedFactory(
        project=project, occupation=fiche, count=2, needed_by=end + _dt.timedelta(days=100)
    )
    lost_project = f.IndustrialProjectFactory(
        name="Projet sans lieu", commune=unlocated, latitude=None, longitude=None, territory=None
    )
    lost = f.HiringNeedFactory(
        project=lost_project, occupation=fiche, count=1, needed_by=today + _dt.timedelta(days=90)
    )
    scenario = ScenarioFactory(
        name="Est 12 mois",
        territory=territory,
        horizon_start=today,
        horizon_end=end,
        created_by=coordinator,
    )
    return SimpleNamespace(**locals())


class ProposalFactory(DjangoModelFactory):
    """A proposal of a plan to the person of its assignment, not answered yet."""

    class Meta:
        model = "planning.Proposal"

    assignment = factory.SubFactory(
        PlanAssignmentFactory, person=factory.SubFactory("tests.factories.PersonFactory")
    )
    person = factory.LazyAttribute(lambda proposal: proposal.assignment.person)

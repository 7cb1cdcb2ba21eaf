"""The demo world, built once for this module (300 people) over the real shipped geography of
the départements 57, 25 and 54."""

import datetime
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password

from fabrique.accounts.enums import OrganisationKind as Kind
from fabrique.accounts.enums import Role
from fabrique.accounts.models import AuditEvent, Membership, Organisation, User
from fabrique.core.models import DataSource
from fabrique.demo.builder import build_world, demo_state
from fabrique.demo.digest import world_digest
from fabrique.demo.logins import DEMO_PASSWORD, LOGINS
from fabrique.demo.population import AGES, MOBILITY_KM, REFERENCE_DATE
from fabrique.demo.world import TERRITORIES
from fabrique.people.enums import PersonStatus as Status
from fabrique.people.models import Person, PersonSkill
from fabrique.territories.models import IndustrialTerritory
from tests.demo.conftest import SMALL

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_world")]


def members_by_kind(code: str) -> Counter:
    territory = IndustrialTerritory.objects.get(code=code)
    (coordinator,) = territory.coordinating_organisations.all()
    return Counter(coordinator.partners.values_list("kind", flat=True))


def test_forbach_consortium_has_its_platform_iut_lycee_incubator_agency_and_companies():
    kinds = members_by_kind("moselle-est")

    assert kinds == {
        Kind.UNIVERSITY: 2,  # the plastics and connected-objects platform, the IUT
        Kind.LYCEE: 1,
        Kind.ASSOCIATION: 1,  # the business incubator
        Kind.COMPANY: 12,
        Kind.EMPLOYMENT_SERVICE: 1,
    }


def test_besancon_campus_has_15_lycees_10_companies_6_colleges_and_an_agency():
    kinds = members_by_kind("besancon-microtechniques")

    assert kinds == {Kind.LYCEE: 15, Kind.COMPANY: 10, Kind.COLLEGE: 6, Kind.EMPLOYMENT_SERVICE: 1}


def test_nancy_network_has_5_fab_labs_3_engineering_schools_a_training_centre_and_companies():
    kinds = members_by_kind("sud-lorraine-nancy")

    assert kinds[Kind.ASSOCIATION] == 5
    assert kinds[Kind.UNIVERSITY] == 3
    assert kinds[Kind.TRAINING_CENTRE] == 1
    assert kinds[Kind.COMPANY] >= 5


def test_members_by_kind_match_the_world_description():
    for spec in TERRITORIES:
        assert members_by_kind(spec.code) == spec.expected, spec.code


def test_region_funder_and_consortia_exist_once_each():
    kinds = Counter(Organisation.objects.values_list("kind", flat=True))

    assert kinds[Kind.REGION] == 1
    assert kinds[Kind.FUNDER] == 1
    assert kinds[Kind.CONSORTIUM] == 3
    assert Organisation.objects.get(kind=Kind.REGION).name == "Région Grand Est"


def test_territories_are_made_of_the_real_epci():
    sirens = {
        territory.code: set(territory.epcis.values_list("siren", flat=True))
        for territory in IndustrialTerritory.objects.all()
    }

    assert {"245700372", "200067502", "200070746"} <= sirens[
        "moselle-est"
    ]  # Forbach, Saint-Avold, Sarreguemines
    assert "242500361" in sirens["besancon-microtechniques"]  # Grand Besançon Métropole
    assert "245400676" in sirens["sud-lorraine-nancy"]  # Métropole du Grand Nancy


def test_each_territory_is_coordinated_by_its_consortium():
    coordinators = {
        territory.code: [org.kind for org in territory.coordinating_organisations.all()]
        for territory in IndustrialTerritory.objects.all()
    }

    assert coordinators == {spec.code: [Kind.CONSORTIUM] for spec in TERRITORIES}


def test_every_organisation_of_a_territory_is_in_one_of_its_communes():
    for territory in IndustrialTerritory.objects.all():
        epcis = set(territory.epcis.values_list("pk", flat=True))
        (coordinator,) = territory.coordinating_organisations.all()
        organisations = [coordinator, *coordinator.partners.select_related("commune")]

        misplaced = [
            o.slug for o in organisations if o.commune is None or o.commune.epci_id not in epcis
        ]

        assert misplaced == [], territory.code


def test_named_organisations_are_in_their_real_communes():
    communes = dict(Organisation.objects.values_list("slug", "commune__insee_code"))

    assert communes["moselle-est-consortium"] == "57227"  # Forbach
    assert communes["moselle-est-plateforme-plasturgie"] == "57606"  # Saint-Avold
    assert communes["besancon-campus"] == "25056"  # Besançon
    assert communes["sud-lorraine-reseau"] == "54395"  # Nancy
    assert communes["region-grand-est"] == "57463"  # Metz


def test_sirets_are_blank_or_14_digits():
    sirets = set(Organisation.objects.values_list("siret", flat=True))

    assert all(siret == "" or (len(siret) == 14 and siret.isdigit()) for siret in sirets)


def test_each_role_has_one_login_that_authenticates_with_the_demo_password():
    assert sorted(login.role for login in LOGINS) == sorted(Role.values)
    for login in LOGINS:
        user = authenticate(email=login.email, password=DEMO_PASSWORD)

        assert user is not None, login.email
        assert Membership.objects.filter(user=user, role=login.role).count() == 1


def test_demo_password_passes_the_password_validators():
    for login in LOGINS:
        validate_password(DEMO_PASSWORD, User.objects.get(email=login.email))


def test_the_platform_admin_is_staff_and_superuser_and_no_one_else_is():
    admins = User.objects.filter(is_superuser=True)

    assert [(user.email, user.is_staff) for user in admins] == [("admin@demo.fabrique.test", True)]


def test_the_learner_login_is_a_person_followed_by_the_iut():
    person = Person.objects.select_related("organisation").get(
        user__email="apprenant@demo.fabrique.test"
    )

    assert person.organisation.slug == "moselle-est-iut"
    assert person.status == Status.STUDENT
    assert person.skills.count() >= 3


def test_every_organisation_has_accounts():
    with_staff = set(Membership.objects.values_list("organisation__slug", flat=True))

    assert set(Organisation.objects.values_list("slug", flat=True)) == with_staff


def test_people_count_is_the_population_asked_for():
    assert Person.objects.count() == SMALL


def test_people_statuses_come_in_plausible_proportions():
    shares = Counter(Person.objects.values_list("status", flat=True))

    assert set(shares) == {
        Status.JOB_SEEKER,
        Status.RECONVERSION,
        Status.STUDENT,
        Status.APPRENTICE,
    }
    assert 0.30 < shares[Status.JOB_SEEKER] / SMALL < 0.50
    assert 0.12 < shares[Status.RECONVERSION] / SMALL < 0.28
    assert 0.18 < shares[Status.STUDENT] / SMALL < 0.38
    assert 0.05 < shares[Status.APPRENTICE] / SMALL < 0.20


def test_ages_fit_each_status():
    for status, (youngest, oldest) in AGES.items():
        ages = [
            REFERENCE_DATE.year - year
            for year in Person.objects.filter(status=status).values_list("birth_year", flat=True)
        ]

        assert ages, status
        assert min(ages) >= youngest, status
        assert max(ages) <= oldest, status


def test_mobility_radius_fits_each_status():
    for status, (low, high) in MOBILITY_KM.items():
        radii = set(
            Person.objects.filter(status=status).values_list("mobility_radius_km", flat=True)
        )

        assert radii, status
        assert min(radii) >= low, status
        assert max(radii) <= high, status
    assert Person.objects.filter(mobility_radius_km__lt=10).count() == 0
    assert Person.objects.filter(mobility_radius_km__gt=60).count() == 0


def test_people_are_followed_by_an_organisation_of_their_kind_and_territory():
    expected = {
        Status.JOB_SEEKER: {Kind.EMPLOYMENT_SERVICE},
        Status.STUDENT: {Kind.LYCEE, Kind.UNIVERSITY, Kind.TRAINING_CENTRE},
        Status.APPRENTICE: {Kind.COMPANY},
        Status.RECONVERSION: {Kind.COMPANY},
    }
    epcis_of = {
        org_id: set(
            IndustrialTerritory.objects.filter(
                coordinating_organisations__partners=org_id
            ).values_list("epcis", flat=True)
        )
        for org_id in Person.objects.values_list("organisation_id", flat=True).distinct()
    }

    for person in Person.objects.select_related("organisation", "commune"):
        assert person.organisation.kind in expected[person.status], person
        assert person.commune.epci_id in epcis_of[person.organisation_id], person


def test_employees_have_an_industrial_occupation_and_most_job_seekers_too():
    industrial = ("H", "I", "N1", "M18", "B16")
    occupations = list(
        Person.objects.filter(status__in=[Status.RECONVERSION, Status.APPRENTICE]).values_list(
            "current_occupation__code", flat=True
        )
    )
    seekers = list(
        Person.objects.filter(status=Status.JOB_SEEKER).values_list(
            "current_occupation__code", flat=True
        )
    )

    assert all(code and code.startswith(industrial) for code in occupations)
    assert 0.5 < sum(1 for code in seekers if code) / len(seekers) < 0.9
    assert all(code.startswith(industrial) for code in seekers if code)
    assert not Person.objects.filter(
        status=Status.STUDENT, current_occupation__isnull=False
    ).exists()


def test_each_person_declares_3_to_12_skills_of_the_rome():
    per_person = Counter(PersonSkill.objects.values_list("person_id", flat=True))

    assert len(per_person) == SMALL
    assert min(per_person.values()) >= 3
    assert max(per_person.values()) <= 12
    assert set(PersonSkill.objects.values_list("skill__scheme", "source").distinct()) == {
        ("rome", "declared")
    }


def test_employees_skills_belong_to_their_occupation():
    person = Person.objects.filter(status=Status.RECONVERSION).order_by("pk").first()
    occupation_skills = set(
        person.current_occupation.skill_links.values_list("skill_id", flat=True)
    )

    assert set(person.skills.values_list("skill_id", flat=True)) <= occupation_skills


def test_consents_are_given_by_about_60_and_80_percent():
    to_employers = Person.objects.filter(consent_to_employers=True).count() / SMALL
    to_contact = Person.objects.filter(consent_to_contact=True).count() / SMALL

    assert 0.48 < to_employers < 0.72
    assert 0.70 < to_contact < 0.90


def test_available_from_is_set_and_not_before_the_reference_date():
    dates = list(Person.objects.values_list("available_from", flat=True))

    assert all(date is not None and date >= REFERENCE_DATE for date in dates)


def test_the_build_is_recorded_as_a_data_source_and_one_audit_event():
    source = DataSource.objects.get(name="demo")

    assert source.version == f"seed=11;scale=1;people={SMALL}"
    assert source.counts["people"] == SMALL
    assert AuditEvent.objects.filter(model="demo.world").count() == 1
    assert demo_state().seed == 11


def test_building_again_writes_nothing():
    before = (world_digest(), AuditEvent.objects.count(), Person.objects.count())

    report = build_world(seed=99, scale=3, people_per_scale=SMALL)

    assert report.built is False
    assert (report.state.seed, report.state.scale) == (11, 1)
    assert (world_digest(), AuditEvent.objects.count(), Person.objects.count()) == before


def test_each_territory_has_industrial_projects_with_dated_needs_and_a_scenario():
    from fabrique.demo.needs import HORIZON_DAYS
    from fabrique.needs.models import HiringNeed, IndustrialProject
    from fabrique.planning.models import Scenario

    for spec in TERRITORIES:
        territory = IndustrialTerritory.objects.get(code=spec.code)
        projects = IndustrialProject.objects.filter(territory=territory)
        assert projects.exists(), spec.code
        for project in projects.select_related("company", "commune"):
            assert project.company.kind == Kind.COMPANY
            assert project.latitude is not None
            assert project.commune is not None
        needs = HiringNeed.objects.filter(project__territory=territory)
        assert needs.count() >= projects.count()
        horizon_end = REFERENCE_DATE + datetime.timedelta(days=HORIZON_DAYS)
        assert all(REFERENCE_DATE < n.needed_by <= horizon_end for n in needs)
        (scenario,) = Scenario.objects.filter(territory=territory)
        assert scenario.horizon_start == REFERENCE_DATE
        assert scenario.horizon_end == horizon_end
        assert scenario.created_by is not None

"""The measures technical platforms give the indicators: outcomes of innovation projects,
projects supported and hours used, by territory and period."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from fabrique.accounts.actions import erase_user
from fabrique.core import measures
from fabrique.platforms.enums import BookingState, OutcomeKind, ProjectStage
from tests.factories import CommuneFactory, IndustrialTerritoryFactory, OrganisationFactory
from tests.factories_platforms import (
    AuthorisationFactory,
    BookingFactory,
    EquipmentFactory,
    InnovationProjectFactory,
    ProjectMemberFactory,
    ProjectOutcomeFactory,
    ProjectStageRecordFactory,
    TechnicalPlatformFactory,
    at,
)

pytestmark = pytest.mark.django_db
JAN, FEB, MAR = dt.date(2026, 1, 15), dt.date(2026, 2, 15), dt.date(2026, 3, 15)


@pytest.fixture
def world():
    """Two territories, each with a platform hosting one project."""
    inside, outside = CommuneFactory(), CommuneFactory()
    territory = IndustrialTerritoryFactory()
    territory.epcis.add(inside.epci)
    here = InnovationProjectFactory(platform=TechnicalPlatformFactory(commune=inside))
    there = InnovationProjectFactory(platform=TechnicalPlatformFactory(commune=outside))
    # Without a host platform, the holder organisation's commune places the project.
    placed_by_holder = InnovationProjectFactory(
        platform=None, holder_organisation=OrganisationFactory(kind="company", commune=inside)
    )
    return territory, here, there, placed_by_holder


def test_outcomes_are_summed_by_territory_and_period(world):
    territory, here, there, placed_by_holder = world
    ProjectOutcomeFactory(project=here, kind=OutcomeKind.JOBS_CREATED, value=3, on=JAN)
    ProjectOutcomeFactory(project=here, kind=OutcomeKind.JOBS_CREATED, value=2, on=MAR)
    ProjectOutcomeFactory(project=placed_by_holder, kind=OutcomeKind.JOBS_CREATED, value=1, on=FEB)
    ProjectOutcomeFactory(project=there, kind=OutcomeKind.JOBS_CREATED, value=7, on=JAN)
    ProjectOutcomeFactory(project=here, kind=OutcomeKind.INVESTMENT_RAISED, value=150000, on=FEB)

    local = measures.Scope(territory_id=territory.pk)
    early = measures.Scope(territory_id=territory.pk, start=JAN, end=FEB)

    assert measures.value("platforms.jobs_created") == Decimal(13)
    assert measures.value("platforms.jobs_created", local) == Decimal(6)
    assert measures.value("platforms.jobs_created", early) == Decimal(4)
    assert measures.value("platforms.investment_raised", local) == Decimal(150000)
    assert measures.value("platforms.products_launched", local) == Decimal(0)


def test_a_project_is_supported_in_every_period_it_was_at_some_stage(world):
    territory, here, there, _placed = world
    ProjectStageRecordFactory(
        project=here, stage=ProjectStage.CONCEPT, started_on=JAN, ended_on=FEB
    )
    ProjectStageRecordFactory(project=here, stage=ProjectStage.PROTOTYPE, started_on=FEB)
    ProjectStageRecordFactory(project=there, stage=ProjectStage.IDEA, started_on=MAR)

    def supported(start, end, territory_id=None):
        scope = measures.Scope(territory_id=territory_id, start=start, end=end)
        return measures.value("platforms.projects_supported", scope)

    assert supported(JAN, JAN) == 1
    assert supported(MAR, MAR) == 2
    assert supported(MAR, MAR, territory.pk) == 1
    assert supported(dt.date(2025, 1, 1), dt.date(2025, 12, 31)) == 0


def test_hours_used_count_bookings_done_only(world):
    territory, here, _there, _placed = world
    machine = EquipmentFactory(platform=here.platform)
    BookingFactory(equipment=machine, start=at(FEB, 9), end=at(FEB, 12), state=BookingState.DONE)
    BookingFactory(
        equipment=machine, start=at(FEB, 13), end=at(FEB, 15), state=BookingState.NO_SHOW
    )

    scope = measures.Scope(territory_id=territory.pk, start=FEB.replace(day=1), end=FEB)
    assert measures.value("platforms.equipment_hours_used", scope) == Decimal("3.00")


def test_every_measure_has_a_known_unit_and_a_label():
    keys = {measure.key for measure in measures.all_measures()}

    assert {"platforms.jobs_created", "platforms.investment_raised"} <= keys
    with pytest.raises(KeyError, match="No measure is called"):
        measures.get("platforms.nothing")


def test_the_personal_data_download_holds_bookings_authorisations_and_project_teams(client):
    member = ProjectMemberFactory()
    BookingFactory(user=member.user, project="Boîtier")
    AuthorisationFactory(user=member.user)
    client.force_login(member.user)

    data = client.get(reverse("accounts:download_data")).json()

    assert [b["project"] for b in data["equipment_bookings"]] == ["Boîtier"]
    assert len(data["equipment_authorisations"]) == 1
    assert data["innovation_project_teams"][0]["project"] == member.project.name


def test_an_erased_account_leaves_its_project_teams():
    member = ProjectMemberFactory()

    erase_user(user=member.user, by=member.user)

    assert not member.project.team.exists()

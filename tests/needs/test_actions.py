"""Writes of industrial projects and hiring needs, and their refusals."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fabrique.accounts.enums import Role
from fabrique.accounts.models import AuditEvent
from fabrique.needs import actions
from fabrique.needs.enums import ProjectStage
from fabrique.needs.models import HiringNeed, IndustrialProject
from tests.factories import (
    CommuneFactory,
    HiringNeedFactory,
    IndustrialProjectFactory,
    OccupationFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NEXT_YEAR = dt.date(2027, 9, 1)


@pytest.fixture
def company():
    return OrganisationFactory(company=True)


@pytest.fixture
def contact(make_member, company):
    return make_member(Role.COMPANY_CONTACT, company)


def test_create_project_takes_the_commune_centre_and_is_audited(company, contact):
    commune = CommuneFactory(latitude=49.19, longitude=6.9)

    project = actions.create_project(
        company=company, name=" Ligne d'usinage ", commune=commune, by=contact
    )

    assert (project.name, project.stage, project.confidential) == (
        "Ligne d'usinage",
        ProjectStage.ANNOUNCED,
        True,
    )
    assert (project.latitude, project.longitude) == (49.19, 6.9)
    event = AuditEvent.objects.get(model="needs.industrialproject")
    assert (event.action, event.actor) == ("create", contact)


def test_create_project_without_a_site_is_refused_on_the_commune(company, contact):
    with pytest.raises(ValidationError) as error:
        actions.create_project(company=company, name="Sans site", commune=None, by=contact)

    assert list(error.value.message_dict) == ["commune"]
    assert not IndustrialProject.objects.exists()


def test_create_project_with_half_coordinates_is_refused(company, contact):
    with pytest.raises(ValidationError) as error:
        actions.create_project(
            company=company, name="Demi", commune=None, latitude=49.1, by=contact
        )

    assert list(error.value.message_dict) == ["longitude"]


def test_create_project_for_another_company_is_refused(contact):
    with pytest.raises(PermissionDenied):
        actions.create_project(
            company=OrganisationFactory(company=True),
            name="Ailleurs",
            commune=CommuneFactory(),
            by=contact,
        )

    assert not IndustrialProject.objects.exists()


def test_update_project_changes_stage_and_coordinates(company, contact):
    project = IndustrialProjectFactory(company=company)

    actions.update_project(
        project=project,
        name="Extension",
        description="",
        stage=ProjectStage.BUILDING,
        commune=None,
        latitude=48.5,
        longitude=7.1,
        territory=None,
        investment_eur=3_000_000,
        confidential=False,
        by=contact,
    )

    project.refresh_from_db()
    assert (project.name, project.stage, project.commune, project.latitude) == (
        "Extension",
        ProjectStage.BUILDING,
        None,
        48.5,
    )


def test_add_need_without_occupation_is_refused_on_the_occupation(company, contact):
    project = IndustrialProjectFactory(company=company)

    with pytest.raises(ValidationError) as error:
        actions.add_need(project=project, occupation=None, count=3, needed_by=NEXT_YEAR, by=contact)

    assert list(error.value.message_dict) == ["occupation"]
    assert not HiringNeed.objects.exists()


def test_add_need_with_no_job_is_refused(company, contact):
    project = IndustrialProjectFactory(company=company)

    with pytest.raises(ValidationError) as error:
        actions.add_need(
            project=project,
            occupation=OccupationFactory(),
            count=0,
            needed_by=NEXT_YEAR,
            by=contact,
        )

    assert "count" in error.value.message_dict


def test_add_update_and_delete_need(company, contact):
    project = IndustrialProjectFactory(company=company)
    occupation = OccupationFactory(code="H2903")

    need = actions.add_need(
        project=project, occupation=occupation, count=12, needed_by=NEXT_YEAR, by=contact
    )
    actions.update_need(
        need=need,
        occupation=occupation,
        count=15,
        needed_by=NEXT_YEAR,
        contract="fixed_term",
        level="",
        confidence="firm",
        note="",
        by=contact,
    )
    need.refresh_from_db()
    counts = (need.count, need.contract, need.confidence)
    actions.delete_need(need=need, by=contact)

    assert counts == (15, "fixed_term", "firm")
    assert not HiringNeed.objects.exists()
    assert [
        e.action for e in AuditEvent.objects.filter(model="needs.hiringneed").order_by("pk")
    ] == [
        "create",
        "update",
        "delete",
    ]


def test_a_stranger_may_not_add_or_delete_needs():
    need = HiringNeedFactory()
    stranger = UserFactory()

    with pytest.raises(PermissionDenied):
        actions.add_need(
            project=need.project,
            occupation=need.occupation,
            count=1,
            needed_by=NEXT_YEAR,
            by=stranger,
        )
    with pytest.raises(PermissionDenied):
        actions.delete_need(need=need, by=stranger)

    assert HiringNeed.objects.count() == 1

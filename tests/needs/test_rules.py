"""Who sees and changes industrial projects."""

import pytest
from django.contrib.auth.models import AnonymousUser

from fabrique.accounts.enums import Role
from fabrique.needs import queries, rules
from tests.factories import (
    IndustrialProjectFactory,
    IndustrialTerritoryFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_public_project_is_seen_by_anyone_logged_in_but_not_anonymous():
    project = IndustrialProjectFactory(public=True)

    assert rules.can_view_project(UserFactory(), project) is True
    assert rules.can_view_project(AnonymousUser(), project) is False


def test_confidential_project_is_hidden_from_a_stranger():
    project = IndustrialProjectFactory()
    stranger = UserFactory()

    assert rules.can_view_project(stranger, project) is False
    assert rules.can_edit_project(stranger, project) is False
    assert list(queries.projects_visible_to(stranger)) == []


def test_confidential_project_is_seen_by_its_company_members(make_member):
    project = IndustrialProjectFactory()
    viewer = make_member(Role.VIEWER, project.company)
    contact = make_member(Role.COMPANY_CONTACT, project.company)

    assert rules.can_view_project(viewer, project) is True
    assert rules.can_edit_project(viewer, project) is False
    assert rules.can_edit_project(contact, project) is True
    assert list(queries.projects_visible_to(viewer)) == [project]


def test_confidential_project_is_seen_by_the_coordinators_of_its_territory(make_member):
    consortium = OrganisationFactory(consortium=True)
    territory = IndustrialTerritoryFactory()
    territory.coordinating_organisations.add(consortium)
    project = IndustrialProjectFactory(territory=territory)
    coordinator = make_member(Role.COORDINATOR, consortium)
    other_coordinator = make_member(Role.COORDINATOR, OrganisationFactory(consortium=True))

    assert rules.can_view_project(coordinator, project) is True
    assert rules.can_edit_project(coordinator, project) is True
    assert rules.can_view_project(other_coordinator, project) is False
    assert list(queries.projects_visible_to(coordinator)) == [project]


def test_confidential_project_is_seen_by_the_coordinators_of_its_company(make_member):
    consortium = OrganisationFactory(consortium=True)
    project = IndustrialProjectFactory()
    consortium.partners.add(project.company)
    coordinator = make_member(Role.COORDINATOR, consortium)

    assert rules.can_view_project(coordinator, project) is True
    assert list(queries.projects_visible_to(coordinator)) == [project]


def test_platform_admins_see_every_project():
    project = IndustrialProjectFactory()
    admin = UserFactory(superuser=True)

    assert rules.can_view_project(admin, project) is True
    assert rules.can_edit_project(admin, project) is True
    assert list(queries.projects_visible_to(admin)) == [project]

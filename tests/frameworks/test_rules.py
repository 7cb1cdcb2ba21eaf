import pytest
from django.contrib.auth.models import AnonymousUser

from fabrique.accounts.enums import Role
from fabrique.frameworks import actions, rules
from fabrique.frameworks.models import CompetencyFramework, FrameworkVersion
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(coordinator, build_framework):
    """A framework with a published version 1 and a draft version 2."""
    published = build_framework(coordinator)
    draft = actions.start_new_version(framework=published.framework, by=coordinator)
    return published, draft


def test_coordinators_of_the_owner_edit_and_see_drafts(coordinator, versions):
    published, draft = versions

    assert rules.can_edit_framework(coordinator, published.framework)
    assert rules.can_view_version(coordinator, draft)
    assert rules.can_edit_version(coordinator, draft)
    assert not rules.can_edit_version(coordinator, published)
    assert rules.can_retire_version(coordinator, published)
    assert not rules.can_retire_version(coordinator, draft)


def test_coordinators_of_a_consortium_federating_the_owner_edit(consortium_coordinator, versions):
    published, draft = versions

    assert rules.can_edit_framework(consortium_coordinator, published.framework)
    assert rules.can_view_version(consortium_coordinator, draft)


def test_platform_admins_edit_every_framework(versions):
    admin = UserFactory(superuser=True)

    assert rules.editor_organisation_ids(admin) is None
    assert rules.can_edit_framework(admin, versions[0].framework)


@pytest.mark.parametrize(
    "role", [Role.TRAINER, Role.ORGANISATION_ADMIN, Role.VIEWER, Role.REVIEWER, Role.LEARNER]
)
def test_other_roles_of_the_owner_read_published_versions_only(
    make_member, learning_factory, versions, role
):
    user = make_member(role, learning_factory)
    published, draft = versions

    assert not rules.can_edit_framework(user, published.framework)
    assert rules.can_view_framework(user, published.framework)
    assert rules.can_view_version(user, published)
    assert not rules.can_view_version(user, draft)


def test_a_coordinator_elsewhere_reads_published_versions_only(make_member, versions):
    elsewhere = make_member(Role.COORDINATOR, OrganisationFactory())
    published, draft = versions

    assert not rules.can_edit_framework(elsewhere, published.framework)
    assert rules.can_view_version(elsewhere, published)
    assert not rules.can_view_version(elsewhere, draft)


def test_a_framework_never_published_is_hidden_from_non_editors(
    coordinator, reader, build_framework
):
    draft = build_framework(coordinator, publish=False)

    assert not rules.can_view_framework(reader, draft.framework)
    assert rules.can_view_framework(coordinator, draft.framework)


def test_anonymous_visitors_see_nothing(versions):
    anonymous = AnonymousUser()
    published, _draft = versions

    assert not rules.can_view_framework(anonymous, published.framework)
    assert not rules.can_view_version(anonymous, published)
    assert not rules.can_create_framework(anonymous)
    assert list(CompetencyFramework.objects.visible_to(anonymous)) == []


def test_visible_to_lists_published_frameworks_and_own_drafts(
    coordinator, reader, versions, build_framework, make_member
):
    published, draft = versions
    unpublished = build_framework(coordinator, publish=False).framework
    outsider = make_member(Role.COORDINATOR, OrganisationFactory())
    hidden = actions.create_framework(
        owner=outsider.memberships.get().organisation, title="Caché", by=outsider
    )

    assert set(CompetencyFramework.objects.visible_to(reader)) == {published.framework}
    assert set(CompetencyFramework.objects.visible_to(coordinator)) == {
        published.framework,
        unpublished,
    }
    assert set(CompetencyFramework.objects.visible_to(outsider)) == {published.framework, hidden}
    assert set(FrameworkVersion.objects.visible_to(reader)) == {published}
    assert set(FrameworkVersion.objects.visible_to(coordinator)) == {
        published,
        draft,
        unpublished.versions.get(),
    }


def test_can_create_framework_needs_a_coordinator_role(coordinator, reader):
    assert rules.can_create_framework(coordinator)
    assert not rules.can_create_framework(reader)

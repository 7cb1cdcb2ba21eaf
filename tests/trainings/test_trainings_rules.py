"""Who reads which training: published ones are public, unpublished ones belong to their
organisation's members and the platform admins."""

import pytest
from django.contrib.auth.models import AnonymousUser

from fabrique.accounts.enums import Role
from fabrique.trainings.queries import sessions_visible_to, trainings_visible_to
from fabrique.trainings.rules import can_view_session, can_view_training
from tests.factories import SessionFactory, TrainingFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_published_training_is_public():
    training = TrainingFactory()

    assert can_view_training(AnonymousUser(), training) is True
    assert can_view_training(None, training) is True


@pytest.mark.parametrize("role", [Role.VIEWER, Role.TRAINER, Role.ORGANISATION_ADMIN])
def test_unpublished_training_is_read_by_any_member_of_its_organisation(make_member, role):
    training = TrainingFactory(unpublished=True)

    member = make_member(role, organisation=training.organisation)

    assert can_view_training(member, training) is True


def test_unpublished_training_is_hidden_from_others(make_member):
    training = TrainingFactory(unpublished=True)
    session = SessionFactory(training=training)
    inactive = make_member(Role.VIEWER, organisation=training.organisation, is_active=False)

    assert can_view_training(AnonymousUser(), training) is False
    assert can_view_training(make_member(Role.COORDINATOR), training) is False
    assert can_view_training(inactive, training) is False
    assert can_view_session(AnonymousUser(), session) is False


def test_platform_admin_reads_everything(make_member):
    training = TrainingFactory(unpublished=True)

    assert can_view_training(UserFactory(superuser=True), training) is True
    assert can_view_training(make_member(Role.PLATFORM_ADMIN), training) is True


def test_visible_querysets_agree_with_the_predicates(make_member):
    public = SessionFactory()
    private = SessionFactory(training__unpublished=True)
    member = make_member(Role.VIEWER, organisation=private.training.organisation)

    assert list(sessions_visible_to(AnonymousUser())) == [public]
    assert set(sessions_visible_to(member)) == {public, private}
    assert set(trainings_visible_to(member)) == {public.training, private.training}
    assert list(trainings_visible_to(make_member(Role.VIEWER))) == [public.training]

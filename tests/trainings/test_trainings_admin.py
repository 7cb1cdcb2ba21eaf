"""The admin of the training offer: every page opens, trainings carry their audiences and
fundings inline, enrolment history is read only."""

import pytest
from django.urls import reverse

from tests.factories import (
    EnrolmentTransitionFactory,
    SessionFactory,
    TrainingAudienceFactory,
    TrainingFundingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(superuser=True))
    return client


def test_training_change_page_has_audience_and_funding_inlines(admin_client):
    audience = TrainingAudienceFactory()
    TrainingFundingFactory(training=audience.training)

    response = admin_client.get(
        reverse("admin:trainings_training_change", args=[audience.training.pk])
    )

    html = response.content.decode()
    assert 'name="audiences-0-audience"' in html
    assert 'name="fundings-0-funding"' in html


@pytest.mark.parametrize("name", ["training", "session", "enrolment", "enrolmenttransition"])
def test_changelists_list_their_rows(admin_client, name):
    transition = EnrolmentTransitionFactory()
    session = transition.enrolment.session

    response = admin_client.get(reverse(f"admin:trainings_{name}_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert session.training.title in response.content.decode() or name == "enrolmenttransition"


def test_enrolment_history_is_read_only(admin_client):
    transition = EnrolmentTransitionFactory()

    enrolment_page = admin_client.get(
        reverse("admin:trainings_enrolment_change", args=[transition.enrolment.pk])
    )
    transition_page = admin_client.get(
        reverse("admin:trainings_enrolmenttransition_change", args=[transition.pk])
    )

    assert 'name="transitions-0-target"' not in enrolment_page.content.decode()
    assert 'name="state"' not in enrolment_page.content.decode()
    assert 'name="target"' not in transition_page.content.decode()
    assert admin_client.get(reverse("admin:trainings_enrolmenttransition_add")).status_code == 403


def test_session_seats_taken_cannot_be_edited(admin_client):
    session = SessionFactory()

    html = admin_client.get(reverse("admin:trainings_session_change", args=[session.pk])).content

    assert b'name="seats_taken"' not in html
    assert b'name="capacity"' in html

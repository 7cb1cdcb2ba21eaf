import json

import pytest

from fabrique.accounts.enums import Role
from fabrique.accounts.models import ApiToken
from fabrique.trainings.enums import EnrolmentState, SessionStatus
from fabrique.trainings.models import Enrolment, Session
from tests.api.fuzzing import fuzz_operations
from tests.factories import (
    EnrolmentFactory,
    OrganisationFactory,
    PersonFactory,
    SessionFactory,
    TrainingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/enrolments"
E = EnrolmentState


def bearer(user) -> dict[str, str]:
    token = ApiToken(user=user, name="tests")
    key = ApiToken.generate_key()
    token.set_key(key)
    token.save()
    return {"Authorization": f"Bearer {key}"}


def post(client, path, body, user):
    return client.post(
        BASE + path, json.dumps(body), content_type="application/json", headers=bearer(user)
    )


@pytest.fixture
def centre():
    return OrganisationFactory()


@pytest.fixture
def trainer(make_member, centre):
    return make_member(Role.TRAINER, centre)


@pytest.fixture
def session(centre):
    return SessionFactory(training=TrainingFactory(organisation=centre), capacity=1)


@pytest.fixture
def learner():
    return PersonFactory(user=UserFactory(), first_name="Léa", last_name="Muller")


def test_api_needs_authentication(client):
    assert client.get(BASE).status_code == 401


def test_learner_applies_for_themself(client, session, learner):
    response = post(client, "", {"session": session.pk, "note": "Reconversion"}, learner.user)

    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["person"], body["session"], body["note"]) == (
        E.REQUESTED,
        {"id": learner.pk, "name": "Léa Muller"},
        session.pk,
        "Reconversion",
    )
    assert [(t["source"], t["target"]) for t in body["transitions"]] == [("", E.REQUESTED)]


def test_applying_twice_is_a_conflict(client, session, learner):
    post(client, "", {"session": session.pk}, learner.user)

    response = post(client, "", {"session": session.pk}, learner.user)

    assert response.status_code == 409
    assert Enrolment.objects.count() == 1


def test_applying_without_a_record_says_whom_for(client, session):
    response = post(client, "", {"session": session.pk}, UserFactory())

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "person"]


def test_applying_for_a_person_one_cannot_see_looks_like_an_unknown_person(client, session):
    stranger = PersonFactory()

    response = post(client, "", {"session": session.pk, "person": stranger.pk}, UserFactory())

    assert response.status_code == 422
    assert not Enrolment.objects.exists()


def test_applying_for_a_visible_person_one_does_not_counsel_is_forbidden(
    client, session, make_member
):
    person = PersonFactory()
    viewer = make_member(Role.VIEWER, person.organisation)

    response = post(client, "", {"session": session.pk, "person": person.pk}, viewer)

    assert response.status_code == 403


def test_applying_for_a_cancelled_session_is_invalid(client, centre, learner):
    session = SessionFactory(training=TrainingFactory(organisation=centre), cancelled=True)

    response = post(client, "", {"session": session.pk}, learner.user)

    assert response.status_code == 422


def test_direct_enrolment_is_for_the_training_organisation(client, session, trainer, learner):
    apprentice = PersonFactory(organisation=session.training.organisation)

    refused = post(client, "", {"session": session.pk, "direct": True}, learner.user)
    unseen = post(
        client, "", {"session": session.pk, "person": learner.pk, "direct": True}, trainer
    )
    accepted = post(
        client, "", {"session": session.pk, "person": apprentice.pk, "direct": True}, trainer
    )

    assert (refused.status_code, unseen.status_code) == (403, 422)
    assert (accepted.status_code, accepted.json()["state"]) == (201, E.ACCEPTED)


def test_list_shows_only_visible_enrolments(client, session, learner, trainer):
    mine = EnrolmentFactory(session=session, person=learner)
    EnrolmentFactory()  # another centre's session, another person

    for_learner = client.get(BASE, headers=bearer(learner.user)).json()
    for_trainer = client.get(BASE, headers=bearer(trainer)).json()

    assert [e["id"] for e in for_learner["items"]] == [mine.pk]
    assert [e["id"] for e in for_trainer["items"]] == [mine.pk]


def test_list_filters_by_state(client, session, trainer):
    EnrolmentFactory(session=session)
    waiting = EnrolmentFactory(session=session, state=E.WAITLISTED)

    body = client.get(f"{BASE}?state=waitlisted", headers=bearer(trainer)).json()

    assert [e["id"] for e in body["items"]] == [waiting.pk]


def test_detail_of_an_invisible_enrolment_is_404(client, session):
    enrolment = EnrolmentFactory(session=session)

    response = client.get(f"{BASE}/{enrolment.pk}", headers=bearer(UserFactory()))

    assert response.status_code == 404


def test_accepting_through_the_api_waitlists_when_full(client, session, trainer):
    first, second = EnrolmentFactory.create_batch(2, session=session)

    answers = [
        post(client, f"/{e.pk}/transitions", {"target": "accepted"}, trainer).json()["state"]
        for e in (first, second)
    ]

    assert answers == [E.ACCEPTED, E.WAITLISTED]
    assert Session.objects.get(pk=session.pk).status == SessionStatus.FULL


def test_the_person_may_not_accept_their_own_enrolment(client, session, learner):
    enrolment = EnrolmentFactory(session=session, person=learner)

    response = post(client, f"/{enrolment.pk}/transitions", {"target": "accepted"}, learner.user)

    assert response.status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.state == E.REQUESTED


def test_refusing_needs_a_reason(client, session, trainer):
    enrolment = EnrolmentFactory(session=session)

    response = post(client, f"/{enrolment.pk}/transitions", {"target": "refused"}, trainer)

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "reason"]


def test_an_impossible_transition_is_a_conflict(client, session, trainer):
    enrolment = EnrolmentFactory(session=session, state=E.REFUSED)

    for target in ("accepted", "requested"):
        response = post(client, f"/{enrolment.pk}/transitions", {"target": target}, trainer)
        assert response.status_code == 409


def test_the_person_withdraws(client, session, learner):
    enrolment = EnrolmentFactory(session=session, person=learner)

    response = post(client, f"/{enrolment.pk}/transitions", {"target": "withdrawn"}, learner.user)

    assert (response.status_code, response.json()["state"]) == (200, E.WITHDRAWN)


def test_enrolments_api_never_answers_with_a_server_error(api_schema, session, trainer, subtests):
    learner = PersonFactory(organisation=session.training.organisation)
    enrolment = EnrolmentFactory(session=session, person=learner)
    headers = bearer(trainer)
    known = {"enrolment_id": enrolment.pk}

    fuzzed = fuzz_operations(api_schema, subtests, prefix=BASE, known=known, headers=headers)

    assert fuzzed > 0

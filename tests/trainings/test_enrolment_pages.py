import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import capfirst

from fabrique.accounts.enums import Role
from fabrique.trainings import actions
from fabrique.trainings.enums import EnrolmentState, SessionStatus
from fabrique.trainings.models import Enrolment, Session
from tests.factories import (
    EnrolmentFactory,
    OrganisationFactory,
    PersonFactory,
    SessionFactory,
    TrainingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
E = EnrolmentState


@pytest.fixture
def centre():
    return OrganisationFactory(name="Lycée Jean-Moulin")


@pytest.fixture
def trainer(make_member, centre):
    return make_member(Role.TRAINER, centre)


@pytest.fixture
def session(centre):
    return SessionFactory(
        training=TrainingFactory(organisation=centre, title="Maintenance industrielle"),
        capacity=1,
    )


@pytest.fixture
def learner():
    return PersonFactory(user=UserFactory(), first_name="Léa", last_name="Muller")


@pytest.fixture
def counsellor(make_member, learner):
    return make_member(Role.COORDINATOR, learner.organisation)


def _box(session, user):
    request = RequestFactory().get(f"/formations/sessions/{session.pk}/")
    request.user = user
    return render_to_string(
        "trainings/_enrolment_box.html", {"session": session, "user": user}, request=request
    )


# --- the box of a session page --------------------------------------------------------------------


def test_box_invites_an_anonymous_visitor_to_log_in(session):
    html = _box(session, AnonymousUser())

    assert reverse("accounts:login") in html
    assert reverse("trainings:enrolment_apply", args=[session.pk]) not in html


def test_box_offers_a_person_to_apply(session, learner):
    html = _box(session, learner.user)

    assert f'action="{reverse("trainings:enrolment_apply", args=[session.pk])}"' in html
    assert 'name="own-note"' in html


def test_box_shows_the_state_of_my_enrolment_instead_of_the_form(session, learner):
    EnrolmentFactory(session=session, person=learner, state=E.WAITLISTED)

    html = _box(session, learner.user)

    assert f'<strong class="badge">{escape(capfirst(E.WAITLISTED.label))}</strong>' in html
    assert 'name="own-note"' not in html
    assert (
        reverse("trainings:enrolment_transition", args=[Enrolment.objects.get().pk, "withdraw"])
        in html
    )


def test_box_says_why_nobody_may_apply_to_a_cancelled_session(centre, learner):
    session = SessionFactory(training=TrainingFactory(organisation=centre), cancelled=True)

    html = _box(session, learner.user)

    assert 'name="own-note"' not in html
    assert escape(actions.registration_problem(session)) in html


def test_box_offers_counsellors_to_apply_for_someone(session, counsellor):
    html = _box(session, counsellor)

    assert f'href="{reverse("trainings:enrolment_apply", args=[session.pk])}"' in html
    assert reverse("trainings:enrolment_manage", args=[session.pk]) not in html


def test_box_links_the_training_organisation_to_its_management_page(session, trainer):
    html = _box(session, trainer)

    assert reverse("trainings:enrolment_manage", args=[session.pk]) in html


# --- applying ------------------------------------------------------------------------------------


def test_learner_applies_from_the_box(client, session, learner):
    client.force_login(learner.user)

    response = client.post(
        reverse("trainings:enrolment_apply", args=[session.pk]), {"own-note": "Reconversion"}
    )

    enrolment = Enrolment.objects.get()
    assert (enrolment.person, enrolment.state, enrolment.note) == (
        learner,
        E.REQUESTED,
        "Reconversion",
    )
    assert (
        response["Location"] == reverse("trainings:enrolment_mine") + f"#enrolment-{enrolment.pk}"
    )


def test_applying_twice_says_so_without_a_second_enrolment(client, session, learner):
    client.force_login(learner.user)
    url = reverse("trainings:enrolment_apply", args=[session.pk])
    client.post(url, {"own-note": ""})

    response = client.post(url, {"own-note": ""}, follow=True)

    assert Enrolment.objects.count() == 1
    assert "Léa Muller" in response.content.decode()
    assert response.redirect_chain == []


def test_counsellor_applies_for_a_followed_person(client, session, learner, counsellor):
    client.force_login(counsellor)

    client.post(
        reverse("trainings:enrolment_apply", args=[session.pk]),
        {"other-person_choice": learner.pk, "other-note": "Projet validé"},
    )

    enrolment = Enrolment.objects.get()
    assert (enrolment.person, enrolment.requested_by) == (learner, counsellor)


def test_counsellor_may_not_choose_someone_they_do_not_follow(client, session, counsellor):
    stranger = PersonFactory()
    client.force_login(counsellor)

    response = client.post(
        reverse("trainings:enrolment_apply", args=[session.pk]),
        {"other-person_choice": stranger.pk},
    )

    assert response.status_code == 200
    assert not Enrolment.objects.exists()


def test_user_without_record_nor_followed_people_may_not_apply(client, session):
    client.force_login(UserFactory())

    response = client.post(
        reverse("trainings:enrolment_apply", args=[session.pk]), {"own-note": ""}
    )

    assert response.status_code == 403
    assert not Enrolment.objects.exists()


def test_apply_page_of_an_unpublished_training_is_404_for_outsiders(client, learner):
    session = SessionFactory(training=TrainingFactory(unpublished=True))
    client.force_login(learner.user)

    response = client.get(reverse("trainings:enrolment_apply", args=[session.pk]))

    assert response.status_code == 404


# --- the management page -------------------------------------------------------------------------


def test_management_page_is_forbidden_outside_the_training_organisation(
    client, session, counsellor
):
    client.force_login(counsellor)

    response = client.get(reverse("trainings:enrolment_manage", args=[session.pk]))

    assert response.status_code == 403


def test_management_page_groups_enrolments_by_state(client, session, trainer):
    EnrolmentFactory(session=session, person__last_name="Demandeuse")
    EnrolmentFactory(session=session, state=E.REFUSED, person__last_name="Refusé")
    client.force_login(trainer)

    page = client.get(reverse("trainings:enrolment_manage", args=[session.pk])).content.decode()

    requested = page.index('id="enrolments-requested"')
    refused = page.index('id="enrolments-refused"')
    assert requested < page.index("Demandeuse") < refused < page.index("Refusé")


@pytest.mark.parametrize("count", [1, 3])
def test_management_page_query_count_does_not_grow(
    client, session, trainer, django_assert_max_num_queries, count
):
    EnrolmentFactory.create_batch(count, session=session)
    client.force_login(trainer)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("trainings:enrolment_manage", args=[session.pk]))

    assert response.content.decode().count('<tr id="enrolment-') == count


def test_organisation_accepts_then_the_next_one_is_waitlisted(client, session, trainer):
    first, second = EnrolmentFactory.create_batch(2, session=session)
    client.force_login(trainer)

    for enrolment in (first, second):
        client.post(reverse("trainings:enrolment_transition", args=[enrolment.pk, "accept"]))

    assert list(Enrolment.objects.order_by("pk").values_list("state", flat=True)) == [
        E.ACCEPTED,
        E.WAITLISTED,
    ]
    assert Session.objects.get(pk=session.pk).status == SessionStatus.FULL


def test_refusing_without_a_reason_says_so(client, session, trainer):
    enrolment = EnrolmentFactory(session=session)
    client.force_login(trainer)

    response = client.post(
        reverse("trainings:enrolment_transition", args=[enrolment.pk, "refuse"]),
        {"reason": ""},
        follow=True,
    )

    enrolment.refresh_from_db()
    assert enrolment.state == E.REQUESTED
    assert 'class="message message-error"' in response.content.decode()


def test_refusing_with_a_reason(client, session, trainer):
    enrolment = EnrolmentFactory(session=session)
    client.force_login(trainer)

    client.post(
        reverse("trainings:enrolment_transition", args=[enrolment.pk, "refuse"]),
        {"reason": "Prérequis manquants"},
    )

    enrolment.refresh_from_db()
    assert enrolment.state == E.REFUSED


def test_transition_of_an_enrolment_one_cannot_see_is_404(client, session):
    enrolment = EnrolmentFactory(session=session)
    client.force_login(UserFactory())

    response = client.post(reverse("trainings:enrolment_transition", args=[enrolment.pk, "accept"]))

    assert response.status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.state == E.REQUESTED


def test_unknown_transition_is_404(client, session, trainer):
    enrolment = EnrolmentFactory(session=session)
    client.force_login(trainer)

    response = client.post(
        reverse("trainings:enrolment_transition", args=[enrolment.pk, "promote"])
    )

    assert response.status_code == 404


def test_transition_ignores_a_next_address_on_another_site(client, session, trainer):
    enrolment = EnrolmentFactory(session=session)
    client.force_login(trainer)

    response = client.post(
        reverse("trainings:enrolment_transition", args=[enrolment.pk, "waitlist"]),
        {"next": "https://evil.example.com/"},
    )

    assert response["Location"] == reverse("trainings:enrolment_manage", args=[session.pk])


def test_transition_needs_post(client, session, trainer):
    enrolment = EnrolmentFactory(session=session)
    client.force_login(trainer)

    response = client.get(reverse("trainings:enrolment_transition", args=[enrolment.pk, "accept"]))

    assert response.status_code == 405


def test_waiting_list_button_gives_freed_seats(client, session, trainer):
    actions.enrol_person(
        session=session,
        person=PersonFactory(organisation=session.training.organisation),
        by=trainer,
    )
    waiting = actions.enrol_person(
        session=session,
        person=PersonFactory(organisation=session.training.organisation),
        by=trainer,
    )
    Session.objects.filter(pk=session.pk).update(capacity=2)
    client.force_login(trainer)

    client.post(reverse("trainings:enrolment_advance_waitlist", args=[session.pk]))

    waiting.refresh_from_db()
    assert waiting.state == E.ACCEPTED


def test_cancel_session_from_the_management_page(client, session, trainer):
    client.force_login(trainer)

    client.post(
        reverse("trainings:enrolment_cancel_session", args=[session.pk]), {"reason": "Travaux"}
    )

    assert Session.objects.get(pk=session.pk).status == SessionStatus.CANCELLED


# --- my enrolments --------------------------------------------------------------------------------


def test_my_enrolments_lists_mine_and_those_of_people_i_follow(
    client, session, learner, counsellor
):
    EnrolmentFactory(session=session, person=learner)
    EnrolmentFactory(session=session, person__last_name="Inconnu")
    client.force_login(counsellor)

    page = client.get(reverse("trainings:enrolment_mine")).content.decode()

    assert "Léa Muller" in page
    assert "Inconnu" not in page


def test_learner_withdraws_from_my_enrolments(client, session, learner):
    enrolment = EnrolmentFactory(session=session, person=learner)
    client.force_login(learner.user)

    response = client.post(
        reverse("trainings:enrolment_transition", args=[enrolment.pk, "withdraw"]),
        {"next": reverse("trainings:enrolment_mine")},
    )

    enrolment.refresh_from_db()
    assert enrolment.state == E.WITHDRAWN
    assert response["Location"] == reverse("trainings:enrolment_mine")


@pytest.mark.parametrize("count", [1, 3])
def test_my_enrolments_query_count_does_not_grow(
    client, learner, django_assert_max_num_queries, count
):
    for _ in range(count):
        EnrolmentFactory(person=learner, session__start=dt.date.today() + dt.timedelta(days=30))
    client.force_login(learner.user)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("trainings:enrolment_mine"))

    assert response.content.decode().count('<tr id="enrolment-') == count

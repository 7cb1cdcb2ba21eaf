import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from fabrique.accounts.enums import Role
from fabrique.accounts.models import AuditEvent
from fabrique.core.models import Notification
from fabrique.people.enums import SkillSource
from fabrique.people.models import PersonSkill
from fabrique.trainings import actions
from fabrique.trainings.enums import EnrolmentState, SessionStatus
from fabrique.trainings.models import Enrolment, Session
from tests.factories import (
    EnrolmentFactory,
    OrganisationFactory,
    PersonFactory,
    PersonSkillFactory,
    SessionFactory,
    SkillFactory,
    TrainingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
E = EnrolmentState
TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def in_english():
    """The tests read English messages, whatever catalogues the project ships."""
    with translation.override("en"):
        yield


@pytest.fixture
def centre():
    return OrganisationFactory(name="Lycée Jean-Moulin")


@pytest.fixture
def trainer(make_member, centre):
    return make_member(Role.TRAINER, centre, email="trainer@example.org")


@pytest.fixture
def session(centre):
    return SessionFactory(training=TrainingFactory(organisation=centre), capacity=2)


@pytest.fixture
def learner():
    user = UserFactory(email="lea@example.org", language="de")
    return PersonFactory(user=user, first_name="Léa", last_name="Muller")


def _states(enrolment):
    return [(t.source, t.target) for t in enrolment.transitions.order_by("at", "pk")]


def _reload(session):
    return Session.objects.get(pk=session.pk)


def _accepted(session, by, count):
    return [
        actions.enrol_person(
            session=session, person=PersonFactory(organisation=session.training.organisation), by=by
        )
        for _ in range(count)
    ]


# --- applying ------------------------------------------------------------------------------------


def test_apply_for_session_leaves_the_enrolment_requested_with_its_history(session, learner):
    enrolment = actions.apply_for_session(
        session=session, person=learner, by=learner.user, note="Reconversion"
    )

    assert (enrolment.state, enrolment.note, enrolment.requested_by) == (
        E.REQUESTED,
        "Reconversion",
        learner.user,
    )
    assert _states(enrolment) == [("", E.REQUESTED)]
    assert _reload(session).seats_taken == 0


def test_apply_for_session_is_recorded_in_the_audit_log(session, learner):
    enrolment = actions.apply_for_session(session=session, person=learner, by=learner.user)

    event = AuditEvent.objects.get(model="trainings.enrolment", object_id=str(enrolment.pk))
    assert (event.action, event.actor) == ("create", learner.user)


def test_apply_for_session_tells_the_training_organisation(session, learner, trainer):
    actions.apply_for_session(session=session, person=learner, by=learner.user)

    assert list(Notification.objects.values_list("user__email", flat=True)) == [trainer.email]


def test_counsellor_applies_for_a_followed_person_who_is_told(session, learner, make_member):
    counsellor = make_member(Role.COORDINATOR, learner.organisation, first_name="Paul")

    enrolment = actions.apply_for_session(session=session, person=learner, by=counsellor)

    assert enrolment.requested_by == counsellor
    assert Notification.objects.filter(user=learner.user).count() == 1


def test_stranger_may_not_apply_for_someone_else(session, learner):
    with pytest.raises(PermissionDenied):
        actions.apply_for_session(session=session, person=learner, by=UserFactory())

    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(
    ("session_fields", "reason"),
    [
        ({"status": SessionStatus.CANCELLED}, "cancelled"),
        ({"status": SessionStatus.CLOSED}, "closed"),
        ({"start": TODAY}, "started"),
        ({"start": TODAY - dt.timedelta(days=3)}, "started"),
        ({"registration_deadline": TODAY - dt.timedelta(days=1)}, "deadline"),
    ],
)
def test_apply_is_refused_when_registrations_are_over(centre, learner, session_fields, reason):
    session = SessionFactory(training=TrainingFactory(organisation=centre), **session_fields)

    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        actions.apply_for_session(session=session, person=learner, by=learner.user)

    assert refusal.value.code == "registration_closed"
    assert reason in refusal.value.messages[0]
    assert not Enrolment.objects.exists()


def test_apply_on_the_deadline_day_is_accepted(centre, learner):
    session = SessionFactory(
        training=TrainingFactory(organisation=centre), registration_deadline=TODAY
    )

    enrolment = actions.apply_for_session(session=session, person=learner, by=learner.user)

    assert enrolment.state == E.REQUESTED


def test_apply_twice_is_refused_while_the_first_is_live(session, learner):
    actions.apply_for_session(session=session, person=learner, by=learner.user)

    with pytest.raises(ValidationError) as refusal:
        actions.apply_for_session(session=session, person=learner, by=learner.user)

    assert refusal.value.code == "already_enrolled"
    assert Enrolment.objects.count() == 1


def test_apply_again_after_withdrawing_is_allowed(session, learner):
    first = actions.apply_for_session(session=session, person=learner, by=learner.user)
    actions.withdraw_enrolment(enrolment=first, by=learner.user)

    second = actions.apply_for_session(session=session, person=learner, by=learner.user)

    assert second.pk != first.pk
    assert second.state == E.REQUESTED


# --- deciding ------------------------------------------------------------------------------------


def test_accept_takes_a_seat_and_tells_the_person(session, learner, trainer):
    enrolment = actions.apply_for_session(session=session, person=learner, by=learner.user)
    Notification.objects.all().delete()

    actions.accept_enrolment(enrolment=enrolment, by=trainer)

    enrolment.refresh_from_db()
    assert enrolment.state == E.ACCEPTED
    assert _states(enrolment) == [("", E.REQUESTED), (E.REQUESTED, E.ACCEPTED)]
    assert enrolment.transitions.last().by == trainer
    assert (_reload(session).seats_taken, _reload(session).status) == (1, SessionStatus.OPEN)
    assert list(Notification.objects.values_list("user", flat=True)) == [learner.user.pk]


def test_accepting_the_last_seat_makes_the_session_full(session, trainer):
    _accepted(session, trainer, 2)

    assert (_reload(session).seats_taken, _reload(session).status) == (2, SessionStatus.FULL)


def test_accept_on_a_full_session_waitlists_without_error(session, trainer):
    _accepted(session, trainer, 2)
    enrolment = EnrolmentFactory(session=session)

    actions.accept_enrolment(enrolment=enrolment, by=trainer)

    enrolment.refresh_from_db()
    assert enrolment.state == E.WAITLISTED
    assert enrolment.waitlisted_at is not None
    assert _reload(session).seats_taken == 2


def test_accept_a_waitlisted_enrolment_on_a_full_session_leaves_it_waitlisted(session, trainer):
    _accepted(session, trainer, 2)
    waiting = actions.enrol_person(
        session=session,
        person=PersonFactory(organisation=session.training.organisation),
        by=trainer,
    )

    actions.accept_enrolment(enrolment=waiting, by=trainer)

    waiting.refresh_from_db()
    assert waiting.state == E.WAITLISTED
    assert _states(waiting) == [("", E.REQUESTED), (E.REQUESTED, E.WAITLISTED)]


def test_only_the_training_organisation_decides(session, learner, make_member):
    enrolment = actions.apply_for_session(session=session, person=learner, by=learner.user)
    other_centre_trainer = make_member(Role.TRAINER)

    for user in (learner.user, other_centre_trainer):
        with pytest.raises(PermissionDenied):
            actions.accept_enrolment(enrolment=enrolment, by=user)

    enrolment.refresh_from_db()
    assert enrolment.state == E.REQUESTED


def test_platform_admin_decides_for_any_session(session, learner):
    enrolment = actions.apply_for_session(session=session, person=learner, by=learner.user)

    actions.accept_enrolment(enrolment=enrolment, by=UserFactory(superuser=True))

    enrolment.refresh_from_db()
    assert enrolment.state == E.ACCEPTED


def test_waitlist_enrolment_ranks_it_on_the_waiting_list(session, learner, trainer):
    enrolment = actions.apply_for_session(session=session, person=learner, by=learner.user)

    actions.waitlist_enrolment(enrolment=enrolment, by=trainer)

    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.waitlisted_at is not None) == (E.WAITLISTED, True)


def test_refuse_needs_a_reason(session, learner, trainer):
    enrolment = actions.apply_for_session(session=session, person=learner, by=learner.user)

    with pytest.raises(ValidationError) as refusal:
        actions.refuse_enrolment(enrolment=enrolment, by=trainer, reason="   ")

    assert "reason" in refusal.value.message_dict
    enrolment.refresh_from_db()
    assert enrolment.state == E.REQUESTED


def test_refuse_records_the_reason_and_tells_the_person(session, learner, trainer):
    enrolment = actions.apply_for_session(session=session, person=learner, by=learner.user)

    actions.refuse_enrolment(enrolment=enrolment, by=trainer, reason="Prérequis manquants")

    enrolment.refresh_from_db()
    assert enrolment.state == E.REFUSED
    assert enrolment.transitions.last().reason == "Prérequis manquants"
    told = Notification.objects.get(user=learner.user)
    assert "Prérequis manquants" in told.message


def test_a_transition_outside_the_table_is_refused(session, learner, trainer):
    enrolment = actions.apply_for_session(session=session, person=learner, by=learner.user)
    actions.refuse_enrolment(enrolment=enrolment, by=trainer, reason="Complet")

    with pytest.raises(ValidationError) as refusal:
        actions.accept_enrolment(enrolment=enrolment, by=trainer)

    assert refusal.value.code == "transition"


# --- seats freed, the waiting list moves --------------------------------------------------------


def test_withdrawing_an_accepted_enrolment_gives_the_seat_to_the_first_waitlisted(session, trainer):
    first, _second = _accepted(session, trainer, 2)
    waiting = [
        actions.enrol_person(
            session=session,
            person=PersonFactory(user=UserFactory(), organisation=session.training.organisation),
            by=trainer,
        )
        for _ in range(2)
    ]
    first.person.user = UserFactory()
    first.person.save()

    actions.withdraw_enrolment(enrolment=first, by=first.person.user, reason="Trouvé un emploi")

    states = {e.pk: e.state for e in Enrolment.objects.all()}
    assert states[first.pk] == E.WITHDRAWN
    assert [states[waiting[0].pk], states[waiting[1].pk]] == [E.ACCEPTED, E.WAITLISTED]
    assert (_reload(session).seats_taken, _reload(session).status) == (2, SessionStatus.FULL)
    assert Notification.objects.filter(user=waiting[0].person.user).count() == 2
    assert Notification.objects.filter(user=waiting[1].person.user).count() == 1


def test_withdrawing_without_waiting_list_reopens_a_full_session(session, trainer):
    first, _second = _accepted(session, trainer, 2)

    actions.withdraw_enrolment(enrolment=first, by=UserFactory(superuser=True))

    assert (_reload(session).seats_taken, _reload(session).status) == (1, SessionStatus.OPEN)


def test_withdrawing_a_request_frees_no_seat(session, learner, trainer):
    _accepted(session, trainer, 1)
    enrolment = actions.apply_for_session(session=session, person=learner, by=learner.user)

    actions.withdraw_enrolment(enrolment=enrolment, by=learner.user)

    assert _reload(session).seats_taken == 1


def test_the_training_organisation_may_not_withdraw_for_the_person(session, learner, trainer):
    enrolment = actions.apply_for_session(session=session, person=learner, by=learner.user)

    with pytest.raises(PermissionDenied):
        actions.withdraw_enrolment(enrolment=enrolment, by=trainer)


def test_advance_waitlist_fills_seats_added_later(session, trainer):
    _accepted(session, trainer, 2)
    waiting = actions.enrol_person(
        session=session,
        person=PersonFactory(organisation=session.training.organisation),
        by=trainer,
    )
    Session.objects.filter(pk=session.pk).update(capacity=3)

    moved = actions.advance_waitlist(session=session, by=trainer)

    assert moved == [waiting]
    assert _reload(session).seats_taken == 3


# --- the training ---------------------------------------------------------------------------------


@pytest.fixture
def started(session, trainer):
    enrolment = actions.enrol_person(
        session=session,
        person=PersonFactory(organisation=session.training.organisation),
        by=trainer,
    )
    Session.objects.filter(pk=session.pk).update(start=TODAY)
    return enrolment


def test_start_training_is_refused_before_the_first_day(session, trainer):
    enrolment = actions.enrol_person(
        session=session,
        person=PersonFactory(organisation=session.training.organisation),
        by=trainer,
    )

    with pytest.raises(ValidationError) as refusal:
        actions.start_training(enrolment=enrolment, by=trainer)

    assert refusal.value.code == "not_started"


def test_complete_enrolment_grants_the_training_skills(session, trainer, started):
    taught = [SkillFactory(label="Diagnostiquer une panne"), SkillFactory(label="Câbler")]
    session.training.skills_taught.set(taught)
    declared = PersonSkillFactory(person=started.person, skill=taught[1])
    actions.start_training(enrolment=started, by=trainer)

    actions.complete_enrolment(enrolment=started, by=trainer)

    started.refresh_from_db()
    assert started.state == E.COMPLETED
    links = PersonSkill.objects.filter(person=started.person).order_by("skill__label")
    assert [(link.skill.label, link.source) for link in links] == [
        ("Câbler", SkillSource.TRAINING),
        ("Diagnostiquer une panne", SkillSource.TRAINING),
    ]
    declared.refresh_from_db()
    assert declared.acquired_on == TODAY
    assert _reload(session).seats_taken == 1  # a completed enrolment keeps its seat


def test_drop_enrolment_frees_the_seat(session, trainer, started):
    actions.start_training(enrolment=started, by=trainer)

    actions.drop_enrolment(enrolment=started, by=trainer, reason="Déménagement")

    started.refresh_from_db()
    assert started.state == E.DROPPED
    assert _reload(session).seats_taken == 0


# --- cancelling a session ------------------------------------------------------------------------


def test_cancel_session_tells_everyone_live(
    session, learner, trainer, django_capture_on_commit_callbacks
):
    actions.apply_for_session(session=session, person=learner, by=learner.user)
    refused_person = PersonFactory(
        user=UserFactory(email="refused@example.org"), organisation=session.training.organisation
    )
    refused = actions.enrol_person(session=session, person=refused_person, by=trainer)
    actions.withdraw_enrolment(enrolment=refused, by=refused_person.user)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel_session(session=session, by=trainer, reason="Formateur absent")

    assert _reload(session).status == SessionStatus.CANCELLED
    assert [message.to for message in mail.outbox] == [["lea@example.org"]]
    assert "Formateur absent" in mail.outbox[0].body


def test_cancel_session_twice_is_refused(session, trainer):
    actions.cancel_session(session=session, by=trainer)

    with pytest.raises(ValidationError):
        actions.cancel_session(session=session, by=trainer)

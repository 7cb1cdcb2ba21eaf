"""Seats under concurrency, on PostgreSQL: many requests at once, each on its own database
connection, started together by a barrier. Without the session row lock in ``actions`` the
requests read the same ``seats_taken`` and more people than seats get accepted."""

import threading
from collections import Counter

import pytest
from django.db import connection

from fabrique.accounts.enums import Role
from fabrique.accounts.models import User
from fabrique.people.models import Person
from fabrique.trainings import actions
from fabrique.trainings.enums import EnrolmentState, SessionStatus
from fabrique.trainings.models import Enrolment, Session
from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    SessionFactory,
    TrainingFactory,
    UserFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REQUESTS = 50
SEATS = 10


def _run_together(work, arguments):
    """``work(argument)`` in one thread per argument, all released at once; returns the
    exceptions raised (none expected)."""
    barrier = threading.Barrier(len(arguments))
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(argument):
        try:
            barrier.wait(timeout=30)
            work(argument)
        except BaseException as error:  # reported by the test
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    return errors


@pytest.fixture
def session_and_coordinator(make_member):
    centre = OrganisationFactory()
    coordinator = make_member(Role.COORDINATOR, centre)
    session = SessionFactory(training=TrainingFactory(organisation=centre), capacity=SEATS)
    return session, coordinator


def test_fifty_concurrent_enrolments_fill_ten_seats_and_waitlist_the_rest(
    on_postgres, session_and_coordinator
):
    session, coordinator = session_and_coordinator
    people = [PersonFactory(organisation=session.training.organisation).pk for _ in range(REQUESTS)]

    def enrol(person_id):
        actions.enrol_person(
            session=Session.objects.get(pk=session.pk),
            person=Person.objects.get(pk=person_id),
            by=User.objects.get(pk=coordinator.pk),
        )

    errors = _run_together(enrol, people)

    assert errors == []
    states = Counter(Enrolment.objects.filter(session=session).values_list("state", flat=True))
    assert states == {EnrolmentState.ACCEPTED: SEATS, EnrolmentState.WAITLISTED: REQUESTS - SEATS}
    session.refresh_from_db()
    assert (session.seats_taken, session.status) == (SEATS, SessionStatus.FULL)
    waitlisted_at = Enrolment.objects.filter(state=EnrolmentState.WAITLISTED).values_list(
        "waitlisted_at", flat=True
    )
    assert None not in waitlisted_at


def test_concurrent_applications_of_one_person_make_one_enrolment(
    on_postgres, session_and_coordinator
):
    session, _coordinator = session_and_coordinator
    person = PersonFactory(user=UserFactory())

    def apply(_n):
        actions.apply_for_session(
            session=Session.objects.get(pk=session.pk),
            person=Person.objects.get(pk=person.pk),
            by=User.objects.get(pk=person.user_id),
        )

    errors = _run_together(apply, list(range(10)))

    assert Enrolment.objects.filter(session=session, person=person).count() == 1
    assert len(errors) == 9
    assert {getattr(error, "code", None) for error in errors} == {"already_enrolled"}

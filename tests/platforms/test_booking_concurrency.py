"""No double booking under concurrency, on PostgreSQL: many requests for one slot at once,
each on its own database connection, released together by a barrier. The overlap check in
the action cannot see the others' uncommitted rows; the exclusion constraint
``booking_no_overlap`` makes each later insert wait for the first transaction and then fail,
and the action turns that failure into the same clear conflict as its own check."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from fabrique.accounts.models import User
from fabrique.platforms import actions
from fabrique.platforms.enums import BookingState
from fabrique.platforms.models import Booking, Equipment
from tests.factories import UserFactory
from tests.factories_platforms import BookingFactory, EquipmentFactory, at, next_monday

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REQUESTS = 20
MONDAY = next_monday()


def _run_together(work, arguments):
    """``work(argument)`` in one thread per argument, all released at once; returns the
    exceptions raised."""
    barrier = threading.Barrier(len(arguments))
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(argument):
        try:
            barrier.wait(timeout=30)
            with translation.override("en"):
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


def test_concurrent_bookings_of_one_slot_make_exactly_one_booking(on_postgres):
    equipment = EquipmentFactory()
    users = [UserFactory().pk for _ in range(REQUESTS)]

    def book(user_id):
        # Overlapping but different slots, so that no two requests are identical.
        offset = users.index(user_id) % 3
        actions.book_equipment(
            equipment=Equipment.objects.get(pk=equipment.pk),
            start=at(MONDAY, 9 + offset),
            end=at(MONDAY, 12),
            by=User.objects.get(pk=user_id),
        )

    errors = _run_together(book, users)

    assert Booking.objects.filter(equipment=equipment).count() == 1
    assert len(errors) == REQUESTS - 1
    assert all(isinstance(error, ValidationError) for error in errors), errors
    assert {error.code for error in errors} == {"conflict"}
    assert all("already booked" in error.messages[0] for error in errors)


def test_concurrent_bookings_of_different_equipment_all_succeed(on_postgres):
    machines = [EquipmentFactory().pk for _ in range(5)]
    user = UserFactory()

    def book(equipment_id):
        actions.book_equipment(
            equipment=Equipment.objects.get(pk=equipment_id),
            start=at(MONDAY, 9),
            end=at(MONDAY, 12),
            by=User.objects.get(pk=user.pk),
        )

    assert _run_together(book, machines) == []
    assert Booking.objects.count() == 5


def test_the_database_itself_refuses_overlapping_active_bookings(on_postgres):
    booking = BookingFactory(start=at(MONDAY, 10), end=at(MONDAY, 12))

    with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
        BookingFactory(equipment=booking.equipment, start=at(MONDAY, 11), end=at(MONDAY, 13))
    # Touching slots and inactive bookings are allowed.
    BookingFactory(equipment=booking.equipment, start=at(MONDAY, 12), end=at(MONDAY, 13))
    BookingFactory(
        equipment=booking.equipment,
        start=at(MONDAY, 10),
        end=at(MONDAY, 12),
        state=BookingState.CANCELLED,
    )
    assert Booking.objects.count() == 3

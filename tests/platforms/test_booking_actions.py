"""The booking action: every rule is checked there, with the reason, and nothing is written
when it refuses."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fabrique.platforms import actions
from fabrique.platforms.enums import BookingState, EquipmentStatus
from fabrique.platforms.models import Authorisation, Booking, BookingTransition
from tests.factories import UserFactory
from tests.factories_platforms import (
    AuthorisationFactory,
    BookingFactory,
    ClosureFactory,
    EquipmentFactory,
    at,
    next_monday,
)

pytestmark = pytest.mark.django_db
MONDAY = next_monday()


def book(equipment, by, start, end, **kwargs):
    return actions.book_equipment(equipment=equipment, start=start, end=end, by=by, **kwargs)


def refusal(equipment, by, start, end, **kwargs) -> str:
    """The code of the refusal; asserts nothing was written."""
    bookings, transitions = Booking.objects.count(), BookingTransition.objects.count()
    with pytest.raises(ValidationError) as caught:
        book(equipment, by, start, end, **kwargs)
    assert (Booking.objects.count(), BookingTransition.objects.count()) == (bookings, transitions)
    return caught.value.code


def test_a_booking_in_opening_hours_is_requested_with_its_history(printer, startup_user):
    booking = book(printer, startup_user, at(MONDAY, 9), at(MONDAY, 11), project="Boîtier IoT")

    assert (booking.state, booking.user, booking.project) == (
        BookingState.REQUESTED,
        startup_user,
        "Boîtier IoT",
    )
    assert list(booking.transitions.values_list("source", "target")) == [("", "requested")]


def test_a_booking_in_the_past_is_refused(printer, startup_user):
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    assert refusal(printer, startup_user, at(yesterday, 9), at(yesterday, 10)) == "past"


def test_an_overlapping_booking_is_refused_with_the_slot_taken(printer, startup_user):
    BookingFactory(equipment=printer, start=at(MONDAY, 10), end=at(MONDAY, 12))

    with pytest.raises(ValidationError, match=r"10:00 to .* 12:00") as caught:
        book(printer, startup_user, at(MONDAY, 11), at(MONDAY, 13))
    assert caught.value.code == "conflict"
    assert Booking.objects.count() == 1


def test_touching_bookings_and_cancelled_ones_do_not_conflict(printer, startup_user):
    BookingFactory(equipment=printer, start=at(MONDAY, 10), end=at(MONDAY, 12))
    BookingFactory(
        equipment=printer, start=at(MONDAY, 12), end=at(MONDAY, 14), state=BookingState.CANCELLED
    )

    booking = book(printer, startup_user, at(MONDAY, 12), at(MONDAY, 14))

    assert booking.pk is not None


def test_outside_opening_hours_is_refused(printer, startup_user):
    assert refusal(printer, startup_user, at(MONDAY, 17), at(MONDAY, 19)) == "closed_hours"
    saturday = MONDAY + dt.timedelta(days=5)
    assert refusal(printer, startup_user, at(saturday, 9), at(saturday, 10)) == "closed_hours"


def test_over_a_closure_is_refused(printer, startup_user):
    ClosureFactory(platform=printer.platform, first_day=MONDAY, last_day=MONDAY)

    assert refusal(printer, startup_user, at(MONDAY, 9), at(MONDAY, 10)) == "closure"


def test_a_closure_of_another_equipment_does_not_refuse(printer, startup_user):
    other = EquipmentFactory(platform=printer.platform)
    ClosureFactory(platform=printer.platform, equipment=other, first_day=MONDAY, last_day=MONDAY)

    assert book(printer, startup_user, at(MONDAY, 9), at(MONDAY, 10)).pk is not None
    assert refusal(other, startup_user, at(MONDAY, 9), at(MONDAY, 10)) == "closure"


@pytest.mark.parametrize("status", [EquipmentStatus.OUT_OF_ORDER, EquipmentStatus.MAINTENANCE])
def test_equipment_out_of_order_or_in_maintenance_is_refused(printer, startup_user, status):
    printer.status = status
    printer.save()

    assert refusal(printer, startup_user, at(MONDAY, 9), at(MONDAY, 10)) == "unavailable"


def test_without_the_required_authorisation_is_refused(restricted, startup_user):
    assert refusal(restricted, startup_user, at(MONDAY, 9), at(MONDAY, 10)) == "authorisation"


def test_with_a_valid_authorisation_it_is_accepted(restricted, startup_user):
    AuthorisationFactory(user=startup_user, equipment=restricted)

    assert book(restricted, startup_user, at(MONDAY, 9), at(MONDAY, 10)).pk is not None


def test_an_expired_authorisation_does_not_count(restricted, startup_user):
    long_ago = timezone.now() - dt.timedelta(days=500)
    AuthorisationFactory(
        user=startup_user,
        equipment=restricted,
        granted_at=long_ago,
        expires_at=long_ago + dt.timedelta(days=365),
        last_used_at=timezone.now() - dt.timedelta(days=10),
    )

    assert refusal(restricted, startup_user, at(MONDAY, 9), at(MONDAY, 10)) == "authorisation"


def test_an_authorisation_unused_for_too_long_lapses(restricted, startup_user):
    # restricted: valid 12 months, lapses after 6 months without use.
    AuthorisationFactory(
        user=startup_user,
        equipment=restricted,
        granted_at=timezone.now() - dt.timedelta(days=200),
        expires_at=timezone.now() + dt.timedelta(days=165),
    )

    assert refusal(restricted, startup_user, at(MONDAY, 9), at(MONDAY, 10)) == "authorisation"


def test_a_revoked_authorisation_does_not_count(restricted, startup_user):
    AuthorisationFactory(user=startup_user, equipment=restricted, revoked_at=timezone.now())

    assert refusal(restricted, startup_user, at(MONDAY, 9), at(MONDAY, 10)) == "authorisation"


def test_closing_a_used_booking_keeps_the_authorisation_alive(restricted, startup_user, staff):
    authorisation = AuthorisationFactory(
        user=startup_user,
        equipment=restricted,
        granted_at=timezone.now() - dt.timedelta(days=170),
    )
    booking = book(restricted, startup_user, at(MONDAY, 9), at(MONDAY, 10))
    actions.confirm_booking(booking=booking, by=staff)

    actions.close_booking(booking=booking, by=staff, used=True)

    authorisation.refresh_from_db()
    assert authorisation.last_used_at == booking.end
    later = MONDAY + dt.timedelta(days=7 * 8)
    assert actions.valid_authorisation(startup_user, restricted, at(later, 9)) == authorisation


def test_staff_book_for_someone_else_and_confirm_at_once(restricted, staff, startup_user):
    AuthorisationFactory(user=startup_user, equipment=restricted)

    booking = book(
        restricted, staff, at(MONDAY, 9), at(MONDAY, 10), user=startup_user, confirm=True
    )

    assert (booking.user, booking.booked_by, booking.state) == (
        startup_user,
        staff,
        BookingState.CONFIRMED,
    )
    assert list(booking.transitions.values_list("target", flat=True)) == ["requested", "confirmed"]


def test_staff_booking_for_someone_still_needs_their_authorisation(restricted, staff, startup_user):
    AuthorisationFactory(user=staff, equipment=restricted)

    assert (
        refusal(restricted, staff, at(MONDAY, 9), at(MONDAY, 10), user=startup_user)
        == "authorisation"
    )


def test_others_may_not_book_for_someone_else_nor_confirm(printer, startup_user):
    with pytest.raises(PermissionDenied):
        book(printer, startup_user, at(MONDAY, 9), at(MONDAY, 10), user=UserFactory())
    with pytest.raises(PermissionDenied):
        book(printer, startup_user, at(MONDAY, 9), at(MONDAY, 10), confirm=True)
    assert Booking.objects.count() == 0


def test_the_staff_confirm_the_user_cancels_and_the_slot_is_free_again(
    printer, staff, startup_user
):
    booking = book(printer, startup_user, at(MONDAY, 9), at(MONDAY, 10))
    with pytest.raises(PermissionDenied):
        actions.confirm_booking(booking=booking, by=startup_user)

    actions.confirm_booking(booking=booking, by=staff)
    actions.cancel_booking(booking=booking, by=startup_user, reason="Projet reporté")

    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED
    assert list(booking.transitions.values_list("target", "by")) == [
        ("requested", startup_user.pk),
        ("confirmed", staff.pk),
        ("cancelled", startup_user.pk),
    ]
    assert book(printer, UserFactory(), at(MONDAY, 9), at(MONDAY, 10)).pk is not None


def test_a_done_booking_cannot_be_cancelled(printer, staff, startup_user):
    booking = book(printer, startup_user, at(MONDAY, 9), at(MONDAY, 10), user_category="startup")
    actions.confirm_booking(booking=booking, by=staff)
    actions.close_booking(booking=booking, by=staff, used=False)

    with pytest.raises(ValidationError) as caught:
        actions.cancel_booking(booking=booking, by=staff)
    assert caught.value.code == "transition"


def test_a_booking_must_end_after_it_starts(printer, startup_user):
    assert refusal(printer, startup_user, at(MONDAY, 10), at(MONDAY, 9)) == "invalid_range"


def test_authorisations_made_by_the_action_expire_after_the_equipment_months(
    restricted, staff, startup_user
):
    authorisation = actions.grant_authorisation(equipment=restricted, user=startup_user, by=staff)

    assert authorisation.expires_at == actions.add_months(authorisation.granted_at, 12)
    assert Authorisation.objects.get().granted_by == staff

"""iCalendar feeds of bookings: an equipment's (names for its staff only) and a user's own
(a signed address, for calendar applications that do not log in)."""

import datetime as dt

import icalendar
import pytest
from django.urls import reverse

from fabrique.platforms.enums import BookingState
from fabrique.platforms.ical import user_feed_url
from tests.factories import UserFactory
from tests.factories_platforms import BookingFactory, at, next_monday

pytestmark = pytest.mark.django_db


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def test_the_equipment_feed_shows_when_it_is_taken_and_names_people_for_staff_only(
    client, printer, staff, startup_user
):
    day = next_monday()
    taken = BookingFactory(equipment=printer, user=startup_user, state=BookingState.CONFIRMED)
    BookingFactory(
        equipment=printer, start=at(day, 14), end=at(day, 15), state=BookingState.CANCELLED
    )
    url = reverse("platforms:equipment_feed", args=[printer.pk])

    [event] = events(client.get(url))
    assert event["UID"].startswith(f"booking-{taken.pk}@")
    assert event.decoded("DTSTART") == taken.start
    assert event.decoded("DTEND") == taken.end
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == printer.name

    client.force_login(staff)
    [event] = events(client.get(url))
    assert startup_user.email in str(event["SUMMARY"]) or startup_user.last_name in str(
        event["SUMMARY"]
    )


def test_a_user_feed_holds_their_bookings_with_cancellations_and_nobody_elses(
    client, printer, startup_user
):
    mine = BookingFactory(equipment=printer, user=startup_user)
    day = next_monday() + dt.timedelta(days=1)
    cancelled = BookingFactory(
        equipment=printer,
        user=startup_user,
        start=at(day, 9),
        end=at(day, 10),
        state=BookingState.CANCELLED,
    )
    BookingFactory(equipment=printer, user=UserFactory(), start=at(day, 14), end=at(day, 15))

    found = events(client.get(user_feed_url(startup_user)))

    assert {str(e["UID"]).split("@")[0] for e in found} == {
        f"booking-{mine.pk}",
        f"booking-{cancelled.pk}",
    }
    assert {str(e["STATUS"]) for e in found} == {"TENTATIVE", "CANCELLED"}


def test_a_forged_feed_address_finds_nothing(client, startup_user):
    url = user_feed_url(startup_user)
    other = UserFactory()
    forged = url.replace(f"/{startup_user.pk}:", f"/{other.pk}:")

    assert forged != url
    assert client.get(forged).status_code == 404


def test_my_bookings_page_links_to_my_feed(client, startup_user):
    client.force_login(startup_user)

    page = client.get(reverse("platforms:mine")).content.decode()

    assert user_feed_url(startup_user) in page

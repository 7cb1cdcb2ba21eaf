"""Pages of technical platforms: they show what the actions decide, and refuse with the
reason (nothing written)."""

import pytest
from django.urls import reverse

from fabrique.platforms.enums import BookingState
from fabrique.platforms.models import Authorisation, Booking
from tests.factories import UserFactory
from tests.factories_platforms import (
    AuthorisationFactory,
    BookingFactory,
    EquipmentFactory,
    TechnicalPlatformFactory,
    at,
    next_monday,
)

pytestmark = pytest.mark.django_db
MONDAY = next_monday()


def slot(hour_from: int, hour_to: int, **extra) -> dict[str, str]:
    return {
        "day": MONDAY.isoformat(),
        "start_time": f"{hour_from:02d}:00",
        "end_time": f"{hour_to:02d}:00",
        "user_category": "startup",
        "project": "Capteur connecté",
        **extra,
    }


def test_the_platform_list_and_page_show_the_equipment(client, printer):
    listing = client.get(reverse("platforms:list"))
    page = client.get(printer.platform.get_absolute_url())

    assert "Plateforme Plasturgie" in listing.content.decode()
    content = page.content.decode()
    assert printer.name in content
    assert content.split('id="opening-slots"')[1].split("</ul>")[0].count("08:00–18:00") == 5


@pytest.mark.parametrize("count", [1, 3])
def test_the_platform_list_runs_one_query(client, django_assert_num_queries, count):
    for _ in range(count):
        EquipmentFactory(platform=TechnicalPlatformFactory())

    with django_assert_num_queries(1):
        response = client.get(reverse("platforms:list"))

    assert response.content.decode().count('class="card"') == count


def test_the_equipment_page_shows_a_week_of_bookings(client, printer):
    BookingFactory(equipment=printer, start=at(MONDAY, 10), end=at(MONDAY, 12))

    response = client.get(printer.get_absolute_url(), {"semaine": MONDAY.isoformat()})

    week = response.content.decode().split('id="week"')[1]
    assert "10:00–12:00" in week


def test_booking_from_the_page(client, printer, startup_user):
    client.force_login(startup_user)

    response = client.post(reverse("platforms:book", args=[printer.pk]), slot(9, 11))

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert (booking.user, booking.project, booking.start) == (
        startup_user,
        "Capteur connecté",
        at(MONDAY, 9),
    )


def test_the_page_refuses_without_the_required_authorisation(client, restricted, startup_user):
    client.force_login(startup_user)

    response = client.post(reverse("platforms:book", args=[restricted.pk]), slot(9, 11))

    assert response.status_code == 422
    assert "holds no valid authorisation" in response.content.decode()
    assert Booking.objects.count() == 0


def test_the_page_refuses_a_conflict_with_the_slot_taken(client, printer, startup_user):
    BookingFactory(equipment=printer, start=at(MONDAY, 10), end=at(MONDAY, 12))
    client.force_login(startup_user)

    response = client.post(reverse("platforms:book", args=[printer.pk]), slot(9, 11))

    assert response.status_code == 422
    assert "already booked" in response.content.decode()
    assert Booking.objects.count() == 1


def test_the_page_refuses_outside_opening_hours(client, printer, startup_user):
    client.force_login(startup_user)

    response = client.post(reverse("platforms:book", args=[printer.pk]), slot(18, 20))

    assert "outside the opening hours" in response.content.decode()
    assert Booking.objects.count() == 0


def test_staff_confirm_on_their_page_and_the_user_sees_it_confirmed(
    client, printer, staff, startup_user
):
    booking = BookingFactory(equipment=printer, user=startup_user)
    client.force_login(staff)
    manage = client.get(reverse("platforms:manage", args=[printer.platform.slug]))
    assert f'id="booking-{booking.pk}"' in manage.content.decode()

    client.post(reverse("platforms:transition", args=[booking.pk, "confirmer"]))

    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED
    client.force_login(startup_user)
    mine = client.get(reverse("platforms:mine")).content.decode()
    assert 'data-state="confirmed"' in mine.split(f'id="booking-{booking.pk}"')[1]


def test_others_may_not_see_the_staff_page_nor_confirm(client, printer, startup_user):
    booking = BookingFactory(equipment=printer)
    client.force_login(startup_user)

    assert client.get(reverse("platforms:manage", args=[printer.platform.slug])).status_code == 403
    response = client.post(reverse("platforms:transition", args=[booking.pk, "confirmer"]))

    assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.state == BookingState.REQUESTED


def test_the_user_cancels_from_my_bookings(client, printer, startup_user):
    booking = BookingFactory(equipment=printer, user=startup_user)
    client.force_login(startup_user)

    client.post(reverse("platforms:transition", args=[booking.pk, "annuler"]))

    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED


def test_a_trainer_validates_an_attendee_who_may_then_book(client, restricted, staff, startup_user):
    client.force_login(staff)

    response = client.post(
        reverse("platforms:authorisations", args=[restricted.pk]),
        {"email": startup_user.email, "source": "induction"},
    )

    assert response.status_code == 302
    authorisation = Authorisation.objects.get()
    assert (authorisation.user, authorisation.granted_by) == (startup_user, staff)
    client.force_login(startup_user)
    client.post(reverse("platforms:book", args=[restricted.pk]), slot(9, 11))
    assert Booking.objects.get().user == startup_user


def test_only_trainers_validate_authorisations(client, restricted, startup_user):
    client.force_login(startup_user)

    response = client.post(
        reverse("platforms:authorisations", args=[restricted.pk]),
        {"email": startup_user.email, "source": "induction"},
    )

    assert response.status_code == 403
    assert Authorisation.objects.count() == 0


def test_the_search_page_lists_machines_with_free_time(client, printer):
    EquipmentFactory(name="Fraiseuse", category="cnc_milling")

    response = client.get(
        reverse("platforms:search"),
        {
            "category": "printing_fdm",
            "start": MONDAY.isoformat(),
            "end": MONDAY.isoformat(),
            "hours": "2",
        },
    )

    results = response.content.decode().split('id="results"')[1]
    assert printer.name in results
    assert "Fraiseuse" not in results


def test_the_search_page_explains_an_unknown_place(client):
    response = client.get(reverse("platforms:search"), {"place": "Nulle-Part-sur-Mer"})

    assert "No commune with coordinates matches" in response.content.decode()


def test_the_equipment_page_tells_whether_the_user_is_authorised(client, restricted):
    user = UserFactory()
    client.force_login(user)
    assert (
        "You hold no valid authorisation"
        in client.get(restricted.get_absolute_url()).content.decode()
    )

    AuthorisationFactory(user=user, equipment=restricted)

    assert (
        "You hold a valid authorisation"
        in client.get(restricted.get_absolute_url()).content.decode()
    )

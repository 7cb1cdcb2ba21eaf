"""The platforms API obeys the same booking action as the pages: the authorisation rule,
opening hours, conflicts; and the free-slot search."""

import json

import pytest

from fabrique.accounts.models import ApiToken
from fabrique.platforms.enums import BookingState
from fabrique.platforms.models import Booking
from tests.api.fuzzing import fuzz_operations
from tests.factories import UserFactory
from tests.factories_platforms import AuthorisationFactory, BookingFactory, at, next_monday

pytestmark = pytest.mark.django_db

BASE = "/api/v1/platforms"
MONDAY = next_monday()


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


def slot(hour_from: int, hour_to: int) -> dict[str, str]:
    return {"start": at(MONDAY, hour_from).isoformat(), "end": at(MONDAY, hour_to).isoformat()}


def test_booking_through_the_api(client, printer, startup_user):
    response = post(
        client,
        "/bookings",
        {"equipment": printer.pk, "project": "Drone", **slot(9, 11)},
        startup_user,
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["state"], body["project"], body["user"]) == ("requested", "Drone", startup_user.pk)
    assert Booking.objects.get().user == startup_user


def test_the_api_refuses_a_booking_without_the_required_authorisation(
    client, restricted, startup_user
):
    response = post(client, "/bookings", {"equipment": restricted.pk, **slot(9, 11)}, startup_user)

    assert response.status_code == 422
    assert response.json()["code"] == "authorisation"
    assert "no valid authorisation" in response.json()["detail"]
    assert Booking.objects.count() == 0


def test_the_api_accepts_it_once_a_trainer_validated_the_user(client, restricted, startup_user):
    AuthorisationFactory(user=startup_user, equipment=restricted)

    response = post(client, "/bookings", {"equipment": restricted.pk, **slot(9, 11)}, startup_user)

    assert response.status_code == 201


def test_the_api_answers_a_conflict_with_409(client, printer, startup_user):
    BookingFactory(equipment=printer, start=at(MONDAY, 10), end=at(MONDAY, 12))

    response = post(client, "/bookings", {"equipment": printer.pk, **slot(9, 11)}, startup_user)

    assert response.status_code == 409
    assert "already booked" in response.json()["detail"]


def test_the_api_refuses_outside_opening_hours(client, printer, startup_user):
    response = post(client, "/bookings", {"equipment": printer.pk, **slot(18, 20)}, startup_user)

    assert (response.status_code, response.json()["code"]) == (422, "closed_hours")


def test_only_staff_book_for_someone_else_through_the_api(client, printer, staff, startup_user):
    body = {"equipment": printer.pk, "for_user": startup_user.pk, "confirm": True, **slot(9, 11)}

    assert (
        post(client, "/bookings", {**body, "for_user": staff.pk}, startup_user).status_code == 403
    )
    response = post(client, "/bookings", body, staff)

    assert response.status_code == 201
    assert (response.json()["state"], response.json()["user"]) == ("confirmed", startup_user.pk)


def test_staff_confirm_through_the_api_and_others_may_not(client, printer, staff, startup_user):
    booking = BookingFactory(equipment=printer, user=startup_user)

    refused = post(
        client, f"/bookings/{booking.pk}/transitions", {"target": "confirmed"}, startup_user
    )
    confirmed = post(client, f"/bookings/{booking.pk}/transitions", {"target": "confirmed"}, staff)
    stranger = post(
        client, f"/bookings/{booking.pk}/transitions", {"target": "cancelled"}, UserFactory()
    )

    assert refused.status_code == 403
    assert (confirmed.status_code, confirmed.json()["state"]) == (200, BookingState.CONFIRMED)
    assert stranger.status_code == 404


def test_search_through_the_api(client, printer, startup_user):
    BookingFactory(equipment=printer, start=at(MONDAY, 8), end=at(MONDAY, 16))
    params = {**slot(0, 23), "hours": 2}

    response = client.get(BASE + "/equipment/search", params, headers=bearer(startup_user))

    assert response.status_code == 200
    [match] = response.json()
    assert match["name"] == printer.name
    assert [(s["start"][11:16], s["end"][11:16]) for s in match["free"]] == [("16:00", "18:00")]


def test_platforms_api_never_answers_with_a_server_error(api_schema, printer, staff, subtests):
    booking = BookingFactory(equipment=printer)
    fuzzed = fuzz_operations(
        api_schema, subtests, prefix=BASE, known={"booking_id": booking.pk}, headers=bearer(staff)
    )

    assert fuzzed > 0

"""An SME lists a machine for sharing; another organisation requests it; the owner accepts
(the request becomes a confirmed booking, under every booking rule) or declines."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fabrique.accounts.enums import Role
from fabrique.platforms import sharing as actions
from fabrique.platforms.enums import BookingState, SharingState
from fabrique.platforms.models import Booking, SharingRequest
from tests.factories import OrganisationFactory
from tests.factories_platforms import (
    BookingFactory,
    EquipmentFactory,
    TechnicalPlatformFactory,
    at,
    next_monday,
)

pytestmark = pytest.mark.django_db
MONDAY = next_monday()


@pytest.fixture
def sme(make_member):
    company = OrganisationFactory(kind="company", name="Plasturgie Moselle SARL")
    owner = make_member(Role.COMPANY_CONTACT, company)
    site = TechnicalPlatformFactory(owner=company, name="Atelier Plasturgie Moselle")
    return owner, EquipmentFactory(platform=site, name="Presse Arburg 50 t")


@pytest.fixture
def requester(make_member):
    return make_member(Role.COMPANY_CONTACT, OrganisationFactory(kind="company"))


def request(equipment, by, hour_from=9, hour_to=12):
    return actions.request_sharing(
        equipment=equipment,
        start=at(MONDAY, hour_from),
        end=at(MONDAY, hour_to),
        by=by,
        organisation=by.memberships.first().organisation,
        project="Série pilote",
    )


def test_a_machine_not_listed_cannot_be_requested(sme, requester):
    _owner, press = sme

    with pytest.raises(PermissionDenied):
        request(press, requester)


def test_the_owner_lists_the_machine_and_accepts_a_request_into_a_booking(sme, requester):
    owner, press = sme
    actions.set_shared(equipment=press, shared=True, by=owner)
    sharing = request(press, requester)

    actions.accept_sharing(sharing=sharing, by=owner, answer="Bienvenue")

    sharing.refresh_from_db()
    booking = sharing.booking
    assert sharing.state == SharingState.ACCEPTED
    assert (booking.user, booking.booked_by, booking.state, booking.start) == (
        requester,
        owner,
        BookingState.CONFIRMED,
        at(MONDAY, 9),
    )


def test_the_owner_may_not_request_their_own_machine_and_others_may_not_list_it(sme, requester):
    owner, press = sme
    with pytest.raises(PermissionDenied):
        actions.set_shared(equipment=press, shared=True, by=requester)
    actions.set_shared(equipment=press, shared=True, by=owner)

    with pytest.raises(PermissionDenied):
        request(press, owner)


def test_accepting_a_request_whose_slot_was_taken_meanwhile_is_refused(sme, requester):
    owner, press = sme
    actions.set_shared(equipment=press, shared=True, by=owner)
    sharing = request(press, requester)
    BookingFactory(equipment=press, start=at(MONDAY, 10), end=at(MONDAY, 11))

    with pytest.raises(ValidationError) as caught:
        actions.accept_sharing(sharing=sharing, by=owner)

    assert caught.value.code == "conflict"
    sharing.refresh_from_db()
    assert (sharing.state, sharing.booking) == (SharingState.PENDING, None)


def test_a_request_is_answered_once(sme, requester):
    owner, press = sme
    actions.set_shared(equipment=press, shared=True, by=owner)
    sharing = request(press, requester)
    actions.decline_sharing(sharing=sharing, by=owner, answer="Machine réservée")

    with pytest.raises(ValidationError):
        actions.accept_sharing(sharing=sharing, by=owner)
    assert Booking.objects.count() == 0


def test_only_the_owner_answers(sme, requester):
    owner, press = sme
    actions.set_shared(equipment=press, shared=True, by=owner)
    sharing = request(press, requester)

    with pytest.raises(PermissionDenied):
        actions.accept_sharing(sharing=sharing, by=requester)


def test_the_sharing_pages_request_and_accept(client, sme, requester):
    owner, press = sme
    client.force_login(owner)
    client.post(reverse("platforms:share", args=[press.pk]), {"shared": "1"})
    press.refresh_from_db()
    assert press.shared

    client.force_login(requester)
    client.post(
        reverse("platforms:request_sharing", args=[press.pk]),
        {"day": MONDAY.isoformat(), "start_time": "09:00", "end_time": "11:00", "project": "X"},
    )
    sharing = SharingRequest.objects.get()

    client.force_login(owner)
    received = client.get(reverse("platforms:sharing")).content.decode()
    assert f'id="sharing-{sharing.pk}"' in received
    client.post(reverse("platforms:answer_sharing", args=[sharing.pk, "accepter"]))

    sharing.refresh_from_db()
    assert sharing.booking.state == BookingState.CONFIRMED

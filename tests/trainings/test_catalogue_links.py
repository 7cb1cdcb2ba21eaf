"""The ways into the offer's tools: imports and exports from the catalogue, and a person's
calendar address on their enrolments page."""

import re

import icalendar
import pytest
from django.urls import reverse

from fabrique.accounts.enums import Role
from fabrique.trainings.enums import EnrolmentState
from tests.factories import (
    EnrolmentFactory,
    OrganisationFactory,
    PersonFactory,
    SessionFactory,
    TrainingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def links(page: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', page))


def test_catalogue_offers_imports_to_those_who_publish_an_offer(client, make_member):
    client.force_login(make_member(Role.TRAINER, OrganisationFactory()))

    found = links(client.get(reverse("trainings:catalogue")).content.decode())

    assert {
        reverse("trainings:lheo_import"),
        reverse("trainings:spreadsheet_import"),
        reverse("trainings:lheo_export"),
        reverse("trainings:enrolment_mine"),
    } <= found


def test_catalogue_offers_no_import_to_a_learner_nor_to_visitors(client):
    visitor = links(client.get(reverse("trainings:catalogue")).content.decode())
    client.force_login(UserFactory())
    learner = links(client.get(reverse("trainings:catalogue")).content.decode())

    for found in (visitor, learner):
        assert reverse("trainings:lheo_import") not in found
        assert reverse("trainings:spreadsheet_import") not in found
        assert reverse("trainings:lheo_export") in found
    assert reverse("trainings:enrolment_mine") not in visitor


def test_my_enrolments_page_gives_the_address_of_my_calendar(client):
    person = PersonFactory(user=UserFactory())
    accepted = SessionFactory(training=TrainingFactory(title="Soudage TIG"))
    EnrolmentFactory(person=person, session=accepted, state=EnrolmentState.ACCEPTED)
    EnrolmentFactory(
        person=person,
        session=SessionFactory(training=TrainingFactory(title="Usinage")),
        state=EnrolmentState.REFUSED,
    )
    client.force_login(person.user)

    page = client.get(reverse("trainings:enrolment_mine")).content.decode()
    feed = next(link for link in links(page) if link.endswith(".ics"))
    client.logout()
    calendar = icalendar.Calendar.from_ical(client.get(feed).content)

    assert feed.startswith("http://testserver/formations/agenda/")
    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == ["Soudage TIG"]


def test_my_enrolments_page_of_a_user_without_a_person_record_has_no_calendar(client):
    client.force_login(UserFactory())

    page = client.get(reverse("trainings:enrolment_mine")).content.decode()

    assert not [link for link in links(page) if link.endswith(".ics")]

"""iCalendar feeds: valid RFC 5545 as a real parser reads it, folding, escaping, and the
person's signed feed."""

import datetime as dt

import icalendar
import pytest
from django.urls import reverse

from fabrique.trainings.enums import EnrolmentState
from fabrique.trainings.ical import escape_text, fold_line, person_feed_url
from tests.factories import EnrolmentFactory, OrganisationFactory, PersonFactory, SessionFactory

pytestmark = pytest.mark.django_db


def parse(response) -> icalendar.Calendar:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")  # CRLF only
    assert max(len(line) for line in body.split(b"\r\n")) <= 75
    return icalendar.Calendar.from_ical(body)


def test_session_feed_has_whole_day_event_with_exclusive_end(client):
    session = SessionFactory(start=dt.date(2027, 3, 1), end=dt.date(2027, 3, 5))

    calendar = parse(client.get(reverse("trainings:session_ical", args=[session.pk])))

    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == dt.date(2027, 3, 1)
    assert event.decoded("DTEND") == dt.date(2027, 3, 6)
    assert str(event["UID"]) == f"session-{session.pk}@testserver"
    assert isinstance(event.decoded("DTSTAMP"), dt.datetime)
    assert str(event["SUMMARY"]) == session.training.title
    assert str(event["URL"]).endswith(session.get_absolute_url())


def test_text_with_special_characters_and_long_lines_survives_a_round_trip(client):
    title = "Soudage, chaudronnerie; tuyauterie \\ réparation – " + "é" * 80
    session = SessionFactory(training__title=title, timetable="Lundi; mardi\nJeudi, vendredi")

    [event] = parse(client.get(reverse("trainings:session_ical", args=[session.pk]))).walk("VEVENT")

    assert str(event["SUMMARY"]) == title
    assert "Lundi; mardi\nJeudi, vendredi" in str(event["DESCRIPTION"])


def test_escape_text_escapes_the_four_specials():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_fold_line_never_splits_a_character_and_keeps_lines_within_75_octets():
    line = "SUMMARY:" + "€" * 60

    folded = fold_line(line)

    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join(part[1:] if i else part for i, part in enumerate(parts)) == line


def test_organisation_feed_holds_its_published_sessions_only(client):
    organisation = OrganisationFactory()
    mine = SessionFactory(training__organisation=organisation)
    SessionFactory(training__organisation=organisation, training__unpublished=True)
    SessionFactory()

    calendar = parse(client.get(reverse("trainings:organisation_ical", args=[organisation.slug])))

    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [f"session-{mine.pk}@testserver"]
    assert str(calendar["X-WR-CALNAME"]) == organisation.name


def test_person_feed_needs_no_login_and_holds_accepted_and_ongoing_sessions(client):
    person = PersonFactory()
    accepted = EnrolmentFactory(person=person, state=EnrolmentState.ACCEPTED)
    ongoing = EnrolmentFactory(person=person, state=EnrolmentState.IN_TRAINING)
    EnrolmentFactory(person=person, state=EnrolmentState.REQUESTED)
    EnrolmentFactory(state=EnrolmentState.ACCEPTED)  # someone else

    calendar = parse(client.get(person_feed_url(person)))

    assert sorted(str(e["UID"]) for e in calendar.walk("VEVENT")) == sorted(
        f"session-{e.session.pk}@testserver" for e in (accepted, ongoing)
    )


def test_person_feed_with_a_forged_signature_is_not_found(client):
    person = PersonFactory()
    url = person_feed_url(person)
    other = PersonFactory()

    forged = url.replace(f"/agenda/{person.pk}:", f"/agenda/{other.pk}:")

    assert forged != url
    assert client.get(forged).status_code == 404
    assert client.get(reverse("trainings:person_ical", args=["nonsense"])).status_code == 404

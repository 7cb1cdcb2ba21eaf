"""iCalendar feeds (RFC 5545) of sessions: an organisation's, one session's, a person's.

Sessions last whole days: DTSTART and DTEND are DATE values, DTEND the day after the last one
(it is exclusive). Lines end with CRLF and are folded at 75 octets; text values escape
backslashes, semicolons, commas and newlines.

A person's feed holds the sessions they are accepted in or follow. Calendar applications
fetch it without logging in, so its address carries a signature of the person's id
(``person_feed_url``): whoever has the address reads the feed, nobody can guess another one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from fabrique.trainings.enums import SessionStatus
from fabrique.trainings.models import Session

PRODID = "-//Fabrique//Training sessions//FR"
PERSON_FEED_SALT = "fabrique.trainings.person-feed"
LINE_OCTETS = 75
CONTENT_TYPE = "text/calendar; charset=utf-8"


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold_line(line: str) -> str:
    """Split a content line into lines of at most 75 octets, never inside a character; each
    continuation line starts with one space (RFC 5545 §3.1)."""
    parts: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, LINE_OCTETS - 1
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _date(value: dt.date) -> str:
    return value.strftime("%Y%m%d")


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(session: Session, *, domain: str, base_url: str, stamp: dt.datetime) -> list[str]:
    training = session.training
    place = ", ".join(
        part
        for part in (session.place_name, session.address, f"{session.postcode} {session.city}")
        if part.strip()
    )
    url = base_url + session.get_absolute_url()
    description = "\n".join(
        part for part in (training.organisation.name, session.timetable, url) if part
    )
    lines = [
        "BEGIN:VEVENT",
        f"UID:session-{session.pk}@{domain}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART;VALUE=DATE:{_date(session.start)}",
        f"DTEND;VALUE=DATE:{_date(session.end + dt.timedelta(days=1))}",
        f"SUMMARY:{escape_text(training.title)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{url}",
        f"STATUS:{'CANCELLED' if session.status == SessionStatus.CANCELLED else 'CONFIRMED'}",
        "TRANSP:TRANSPARENT",
    ]
    if place:
        lines.append(f"LOCATION:{escape_text(place)}")
    if session.latitude is not None and session.longitude is not None:
        lines.append(f"GEO:{session.latitude:.6f};{session.longitude:.6f}")
    if session.updated_at is not None:
        lines.append(f"LAST-MODIFIED:{_utc(session.updated_at)}")
    lines.append("END:VEVENT")
    return lines


def calendar(sessions: Iterable[Session], *, name: str, request: Any) -> str:
    """The iCalendar document of ``sessions`` (with their training and its organisation)."""
    domain = request.get_host().split(":")[0] or "fabrique"
    base_url = f"{request.scheme}://{request.get_host()}"
    stamp = timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for session in sessions:
        lines += _event(session, domain=domain, base_url=base_url, stamp=stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)


# --- a person's feed ----------------------------------------------------------------------------


def _signer() -> signing.Signer:
    return signing.Signer(salt=PERSON_FEED_SALT)


def person_feed_token(person: Any) -> str:
    return _signer().sign(str(person.pk))


def person_from_token(token: str) -> int | None:
    """The id of the person a feed token was made for, or None if it is not genuine."""
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def person_feed_url(person: Any) -> str:
    """The address (path) of the person's calendar feed, to show on their own pages."""
    return reverse("trainings:person_ical", kwargs={"token": person_feed_token(person)})

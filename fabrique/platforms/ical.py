"""iCalendar feeds (RFC 5545) of bookings: one equipment's, and a user's own.

An equipment's feed shows when it is taken; who booked it is named only for the platform's
staff. A user's feed holds the bookings they made or that were made for them; calendar
applications fetch it without logging in, so its address carries a signature of the user's
id (``user_feed_url``), as the training sessions' personal feeds do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fabrique.platforms.enums import BookingState
from fabrique.platforms.models import Booking
from fabrique.trainings.ical import escape_text, fold_line

PRODID = "-//Fabrique//Equipment bookings//FR"
USER_FEED_SALT = "fabrique.platforms.user-feed"
CONTENT_TYPE = "text/calendar; charset=utf-8"
# Feeds hold what calendars need: a month back and half a year ahead.
PAST_DAYS = 31
FUTURE_DAYS = 183
STATUS = {
    BookingState.REQUESTED: "TENTATIVE",
    BookingState.CONFIRMED: "CONFIRMED",
    BookingState.DONE: "CONFIRMED",
    BookingState.NO_SHOW: "CANCELLED",
    BookingState.CANCELLED: "CANCELLED",
}


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def feed_window(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    now = now or timezone.now()
    return now - dt.timedelta(days=PAST_DAYS), now + dt.timedelta(days=FUTURE_DAYS)


def _event(
    booking: Booking, *, domain: str, base_url: str, stamp: dt.datetime, name_user: bool
) -> list[str]:
    equipment = booking.equipment
    summary = equipment.name
    if name_user:
        summary = f"{equipment.name} — {booking.user.get_full_name() or booking.user.email}"
    details = [booking.get_state_display()]
    if name_user and booking.project:
        details.append(_("Project: %(project)s") % {"project": booking.project})
    url = base_url + reverse("platforms:equipment", args=[equipment.pk])
    details.append(url)
    lines = [
        "BEGIN:VEVENT",
        f"UID:booking-{booking.pk}@{domain}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(booking.start)}",
        f"DTEND:{_utc(booking.end)}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(chr(10).join(details))}",
        f"LOCATION:{escape_text(equipment.platform.name)}",
        f"URL:{url}",
        f"STATUS:{STATUS.get(booking.state, 'CONFIRMED')}",
        "TRANSP:OPAQUE",
    ]
    if booking.updated_at is not None:
        lines.append(f"LAST-MODIFIED:{_utc(booking.updated_at)}")
    lines.append("END:VEVENT")
    return lines


def calendar(bookings: Iterable[Booking], *, name: str, request: Any, name_user: bool) -> str:
    """The iCalendar document of ``bookings`` (with equipment, platform and user loaded)."""
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
    for booking in bookings:
        lines += _event(booking, domain=domain, base_url=base_url, stamp=stamp, name_user=name_user)
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)


def _signer() -> signing.Signer:
    return signing.Signer(salt=USER_FEED_SALT)


def user_from_token(token: str) -> int | None:
    """The id of the user a feed token was made for, or None if it is not genuine."""
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def user_feed_url(user: Any) -> str:
    return reverse("platforms:user_feed", args=[_signer().sign(str(user.pk))])

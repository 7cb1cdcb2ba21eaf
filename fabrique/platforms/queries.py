"""Reads of technical platforms: the network-wide free-slot search, and a week of bookings.

The search runs a bounded number of queries whatever the number of equipment: the candidate
equipment (category, words of their capabilities, a bounding box around the place), their
platforms' time zones, opening slots and closures, the active bookings of the candidates
inside the window (a few candidates at a time, nearest first, until enough have free time),
and the matching equipment themselves. The free time is computed in Python by
``engine.slots`` (opening slots minus closures minus bookings), over integer seconds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from fabrique.engine import geo, slots
from fabrique.platforms.enums import ACTIVE, EquipmentStatus
from fabrique.platforms.models import (
    Availability,
    Booking,
    Closure,
    Equipment,
    TechnicalPlatform,
)

MAX_WINDOW = dt.timedelta(days=62)
MAX_WORDS = 8
# Bookings are read for the first ``limit + CHUNK_MARGIN`` candidates, then for twice as
# many at a time (up to CHUNK_MAX) until ``limit`` have free time.
CHUNK_MARGIN = 10
CHUNK_MAX = 400
FREE_SHOWN = 20  # free slots returned per equipment (the hours count them all)


@dataclass
class Match:
    equipment: Equipment
    distance_km: float | None
    free: list[slots.Interval] = field(default_factory=list)
    free_hours: float = 0.0

    @property
    def first_free(self) -> slots.Interval:
        return self.free[0]


@dataclass(frozen=True)
class Search:
    start: dt.datetime
    end: dt.datetime
    duration: dt.timedelta = dt.timedelta(hours=1)
    category: str = ""
    text: str = ""
    centre: geo.Point | None = None
    radius_km: float = 50.0
    shared_only: bool = False
    limit: int = 50


@dataclass(frozen=True, slots=True)
class _Candidate:
    pk: int
    platform_id: int
    distance_km: float | None


def _candidates(search: Search) -> list[_Candidate]:
    equipment = Equipment.objects.filter(status=EquipmentStatus.AVAILABLE)
    if search.category:
        equipment = equipment.filter(category=search.category)
    for word in search.text.lower().split()[:MAX_WORDS]:
        equipment = equipment.filter(search_text__contains=word)
    if search.shared_only:
        equipment = equipment.filter(shared=True)
    if search.centre is None:
        rows = equipment.order_by("name", "pk").values_list("pk", "platform_id")
        return [_Candidate(pk, platform_id, None) for pk, platform_id in rows]
    box = geo.bounding_box(search.centre, search.radius_km)
    rows = equipment.filter(
        latitude__gte=box.min_latitude,
        latitude__lte=box.max_latitude,
        longitude__gte=box.min_longitude,
        longitude__lte=box.max_longitude,
    ).values_list("pk", "platform_id", "latitude", "longitude", "name")
    found = []
    for pk, platform_id, latitude, longitude, name in rows:
        distance = geo.distance_km(search.centre, geo.Point(latitude, longitude))
        if distance <= search.radius_km:
            found.append((distance, name, _Candidate(pk, platform_id, distance)))
    found.sort(key=lambda row: (row[0], row[1], row[2].pk))
    return [candidate for _distance, _name, candidate in found]


BUSY_SQL = """
    SELECT equipment_id,
           array_agg(EXTRACT(EPOCH FROM "start")::bigint),
           array_agg(CEIL(EXTRACT(EPOCH FROM "end"))::bigint)
    FROM platforms_booking
    WHERE equipment_id = ANY(%s) AND state = ANY(%s) AND "start" < %s AND "end" > %s
    GROUP BY equipment_id
"""


def _busy(ids: list[int], start: dt.datetime, end: dt.datetime) -> dict[int, list[slots.Span]]:
    """The active bookings of equipment ``ids`` inside the window, as POSIX seconds computed
    by the database (much cheaper than a timezone-aware datetime per row); on PostgreSQL
    one row per equipment."""
    busy: dict[int, list[slots.Span]] = defaultdict(list)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(BUSY_SQL, [ids, sorted(ACTIVE), end, start])
            for equipment_id, starts, ends in cursor.fetchall():
                busy[equipment_id] = list(zip(starts, ends, strict=True))
        return busy
    rows = (
        Booking.objects.filter(
            equipment_id__in=ids, state__in=sorted(ACTIVE), start__lt=end, end__gt=start
        )
        .annotate(
            start_s=RawSQL('CAST(strftime(\'%%s\', "platforms_booking"."start") AS INTEGER)', []),
            end_s=RawSQL('CAST(strftime(\'%%s\', "platforms_booking"."end") AS INTEGER)', []),
        )
        .values_list("equipment_id", "start_s", "end_s")
    )
    for equipment_id, booked_from, booked_to in rows:
        busy[equipment_id].append((booked_from, booked_to))
    return busy


def search_free_slots(search: Search, *, now: dt.datetime | None = None) -> list[Match]:
    """Equipment with at least one free slot of ``search.duration`` inside the window, nearest
    first (by name without a place), at most ``search.limit``.

    The bookings are read for a few candidates at a time, so that a search stops reading
    once it has ``limit`` matches."""
    now = now or timezone.now()
    start = max(search.start, now)
    end = min(search.end, start + MAX_WINDOW)
    if end <= start:
        return []
    window = slots.Interval(start, end)
    candidates = _candidates(search)
    if not candidates:
        return []
    platform_ids = {candidate.platform_id for candidate in candidates}
    platforms = dict(
        TechnicalPlatform.objects.filter(pk__in=platform_ids).values_list("pk", "time_zone")
    )
    weekly: dict[int, list[slots.WeeklySlot]] = defaultdict(list)
    # Equipment with opening slots of its own: those replace its platform's.
    own_weekly: dict[int, list[slots.WeeklySlot]] = defaultdict(list)
    for platform_id, equipment_id, weekday, opens, closes in Availability.objects.filter(
        platform_id__in=platform_ids
    ).values_list("platform_id", "equipment_id", "weekday", "start", "end"):
        slot = slots.WeeklySlot(weekday, opens, closes)
        (own_weekly[equipment_id] if equipment_id else weekly[platform_id]).append(slot)
    platform_closures: dict[int, list[slots.Closure]] = defaultdict(list)
    equipment_closures: dict[int, list[slots.Closure]] = defaultdict(list)
    for platform_id, equipment_id, first, last in Closure.objects.filter(
        platform_id__in=platform_ids,
        first_day__lte=(end + dt.timedelta(days=1)).date(),
        last_day__gte=(start - dt.timedelta(days=1)).date(),
    ).values_list("platform_id", "equipment_id", "first_day", "last_day"):
        target = (
            equipment_closures[equipment_id] if equipment_id else platform_closures[platform_id]
        )
        target.append(slots.Closure(first, last))

    # Platforms often share their schedule: compute each distinct one once.
    schedules: dict[tuple[object, ...], list[slots.Span]] = {}

    def opened(
        platform_id: int, extra: list[slots.Closure], own: list[slots.WeeklySlot] | None = None
    ) -> list[slots.Span]:
        closures = platform_closures[platform_id] + extra
        weekly_slots = own or weekly[platform_id]
        key = (platforms[platform_id], tuple(weekly_slots), tuple(closures))
        spans = schedules.get(key)
        if spans is None:
            spans = schedules[key] = slots.to_spans(
                slots.openings(weekly_slots, closures, window, ZoneInfo(platforms[platform_id]))
            )
        return spans

    opened_by_platform: dict[int, list[slots.Span]] = {}
    at_least = int(search.duration.total_seconds())
    found: list[tuple[_Candidate, list[slots.Span]]] = []
    offset, size = 0, search.limit + CHUNK_MARGIN
    while offset < len(candidates) and len(found) < search.limit:
        chunk = candidates[offset : offset + size]
        offset, size = offset + size, min(size * 2, CHUNK_MAX)
        busy = _busy([candidate.pk for candidate in chunk], start, end)
        for candidate in chunk:
            if candidate.pk in equipment_closures or candidate.pk in own_weekly:
                spans = opened(
                    candidate.platform_id,
                    equipment_closures.get(candidate.pk, []),
                    own_weekly.get(candidate.pk),
                )
            else:
                spans = opened_by_platform.get(candidate.platform_id) or []
                if candidate.platform_id not in opened_by_platform:
                    spans = opened_by_platform[candidate.platform_id] = opened(
                        candidate.platform_id, []
                    )
            free = slots.free_spans(spans, busy.get(candidate.pk, ()), at_least=at_least)
            if free:
                found.append((candidate, free))
                if len(found) >= search.limit:
                    break
    if not found:
        return []
    equipment = Equipment.objects.select_related("platform", "platform__owner").in_bulk(
        [candidate.pk for candidate, _free in found]
    )
    matches = []
    for candidate, free in found:
        item = equipment[candidate.pk]
        zone = ZoneInfo(platforms[candidate.platform_id])
        matches.append(
            Match(
                equipment=item,
                distance_km=candidate.distance_km,
                free=[slots.from_span(span, zone) for span in free[:FREE_SHOWN]],
                free_hours=sum(span_end - span_start for span_start, span_end in free) / 3600,
            )
        )
    return matches


def week_bookings(equipment: Equipment, monday: dt.date) -> list[list[Booking]]:
    """The active and done bookings of ``equipment`` for each day of the week starting on
    ``monday`` (local days of the platform)."""
    zone = ZoneInfo(equipment.platform.time_zone)
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=zone)
    end = start + dt.timedelta(days=7)
    days: list[list[Booking]] = [[] for _ in range(7)]
    for booking in (
        Booking.objects.filter(equipment=equipment, start__lt=end, end__gt=start)
        .exclude(state="cancelled")
        .order_by("start")
    ):
        first = max(booking.start, start).astimezone(zone).date()
        last = min(booking.end - dt.timedelta(microseconds=1), end).astimezone(zone).date()
        day = first
        while day <= last:
            index = (day - monday).days
            if 0 <= index < 7:
                days[index].append(booking)
            day += dt.timedelta(days=1)
    return days

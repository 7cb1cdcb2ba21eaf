"""Free time of shared equipment: weekly opening slots, minus closures, minus bookings.

Plain interval arithmetic over timezone-aware datetimes. Opening slots are wall-clock times
in the platform's own time zone (a Monday 8:00–12:00 slot stays 8:00–12:00 across daylight
saving changes); every result is an aware datetime. Intervals are half-open ``[start, end)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("interval bounds must be timezone-aware")
        if self.end < self.start:
            raise ValueError(f"interval ends ({self.end}) before it starts ({self.start})")

    @property
    def duration(self) -> dt.timedelta:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class WeeklySlot:
    """Open every ``weekday`` (0 = Monday) from ``start`` to ``end`` (wall-clock times)."""

    weekday: int
    start: dt.time
    end: dt.time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday {self.weekday} is outside 0..6")
        if self.end <= self.start:
            raise ValueError("a weekly slot ends after it starts")


@dataclass(frozen=True, slots=True)
class Closure:
    """Closed from ``first`` to ``last`` day, both included (local dates)."""

    first: dt.date
    last: dt.date


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """The union of ``intervals`` as sorted, disjoint, non-touching intervals."""
    merged: list[Interval] = []
    for interval in sorted(intervals):
        if interval.start == interval.end:
            continue
        if merged and interval.start <= merged[-1].end:
            if interval.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, interval.end)
        else:
            merged.append(interval)
    return merged


def subtract(base: Sequence[Interval], removed: Iterable[Interval]) -> list[Interval]:
    """``base`` minus ``removed``, both in any order; the result is sorted and disjoint."""
    result: list[Interval] = []
    holes = merge(removed)
    index = 0
    for interval in merge(base):
        cursor = interval.start
        # Skip holes that end before this interval starts.
        while index < len(holes) and holes[index].end <= cursor:
            index += 1
        scan = index
        while scan < len(holes) and holes[scan].start < interval.end:
            hole = holes[scan]
            if hole.start > cursor:
                result.append(Interval(cursor, hole.start))
            cursor = max(cursor, hole.end)
            scan += 1
        if cursor < interval.end:
            result.append(Interval(cursor, interval.end))
    return result


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """The intersection of two unions of intervals."""
    left, right = merge(a), merge(b)
    result: list[Interval] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i].start, right[j].start)
        end = min(left[i].end, right[j].end)
        if start < end:
            result.append(Interval(start, end))
        if left[i].end < right[j].end:
            i += 1
        else:
            j += 1
    return result


def _local(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=zone)


def openings(
    slots: Sequence[WeeklySlot],
    closures: Sequence[Closure],
    window: Interval,
    zone: ZoneInfo,
) -> list[Interval]:
    """The opening intervals inside ``window``: the weekly slots of each local day, minus the
    closed days, clipped to the window."""
    if not slots:
        return []
    by_day: dict[int, list[WeeklySlot]] = {}
    for slot in slots:
        by_day.setdefault(slot.weekday, []).append(slot)
    closed = merge(
        Interval(
            _local(c.first, dt.time(0), zone),
            _local(c.last + dt.timedelta(days=1), dt.time(0), zone),
        )
        for c in closures
        if c.last >= c.first
    )
    first_day = window.start.astimezone(zone).date()
    last_day = window.end.astimezone(zone).date()
    opened: list[Interval] = []
    day = first_day
    while day <= last_day:
        for slot in by_day.get(day.weekday(), ()):
            start = _local(day, slot.start, zone)
            end = _local(day, slot.end, zone)
            start, end = max(start, window.start), min(end, window.end)
            if start < end:
                opened.append(Interval(start, end))
        day += dt.timedelta(days=1)
    return subtract(opened, closed)


def free(
    opened: Sequence[Interval], busy: Iterable[Interval], *, at_least: dt.timedelta
) -> list[Interval]:
    """The free intervals (open and not busy) lasting ``at_least``."""
    return [interval for interval in subtract(opened, busy) if interval.duration >= at_least]


def covers(intervals: Sequence[Interval], wanted: Interval) -> bool:
    """Whether ``wanted`` lies entirely inside the union of ``intervals``."""
    return not subtract([wanted], intervals) if wanted.start < wanted.end else True


def overlaps(a: Interval, b: Interval) -> bool:
    return a.start < b.end and b.start < a.end


# --- the fast path of the network search: plain integer seconds --------------------------------

Span = tuple[int, int]


def to_spans(intervals: Iterable[Interval]) -> list[Span]:
    """Intervals as (start, end) POSIX seconds (sub-second parts dropped)."""
    return [(int(i.start.timestamp()), int(i.end.timestamp())) for i in intervals]


def from_span(span: Span, zone: ZoneInfo) -> Interval:
    return Interval(
        dt.datetime.fromtimestamp(span[0], tz=zone), dt.datetime.fromtimestamp(span[1], tz=zone)
    )


def free_spans(opened: Sequence[Span], busy: Iterable[Span], *, at_least: int) -> list[Span]:
    """``free`` over integer seconds, for many equipment at once: ``opened`` sorted and
    disjoint (as ``openings`` gives them), ``busy`` in any order, possibly overlapping.
    Returns the free spans lasting at least ``at_least`` seconds, sorted."""
    holes = sorted(hole for hole in busy if hole[1] > hole[0])
    count = len(holes)
    result: list[Span] = []
    first = 0
    for start, end in opened:
        cursor = start
        # Holes that end before this span starts matter to no later span either.
        while first < count and holes[first][1] <= cursor:
            first += 1
        index = first
        while index < count and holes[index][0] < end:
            hole_start, hole_end = holes[index]
            if hole_start > cursor and min(hole_start, end) - cursor >= at_least:
                result.append((cursor, min(hole_start, end)))
            if hole_end > cursor:
                cursor = hole_end
            index += 1
        if end - cursor >= at_least and cursor < end:
            result.append((cursor, end))
    return result

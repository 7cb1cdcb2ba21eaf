"""Free time of equipment: weekly openings minus closures minus bookings. Checked against a
brute-force oracle that walks the window minute by minute (an independent definition of
"free"), and on the cases that hurt: daylight saving changes, closures, touching bookings."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fabrique.engine.slots import (
    Closure,
    Interval,
    WeeklySlot,
    covers,
    free,
    free_spans,
    from_span,
    intersect,
    merge,
    openings,
    subtract,
    to_spans,
)

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC
BASE = dt.datetime(2027, 3, 22, tzinfo=UTC)  # a Monday, a week before summer time


def at(minutes: int) -> dt.datetime:
    return BASE + dt.timedelta(minutes=minutes)


def span(a: int, b: int) -> Interval:
    return Interval(at(a), at(b))


intervals = st.lists(
    st.tuples(st.integers(0, 600), st.integers(0, 120)).map(lambda p: span(p[0], p[0] + p[1])),
    max_size=8,
)


def minutes_in(union: list[Interval]) -> set[int]:
    inside = set()
    for interval in union:
        minute = int((interval.start - BASE).total_seconds() // 60)
        end = int((interval.end - BASE).total_seconds() // 60)
        inside.update(range(minute, end))
    return inside


def is_canonical(union: list[Interval]) -> bool:
    """Sorted, non-empty, disjoint and not touching."""
    return all(i.start < i.end for i in union) and all(
        a.end < b.start for a, b in itertools.pairwise(union)
    )


@given(intervals)
def test_merge_keeps_the_same_minutes_in_canonical_form(union):
    merged = merge(union)

    assert minutes_in(merged) == minutes_in(union)
    assert is_canonical(merged)


@given(intervals, intervals)
def test_subtract_is_set_difference(base, removed):
    result = subtract(base, removed)

    assert minutes_in(result) == minutes_in(base) - minutes_in(removed)
    assert is_canonical(result)


@given(intervals, intervals)
def test_subtract_does_not_depend_on_input_order(base, removed):
    assert subtract(base, removed) == subtract(base[::-1], removed[::-1])


@given(intervals, intervals)
def test_intersect_is_set_intersection(a, b):
    assert minutes_in(intersect(a, b)) == minutes_in(a) & minutes_in(b)


@given(intervals, st.integers(0, 600), st.integers(1, 120))
def test_covers_means_every_minute_is_inside(union, start, length):
    wanted = span(start, start + length)

    assert covers(union, wanted) == (minutes_in([wanted]) <= minutes_in(union))


@settings(max_examples=50)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 22), st.integers(1, 4)),
        min_size=1,
        max_size=6,
    ),
    st.lists(st.tuples(st.integers(0, 13), st.integers(0, 3)), max_size=2),
    intervals,
)
def test_free_time_matches_a_minute_by_minute_oracle(raw_slots, raw_closures, busy):
    slots = [
        WeeklySlot(day, dt.time(hour), dt.time(min(hour + length, 23)))
        for day, hour, length in raw_slots
    ]
    first_day = BASE.astimezone(PARIS).date()
    closures = [
        Closure(first_day + dt.timedelta(days=d), first_day + dt.timedelta(days=d + n))
        for d, n in raw_closures
    ]
    window = Interval(BASE, BASE + dt.timedelta(days=14))

    result = free(openings(slots, closures, window, PARIS), busy, at_least=dt.timedelta(0))

    expected = set()
    busy_minutes = minutes_in(busy)
    for minute in range(0, 14 * 24 * 60, 15):
        local = at(minute).astimezone(PARIS)
        closed = any(c.first <= local.date() <= c.last for c in closures)
        opened = any(
            s.weekday == local.weekday() and s.start <= local.time() < s.end for s in slots
        )
        if opened and not closed and minute not in busy_minutes:
            expected.add(minute)
    assert {m for m in minutes_in(result) if m % 15 == 0} == expected


def test_openings_keep_wall_clock_hours_across_the_summer_time_change():
    # 2027-03-28 is the last Sunday of March: Paris goes from UTC+1 to UTC+2.
    window = Interval(dt.datetime(2027, 3, 26, tzinfo=UTC), dt.datetime(2027, 3, 30, tzinfo=UTC))
    slots = [WeeklySlot(4, dt.time(8), dt.time(12)), WeeklySlot(0, dt.time(8), dt.time(12))]

    result = openings(slots, [], window, PARIS)

    assert [(i.start.astimezone(UTC).hour, i.end.astimezone(UTC).hour) for i in result] == [
        (7, 11),  # Friday, winter time
        (6, 10),  # Monday, summer time
    ]


def test_a_closure_removes_whole_local_days():
    window = Interval(
        dt.datetime(2027, 3, 22, tzinfo=PARIS), dt.datetime(2027, 3, 27, tzinfo=PARIS)
    )
    slots = [WeeklySlot(day, dt.time(8), dt.time(18)) for day in range(5)]

    result = openings(slots, [Closure(dt.date(2027, 3, 23), dt.date(2027, 3, 24))], window, PARIS)

    assert [i.start.date() for i in result] == [
        dt.date(2027, 3, 22),
        dt.date(2027, 3, 25),
        dt.date(2027, 3, 26),
    ]


def test_free_drops_slots_shorter_than_asked_and_touching_bookings_leave_no_gap():
    opened = [span(0, 600)]
    busy = [span(60, 120), span(120, 300), span(330, 590)]

    result = free(opened, busy, at_least=dt.timedelta(minutes=30))

    assert result == [span(0, 60), span(300, 330)]


def test_intervals_refuse_naive_or_reversed_bounds():
    with pytest.raises(ValueError, match="timezone-aware"):
        Interval(dt.datetime(2027, 1, 1), dt.datetime(2027, 1, 2))
    with pytest.raises(ValueError, match="before it starts"):
        Interval(at(10), at(5))
    with pytest.raises(ValueError, match="ends after it starts"):
        WeeklySlot(0, dt.time(10), dt.time(9))


def seconds(union: list[Interval]) -> list[tuple[int, int]]:
    return to_spans(union)


@given(intervals, intervals, st.integers(0, 90))
def test_free_spans_over_seconds_agree_with_free_over_intervals(opened, busy, minutes):
    canonical = merge(opened)

    fast = free_spans(seconds(canonical), seconds(busy), at_least=minutes * 60)

    assert fast == seconds(free(canonical, busy, at_least=dt.timedelta(minutes=minutes)))


def test_spans_come_back_as_intervals_in_the_zone():
    interval = from_span((1_806_390_000, 1_806_393_600), PARIS)

    assert (interval.start.tzinfo, interval.duration) == (PARIS, dt.timedelta(hours=1))

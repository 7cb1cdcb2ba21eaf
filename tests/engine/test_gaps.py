import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fabrique.engine.gaps import (
    Quarter,
    axis,
    peak,
    quarter_reached,
    quarters_between,
    series,
)


def test_quarter_of_a_day_and_its_bounds():
    quarter = Quarter.of(dt.date(2027, 5, 17))

    assert quarter == Quarter(2027, 2)
    assert quarter.first_day == dt.date(2027, 4, 1)
    assert quarter.last_day == dt.date(2027, 6, 30)
    assert quarter.code == "2027-Q2"
    assert Quarter(2027, 4).last_day == dt.date(2027, 12, 31)
    assert Quarter(2027, 4).next() == Quarter(2028, 1)


def test_quarter_number_outside_one_to_four_is_refused():
    with pytest.raises(ValueError, match=r"outside 1\.\.4"):
        Quarter(2027, 5)


def test_quarters_between_crosses_years():
    found = quarters_between(dt.date(2026, 11, 3), dt.date(2027, 4, 1))

    assert found == (Quarter(2026, 4), Quarter(2027, 1), Quarter(2027, 2))


def test_quarters_between_refuses_an_end_before_the_start():
    with pytest.raises(ValueError, match="ends before"):
        quarters_between(dt.date(2027, 1, 1), dt.date(2026, 12, 31))


def test_quarter_reached_by_a_day():
    quarters = quarters_between(dt.date(2027, 1, 1), dt.date(2027, 12, 31))

    assert quarter_reached(None, quarters) == Quarter(2027, 1)
    assert quarter_reached(dt.date(2020, 1, 1), quarters) == Quarter(2027, 1)
    assert quarter_reached(dt.date(2027, 6, 30), quarters) == Quarter(2027, 2)
    assert quarter_reached(dt.date(2027, 7, 1), quarters) == Quarter(2027, 3)
    assert quarter_reached(dt.date(2028, 1, 1), quarters) is None
    assert quarter_reached(None, ()) is None


def test_series_runs_a_balance_to_date():
    q1, q2, q3 = quarters_between(dt.date(2027, 1, 1), dt.date(2027, 9, 30))

    cells = series(
        (q1, q2, q3),
        needed={q1: 10, q3: 5, Quarter(2030, 1): 99},
        qualified={q1: 3, q2: 1},
        seats={q2: 4},
    )

    assert [(c.needed, c.needed_to_date, c.qualified, c.seats, c.gap) for c in cells] == [
        (10, 10, 3, 0, 7),
        (0, 10, 4, 4, 2),
        (5, 15, 4, 4, 7),
    ]
    assert [c.shortage for c in cells] == [7, 2, 7]
    assert cells[1].supply == 8
    assert peak(cells) == cells[0]  # the earliest of equal gaps


def test_series_surplus_is_a_negative_gap_and_no_shortage():
    (q1,) = quarters_between(dt.date(2027, 1, 1), dt.date(2027, 1, 1))

    (cell,) = series((q1,), needed={q1: 2}, qualified={q1: 5}, seats={})

    assert cell.gap == -3
    assert cell.shortage == 0


def test_series_refuses_negative_figures():
    (q1,) = quarters_between(dt.date(2027, 1, 1), dt.date(2027, 1, 1))

    with pytest.raises(ValueError, match="seats has a negative"):
        series((q1,), needed={}, qualified={}, seats={q1: -1})


def test_peak_of_nothing_is_none():
    assert peak([]) is None


@pytest.mark.parametrize(
    ("value", "top", "step"),
    [(0, 1, 1), (1, 1, 1), (5, 5, 1), (6, 6, 2), (7, 8, 2), (22, 25, 5), (420, 500, 100)],
)
def test_axis(value, top, step):
    assert axis(value) == (top, step)


def test_axis_needs_a_tick():
    with pytest.raises(ValueError, match="at least 1"):
        axis(3, most_ticks=0)


YEARS = quarters_between(dt.date(2027, 1, 1), dt.date(2029, 12, 31))
quarter_list = st.integers(min_value=1, max_value=12).map(lambda n: YEARS[:n])
figures = st.lists(st.integers(min_value=0, max_value=1000), min_size=12, max_size=12)


@settings(deadline=None)
@given(quarter_list, figures, figures, figures)
def test_series_last_gap_is_the_whole_balance(quarters, needed, qualified, seats):
    def by_quarter(values):
        return dict(zip(quarters, values, strict=False))

    cells = series(
        quarters,
        needed=by_quarter(needed),
        qualified=by_quarter(qualified),
        seats=by_quarter(seats),
    )

    count = len(quarters)
    assert len(cells) == count
    assert cells[-1].gap == sum(needed[:count]) - sum(qualified[:count]) - sum(seats[:count])
    for before, after in itertools.pairwise(cells):
        assert after.needed_to_date == before.needed_to_date + after.needed
        assert after.qualified >= before.qualified
        assert after.seats >= before.seats
    for cell in cells:
        assert cell.gap == cell.needed_to_date - cell.qualified - cell.seats


@given(st.integers(min_value=0, max_value=10**7), st.integers(min_value=1, max_value=10))
def test_axis_top_covers_the_value_tightly_in_few_steps(value, most_ticks):
    top, step = axis(value, most_ticks=most_ticks)

    assert top >= max(value, 1)
    assert top - step < max(value, 1)
    assert top % step == 0
    assert top // step <= most_ticks
    power = 10 ** (len(str(step)) - 1)
    assert step % power == 0
    assert step // power in (1, 2, 5)

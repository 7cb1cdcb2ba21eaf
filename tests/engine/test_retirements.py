"""Expected retirements from age bands: hand-checked figures and properties."""

from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fabrique.engine.retirements import BANDS, expected_retirements, retirements_by_occupation


def test_ten_people_aged_55_to_59_leave_over_seven_years():
    # 2 people at each age 55..59; each retires at 62, 63 or 64 (1/3 each): a person aged a
    # leaves r - a years later. Offsets 3..9 get 1, 2, 3, 3, 3, 2, 1 pairs of 2/3 person.
    departures = expected_retirements({"55_59": 10}, year=2026, horizon=10)

    assert departures.by_year == {
        2026: 0,
        2027: 0,
        2028: 0,
        2029: F(2, 3),
        2030: F(4, 3),
        2031: 2,
        2032: 2,
        2033: 2,
        2034: F(4, 3),
        2035: F(2, 3),
    }
    assert departures.total == 10
    assert departures.later == 0


def test_people_aged_60_and_over_mostly_leave_within_two_years():
    # One person at each age 60..64. Already at or past their retirement age: this year.
    departures = expected_retirements({"60_plus": 5}, year=2026, horizon=3)

    assert departures.by_year == {2026: 2, 2027: 1, 2028: 1}
    assert departures.later == 1  # 2/3 in 2029 and 1/3 in 2030


def test_departures_after_the_horizon_are_counted_apart():
    departures = expected_retirements({"55_59": 10, "under_25": 7}, year=2026, horizon=5)

    assert departures.total == 2  # 2029 and 2030
    assert departures.later == 8 + 7


def test_a_single_retirement_age_moves_everyone_on_the_same_birthday():
    departures = expected_retirements({"45_54": 10}, year=2030, horizon=20, retirement_ages=(64,))

    # One person at each age 45..54: they reach 64 after 10 to 19 years.
    assert [departures.by_year[year] for year in range(2030, 2050)] == [0] * 10 + [1] * 10


def test_occupations_are_computed_apart_and_repeated_bands_added_up():
    found = retirements_by_occupation(
        [("H2903", "60_plus", 2), ("H2903", "60_plus", 3), ("I1304", "25_34", 4)],
        year=2026,
        horizon=3,
    )

    assert list(found) == ["H2903", "I1304"]
    assert found["H2903"].by_year == {2026: 2, 2027: 1, 2028: 1}
    assert found["I1304"].total == 0
    assert found["I1304"].later == 4


@pytest.mark.parametrize(
    ("headcounts", "options", "message"),
    [
        ({"50_60": 1}, {}, "unknown age band"),
        ({"55_59": -1}, {}, "negative headcount"),
        ({"55_59": 1}, {"horizon": 0}, "at least one year"),
        ({"55_59": 1}, {"retirement_ages": ()}, "at least one retirement age"),
    ],
)
def test_bad_input_is_refused(headcounts, options, message):
    with pytest.raises(ValueError, match=message):
        expected_retirements(headcounts, **{"year": 2026, "horizon": 5, **options})


@given(
    st.dictionaries(st.sampled_from(list(BANDS)), st.integers(0, 500)),
    st.integers(1, 60),
    st.lists(st.integers(55, 70), min_size=1, max_size=4),
)
def test_everyone_leaves_once_within_or_after_the_horizon(headcounts, horizon, ages):
    departures = expected_retirements(headcounts, year=2026, horizon=horizon, retirement_ages=ages)

    assert departures.total + departures.later == sum(headcounts.values())
    assert all(value >= 0 for value in departures.by_year.values())
    assert sorted(departures.by_year) == list(range(2026, 2026 + horizon))

"""Expected retirements of a workforce, from its headcount by age band.

A workforce snapshot gives, for each occupation, how many people are in each age band on a
date. ``expected_retirements`` spreads them over the years of a horizon in which they are
expected to retire.

The assumption (the same for every employer, stated on the pages and in
``docs/formats/workforce-spreadsheet.md``):

- within a band, the people are spread evenly over the band's whole years of age
  (``BANDS``: a band of 5 years holds a fifth of its headcount at each age);
- each person retires at 62, 63 or 64 with equal weight (a mean of 63). This is close to
  the public figures: the mean age at which people retired in 2023 was about 62.8 years all
  schemes together, and 63.3 to 63.5 years in the private sector's schemes (Agirc-Arrco,
  régime général) — DREES, *Les retraités et les retraites*, édition 2025; the 2023 reform
  raises the legal age step by step from 62 to 64. It is an assumption, not a forecast of
  any one person's departure;
- a person aged ``a`` on the snapshot's date who retires at ``r`` leaves in the calendar
  year ``snapshot year + (r - a)``; someone already at or past that age leaves in the
  snapshot's year. Nobody leaves for another reason (resignations, deaths, transfers are
  not counted).

Fractions are exact: 10 people aged 55–59 give 2/3 of a departure 3 years later.
No Django here: the adapter (``fabrique/needs/retirements.py``) reads the snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

__all__ = [
    "BANDS",
    "RETIREMENT_AGES",
    "Band",
    "Departures",
    "expected_retirements",
    "retirements_by_occupation",
]


@dataclass(frozen=True)
class Band:
    """An age band: the youngest and the oldest whole years of age it holds."""

    youngest: int
    oldest: int

    @property
    def ages(self) -> range:
        return range(self.youngest, self.oldest + 1)


# The bands of ``needs.enums.AgeBand`` (same codes). The first band starts at 16 (the youngest
# apprentices) and the last one is taken to stop at 64: the few people older still at work
# leave in the snapshot's year anyway under the assumption.
BANDS: Mapping[str, Band] = {
    "under_25": Band(16, 24),
    "25_34": Band(25, 34),
    "35_44": Band(35, 44),
    "45_54": Band(45, 54),
    "55_59": Band(55, 59),
    "60_plus": Band(60, 64),
}
RETIREMENT_AGES: tuple[int, ...] = (62, 63, 64)


@dataclass(frozen=True)
class Departures:
    """Expected departures per calendar year of the horizon, and those after it."""

    by_year: Mapping[int, Fraction]
    later: Fraction

    @property
    def total(self) -> Fraction:
        """Departures within the horizon."""
        return sum(self.by_year.values(), Fraction(0))


def expected_retirements(
    headcounts: Mapping[str, int],
    *,
    year: int,
    horizon: int,
    retirement_ages: Iterable[int] = RETIREMENT_AGES,
) -> Departures:
    """Expected retirements of one group (one occupation) for the years ``year`` to
    ``year + horizon - 1``, from its headcount per age band (codes of ``BANDS``).

    ``year`` is the calendar year of the snapshot. Raises ``ValueError`` for an unknown
    band, a negative headcount, a horizon below 1 or no retirement age.
    """
    ages = tuple(retirement_ages)
    if not ages:
        raise ValueError("give at least one retirement age")
    if horizon < 1:
        raise ValueError("the horizon is at least one year")
    by_year = {year + offset: Fraction(0) for offset in range(horizon)}
    later = Fraction(0)
    for code, headcount in headcounts.items():
        band = BANDS.get(code)
        if band is None:
            raise ValueError(f"unknown age band {code!r}; the bands are {', '.join(BANDS)}")
        if headcount < 0:
            raise ValueError(f"negative headcount {headcount} in band {code!r}")
        if headcount == 0:
            continue
        share = Fraction(headcount, len(band.ages) * len(ages))
        for age in band.ages:
            for retirement_age in ages:
                leaves = year + max(retirement_age - age, 0)
                if leaves in by_year:
                    by_year[leaves] += share
                else:
                    later += share
    return Departures(by_year=by_year, later=later)


def retirements_by_occupation(
    lines: Iterable[tuple[str, str, int]],
    *,
    year: int,
    horizon: int,
    retirement_ages: Iterable[int] = RETIREMENT_AGES,
) -> dict[str, Departures]:
    """``expected_retirements`` of each occupation of ``(occupation, band, headcount)``
    lines (a band repeated for an occupation is added up), in the order first met."""
    grouped: dict[str, dict[str, int]] = {}
    for occupation, band, headcount in lines:
        bands = grouped.setdefault(occupation, {})
        bands[band] = bands.get(band, 0) + headcount
    ages = tuple(retirement_ages)
    return {
        occupation: expected_retirements(bands, year=year, horizon=horizon, retirement_ages=ages)
        for occupation, bands in grouped.items()
    }

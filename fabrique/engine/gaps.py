"""The arithmetic of a gap analysis: quarters, and per occupation the running balance of the
jobs needed against the people already qualified and the training seats leading there.

Every figure is *to date* (cumulative from the first quarter of the horizon), because people
and seats are a stock that each quarter's needs draw on: a person available in the first
quarter can fill a job needed in the third, and a job left unfilled in the first quarter is
still to fill in the third. A quarter's gap is therefore

    gap = jobs needed to date − people qualified to date − seats to date

and the occupation is short in that quarter when the gap is positive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True, slots=True)
class Quarter:
    year: int
    number: int  # 1 to 4

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"quarter number {self.number} is outside 1..4")

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next().first_day - dt.timedelta(days=1)

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    @property
    def code(self) -> str:
        """``2027-Q1``: stable in addresses and exports, whatever the language."""
        return f"{self.year}-Q{self.number}"


def quarters_between(start: dt.date, end: dt.date) -> tuple[Quarter, ...]:
    """Every quarter from the one holding ``start`` to the one holding ``end``, in order."""
    if end < start:
        raise ValueError("the horizon ends before it starts")
    last = Quarter.of(end)
    quarter = Quarter.of(start)
    found = [quarter]
    while quarter < last:
        quarter = quarter.next()
        found.append(quarter)
    return tuple(found)


def quarter_reached(day: dt.date | None, quarters: Sequence[Quarter]) -> Quarter | None:
    """The first quarter of ``quarters`` by whose end ``day`` has come (no day: the first
    quarter); None when ``day`` falls after the last quarter."""
    if not quarters:
        return None
    if day is None:
        return quarters[0]
    for quarter in quarters:
        if day <= quarter.last_day:
            return quarter
    return None


@dataclass(frozen=True, slots=True)
class Cell:
    """One occupation in one quarter."""

    quarter: Quarter
    needed: int  # jobs needed by a date in this quarter
    needed_to_date: int  # jobs needed from the first quarter to this one
    qualified: int  # people qualified and available by this quarter's end
    seats: int  # free training seats of sessions ending by this quarter's end
    gap: int  # needed_to_date − qualified − seats

    @property
    def shortage(self) -> int:
        return max(self.gap, 0)

    @property
    def supply(self) -> int:
        return self.qualified + self.seats


def series(
    quarters: Sequence[Quarter],
    *,
    needed: Mapping[Quarter, int],
    qualified: Mapping[Quarter, int],
    seats: Mapping[Quarter, int],
) -> tuple[Cell, ...]:
    """The cells of one occupation, from figures per quarter that are *not* cumulative: jobs
    needed in the quarter, people who become available in it, seats of sessions ending in it.
    Figures for quarters outside ``quarters`` are ignored."""
    for name, figures in (("needed", needed), ("qualified", qualified), ("seats", seats)):
        if any(value < 0 for value in figures.values()):
            raise ValueError(f"{name} has a negative figure")
    cells = []
    needed_to_date = qualified_to_date = seats_to_date = 0
    for quarter in quarters:
        needed_here = needed.get(quarter, 0)
        needed_to_date += needed_here
        qualified_to_date += qualified.get(quarter, 0)
        seats_to_date += seats.get(quarter, 0)
        cells.append(
            Cell(
                quarter=quarter,
                needed=needed_here,
                needed_to_date=needed_to_date,
                qualified=qualified_to_date,
                seats=seats_to_date,
                gap=needed_to_date - qualified_to_date - seats_to_date,
            )
        )
    return tuple(cells)


def peak(cells: Iterable[Cell]) -> Cell | None:
    """The cell with the largest gap (the earliest of equals); None without cells."""
    best: Cell | None = None
    for cell in cells:
        if best is None or cell.gap > best.gap:
            best = cell
    return best


def axis(value: int, *, most_ticks: int = 5) -> tuple[int, int]:
    """A chart's top and tick step for values up to ``value``: the step is 1, 2 or 5 × 10^k,
    the smallest that needs at most ``most_ticks`` steps, and the top the first multiple of the
    step at or above ``value`` (at least one step)."""
    if most_ticks < 1:
        raise ValueError("most_ticks must be at least 1")
    value = max(value, 1)
    scale = 1
    while True:
        for unit in (1, 2, 5):
            step = unit * scale
            steps = -(-value // step)  # ceiling division
            if steps <= most_ticks:
                return steps * step, step
        scale *= 10

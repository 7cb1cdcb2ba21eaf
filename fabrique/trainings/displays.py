"""The catalogue's map and month calendar, computed from sessions (no tiles, no script).

The map projects coordinates the way ``territories.maps`` does: equirectangular, longitudes
shrunk by the cosine of the middle latitude. The calendar is a Monday-first month grid.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from fabrique.trainings.models import Session

MAP_WIDTH = 640.0
MAP_HEIGHT = 480.0
PADDING = 20.0
MIN_SPAN_DEGREES = 0.05
MAP_POINTS = 300
DAY_ITEMS = 4


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    session: Session


@dataclass(frozen=True)
class SessionMap:
    width: float
    height: float
    points: tuple[MapPoint, ...]
    without_place: int  # sessions without coordinates, left off the map

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"


def session_map(sessions: Sequence[Session]) -> SessionMap:
    placed = [s for s in sessions if s.latitude is not None and s.longitude is not None]
    missing = len(sessions) - len(placed)
    if not placed:
        return SessionMap(MAP_WIDTH, MAP_HEIGHT / 2, (), missing)
    latitudes = [s.latitude for s in placed if s.latitude is not None]
    south, north = min(latitudes), max(latitudes)
    shrink = math.cos(math.radians((south + north) / 2))
    xs = [s.longitude * shrink for s in placed if s.longitude is not None]
    west, east = min(xs), max(xs)
    span_x = max(east - west, MIN_SPAN_DEGREES)
    span_y = max(north - south, MIN_SPAN_DEGREES)
    scale = min((MAP_WIDTH - 2 * PADDING) / span_x, (MAP_HEIGHT - 2 * PADDING) / span_y)
    width = round(span_x * scale + 2 * PADDING)
    height = round(span_y * scale + 2 * PADDING)
    offset_x = (width - (east - west) * scale) / 2
    offset_y = (height - (north - south) * scale) / 2
    points = tuple(
        MapPoint(
            x=round(offset_x + (s.longitude * shrink - west) * scale, 1),  # type: ignore[operator]
            y=round(offset_y + (north - s.latitude) * scale, 1),  # type: ignore[operator]
            session=s,
        )
        for s in placed
    )
    return SessionMap(width, height, points, missing)


@dataclass
class Day:
    date: dt.date
    in_month: bool
    sessions: list[Session] = field(default_factory=list)
    more: int = 0


def month_grid(month: dt.date, sessions: Sequence[Session]) -> list[list[Day]]:
    """Weeks (Monday first) of ``month``; each day lists the sessions that start on it."""
    by_day: dict[dt.date, list[Session]] = defaultdict(list)
    for session in sessions:
        by_day[session.start].append(session)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        days = []
        for date in week:
            starting = by_day.get(date, []) if date.month == month.month else []
            days.append(
                Day(
                    date=date,
                    in_month=date.month == month.month,
                    sessions=starting[:DAY_ITEMS],
                    more=max(len(starting) - DAY_ITEMS, 0),
                )
            )
        weeks.append(days)
    return weeks


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(month.year, month.month)[1]
    return month, month.replace(day=last)


def shift_month(month: dt.date, delta: int) -> dt.date | None:
    index = month.year * 12 + month.month - 1 + delta
    year, zero_based = divmod(index, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return None
    return dt.date(year, zero_based + 1, 1)

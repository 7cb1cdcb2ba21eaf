"""Planning scenarios (``fabrique-plan/1``): frozen records and a strict reader.

The reader refuses a malformed document with a :class:`ScenarioError` naming the first
offending record and key, e.g. ``sessions[3] (id "s-4"): "capacity" must not be negative``.
Extra keys are allowed and ignored, as the public contract says.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass

FORMAT = "fabrique-plan/1"
EARTH_RADIUS_KM = 6371.0  # the contract's sphere


class ScenarioError(ValueError):
    """A scenario document that does not follow ``fabrique-plan/1``."""


@dataclass(frozen=True, slots=True)
class Parameters:
    km_cost_eur: float
    session_to_need_max_km: float


@dataclass(frozen=True, slots=True)
class Candidate:
    id: str
    lat: float
    lon: float
    max_travel_km: float
    available_from: dt.date
    skills: frozenset[str] = frozenset()
    occupations: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    lat: float
    lon: float
    start: dt.date
    end: dt.date
    capacity: int
    cost_eur: float
    leads_to: frozenset[str]
    prerequisites: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Need:
    id: str
    lat: float
    lon: float
    occupation: str
    count: int
    deadline: dt.date


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    parameters: Parameters
    candidates: tuple[Candidate, ...]
    sessions: tuple[Session, ...]
    needs: tuple[Need, ...]

    @property
    def demand(self) -> int:
        return sum(need.count for need in self.needs)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in kilometres on the contract's sphere."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def read_scenario(data: bytes | str) -> Scenario:
    """Parse and check a ``fabrique-plan/1`` document."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise ScenarioError(f"not a JSON document: {error}") from None
    if not isinstance(document, dict):
        raise ScenarioError("the document must be a JSON object")
    top = _Record(document, "document")
    if document.get("format") != FORMAT:
        raise ScenarioError(
            f'document: "format" must be "{FORMAT}", found {json.dumps(document.get("format"))}'
        )
    name = top.optional_string("name")
    params = _Record(top.mapping("parameters"), "parameters")
    parameters = Parameters(
        km_cost_eur=params.number("km_cost_eur", minimum=0.0),
        session_to_need_max_km=params.number("session_to_need_max_km", minimum=0.0),
    )
    candidates = tuple(_candidate(r) for r in _records(top, "candidates"))
    sessions = tuple(_session(r) for r in _records(top, "sessions"))
    needs = tuple(_need(r) for r in _records(top, "needs"))
    return Scenario(name, parameters, candidates, sessions, needs)


def _records(top: _Record, key: str) -> list[_Record]:
    items = top.array(key)
    records: list[_Record] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise ScenarioError(f"{key}[{index}]: must be a JSON object")
        record = _Record(item, key, index)
        ident = record.string("id", nonempty=True)
        if ident in seen:
            raise ScenarioError(f'{record.where}: "id" duplicates an earlier {key} id')
        seen.add(ident)
        records.append(record)
    return records


def _candidate(r: _Record) -> Candidate:
    lat, lon = r.coordinates()
    return Candidate(
        id=r.string("id"),
        lat=lat,
        lon=lon,
        max_travel_km=r.number("max_travel_km", minimum=0.0),
        available_from=r.date("available_from"),
        skills=r.strings("skills"),
        occupations=r.strings("occupations"),
    )


def _session(r: _Record) -> Session:
    lat, lon = r.coordinates()
    start = r.date("start")
    end = r.date("end")
    if end < start:
        raise ScenarioError(f'{r.where}: "end" ({end}) is before "start" ({start})')
    return Session(
        id=r.string("id"),
        lat=lat,
        lon=lon,
        start=start,
        end=end,
        capacity=r.integer("capacity"),
        cost_eur=r.number("cost_eur", minimum=0.0),
        leads_to=r.strings("leads_to", required=True),
        prerequisites=r.strings("prerequisites"),
    )


def _need(r: _Record) -> Need:
    lat, lon = r.coordinates()
    return Need(
        id=r.string("id"),
        lat=lat,
        lon=lon,
        occupation=r.string("occupation"),
        count=r.integer("count"),
        deadline=r.date("deadline"),
    )


_NO_STRINGS: frozenset[str] = frozenset()


class _Record:
    """One JSON object and where it sits in the document, for error messages."""

    __slots__ = ("data", "index", "key")

    def __init__(self, data: Mapping[str, object], key: str, index: int | None = None) -> None:
        self.data = data
        self.key = key
        self.index = index

    @property
    def where(self) -> str:
        """``candidates[3] (id "c-4")``: written only when a message needs it."""
        if self.index is None:
            return self.key
        where = f"{self.key}[{self.index}]"
        ident = self.data.get("id")
        if isinstance(ident, str) and ident:
            where = f"{where} (id {json.dumps(ident)})"
        return where

    def _fail(self, key: str, problem: str) -> ScenarioError:
        return ScenarioError(f'{self.where}: "{key}" {problem}')

    def _get(self, key: str) -> object:
        if key not in self.data:
            raise self._fail(key, "is missing")
        return self.data[key]

    def mapping(self, key: str) -> Mapping[str, object]:
        value = self._get(key)
        if not isinstance(value, dict):
            raise self._fail(key, "must be a JSON object")
        return value

    def array(self, key: str) -> list[object]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self._fail(key, "must be a JSON array")
        return value

    def string(self, key: str, *, nonempty: bool = False) -> str:
        value = self._get(key)
        if not isinstance(value, str):
            raise self._fail(key, "must be a string")
        if nonempty and not value:
            raise self._fail(key, "must not be empty")
        return value

    def optional_string(self, key: str) -> str:
        if key not in self.data:
            return ""
        return self.string(key)

    def strings(self, key: str, *, required: bool = False) -> frozenset[str]:
        if key not in self.data and not required:
            return _NO_STRINGS
        value = self.array(key)
        try:
            result = frozenset(value)
        except TypeError:  # an unhashable item (array or object)
            raise self._fail(key, "must be an array of strings") from None
        for item in result:
            if type(item) is not str:
                raise self._fail(key, "must be an array of strings")
        return result  # type: ignore[return-value]

    def number(
        self, key: str, *, minimum: float | None = None, maximum: float | None = None
    ) -> float:
        value = self._get(key)
        kind = type(value)
        if kind is not float and kind is not int:  # bool is not a number here
            raise self._fail(key, "must be a number")
        number = float(value)  # type: ignore[arg-type]
        if not math.isfinite(number):
            raise self._fail(key, "must be a finite number")
        if minimum is not None and number < minimum:
            problem = "must not be negative" if minimum == 0 else f"must be at least {minimum}"
            raise self._fail(key, f"{problem} (found {value})")
        if maximum is not None and number > maximum:
            raise self._fail(key, f"must be at most {maximum} (found {value})")
        return number

    def integer(self, key: str) -> int:
        value = self._get(key)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, "must be an integer")
        if value < 0:
            raise self._fail(key, f"must not be negative (found {value})")
        return value

    def date(self, key: str) -> dt.date:
        value = self._get(key)
        if not isinstance(value, str):
            raise self._fail(key, "must be a date string YYYY-MM-DD")
        if len(value) != 10 or value[4] != "-" or value[7] != "-":
            raise self._fail(key, f"must be a date YYYY-MM-DD (found {json.dumps(value)})")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise self._fail(key, f"is not a valid date (found {json.dumps(value)})") from None

    def coordinates(self) -> tuple[float, float]:
        lat = self.number("lat", minimum=-90.0, maximum=90.0)
        lon = self.number("lon", minimum=-180.0, maximum=180.0)
        return lat, lon

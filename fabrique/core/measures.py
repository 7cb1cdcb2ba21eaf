"""Measures the apps offer to the indicators: named figures computed over a scope (a
territory, a period), such as the jobs created by innovation projects.

An app registers its measures when it is ready (``AppConfig.ready``); dashboards, targets and
exports read them by key through ``value`` without knowing which app computes them. A key is
``<app>.<name>`` and never changes meaning once published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise


@dataclass(frozen=True)
class Scope:
    """What a figure covers: records of one industrial territory (by id; all when None),
    dated within [start, end], both ends included (open when None)."""

    territory_id: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class Measure:
    key: str
    label: str | Promise
    unit: str  # "count", "eur" or "hours"
    compute: Callable[[Scope], Decimal]
    source: str | Promise = ""  # where the figure comes from, for the people who read it


UNITS = frozenset({"count", "eur", "hours"})
_registry: dict[str, Measure] = {}


def register(*measures: Measure) -> None:
    for measure in measures:
        if measure.unit not in UNITS:
            raise ValueError(f"{measure.key}: unknown unit {measure.unit!r}")
        known = _registry.get(measure.key)
        if known is not None and known.compute is not measure.compute:
            raise ValueError(f"{measure.key} is already registered by another function")
        _registry[measure.key] = measure


def all_measures() -> list[Measure]:
    return sorted(_registry.values(), key=lambda measure: measure.key)


def get(key: str) -> Measure:
    try:
        return _registry[key]
    except KeyError:
        raise KeyError(f"No measure is called {key!r}") from None


def value(key: str, scope: Scope | None = None) -> Decimal:
    return get(key).compute(scope or Scope())

"""Expected retirements of a workforce snapshot, beside its employer's declared hiring needs.

The adapter of ``engine.retirements`` (whose docstring states the assumption: retirement at
62, 63 or 64 with equal weight, people spread evenly over their band's ages): it reads a
snapshot's lines, asks the engine for each occupation, and adds the hiring needs the employer
declared for the same years.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Sum
from django.db.models.functions import ExtractYear

from fabrique.engine import retirements as engine
from fabrique.needs.models import HiringNeed, WorkforceSnapshot
from fabrique.referentials.models import Occupation

HORIZON = 10


@dataclass(frozen=True)
class OccupationDepartures:
    occupation: Occupation
    headcount: int
    by_year: list[float]
    later: float
    total: float


@dataclass(frozen=True)
class RetirementTable:
    """Expected departures per occupation and year of the horizon, their totals, and the
    hiring needs the employer declared for each of those years."""

    years: list[int]
    rows: list[OccupationDepartures]
    totals: list[float]
    total: float
    later: float
    headcount: int
    declared_needs: list[int]
    declared_total: int


def _number(value: Fraction) -> float:
    return float(value)


def retirement_table(snapshot: WorkforceSnapshot, *, horizon: int = HORIZON) -> RetirementTable:
    year = snapshot.taken_on.year
    years = list(range(year, year + horizon))
    lines = list(snapshot.lines.select_related("occupation").order_by("occupation__code"))
    occupations = {line.occupation_id: line.occupation for line in lines}
    headcounts: dict[int, int] = {}
    for line in lines:
        headcounts[line.occupation_id] = headcounts.get(line.occupation_id, 0) + line.headcount
    found = engine.retirements_by_occupation(
        ((str(line.occupation_id), line.age_band, line.headcount) for line in lines),
        year=year,
        horizon=horizon,
    )
    rows = []
    totals = [Fraction(0)] * horizon
    later = Fraction(0)
    for key, departures in found.items():
        occupation_id = int(key)
        by_year = [departures.by_year[each] for each in years]
        totals = [total + value for total, value in zip(totals, by_year, strict=True)]
        later += departures.later
        rows.append(
            OccupationDepartures(
                occupation=occupations[occupation_id],
                headcount=headcounts[occupation_id],
                by_year=[_number(value) for value in by_year],
                later=_number(departures.later),
                total=_number(departures.total),
            )
        )
    needs = dict(
        HiringNeed.objects.filter(
            project__company_id=snapshot.employer_id,
            needed_by__year__gte=years[0],
            needed_by__year__lte=years[-1],
        )
        .annotate(year=ExtractYear("needed_by"))
        .values("year")
        .annotate(jobs=Sum("count"))
        .values_list("year", "jobs")
    )
    declared = [needs.get(each, 0) for each in years]
    return RetirementTable(
        years=years,
        rows=rows,
        totals=[_number(value) for value in totals],
        total=_number(sum(totals, Fraction(0))),
        later=_number(later),
        headcount=sum(headcounts.values()),
        declared_needs=declared,
        declared_total=sum(declared),
    )


def _decimal(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def table_csv(table: RetirementTable) -> bytes:
    """The table as CSV (UTF-8 with a byte order mark, semicolons, decimal commas): one row
    per occupation, then the totals and the declared hiring needs."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    after = f"apres_{table.years[-1]}"
    writer.writerow(["code_metier", "metier", "effectif", *map(str, table.years), "total", after])
    for row in table.rows:
        writer.writerow(
            [
                row.occupation.code,
                row.occupation.label,
                row.headcount,
                *map(_decimal, row.by_year),
                _decimal(row.total),
                _decimal(row.later),
            ]
        )
    writer.writerow(
        [
            "total",
            "départs attendus",
            table.headcount,
            *map(_decimal, table.totals),
            _decimal(table.total),
            _decimal(table.later),
        ]
    )
    writer.writerow(
        ["besoins", "besoins déclarés", "", *table.declared_needs, table.declared_total, ""]
    )
    return out.getvalue().encode("utf-8-sig")

"""What a workforce spreadsheet changes: its rows resolved against the database and
compared with the snapshots there (see ``imports.py`` for the keys and the needs file).
``actions.import_workforce`` plans again and writes, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from fabrique.accounts.models import Organisation
from fabrique.core.importing import Counts
from fabrique.needs import transfer_rules
from fabrique.needs.enums import AgeBand
from fabrique.needs.imports import (
    ACTION_LABELS,
    CREATE,
    REMOVE,
    UNCHANGED,
    UPDATE,
    WORKFORCE_SHEET,
    as_plain,
    forbid_company,
)
from fabrique.needs.models import WorkforceLine, WorkforceSnapshot
from fabrique.needs.spreadsheets import Lookups
from fabrique.referentials.models import Occupation


@dataclass(frozen=True)
class WorkforceRow:
    row: int
    company_id: int
    taken_on: dt.date
    commune_id: int | None
    occupation_id: int
    age_band: str
    headcount: int

    @property
    def snapshot_key(self) -> tuple[int, dt.date]:
        return (self.company_id, self.taken_on)

    def as_data(self) -> dict[str, Any]:
        return {key: as_plain(value) for key, value in asdict(self).items()}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> WorkforceRow:
        return cls(**{**data, "taken_on": dt.date.fromisoformat(data["taken_on"])})


def resolve_workforce(rows: list[tuple[int, dict[str, Any]]], *, user: Any) -> list[WorkforceRow]:
    """The rows of a workforce file with what they name; ``SheetRefused`` otherwise."""
    lookups = Lookups(WORKFORCE_SHEET)
    found = []
    for number, values in rows:
        company = lookups.company(number, values["company"])
        commune = lookups.commune(number, values["insee_code"])
        occupation = lookups.occupation(number, values["occupation"])
        found.append((number, values, company, commune, occupation))
    lookups.done()
    resolved: list[WorkforceRow] = []
    communes: dict[tuple[int, dt.date], tuple[int, int]] = {}
    keys: dict[tuple[int, dt.date, int, str], int] = {}
    for number, values, company, commune, occupation in found:
        assert company is not None
        assert occupation is not None
        if user is not None and not transfer_rules.can_import_workforce(
            user, company_id=company.pk
        ):
            forbid_company(lookups, number)
            continue
        row = WorkforceRow(
            row=number,
            company_id=company.pk,
            taken_on=values["taken_on"],
            commune_id=commune.pk if commune else None,
            occupation_id=occupation.pk,
            age_band=values["age_band"],
            headcount=values["headcount"],
        )
        if row.commune_id:
            first = communes.setdefault(row.snapshot_key, (number, row.commune_id))
            if first[1] != row.commune_id:
                lookups.problem(
                    number,
                    "code_insee",
                    _("differs from row %(row)s for the same company and date.")
                    % {"row": first[0]},
                )
        key = (*row.snapshot_key, row.occupation_id, row.age_band)
        if key in keys:
            lookups.problem(
                number,
                "tranche_age",
                _("row %(row)s has the same company, date, occupation and age band.")
                % {"row": keys[key]},
            )
        keys[key] = number
        resolved.append(row)
    lookups.done()
    return resolved


@dataclass
class PlannedLine:
    row: WorkforceRow | None  # None: a line of the database that the file does not hold
    action: str
    company: Organisation
    occupation: Occupation
    age_band: str
    headcount: int
    line: WorkforceLine | None = None

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])

    @property
    def age_band_label(self) -> str:
        return str(AgeBand(self.age_band).label)


@dataclass
class WorkforcePlan:
    entries: list[PlannedLine]
    counts: dict[str, Counts] = field(default_factory=dict)
    snapshots: dict[tuple[int, dt.date], WorkforceSnapshot] = field(default_factory=dict)
    communes: dict[tuple[int, dt.date], int | None] = field(default_factory=dict)


def plan_workforce(rows: list[WorkforceRow], *, lock: bool = False) -> WorkforcePlan:
    """What importing ``rows`` creates, updates, leaves and removes (nothing is written)."""
    companies = Organisation.objects.in_bulk({row.company_id for row in rows})
    keys = {row.snapshot_key for row in rows}
    existing = WorkforceSnapshot.objects.filter(
        employer_id__in={company for company, _ in keys},
        taken_on__in={taken_on for _, taken_on in keys},
    )
    if lock:
        existing = existing.select_for_update(of=("self",))
    snapshots = {
        (snapshot.employer_id, snapshot.taken_on): snapshot
        for snapshot in existing
        if (snapshot.employer_id, snapshot.taken_on) in keys
    }
    lines: dict[tuple[int, dt.date], dict[tuple[int, str], WorkforceLine]] = defaultdict(dict)
    by_pk = {snapshot.pk: snapshot for snapshot in snapshots.values()}
    for line in WorkforceLine.objects.filter(snapshot__in=list(by_pk)).select_related(
        "occupation", "snapshot"
    ):
        snapshot = by_pk[line.snapshot_id]
        lines[(snapshot.employer_id, snapshot.taken_on)][(line.occupation_id, line.age_band)] = line
    occupations = Occupation.objects.in_bulk({row.occupation_id for row in rows})
    plan = WorkforcePlan(entries=[], snapshots=snapshots)
    snapshot_counts, line_counts = plan.counts["snapshots"], plan.counts["lines"] = (
        Counts(),
        Counts(),
    )
    changed: set[tuple[int, dt.date]] = set()
    for row in rows:
        if row.commune_id or row.snapshot_key not in plan.communes:
            plan.communes[row.snapshot_key] = row.commune_id or plan.communes.get(row.snapshot_key)
        line = lines[row.snapshot_key].pop((row.occupation_id, row.age_band), None)
        if line is None:
            action = CREATE
            line_counts.created += 1
            changed.add(row.snapshot_key)
        elif line.headcount != row.headcount:
            action = UPDATE
            line_counts.updated += 1
            changed.add(row.snapshot_key)
        else:
            action = UNCHANGED
            line_counts.unchanged += 1
        plan.entries.append(
            PlannedLine(
                row=row,
                action=action,
                company=companies[row.company_id],
                occupation=occupations[row.occupation_id],
                age_band=row.age_band,
                headcount=row.headcount,
                line=line,
            )
        )
    for key, left in lines.items():
        for line in left.values():
            line_counts.obsolete += 1
            changed.add(key)
            plan.entries.append(
                PlannedLine(
                    row=None,
                    action=REMOVE,
                    company=companies[key[0]],
                    occupation=line.occupation,
                    age_band=line.age_band,
                    headcount=line.headcount,
                    line=line,
                )
            )
    for key in keys:
        snapshot = snapshots.get(key)
        if snapshot is None:
            snapshot_counts.created += 1
        elif key in changed or (
            plan.communes.get(key) and plan.communes[key] != snapshot.commune_id
        ):
            snapshot_counts.updated += 1
        else:
            snapshot_counts.unchanged += 1
    return plan

"""What a hiring needs or workforce spreadsheet changes: its rows resolved against the
database (``resolve_*``: companies, communes, occupations, permissions) and compared with
what is there (``plan_*``); the workforce file's in ``workforce_imports.py``. The pages show
the plan as the preview; ``actions.import_needs`` and ``actions.import_workforce`` plan again
and write it, in one transaction. Both sheets and the shared vocabulary of actions are here.

Keys, so that importing the same file again changes nothing:

- a project is its company and its name (case ignored); a hiring need is its project, its
  occupation and its ``needed_by`` date. Needs of the database that the file does not name
  are left as they are;
- a workforce snapshot is its employer and its date; a line is its occupation and age band.
  A snapshot of the file is replaced whole: its lines that the file does not hold are removed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fabrique.accounts.models import Organisation
from fabrique.core.importing import Counts
from fabrique.needs import transfer_rules
from fabrique.needs.enums import Confidence, Contract, ProjectStage
from fabrique.needs.models import HiringNeed, IndustrialProject
from fabrique.needs.spreadsheet_columns import (
    NEED_COLUMNS,
    NEED_NOTES,
    NEED_REQUIRED,
    NEED_VOCABULARIES,
    WORKFORCE_COLUMNS,
    WORKFORCE_NOTES,
    WORKFORCE_REQUIRED,
    WORKFORCE_VOCABULARIES,
)
from fabrique.needs.spreadsheets import Lookups, Sheet
from fabrique.referentials.models import Occupation
from fabrique.territories.models import Commune

NEEDS_SHEET = Sheet(
    title="Besoins",
    columns=NEED_COLUMNS,
    required=NEED_REQUIRED,
    notes=NEED_NOTES,
    vocabularies=NEED_VOCABULARIES,
    stem="modele-besoins-recrutement",
)
WORKFORCE_SHEET = Sheet(
    title="Effectifs",
    columns=WORKFORCE_COLUMNS,
    required=WORKFORCE_REQUIRED,
    notes=WORKFORCE_NOTES,
    vocabularies=WORKFORCE_VOCABULARIES,
    stem="modele-effectifs",
)
CREATE, UPDATE, UNCHANGED, REMOVE = "create", "update", "unchanged", "remove"
ACTION_LABELS = {
    CREATE: gettext_lazy("to create"),
    UPDATE: gettext_lazy("to update"),
    UNCHANGED: gettext_lazy("unchanged"),
    REMOVE: gettext_lazy("to remove"),
}


def forbid_company(lookups: Lookups, row: int) -> None:
    lookups.problem(
        row,
        "entreprise",
        _("You may not import for this company: ask its admins or your coordinator."),
    )


def as_plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


# --- hiring needs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedRow:
    """One checked row of a needs file, with the ids of what it names."""

    row: int
    project: str
    company_id: int
    commune_id: int | None
    stage: str  # empty: not given
    occupation_id: int
    count: int
    needed_by: dt.date
    contract: str
    level: str
    confidence: str
    note: str

    @property
    def project_key(self) -> tuple[int, str]:
        return (self.company_id, self.project.strip().casefold())

    def as_data(self) -> dict[str, Any]:
        return {key: as_plain(value) for key, value in asdict(self).items()}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> NeedRow:
        return cls(**{**data, "needed_by": dt.date.fromisoformat(data["needed_by"])})


def _existing_projects(company_ids: set[int]) -> dict[tuple[int, str], list[IndustrialProject]]:
    found: dict[tuple[int, str], list[IndustrialProject]] = defaultdict(list)
    for project in IndustrialProject.objects.filter(company_id__in=company_ids).order_by("pk"):
        found[(project.company_id, project.name.strip().casefold())].append(project)
    return found


def resolve_needs(rows: list[tuple[int, dict[str, Any]]], *, user: Any) -> list[NeedRow]:
    """The rows of a needs file with what they name; ``SheetRefused`` lists every row naming
    something unknown, or a company the user may not import for (None: the command line)."""
    lookups = Lookups(NEEDS_SHEET)
    found = []
    for number, values in rows:
        company = lookups.company(number, values["company"])
        commune = lookups.commune(number, values["insee_code"])
        occupation = lookups.occupation(number, values["occupation"])
        found.append((number, values, company, commune, occupation))
    lookups.done()
    projects = _existing_projects({company.pk for _, _, company, _, _ in found if company})
    resolved: list[NeedRow] = []
    first_rows: dict[tuple[int, str], NeedRow] = {}
    project_values: dict[tuple[tuple[int, str], str], tuple[int, Any]] = {}
    keys: dict[tuple[tuple[int, str], int, dt.date], int] = {}
    for number, values, company, commune, occupation in found:
        assert company is not None
        assert occupation is not None
        row = NeedRow(
            row=number,
            project=values["project"].strip(),
            company_id=company.pk,
            commune_id=commune.pk if commune else None,
            stage=values["stage"] or "",
            occupation_id=occupation.pk,
            count=values["count"],
            needed_by=values["needed_by"],
            contract=values["contract"] or Contract.PERMANENT,
            level=values["level"] or "",
            confidence=values["confidence"] or Confidence.LIKELY,
            note=values["note"] or "",
        )
        existing = projects.get(row.project_key, [])
        if len(existing) > 1:
            lookups.problem(
                number,
                "projet",
                _("The company has several projects named “%(name)s”: rename one first.")
                % {"name": row.project[:80]},
            )
            continue
        project = existing[0] if existing else None
        if user is not None and not transfer_rules.can_import_need(
            user, company_id=company.pk, project=project
        ):
            forbid_company(lookups, number)
            continue
        first_rows.setdefault(row.project_key, row)
        for column, attribute in (("code_insee", "commune_id"), ("etape", "stage")):
            value = getattr(row, attribute)
            if not value:
                continue
            given = project_values.setdefault((row.project_key, attribute), (number, value))
            if given[1] != value:
                lookups.problem(
                    number,
                    column,
                    _("differs from row %(row)s for the same project; leave it empty or repeat it.")
                    % {"row": given[0]},
                )
        key = (row.project_key, row.occupation_id, row.needed_by)
        if key in keys:
            lookups.problem(
                number,
                "date_besoin",
                _("row %(row)s has the same project, occupation and date: join the two rows.")
                % {"row": keys[key]},
            )
        keys[key] = number
        resolved.append(row)
    for key, first in first_rows.items():
        if not projects.get(key) and (key, "commune_id") not in project_values:
            lookups.problem(
                first.row, "code_insee", _("is required for a new project (its site's commune).")
            )
    lookups.done()
    return resolved


@dataclass
class PlannedNeed:
    row: NeedRow
    action: str
    project_action: str
    company: Organisation
    occupation: Occupation
    project: IndustrialProject | None = None
    need: HiringNeed | None = None

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])


@dataclass
class NeedPlan:
    entries: list[PlannedNeed]
    counts: dict[str, Counts] = field(default_factory=dict)
    # The projects to create or change, with the values the file gives them.
    project_values: dict[tuple[int, str], NeedRow] = field(default_factory=dict)
    projects: dict[tuple[int, str], IndustrialProject] = field(default_factory=dict)


def _project_changes(project: IndustrialProject, row: NeedRow) -> bool:
    return bool(
        (row.stage and row.stage != project.stage)
        or (row.commune_id and row.commune_id != project.commune_id)
    )


def plan_needs(rows: list[NeedRow], *, lock: bool = False) -> NeedPlan:
    """What importing ``rows`` creates, updates and leaves as it is (nothing is written)."""
    company_ids = {row.company_id for row in rows}
    companies = Organisation.objects.in_bulk(company_ids)
    occupations = Occupation.objects.in_bulk({row.occupation_id for row in rows})
    projects: dict[tuple[int, str], IndustrialProject] = {}
    existing_projects = IndustrialProject.objects.filter(company_id__in=company_ids)
    if lock:
        existing_projects = existing_projects.select_for_update(of=("self",))
    for project in existing_projects.order_by("pk"):
        projects.setdefault((project.company_id, project.name.strip().casefold()), project)
    needs: dict[tuple[int, int, dt.date], HiringNeed] = {}
    for need in HiringNeed.objects.filter(
        project__in=[project.pk for project in projects.values()]
    ).order_by("pk"):
        needs.setdefault((need.project_id, need.occupation_id, need.needed_by), need)
    plan = NeedPlan(entries=[], projects=projects)
    project_counts, need_counts = plan.counts["projects"], plan.counts["needs"] = (
        Counts(),
        Counts(),
    )
    for row in rows:  # the values of a project: those of its first row that gives them
        values = plan.project_values.setdefault(row.project_key, row)
        if (row.commune_id and not values.commune_id) or (row.stage and not values.stage):
            plan.project_values[row.project_key] = NeedRow(
                **{
                    **asdict(values),
                    "commune_id": values.commune_id or row.commune_id,
                    "stage": values.stage or row.stage,
                }
            )
    for key, values in plan.project_values.items():
        project = projects.get(key)
        if project is None:
            project_counts.created += 1
        elif _project_changes(project, values):
            project_counts.updated += 1
        else:
            project_counts.unchanged += 1
    for row in rows:
        project = projects.get(row.project_key)
        need = needs.get((project.pk, row.occupation_id, row.needed_by)) if project else None
        if need is None:
            action = CREATE
            need_counts.created += 1
        elif (need.count, need.contract, need.level, need.confidence, need.note) != (
            row.count,
            row.contract,
            row.level,
            row.confidence,
            row.note.strip(),
        ):
            action = UPDATE
            need_counts.updated += 1
        else:
            action = UNCHANGED
            need_counts.unchanged += 1
        plan.entries.append(
            PlannedNeed(
                row=row,
                action=action,
                project_action=CREATE if project is None else UNCHANGED,
                company=companies[row.company_id],
                occupation=occupations[row.occupation_id],
                project=project,
                need=need,
            )
        )
    return plan


def new_project(row: NeedRow, *, by: Any) -> IndustrialProject:
    """The project a needs file creates (not saved)."""
    commune = Commune.objects.get(pk=row.commune_id)
    return IndustrialProject(
        company_id=row.company_id,
        name=row.project,
        stage=row.stage or ProjectStage.ANNOUNCED,
        commune=commune,
        latitude=commune.latitude,
        longitude=commune.longitude,
        created_by=by if by is not None and by.pk else None,
    )


def change_project(project: IndustrialProject, row: NeedRow) -> bool:
    """Give ``project`` the stage and site of the file; whether anything changed."""
    if not _project_changes(project, row):
        return False
    if row.stage:
        project.stage = row.stage
    if row.commune_id and row.commune_id != project.commune_id:
        commune = Commune.objects.get(pk=row.commune_id)
        project.commune = commune
        project.latitude, project.longitude = commune.latitude, commune.longitude
    return True

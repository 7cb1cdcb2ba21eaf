"""Writes of industrial projects and their hiring needs.

Each action checks the permission (``rules.py``), runs in one transaction, validates with
``full_clean()`` and is recorded in the audit log (the model layer records the saves and
deletions, attributed to ``by``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fabrique.accounts.models import Organisation, User
from fabrique.core import audit
from fabrique.needs import imports, rules, transfer_rules, workforce_imports
from fabrique.needs.enums import Confidence, Contract, ProjectStage
from fabrique.needs.imports import NeedPlan, NeedRow
from fabrique.needs.models import HiringNeed, IndustrialProject, WorkforceLine, WorkforceSnapshot
from fabrique.needs.workforce_imports import WorkforcePlan, WorkforceRow
from fabrique.referentials.models import Occupation
from fabrique.territories.models import Commune, IndustrialTerritory


def _refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _lock_project(project: IndustrialProject) -> IndustrialProject:
    return IndustrialProject.objects.select_for_update(of=("self",)).get(pk=project.pk)


def _place(
    project: IndustrialProject,
    commune: Commune | None,
    latitude: float | None,
    longitude: float | None,
) -> None:
    """Set the site of a project: a commune, coordinates, or both (the commune's centre is
    used when only the commune is given)."""
    if (latitude is None) != (longitude is None):
        field = "longitude" if longitude is None else "latitude"
        raise ValidationError({field: _("Give both the latitude and the longitude, or neither.")})
    if commune is None and latitude is None:
        raise ValidationError(
            {
                "commune": _(
                    "Where is the site? Choose its commune, or give its latitude and longitude."
                )
            }
        )
    if latitude is None and commune is not None:
        latitude, longitude = commune.latitude, commune.longitude
    project.commune = commune
    project.latitude = latitude
    project.longitude = longitude


@transaction.atomic
def create_project(
    *,
    company: Organisation,
    name: str,
    description: str = "",
    stage: str = ProjectStage.ANNOUNCED,
    commune: Commune | None,
    latitude: float | None = None,
    longitude: float | None = None,
    territory: IndustrialTerritory | None = None,
    investment_eur: Decimal | int | None = None,
    confidential: bool = True,
    by: User,
) -> IndustrialProject:
    """A new project of ``company``; it needs a site (a commune or coordinates)."""
    _refuse_unless(
        rules.can_edit_for(by, company.pk),
        _("Only the company's admins and contacts, or its coordinators, may declare its projects."),
    )
    project = IndustrialProject(
        company=company,
        name=name.strip(),
        description=description.strip(),
        stage=stage,
        territory=territory,
        investment_eur=investment_eur,
        confidential=confidential,
        created_by=by if by.pk else None,
    )
    _place(project, commune, latitude, longitude)
    project.full_clean()
    with audit.acting_as(by):
        project.save()
    return project


@transaction.atomic
def update_project(
    *,
    project: IndustrialProject,
    name: str,
    description: str,
    stage: str,
    commune: Commune | None,
    latitude: float | None,
    longitude: float | None,
    territory: IndustrialTerritory | None,
    investment_eur: Decimal | int | None,
    confidential: bool,
    by: User,
) -> IndustrialProject:
    project = _lock_project(project)
    _refuse_unless(rules.can_edit_project(by, project), _("You may not change this project."))
    project.name = name.strip()
    project.description = description.strip()
    project.stage = stage
    project.territory = territory
    project.investment_eur = investment_eur
    project.confidential = confidential
    _place(project, commune, latitude, longitude)
    project.full_clean()
    with audit.acting_as(by):
        project.save()
    return project


def _fill_need(
    need: HiringNeed,
    *,
    occupation: Occupation | None,
    count: int,
    needed_by: dt.date,
    contract: str,
    level: str,
    confidence: str,
    note: str,
) -> None:
    if occupation is None:
        raise ValidationError(
            {"occupation": _("Choose the occupation of these jobs (a ROME code such as H2903).")}
        )
    if count < 1:
        raise ValidationError({"count": _("A hiring need is at least one job.")})
    need.occupation = occupation
    need.count = count
    need.needed_by = needed_by
    need.contract = contract
    need.level = level
    need.confidence = confidence
    need.note = note.strip()
    need.full_clean()


@transaction.atomic
def add_need(
    *,
    project: IndustrialProject,
    occupation: Occupation | None,
    count: int,
    needed_by: dt.date,
    contract: str = Contract.PERMANENT,
    level: str = "",
    confidence: str = Confidence.LIKELY,
    note: str = "",
    by: User,
) -> HiringNeed:
    """A hiring need of ``project``: ``count`` jobs of ``occupation`` by ``needed_by``."""
    project = _lock_project(project)
    _refuse_unless(rules.can_edit_project(by, project), _("You may not change this project."))
    need = HiringNeed(project=project)
    _fill_need(
        need,
        occupation=occupation,
        count=count,
        needed_by=needed_by,
        contract=contract,
        level=level,
        confidence=confidence,
        note=note,
    )
    with audit.acting_as(by):
        need.save()
    return need


@transaction.atomic
def update_need(
    *,
    need: HiringNeed,
    occupation: Occupation | None,
    count: int,
    needed_by: dt.date,
    contract: str,
    level: str,
    confidence: str,
    note: str,
    by: User,
) -> HiringNeed:
    project = _lock_project(need.project)
    _refuse_unless(rules.can_edit_project(by, project), _("You may not change this project."))
    need = HiringNeed.objects.select_for_update(of=("self",)).get(pk=need.pk, project=project)
    _fill_need(
        need,
        occupation=occupation,
        count=count,
        needed_by=needed_by,
        contract=contract,
        level=level,
        confidence=confidence,
        note=note,
    )
    with audit.acting_as(by):
        need.save()
    return need


@transaction.atomic
def delete_need(*, need: HiringNeed, by: User) -> None:
    project = _lock_project(need.project)
    _refuse_unless(rules.can_edit_project(by, project), _("You may not change this project."))
    with audit.acting_as(by):
        HiringNeed.objects.get(pk=need.pk, project=project).delete()


# --- imports from spreadsheets (``imports.py`` reads and plans, these write) ---------------


@transaction.atomic
def import_needs(*, rows: list[NeedRow], by: User | None) -> NeedPlan:
    """Write the hiring needs of a checked file (``imports.resolve_needs``): create its new
    projects, give the existing ones the stage and site it names, create or update its needs
    (keyed on project, occupation and ``needed_by``). ``by`` None: the command line.

    All or nothing: a refusal (permission, validation) raises and nothing is written."""
    plan = imports.plan_needs(rows, lock=True)
    if by is not None:
        for entry in plan.entries:
            _refuse_unless(
                transfer_rules.can_import_need(
                    by, company_id=entry.row.company_id, project=entry.project
                ),
                _("You may not import the needs of %(company)s.") % {"company": entry.company},
            )
    projects = dict(plan.projects)
    with audit.acting_as(by):
        for key, values in plan.project_values.items():
            project = projects.get(key)
            if project is None:
                project = projects[key] = imports.new_project(values, by=by)
            elif not imports.change_project(project, values):
                continue
            project.full_clean()
            project.save()
        for entry in plan.entries:
            if entry.action == imports.UNCHANGED:
                continue
            row = entry.row
            need = entry.need or HiringNeed(project=projects[row.project_key])
            _fill_need(
                need,
                occupation=entry.occupation,
                count=row.count,
                needed_by=row.needed_by,
                contract=row.contract,
                level=row.level,
                confidence=row.confidence,
                note=row.note,
            )
            need.save()
    return plan


@transaction.atomic
def import_workforce(*, rows: list[WorkforceRow], by: User | None) -> WorkforcePlan:
    """Write the workforce snapshots of a checked file
    (``workforce_imports.resolve_workforce``): each snapshot (employer and date) is created
    or replaced whole. ``by`` None: the command line. All or nothing."""
    plan = workforce_imports.plan_workforce(rows, lock=True)
    if by is not None:
        for company_id, _taken_on in {row.snapshot_key for row in rows}:
            _refuse_unless(
                transfer_rules.can_import_workforce(by, company_id=company_id),
                _("You may not import this company's workforce."),
            )
    snapshots = dict(plan.snapshots)
    with audit.acting_as(by):
        for key, commune_id in plan.communes.items():
            snapshot = snapshots.get(key)
            if snapshot is None:
                snapshot = snapshots[key] = WorkforceSnapshot(
                    employer_id=key[0], taken_on=key[1], commune_id=commune_id
                )
            elif not commune_id or commune_id == snapshot.commune_id:
                continue
            snapshot.commune_id = commune_id
            snapshot.full_clean()
            snapshot.save()
        for entry in plan.entries:
            if entry.action == imports.UNCHANGED:
                continue
            if entry.action == imports.REMOVE:
                assert entry.line is not None
                entry.line.delete()
                continue
            assert entry.row is not None
            line = entry.line or WorkforceLine(
                snapshot=snapshots[entry.row.snapshot_key],
                occupation=entry.occupation,
                age_band=entry.age_band,
            )
            line.headcount = entry.headcount
            line.full_clean()
            line.save()
    return plan

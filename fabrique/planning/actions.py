"""Writes of planning scenarios and runs, each with its permission rule enforced here.

Coordinators of the scenario's territory and platform admins (``planning.rules``) create and
edit scenarios, derive variants with what-if changes, and launch runs. Launching a run
snapshots the platform's data into the run's ``fabrique-plan/1`` document (in the same
transaction as the run and its job), then the worker solves it (``planning.tasks``).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fabrique.jobs.actions import enqueue_job
from fabrique.planning import adapter, rules
from fabrique.planning.enums import RunStatus
from fabrique.planning.models import PlanRun, Scenario

if TYPE_CHECKING:
    from fabrique.accounts.models import User
    from fabrique.territories.models import IndustrialTerritory

SCENARIO_FIELDS = (
    "name",
    "territory",
    "horizon_start",
    "horizon_end",
    "km_cost_eur",
    "session_to_need_max_km",
)


def _refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _check(scenario: Scenario) -> None:
    if isinstance(scenario.km_cost_eur, float):  # the model's default is a float
        scenario.km_cost_eur = Decimal(str(scenario.km_cost_eur))
    scenario.changes = adapter.validate_changes(scenario.changes)
    scenario.full_clean()
    if scenario.horizon_end < scenario.horizon_start:
        raise ValidationError(
            {"horizon_end": _("The horizon must end on or after its start.")}, code="horizon"
        )


@transaction.atomic
def create_scenario(by: User, **fields: Any) -> Scenario:
    """A new scenario (``SCENARIO_FIELDS``, optionally ``changes`` and ``based_on``)."""
    territory: IndustrialTerritory = fields["territory"]
    _refuse_unless(rules.can_plan(by, territory), _("You do not coordinate this territory."))
    based_on = fields.get("based_on")
    if based_on is not None:
        _refuse_unless(
            rules.can_view_scenario(by, based_on),
            _("You may not read the scenario it is based on."),
        )
    scenario = Scenario(created_by=by, **fields)
    _check(scenario)
    scenario.save()
    return scenario


@transaction.atomic
def update_scenario(by: User, scenario: Scenario, **fields: Any) -> Scenario:
    """Change a scenario's fields (and ``changes``); the territory too, if ``by`` plans it."""
    _refuse_unless(rules.can_manage_scenario(by, scenario), _("You may not change this scenario."))
    if "territory" in fields:
        _refuse_unless(
            rules.can_plan(by, fields["territory"]), _("You do not coordinate this territory.")
        )
    for name, value in fields.items():
        if name not in (*SCENARIO_FIELDS, "changes"):
            raise TypeError(f"unknown scenario field {name!r}")
        setattr(scenario, name, value)
    _check(scenario)
    scenario.save()
    return scenario


@transaction.atomic
def create_variant(by: User, scenario: Scenario, *, name: str = "") -> Scenario:
    """A copy of ``scenario`` based on it, with the same changes, to change further."""
    _refuse_unless(rules.can_manage_scenario(by, scenario), _("You may not copy this scenario."))
    variant = Scenario(
        name=(name or _("%(name)s (variant)") % {"name": scenario.name})[:200],
        territory=scenario.territory,
        horizon_start=scenario.horizon_start,
        horizon_end=scenario.horizon_end,
        km_cost_eur=scenario.km_cost_eur,
        session_to_need_max_km=scenario.session_to_need_max_km,
        changes=list(scenario.changes),
        based_on=scenario,
        created_by=by,
    )
    _check(variant)
    variant.save()
    return variant


@transaction.atomic
def add_change(by: User, scenario: Scenario, change: dict[str, Any]) -> Scenario:
    """Append a what-if change (checked with the others; refused whole if one is wrong)."""
    _refuse_unless(rules.can_manage_scenario(by, scenario), _("You may not change this scenario."))
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    scenario.changes = [*scenario.changes, change]
    _check(scenario)
    scenario.save(update_fields=["changes", "updated_at"])
    return scenario


@transaction.atomic
def remove_change(by: User, scenario: Scenario, index: int) -> Scenario:
    _refuse_unless(rules.can_manage_scenario(by, scenario), _("You may not change this scenario."))
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    if not 0 <= index < len(scenario.changes):
        raise ValidationError(_("This change does not exist (any more)."), code="no_change")
    scenario.changes = [c for i, c in enumerate(scenario.changes) if i != index]
    scenario.save(update_fields=["changes", "updated_at"])
    return scenario


def launch_run(by: User, scenario: Scenario) -> PlanRun:
    """Snapshot the scenario's data into a new run and queue its solving.

    The snapshot is checked against ``fabrique-plan/1`` before anything is written; the run
    and its job are written in one transaction, so a worker never sees one without the other.
    """
    from fabrique.engine.planner.scenario import ScenarioError, read_scenario
    from fabrique.planning.tasks import solve_run

    _refuse_unless(rules.can_launch_run(by, scenario), _("You may not plan this scenario."))
    scenario = Scenario.objects.select_related("territory").get(pk=scenario.pk)  # as saved
    document = adapter.snapshot(scenario)
    try:
        read_scenario(json.dumps(document))
    except ScenarioError as error:  # a bug of the adapter, reported rather than queued
        raise ValidationError(
            _("The snapshot is not a valid planning document: %(error)s") % {"error": error},
            code="invalid_document",
        ) from error
    with transaction.atomic():
        run = PlanRun.objects.create(
            scenario=scenario, status=RunStatus.QUEUED, document=document, created_by=by
        )
        job = enqueue_job(
            task=solve_run,
            label=_("Plan “%(name)s” (run %(pk)s)") % {"name": scenario.name, "pk": run.pk},
            by=by,
            args=[run.pk],
        )
        # An update, not a save: the immediate backend may have run the task already.
        PlanRun.objects.filter(pk=run.pk).update(job=job)
    run.refresh_from_db()
    return run

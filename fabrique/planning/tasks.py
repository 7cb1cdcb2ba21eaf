"""Background tasks of planning. ``fabrique.planning.actions.launch_run`` enqueues them."""

from __future__ import annotations

import inspect
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from fabrique.jobs.progress import progress_callback, report

if TYPE_CHECKING:
    from fabrique.engine.planner.result import Result
    from fabrique.engine.planner.scenario import Scenario as PlanScenario
    from fabrique.planning.models import PlanRun

ERROR_MAX = 2000


@task
def solve_run(run_id: int) -> dict[str, Any]:
    """Solve the snapshot of plan run ``run_id`` and store its result, explained.

    Stores the result document and its figures, one ``PlanAssignment`` per assignment and one
    ``UnfilledNeed`` per need left short, linked back to the platform's records. A failure
    marks the run failed with its reason (and fails the job); nothing of the result is kept.
    """
    from fabrique.engine.planner.scenario import read_scenario
    from fabrique.planning.enums import RunStatus
    from fabrique.planning.models import PlanRun

    PlanRun.objects.filter(pk=run_id).update(status=RunStatus.RUNNING)
    run = PlanRun.objects.get(pk=run_id)
    try:
        report(0, 3, _("Reading the scenario"))
        scenario = read_scenario(json.dumps(run.document))
        report(1, 3, _("Computing the plan"))
        result = _solve(scenario)
        report(2, 3, _("Storing the plan"))
        _store(run, scenario, result)
    except Exception as error:
        message = f"{type(error).__name__}: {error}"[:ERROR_MAX]
        PlanRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, error=message, finished_at=timezone.now()
        )
        raise
    report(3, 3, _("Done"))
    return {"run": run_id, "filled": result.filled, "demand": result.demand}


def _solve(scenario: PlanScenario) -> Result:
    from fabrique.engine.planner.solver import solve

    if "progress" not in inspect.signature(solve).parameters:
        return solve(scenario)
    callback = progress_callback()
    computing = _("Computing the plan")

    def progress(done: int, total: int | None = None, message: str = "") -> None:
        callback(done, total, message or computing)

    return solve(scenario, progress=progress)  # type: ignore[call-arg]


def _pks(refs: list[str], prefix: str, model: Any) -> dict[str, int]:
    """``{ref: pk}`` for the refs with that prefix whose record still exists (one query)."""
    from fabrique.planning.adapter import record_pk

    wanted = {ref: record_pk(ref, prefix) for ref in refs}
    existing = set(
        model.objects.filter(pk__in={pk for pk in wanted.values() if pk is not None}).values_list(
            "pk", flat=True
        )
    )
    return {ref: pk for ref, pk in wanted.items() if pk in existing}


@transaction.atomic
def _store(run: PlanRun, scenario: PlanScenario, result: Result) -> None:
    from fabrique.engine.planner.result import result_to_json
    from fabrique.engine.planner.scenario import distance_km
    from fabrique.needs.models import HiringNeed
    from fabrique.people.models import Person
    from fabrique.planning import adapter
    from fabrique.planning.enums import RunStatus
    from fabrique.planning.models import PlanAssignment, PlanRun, UnfilledNeed
    from fabrique.trainings.models import Session

    candidates = {c.id: c for c in scenario.candidates}
    sessions = {s.id: s for s in scenario.sessions}
    needs = {n.id: n for n in scenario.needs}
    km_cost = scenario.parameters.km_cost_eur
    people = _pks([a.candidate for a in result.assignments], adapter.CANDIDATE_PREFIX, Person)
    session_pks = _pks(
        [a.session for a in result.assignments if a.session], adapter.SESSION_PREFIX, Session
    )
    need_refs = [a.need for a in result.assignments] + [u.need for u in result.unfilled]
    need_pks = _pks(need_refs, adapter.NEED_PREFIX, HiringNeed)

    rows = []
    for a in result.assignments:
        c = candidates[a.candidate]
        if a.session:
            s = sessions[a.session]
            cost = s.cost_eur + km_cost * distance_km(c.lat, c.lon, s.lat, s.lon)
        else:
            n = needs[a.need]
            cost = km_cost * distance_km(c.lat, c.lon, n.lat, n.lon)
        rows.append(
            PlanAssignment(
                run=run,
                candidate_ref=a.candidate,
                session_ref=a.session or "",
                need_ref=a.need,
                person_id=people.get(a.candidate),
                session_id=session_pks.get(a.session or ""),
                need_id=need_pks.get(a.need),
                cost_eur=Decimal(str(round(cost, 2))),
            )
        )
    PlanAssignment.objects.bulk_create(rows, batch_size=1000)
    UnfilledNeed.objects.bulk_create(
        [
            UnfilledNeed(
                run=run,
                need_ref=u.need,
                need_id=need_pks.get(u.need),
                missing=u.missing,
                reasons=list(u.reasons),
            )
            for u in result.unfilled
        ],
        batch_size=1000,
    )
    PlanRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        result=json.loads(result_to_json(result)),
        filled=result.filled,
        demand=result.demand,
        total_cost_eur=Decimal(str(round(result.total_cost_eur, 2))),
        solve_seconds=result.solve_seconds,
        error="",
        finished_at=timezone.now(),
    )

"""Plan runs through the real task machinery: snapshot, queue, worker, stored result.

The end-to-end test starts a real ``fabrique worker --batch`` process (as the jobs tests do),
so it commits its rows; the others run the task with the immediate backend.
"""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.tasks import TaskResultStatus
from django.test import override_settings

from fabrique.accounts.enums import Role
from fabrique.engine.planner.result import read_result
from fabrique.engine.planner.scenario import read_scenario
from fabrique.engine.planner.solver import solve
from fabrique.engine.planner.validator import violations
from fabrique.planning import actions
from fabrique.planning.enums import RunStatus
from fabrique.planning.models import PlanAssignment, PlanRun, UnfilledNeed
from tests import factories as f
from tests.factories_planning import ScenarioFactory, planning_world
from tests.jobs.conftest import Workers

immediate = override_settings(
    TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
)


@pytest.fixture
def workers():
    pool = Workers()
    yield pool
    pool.stop_all()


@pytest.mark.django_db(transaction=True)
def test_a_run_is_snapshotted_queued_then_solved_by_the_worker(workers):
    w = planning_world()

    run = actions.launch_run(w.coordinator, w.scenario)

    assert run.status == RunStatus.QUEUED
    assert run.document["needs"][0]["id"] == f"n-{w.need.pk}"
    assert run.job is not None
    assert run.job.owner == w.coordinator
    assert run.job.status == TaskResultStatus.READY

    workers.run()

    run.refresh_from_db()
    run.job.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert run.job.status == TaskResultStatus.SUCCESSFUL
    assert (run.job.done, run.job.total) == (3, 3)
    assert (run.filled, run.demand) == (3, 5)
    assert run.finished_at is not None
    assert run.solve_seconds is not None

    # The stored result is the solver's, and the independent validator finds nothing wrong.
    scenario = read_scenario(json.dumps(run.document))
    result = read_result(json.dumps(run.result))
    assert violations(scenario, result) == []
    expected = solve(scenario)
    assert result.filled == expected.filled
    assert float(run.total_cost_eur) == pytest.approx(expected.total_cost_eur, abs=0.01)

    rows = list(run.assignments.order_by("candidate_ref"))
    assert sorted((a.candidate_ref, a.session_ref, a.need_ref) for a in rows) == sorted(
        (a.candidate, a.session or "", a.need) for a in result.assignments
    )
    by_person = {a.person: a for a in rows}
    assert set(by_person) == {w.alice, w.bruno, w.chloe}
    assert by_person[w.chloe].session is None  # placed directly
    assert by_person[w.alice].session == w.session
    assert {a.need for a in rows} == {w.need}
    assert sum(a.cost_eur for a in rows) == run.total_cost_eur
    assert by_person[w.alice].cost_eur == 3000  # price, and no travel from Forbach to Forbach

    (unfilled,) = run.unfilled.all()
    assert (unfilled.need, unfilled.missing) == (w.need, 2)
    assert unfilled.reasons == list(result.unfilled[0].reasons)
    assert unfilled.reasons


@immediate
@pytest.mark.django_db
def test_a_what_if_variant_fills_more():
    w = planning_world()
    variant = actions.create_variant(w.coordinator, w.scenario)
    actions.add_change(
        w.coordinator, variant, {"kind": "capacity", "session": w.session.pk, "capacity": 5}
    )
    add = {
        "kind": "add_session",
        "training": w.training.pk,
        "commune": w.forbach.insee_code,
        "start": w.session.start.isoformat(),
        "end": w.session.end.isoformat(),
        "capacity": 3,
    }
    actions.add_change(w.coordinator, variant, add)
    for _ in range(3):
        someone = f.PersonFactory(commune=w.forbach, organisation=w.agency)
        f.PersonSkillFactory(person=someone, skill=w.safety)

    base = actions.launch_run(w.coordinator, w.scenario)
    better = actions.launch_run(w.coordinator, variant)

    base.refresh_from_db()
    better.refresh_from_db()
    assert variant.based_on == w.scenario
    assert (base.filled, better.filled) == (3, 5)
    added = better.assignments.filter(session_ref="w-1")
    assert all(a.session is None for a in added)  # no platform session behind it
    assert better.unfilled.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_failing_solve_stores_the_error_and_keeps_no_result(workers):
    w = planning_world()
    run = actions.launch_run(w.coordinator, w.scenario)
    document = dict(run.document)
    document["sessions"] = [{**document["sessions"][0], "capacity": -1}]
    PlanRun.objects.filter(pk=run.pk).update(document=document)

    workers.run()

    run.refresh_from_db()
    run.job.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.error.startswith("ScenarioError: sessions[0]")
    assert '"capacity" must not be negative' in run.error
    assert run.finished_at is not None
    assert run.job.status == TaskResultStatus.FAILED
    assert run.result is None
    assert not PlanAssignment.objects.filter(run=run).exists()
    assert not UnfilledNeed.objects.filter(run=run).exists()


@immediate
@pytest.mark.django_db
def test_only_coordinators_of_the_territory_and_admins_plan():
    w = planning_world()
    other_coordinator = f.UserFactory()
    f.MembershipFactory(user=other_coordinator, role=Role.COORDINATOR)
    viewer = f.UserFactory()
    f.MembershipFactory(user=viewer, organisation=w.coordinators, role=Role.VIEWER)
    admin = f.UserFactory(superuser=True)

    for outsider in (other_coordinator, viewer):
        with pytest.raises(PermissionDenied):
            actions.launch_run(outsider, w.scenario)
        with pytest.raises(PermissionDenied):
            actions.create_scenario(
                outsider,
                name="Intrus",
                territory=w.territory,
                horizon_start=w.scenario.horizon_start,
                horizon_end=w.scenario.horizon_end,
            )
        with pytest.raises(PermissionDenied):
            actions.add_change(outsider, w.scenario, {"kind": "radius", "extra_km": 5})
        with pytest.raises(PermissionDenied):
            actions.create_variant(outsider, w.scenario)
    assert not PlanRun.objects.exists()

    assert actions.launch_run(admin, w.scenario).created_by == admin
    made = actions.create_scenario(
        w.coordinator,
        name="Est court",
        territory=w.territory,
        horizon_start=w.scenario.horizon_start,
        horizon_end=w.scenario.horizon_start,
    )
    assert made.created_by == w.coordinator


@pytest.mark.django_db
def test_bad_input_writes_nothing():
    w = planning_world()
    scenario = ScenarioFactory(territory=w.territory)

    with pytest.raises(ValidationError):
        actions.add_change(w.coordinator, scenario, {"kind": "capacity", "session": 0})
    with pytest.raises(ValidationError):
        actions.create_scenario(
            w.coordinator,
            name="À l'envers",
            territory=w.territory,
            horizon_start=w.scenario.horizon_end,
            horizon_end=w.scenario.horizon_start,
        )

    scenario.refresh_from_db()
    assert scenario.changes == []
    assert not type(scenario).objects.filter(name="À l'envers").exists()

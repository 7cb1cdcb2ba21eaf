"""The planner's structural steps keep the optimum: training groups with levels instead of
candidate × session arcs, merged candidates, components solved apart. Each is compared with
a plain candidate × session min-cost flow built here, independently of the solver."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from ortools.graph.python import min_cost_flow

from fabrique.engine.planner.scenario import Scenario, distance_km, read_scenario
from fabrique.engine.planner.solver import solve
from fabrique.engine.planner.validator import violations
from tests.engine.test_planner_solver import scenarios


def reference(scenario: Scenario) -> tuple[int, float]:
    """(filled, cost) of the plain network: one arc per eligible candidate × session pair."""
    p = scenario.parameters
    cands, sessions, needs = scenario.candidates, scenario.sessions, scenario.needs
    n_c, n_s = len(cands), len(sessions)
    s_in, s_out, need0 = 2 + n_c, 2 + n_c + n_s, 2 + n_c + 2 * n_s
    tails, heads, caps, costs = [], [], [], []

    def arc(tail: int, head: int, cap: int, cost: float) -> None:
        tails.append(tail)
        heads.append(head)
        caps.append(cap)
        costs.append(round(cost * 100))

    for i, c in enumerate(cands):
        arc(0, 2 + i, 1, 0.0)
        for k, s in enumerate(sessions):
            d = distance_km(c.lat, c.lon, s.lat, s.lon)
            if d <= c.max_travel_km and c.available_from <= s.start and s.prerequisites <= c.skills:
                arc(2 + i, s_in + k, 1, s.cost_eur + p.km_cost_eur * d)
        for j, n in enumerate(needs):
            d = distance_km(c.lat, c.lon, n.lat, n.lon)
            if (
                n.occupation in c.occupations
                and d <= c.max_travel_km
                and c.available_from <= n.deadline
            ):
                arc(2 + i, need0 + j, 1, p.km_cost_eur * d)
    for k, s in enumerate(sessions):
        arc(s_in + k, s_out + k, s.capacity, 0.0)
        for j, n in enumerate(needs):
            if (
                n.occupation in s.leads_to
                and s.end <= n.deadline
                and distance_km(s.lat, s.lon, n.lat, n.lon) <= p.session_to_need_max_km
            ):
                arc(s_out + k, need0 + j, s.capacity, 0.0)
    for j, n in enumerate(needs):
        arc(need0 + j, 1, n.count, 0.0)
    supply = min(n_c, scenario.demand)
    if not supply:
        return 0, 0.0
    flow = min_cost_flow.SimpleMinCostFlow()
    for arc_ in zip(tails, heads, caps, costs, strict=True):
        flow.add_arc_with_capacity_and_unit_cost(*arc_)
    flow.set_node_supply(0, supply)
    flow.set_node_supply(1, -supply)
    assert flow.solve_max_flow_with_min_cost() == flow.OPTIMAL
    return int(flow.maximum_flow()), flow.optimal_cost() / 100


def clustered(seed: int, *, clusters: int = 3, twins: float = 0.4) -> Scenario:
    """Several distant clusters (components), a share of candidates at the same addresses
    with the same profile (merged), sessions sharing places, dates and prerequisites
    (groups with several levels), all competing for candidates."""
    rng = np.random.default_rng(seed)
    candidates: list[dict[str, Any]] = []
    sessions: list[dict[str, Any]] = []
    needs: list[dict[str, Any]] = []
    dates = ["2027-01-01", "2027-02-01", "2027-03-01", "2027-04-01"]
    for cluster in range(clusters):
        lat0, lon0 = 45.0 + 2 * cluster, 2.0 + 2 * cluster
        places = rng.uniform([lat0, lon0], [lat0 + 0.3, lon0 + 0.4], (3, 2))
        profile: dict[str, Any] = {}
        for i in range(120):
            if not profile or rng.random() >= twins:
                profile = {
                    "lat": float(rng.uniform(lat0, lat0 + 0.3)),
                    "lon": float(rng.uniform(lon0, lon0 + 0.4)),
                    "max_travel_km": float(rng.choice([10.0, 25.0, 40.0])),
                    "available_from": str(rng.choice(dates[:3])),
                    "skills": ["A"] if rng.random() < 0.5 else [],
                    "occupations": ["X"] if rng.random() < 0.1 else [],
                }
            candidates.append({"id": f"c-{cluster}-{i}", **profile})
        for k in range(12):
            lat, lon = places[rng.integers(len(places))]
            start = int(rng.integers(0, 3))
            sessions.append(
                {"id": f"s-{cluster}-{k}", "lat": float(lat), "lon": float(lon),
                 "start": dates[start], "end": dates[start + 1],
                 "capacity": int(rng.integers(0, 7)),
                 "cost_eur": float(rng.choice([0, 450.5, 900])),
                 "prerequisites": ["A"] if rng.random() < 0.4 else [],
                 "leads_to": [str(rng.choice(["X", "Y"]))]}
            )  # fmt: skip
        for j in range(10):
            needs.append(
                {"id": f"n-{cluster}-{j}", "lat": float(rng.uniform(lat0, lat0 + 0.3)),
                 "lon": float(rng.uniform(lon0, lon0 + 0.4)),
                 "occupation": str(rng.choice(["X", "Y"])), "count": int(rng.integers(1, 10)),
                 "deadline": "2027-06-01"}
            )  # fmt: skip
    return read_scenario(
        json.dumps(
            {
                "format": "fabrique-plan/1",
                "name": "clustered",
                "parameters": {
                    "km_cost_eur": float(rng.choice([0.3, 4.0])),
                    "session_to_need_max_km": 40.0,
                },
                "candidates": candidates,
                "sessions": sessions,
                "needs": needs,
            }
        )
    )


def same_optimum(a: tuple[int, float], b: tuple[int, float]) -> bool:
    """Same seats; costs equal up to the rounding of each arc to whole cents."""
    return a[0] == b[0] and math.isclose(a[1], b[1], abs_tol=0.01 * a[0] + 0.01)


@pytest.mark.parametrize("seed", range(6))
def test_the_group_network_has_the_optimum_of_the_plain_network(seed):
    scenario = clustered(seed)
    stats: dict[str, float] = {}

    result = solve(scenario, prune=True, stats=stats)

    assert violations(scenario, result) == []
    assert same_optimum((result.filled, result.total_cost_eur), reference(scenario))
    assert stats["eligible_arcs"] < stats["eligible_pairs"]  # groups share arcs


@pytest.mark.parametrize("seed", range(6))
def test_components_solved_apart_give_the_optimum_of_one_network(seed):
    scenario = clustered(seed, clusters=4)
    stats: dict[str, float] = {}

    apart = solve(scenario, prune=True, stats=stats)
    together = solve(scenario, prune=True, split=False)

    assert stats["components"] >= 4
    assert same_optimum(
        (apart.filled, apart.total_cost_eur), (together.filled, together.total_cost_eur)
    )


@pytest.mark.parametrize("seed", range(6))
def test_merged_candidates_give_the_optimum_of_one_node_each(seed):
    scenario = clustered(seed, twins=0.7)
    stats: dict[str, float] = {}

    merged = solve(scenario, prune=True, stats=stats)
    single = solve(scenario, prune=True, merge=False)

    assert stats["units"] < len(scenario.candidates)
    assert same_optimum(
        (merged.filled, merged.total_cost_eur), (single.filled, single.total_cost_eur)
    )
    # Each merged node hands out distinct candidates.
    assert len({a.candidate for a in merged.assignments}) == merged.filled
    assert violations(scenario, merged) == []


def test_progress_reports_every_component():
    calls: list[tuple[int, int]] = []

    solve(clustered(1, clusters=3), progress=lambda done, total: calls.append((done, total)))

    total = calls[-1][1]
    assert total >= 3
    assert calls == [(done, total) for done in range(1, total + 1)]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_candidates=10, max_sessions=6, max_needs=4))
def test_every_step_together_equals_the_plain_network(doc):
    scenario = read_scenario(json.dumps(doc))

    plain = reference(scenario)

    for result in (
        solve(scenario),
        solve(scenario, prune=True),
        solve(scenario, prune=False, split=False, merge=False),
    ):
        assert violations(scenario, result) == []
        assert same_optimum((result.filled, result.total_cost_eur), plain)

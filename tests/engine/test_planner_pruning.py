"""The pruned, priced solve equals the plain solve of the whole network on random mid-size
scenarios where sessions compete for candidates (so pruning and pricing really act).

Components this small are solved whole unless ``prune=True`` says otherwise."""

from __future__ import annotations

import json

import numpy as np
import pytest

from fabrique.engine.planner.scenario import read_scenario
from fabrique.engine.planner.solver import solve
from fabrique.engine.planner.validator import violations


def mid_size(seed: int) -> str:
    rng = np.random.default_rng(seed)
    places = rng.uniform([49.0, 6.0], [49.4, 6.5], (6, 2))
    candidates = [
        {"id": f"c-{i}", "lat": float(rng.uniform(49.0, 49.4)), "lon": float(rng.uniform(6, 6.5)),
         "max_travel_km": float(rng.choice([5.0, 15.0, 30.0])),
         "available_from": str(rng.choice(["2027-01-01", "2027-03-01"])),
         "skills": ["A"] if rng.random() < 0.5 else [],
         "occupations": ["X"] if rng.random() < 0.05 else []}
        for i in range(400)
    ]  # fmt: skip
    sessions = []
    for k in range(30):
        lat, lon = places[rng.integers(len(places))]
        sessions.append(
            {"id": f"s-{k}", "lat": float(lat), "lon": float(lon),
             "start": str(rng.choice(["2027-02-01", "2027-04-01"])), "end": "2027-06-01",
             "capacity": int(rng.integers(0, 6)), "cost_eur": float(rng.choice([0, 500, 900])),
             "prerequisites": ["A"] if rng.random() < 0.3 else [],
             "leads_to": [str(rng.choice(["X", "Y"]))]}
        )  # fmt: skip
    needs = [
        {"id": f"n-{j}", "lat": float(rng.uniform(49.0, 49.4)), "lon": float(rng.uniform(6, 6.5)),
         "occupation": str(rng.choice(["X", "Y"])), "count": int(rng.integers(1, 12)),
         "deadline": "2027-07-01"}
        for j in range(25)
    ]  # fmt: skip
    return json.dumps({
        "format": "fabrique-plan/1", "name": "mid", "candidates": candidates,
        "parameters": {"km_cost_eur": float(rng.choice([0.3, 5.0])),
                       "session_to_need_max_km": 40.0},
        "sessions": sessions, "needs": needs,
    })  # fmt: skip


@pytest.mark.parametrize("seed", range(12))
def test_pruned_solve_equals_the_plain_solve(seed):
    scenario = read_scenario(mid_size(seed))
    stats: dict[str, float] = {}

    pruned = solve(scenario, prune=True, stats=stats)
    plain = solve(scenario, prune=False)

    assert stats["kept_arcs"] < stats["eligible_arcs"]  # pruning did act
    assert pruned.filled == plain.filled
    assert pruned.total_cost_eur == pytest.approx(plain.total_cost_eur, abs=0.005 * plain.filled)
    assert sum(u.missing for u in pruned.unfilled) == sum(u.missing for u in plain.unfilled)
    assert violations(scenario, pruned) == []


def test_pricing_adds_arcs_when_the_cheapest_are_not_enough():
    # Twenty sessions of one seat at twenty places a few metres apart (so twenty training
    # groups): each keeps its 2 × 1 + 10 = 12 cheapest arcs, all to the same 12 candidates,
    # yet 20 candidates are needed.
    near = [{"id": f"c-{i}", "lat": 49.0, "lon": 6.0 + i / 1000, "max_travel_km": 50.0,
             "available_from": "2027-01-01"} for i in range(30)]  # fmt: skip
    sessions = [
        {
            "id": f"s-{k}",
            "lat": 49.0,
            "lon": 6.0 + k / 100_000,
            "start": "2027-02-01",
            "end": "2027-03-01",
            "capacity": 1,
            "cost_eur": 100.0,
            "leads_to": ["X"],
        }
        for k in range(20)
    ]
    needs = [{"id": "n-1", "lat": 49.0, "lon": 6.0, "occupation": "X", "count": 20,
              "deadline": "2027-06-01"}]  # fmt: skip
    scenario = read_scenario(json.dumps({
        "format": "fabrique-plan/1", "name": "deep", "candidates": near, "sessions": sessions,
        "needs": needs, "parameters": {"km_cost_eur": 1.0, "session_to_need_max_km": 10.0},
    }))  # fmt: skip
    stats: dict[str, float] = {}

    result = solve(scenario, prune=True, stats=stats)

    assert result.filled == 20  # each session alone keeps 12 arcs; 20 candidates are needed
    plain = solve(scenario, prune=False).total_cost_eur
    assert result.total_cost_eur == pytest.approx(plain, abs=0.005 * result.filled)
    assert stats["rounds"] >= 2


def test_small_components_are_solved_whole_by_default():
    scenario = read_scenario(mid_size(0))
    stats: dict[str, float] = {}

    solve(scenario, stats=stats)

    assert (stats["rounds"], stats["kept_arcs"]) == (1, stats["eligible_arcs"])


def test_pricing_adds_direct_arcs_when_holders_outnumber_the_network():
    # 300 holders of X around four needs of ten seats at one spot: direct arcs outnumber the
    # rest of the network, so each need keeps its 2 × 10 + 10 = 30 nearest holders, the same
    # 30 for all four, yet 40 are needed.
    holders = [
        {"id": f"c-{i}", "lat": 49.0, "lon": 6.0 + i / 10_000, "max_travel_km": 50.0,
         "available_from": "2027-01-01", "occupations": ["X"]}
        for i in range(300)
    ]  # fmt: skip
    needs = [{"id": f"n-{j}", "lat": 49.0, "lon": 6.0, "occupation": "X", "count": 10,
              "deadline": "2027-06-01"} for j in range(4)]  # fmt: skip
    scenario = read_scenario(json.dumps({
        "format": "fabrique-plan/1", "name": "holders", "candidates": holders, "sessions": [],
        "needs": needs, "parameters": {"km_cost_eur": 1.0, "session_to_need_max_km": 10.0},
    }))  # fmt: skip
    stats: dict[str, float] = {}

    result = solve(scenario, prune=True, stats=stats)

    assert result.filled == 40
    plain = solve(scenario, prune=False).total_cost_eur
    assert result.total_cost_eur == pytest.approx(plain, abs=0.005 * result.filled)
    assert stats["rounds"] >= 2  # the first network lacked arcs, pricing found them
    assert violations(scenario, result) == []

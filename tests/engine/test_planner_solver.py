"""The planner's solver: a hand-made optimum, reasons for unfilled needs, and properties on
small random scenarios (the validator finds nothing, input order does not matter, and on tiny
scenarios the optimum equals an exhaustive search)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fabrique.engine.planner.result import read_result, result_to_json
from fabrique.engine.planner.scenario import Scenario, distance_km, read_scenario
from fabrique.engine.planner.solver import solve
from fabrique.engine.planner.validator import violations

ONE_TENTH_DEGREE_KM = distance_km(49.0, 6.0, 49.1, 6.0)


def build(candidates, sessions, needs, *, km_cost=1.0, session_to_need=100.0) -> Scenario:
    return read_scenario(
        json.dumps(
            {
                "format": "fabrique-plan/1",
                "name": "test",
                "parameters": {"km_cost_eur": km_cost, "session_to_need_max_km": session_to_need},
                "candidates": candidates,
                "sessions": sessions,
                "needs": needs,
            }
        )
    )


def candidate(ident, lat=49.0, travel=20.0, skills=(), occupations=(), available="2027-01-01"):
    return {"id": ident, "lat": lat, "lon": 6.0, "max_travel_km": travel,
            "available_from": available, "skills": list(skills),
            "occupations": list(occupations)}  # fmt: skip


def session(ident, cost, capacity, prerequisites=(), leads_to=("W",), end="2027-05-01"):
    return {"id": ident, "lat": 49.0, "lon": 6.0, "start": "2027-02-01", "end": end,
            "capacity": capacity, "cost_eur": cost, "prerequisites": list(prerequisites),
            "leads_to": list(leads_to)}  # fmt: skip


def need(ident, count, occupation="W", deadline="2027-06-30"):
    return {"id": ident, "lat": 49.0, "lon": 6.0, "occupation": occupation, "count": count,
            "deadline": deadline}  # fmt: skip


def test_solve_finds_the_hand_computed_optimum():
    scenario = build(
        [
            candidate("c-direct", occupations=["W"]),
            candidate("c-near", skills=["P"]),
            candidate("c-away", lat=49.1, skills=["P"]),
            candidate("c-too-far", lat=49.5, skills=["P"], occupations=["W"]),
            candidate("c-unskilled"),
        ],
        [session("s-cheap", 1000.0, 1, ["P"]), session("s-dear", 2000.0, 5, ["P"])],
        [need("n-1", 2), need("n-2", 2)],
    )

    result = solve(scenario)

    # c-direct placed for free; c-near and c-away share the two sessions (either way round
    # costs 3000 plus c-away's 11.12 km); c-too-far and c-unskilled cannot take part.
    assert result.status == "optimal"
    assert (result.filled, result.demand) == (3, 4)
    assert result.total_cost_eur == pytest.approx(3000 + ONE_TENTH_DEGREE_KM, abs=0.005)
    assert {a.candidate for a in result.assignments} == {"c-direct", "c-near", "c-away"}
    assert [(u.missing, len(u.reasons) > 0) for u in result.unfilled] == [(1, True)]
    assert violations(scenario, result) == []


def test_solve_prefers_filling_seats_over_saving_money():
    # The only way to fill both seats is to train c-1 expensively so c-2 can go direct.
    scenario = build(
        [candidate("c-1", skills=["P"], occupations=["W"]), candidate("c-2", occupations=["W"])],
        [session("s-1", 5000.0, 1, ["P"], leads_to=["V"])],
        [need("n-w", 1), need("n-v", 1, occupation="V")],
    )

    result = solve(scenario)

    assert result.filled == 2
    assert result.total_cost_eur == 5000.0


def test_solve_explains_unfilled_needs():
    scenario = build(
        [candidate("c-1", occupations=["W"]), candidate("c-2", skills=[])],
        [
            session("s-late", 100.0, 3, leads_to=["L"], end="2027-09-30"),
            session("s-skilled", 100.0, 3, prerequisites=["P"], leads_to=["K"]),
        ],
        [
            need("n-nobody", 1, occupation="Z"),
            need("n-late", 1, occupation="L"),
            need("n-skills", 1, occupation="K"),
            need("n-w", 3),
        ],
    )

    reasons = {u.need: u.reasons for u in solve(scenario).unfilled}

    assert reasons["n-nobody"] == (
        "no session leads to occupation Z",
        "no candidate already holds occupation Z",
    )
    assert reasons["n-late"][0] == "no session leading to L ends by the deadline"
    assert reasons["n-skills"][0] == (
        "candidates within reach lack the prerequisites of qualifying sessions"
    )
    assert "only 1 eligible candidates for 3 seats" in reasons["n-w"]


def test_solve_handles_an_empty_scenario():
    result = solve(build([], [], []))

    assert (result.filled, result.demand, result.total_cost_eur) == (0, 0, 0.0)
    assert result.assignments == result.unfilled == ()


def test_result_to_json_round_trips_and_keeps_the_contract_layout():
    scenario = build([candidate("c-1", occupations=["W"])], [], [need("n-1", 2)])
    result = solve(scenario)

    text = result_to_json(result)

    assert read_result(text) == result.__class__(**{
        **{f: getattr(result, f) for f in result.__slots__},
        "solve_seconds": round(result.solve_seconds, 3),
    })  # fmt: skip
    assert '    {"candidate": "c-1", "session": null, "need": "n-1"}' in text.splitlines()
    assert list(json.loads(text)) == ["format", "scenario", "status", "filled", "demand",
                                      "total_cost_eur", "assignments", "unfilled",
                                      "solve_seconds"]  # fmt: skip


# --- Properties on small random scenarios --------------------------------------------------

DATES = ["2027-01-01", "2027-02-01", "2027-03-01", "2027-05-01", "2027-07-01"]
TOKENS = st.lists(st.sampled_from(["A", "B"]), max_size=2, unique=True)
OCCUPATIONS = st.lists(st.sampled_from(["X", "Y"]), max_size=2, unique=True)
PREREQUISITES = st.lists(st.sampled_from(["A", "B"]), max_size=1)
LEADS_TO = st.lists(st.sampled_from(["X", "Y"]), min_size=1, max_size=2, unique=True)
LAT = st.integers(0, 30).map(lambda k: 49.0 + k / 100)
LON = st.integers(0, 30).map(lambda k: 6.0 + k / 100)


@st.composite
def scenarios(draw, *, max_candidates=8, max_sessions=4, max_needs=4, least=0) -> dict[str, Any]:
    candidates = [
        {"id": f"c-{i}", "lat": draw(LAT), "lon": draw(LON),
         "max_travel_km": draw(st.sampled_from([0.0, 20.0, 40.0, 80.0])),
         "available_from": draw(st.sampled_from(DATES[:3])), "skills": draw(TOKENS),
         "occupations": draw(OCCUPATIONS)}
        for i in range(draw(st.integers(least, max_candidates)))
    ]  # fmt: skip
    sessions = []
    for k in range(draw(st.integers(least, max_sessions))):
        start = draw(st.integers(0, 2))
        sessions.append(
            {"id": f"s-{k}", "lat": draw(LAT), "lon": draw(LON), "start": DATES[start],
             "end": DATES[draw(st.integers(start, 4))], "capacity": draw(st.integers(0, 4)),
             "cost_eur": draw(st.sampled_from([0.0, 120.0, 999.99, 2500.5])),
             "prerequisites": draw(PREREQUISITES), "leads_to": draw(LEADS_TO)}
        )  # fmt: skip
    needs = [
        {"id": f"n-{j}", "lat": draw(LAT), "lon": draw(LON),
         "occupation": draw(st.sampled_from(["X", "Y"])), "count": draw(st.integers(least, 3)),
         "deadline": draw(st.sampled_from(DATES[3:]))}
        for j in range(draw(st.integers(least, max_needs)))
    ]  # fmt: skip
    return {
        "format": "fabrique-plan/1",
        "name": "random",
        "parameters": {
            "km_cost_eur": draw(st.sampled_from([0.0, 0.3, 1.0])),
            "session_to_need_max_km": draw(st.sampled_from([0.0, 30.0, 60.0])),
        },
        "candidates": candidates,
        "sessions": sessions,
        "needs": needs,
    }


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def tolerance(filled: int) -> float:
    """Costs are rounded to cents per arc inside the solver, and the total to a cent."""
    return 0.005 * filled + 0.006


@PROPERTY
@given(scenarios())
def test_solve_output_has_no_violation(doc):
    scenario = read_scenario(json.dumps(doc))

    result = solve(scenario)

    assert violations(scenario, result) == []
    assert violations(scenario, read_result(result_to_json(result))) == []


@PROPERTY
@given(scenarios(), st.randoms(use_true_random=False))
def test_solve_optimum_does_not_depend_on_input_order(doc, rng):
    shuffled = json.loads(json.dumps(doc))
    for key in ("candidates", "sessions", "needs"):
        rng.shuffle(shuffled[key])
        for record in shuffled[key]:
            for field in ("skills", "occupations", "prerequisites", "leads_to"):
                if field in record:
                    rng.shuffle(record[field])

    first = solve(read_scenario(json.dumps(doc)))
    second = solve(read_scenario(json.dumps(shuffled)))

    assert first.filled == second.filled
    assert first.total_cost_eur == pytest.approx(second.total_cost_eur, abs=tolerance(first.filled))


def brute_force(scenario: Scenario) -> tuple[int, float]:
    """Best (filled, least cost) by trying every option of every candidate."""
    p = scenario.parameters
    options: list[list[tuple[str | None, str, float]]] = []
    for c in scenario.candidates:
        mine: list[tuple[str | None, str, float]] = []
        for n in scenario.needs:
            d = distance_km(c.lat, c.lon, n.lat, n.lon)
            if (
                n.occupation in c.occupations
                and d <= c.max_travel_km
                and (c.available_from <= n.deadline)
            ):
                mine.append((None, n.id, p.km_cost_eur * d))
            for s in scenario.sessions:
                d_cs = distance_km(c.lat, c.lon, s.lat, s.lon)
                if (
                    d_cs <= c.max_travel_km
                    and c.available_from <= s.start
                    and s.prerequisites <= c.skills
                    and n.occupation in s.leads_to
                    and s.end <= n.deadline
                    and distance_km(s.lat, s.lon, n.lat, n.lon) <= p.session_to_need_max_km
                ):
                    mine.append((s.id, n.id, s.cost_eur + p.km_cost_eur * d_cs))
        options.append(mine)
    room = {s.id: s.capacity for s in scenario.sessions}
    seats = {n.id: n.count for n in scenario.needs}
    best = (0, 0.0)

    def search(i: int, filled: int, cost: float) -> None:
        nonlocal best
        if i == len(options):
            if filled > best[0] or (filled == best[0] and cost < best[1]):
                best = (filled, cost)
            return
        search(i + 1, filled, cost)
        for s_id, n_id, price in options[i]:
            if seats[n_id] == 0 or (s_id is not None and room[s_id] == 0):
                continue
            seats[n_id] -= 1
            if s_id is not None:
                room[s_id] -= 1
            search(i + 1, filled + 1, cost + price)
            seats[n_id] += 1
            if s_id is not None:
                room[s_id] += 1

    search(0, 0, 0.0)
    return best


@PROPERTY
@given(scenarios(max_candidates=5, max_sessions=3, max_needs=3, least=1))
def test_solve_equals_brute_force_on_tiny_scenarios(doc):
    scenario = read_scenario(json.dumps(doc))

    filled, cost = brute_force(scenario)

    for result in (solve(scenario), solve(scenario, prune=True)):
        assert result.filled == filled
        assert math.isclose(result.total_cost_eur, cost, abs_tol=tolerance(filled))

"""The plan validator catches each rule of ``fabrique-plan/1`` broken on purpose."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter

import pytest

from fabrique.engine.planner.result import Assignment, Result, Unfilled
from fabrique.engine.planner.scenario import Scenario, distance_km, read_scenario
from fabrique.engine.planner.validator import violations


def person(ident: str, *, lat: float = 49.0, **extra: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": ident,
        "lat": lat,
        "lon": 6.0,
        "max_travel_km": 50.0,
        "available_from": "2027-01-01",
        "skills": ["P"],
        "occupations": ["W"],
    }
    return record | extra


def course(ident: str, *, lat: float = 49.0, **extra: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": ident,
        "lat": lat,
        "lon": 6.0,
        "start": "2027-02-01",
        "end": "2027-05-01",
        "capacity": 1,
        "cost_eur": 1000.0,
        "prerequisites": ["P"],
        "leads_to": ["W"],
    }
    return record | extra


SCENARIO = read_scenario(
    json.dumps(
        {
            "format": "fabrique-plan/1",
            "name": "validator",
            "parameters": {"km_cost_eur": 0.5, "session_to_need_max_km": 50.0},
            "candidates": [
                person("c-ok"),
                person("c-2", lat=49.1),
                person("c-far", lat=50.0, max_travel_km=10.0),
                person("c-late", available_from="2027-12-01"),
                person("c-novice", skills=[], occupations=[]),
            ],
            "sessions": [
                course("s-1"),
                course("s-other", leads_to=["Z"]),
                course("s-late", end="2027-09-01"),
                course("s-far", lat=51.0),
            ],
            "needs": [
                {"id": "n-1", "lat": 49.0, "lon": 6.0, "occupation": "W", "count": 1,
                 "deadline": "2027-06-30"},
                {"id": "n-2", "lat": 49.0, "lon": 6.0, "occupation": "W", "count": 2,
                 "deadline": "2027-06-30"},
            ],
        }
    )
)  # fmt: skip


def plan(*pairs: tuple[str, str | None, str], scenario: Scenario = SCENARIO) -> Result:
    """A result whose totals and unfilled list agree with the given assignments."""
    assignments = tuple(Assignment(c, s, n) for c, s, n in pairs)
    where = {r.id: (r.lat, r.lon) for r in (*scenario.candidates, *scenario.sessions)}
    where |= {n.id: (n.lat, n.lon) for n in scenario.needs}
    cost = 0.0
    for a in assignments:
        target = a.session if a.session is not None else a.need
        if a.candidate not in where or target not in where:
            continue
        session = next((s for s in scenario.sessions if s.id == a.session), None)
        cost += (session.cost_eur if session else 0.0) + scenario.parameters.km_cost_eur * (
            distance_km(*where[a.candidate], *where[target])
        )
    got = Counter(a.need for a in assignments)
    unfilled = tuple(
        Unfilled(n.id, n.count - got[n.id], ("not enough candidates",))
        for n in scenario.needs
        if n.count > got[n.id]
    )
    return Result("validator", "optimal", len(assignments), scenario.demand, round(cost, 2),
                  assignments, unfilled)  # fmt: skip


VALID = plan(("c-ok", "s-1", "n-1"), ("c-2", None, "n-2"))


def test_violations_finds_nothing_in_a_valid_plan():
    assert VALID.total_cost_eur == pytest.approx(
        0.5 * distance_km(49.1, 6.0, 49.0, 6.0) + 1000, abs=0.01
    )
    assert violations(SCENARIO, VALID) == []


def test_violations_finds_nothing_in_an_empty_plan():
    assert violations(SCENARIO, plan()) == []


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([("c-x", None, "n-1")], 'assignments[0]: unknown candidate "c-x"'),
        ([("c-ok", None, "n-9")], 'assignments[0]: unknown need "n-9"'),
        ([("c-ok", "s-9", "n-1")], 'assignments[0]: unknown session "s-9"'),
        ([("c-far", "s-1", "n-1")], 'candidate "c-far" in session "s-1" is 111.2 km away'),
        ([("c-late", "s-1", "n-1")], 'candidate "c-late" in session "s-1" is available only'),
        (
            [("c-novice", "s-1", "n-1")],
            'candidate "c-novice" in session "s-1" lacks prerequisites P',
        ),
        ([("c-ok", "s-other", "n-1")], 'session "s-other" for need "n-1" does not lead to'),
        ([("c-ok", "s-late", "n-1")], 'session "s-late" for need "n-1" ends 2027-09-01, after'),
        ([("c-ok", "s-far", "n-1")], 'candidate "c-ok" in session "s-far" is 222.4 km away'),
        ([("c-novice", None, "n-1")], 'placed directly in need "n-1" does not hold occupation W'),
        ([("c-far", None, "n-1")], 'candidate "c-far" placed directly in need "n-1" is 111.2 km'),
        ([("c-late", None, "n-1")], '"c-late" placed directly in need "n-1" is available only'),
        ([("c-ok", None, "n-1"), ("c-ok", None, "n-2")], 'candidate "c-ok" is used 2 times'),
        ([("c-ok", "s-1", "n-2"), ("c-2", "s-1", "n-2")], 'session "s-1" takes 2 candidates'),
        ([("c-ok", None, "n-1"), ("c-2", None, "n-1")], 'need "n-1" gets 2 candidates'),
    ],
)
def test_violations_catches_a_broken_assignment_rule(pairs, expected):
    problems = violations(SCENARIO, plan(*pairs))

    assert any(expected in problem for problem in problems), problems


def test_violations_catches_a_session_too_far_from_the_need():
    far_need = dataclasses.replace(SCENARIO.needs[0], lat=50.0)
    scenario = dataclasses.replace(SCENARIO, needs=(far_need, SCENARIO.needs[1]))

    problems = violations(scenario, plan(("c-ok", "s-1", "n-1"), scenario=scenario))

    assert problems == [
        'assignments[0]: session "s-1" for need "n-1" is 111.2 km away, beyond 50 km'
    ]


def test_violations_catches_wrong_totals():
    wrong = dataclasses.replace(
        VALID, filled=3, demand=4, total_cost_eur=VALID.total_cost_eur + 0.02
    )

    assert violations(SCENARIO, wrong) == [
        "filled is 3 but there are 2 assignments",
        "demand is 4 but the needs count 3 seats",
        f"total_cost_eur is {VALID.total_cost_eur + 0.02:.2f} but the assignments cost "
        f"{VALID.total_cost_eur:.2f}",
    ]


def test_violations_accepts_a_cost_within_a_cent():
    close = dataclasses.replace(VALID, total_cost_eur=VALID.total_cost_eur + 0.004)

    assert violations(SCENARIO, close) == []


@pytest.mark.parametrize(
    ("unfilled", "expected"),
    [
        ((), ['need "n-2" misses 1 seats but is not listed in unfilled']),
        (
            (Unfilled("n-2", 2, ("r",)),),
            ['unfilled[0] (need "n-2"): missing is 2, the assignments leave 1'],
        ),
        ((Unfilled("n-2", 1, ()),), ['unfilled[0] (need "n-2"): gives no reason']),
        ((Unfilled("n-2", 1, (" ",)),), ['unfilled[0] (need "n-2"): gives no reason']),
        (
            (Unfilled("n-2", 1, ("r",)), Unfilled("n-2", 1, ("r",))),
            ['need "n-2" is listed 2 times in unfilled'],
        ),
        (
            (Unfilled("n-2", 1, ("r",)), Unfilled("n-1", 0, ("r",))),
            ['unfilled[1] (need "n-1"): the need is filled and must not be listed'],
        ),
        (
            (Unfilled("n-2", 1, ("r",)), Unfilled("n-7", 1, ("r",))),
            ['unfilled[1] (need "n-7"): unknown need'],
        ),
    ],
)
def test_violations_catches_a_wrong_unfilled_list(unfilled, expected):
    assert violations(SCENARIO, dataclasses.replace(VALID, unfilled=unfilled)) == expected

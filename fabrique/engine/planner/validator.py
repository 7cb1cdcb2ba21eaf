"""Checks a plan against every rule of ``fabrique-plan/1``, independently of any solver.

It does not judge optimality (that needs a solver); it judges everything else: ids exist,
eligibility, each candidate used once, capacities and counts, the totals, the unfilled list.
"""

from __future__ import annotations

from collections import Counter

from fabrique.engine.planner.result import Result
from fabrique.engine.planner.scenario import (
    Candidate,
    Need,
    Scenario,
    Session,
    distance_km,
)

CENT = 0.01
_SLACK = 1e-6  # floating-point slack on top of a cent


def violations(scenario: Scenario, result: Result) -> list[str]:
    """Every broken rule, one readable line each; empty when the plan follows the rules."""
    candidates = {c.id: c for c in scenario.candidates}
    sessions = {s.id: s for s in scenario.sessions}
    needs = {n.id: n for n in scenario.needs}
    problems: list[str] = []
    km_cost = scenario.parameters.km_cost_eur
    total = 0.0
    per_session: Counter[str] = Counter()
    per_need: Counter[str] = Counter()
    per_candidate: Counter[str] = Counter()

    for index, assignment in enumerate(result.assignments):
        where = f"assignments[{index}]"
        candidate = candidates.get(assignment.candidate)
        need = needs.get(assignment.need)
        session = None if assignment.session is None else sessions.get(assignment.session)
        if candidate is None:
            problems.append(f'{where}: unknown candidate "{assignment.candidate}"')
        if need is None:
            problems.append(f'{where}: unknown need "{assignment.need}"')
        if assignment.session is not None and session is None:
            problems.append(f'{where}: unknown session "{assignment.session}"')
        per_candidate[assignment.candidate] += 1
        per_need[assignment.need] += 1
        if assignment.session is not None:
            per_session[assignment.session] += 1
        if candidate is None or need is None:
            continue
        if assignment.session is None:
            problems.extend(f"{where}: {p}" for p in _direct_problems(scenario, candidate, need))
            total += km_cost * distance_km(candidate.lat, candidate.lon, need.lat, need.lon)
        elif session is not None:
            problems.extend(f"{where}: {p}" for p in _attend_problems(candidate, session))
            problems.extend(f"{where}: {p}" for p in _qualify_problems(scenario, session, need))
            total += session.cost_eur + km_cost * distance_km(
                candidate.lat, candidate.lon, session.lat, session.lon
            )

    for ident, times in sorted(per_candidate.items()):
        if times > 1:
            problems.append(f'candidate "{ident}" is used {times} times (at most once)')
    for ident, taken in sorted(per_session.items()):
        session = sessions.get(ident)
        if session is not None and taken > session.capacity:
            problems.append(
                f'session "{ident}" takes {taken} candidates, over its capacity {session.capacity}'
            )
    for ident, got in sorted(per_need.items()):
        need = needs.get(ident)
        if need is not None and got > need.count:
            problems.append(f'need "{ident}" gets {got} candidates, over its count {need.count}')

    problems.extend(_totals_problems(scenario, result, total))
    problems.extend(_unfilled_problems(scenario, result, per_need))
    return problems


def _direct_problems(scenario: Scenario, candidate: Candidate, need: Need) -> list[str]:
    del scenario
    problems = []
    label = f'candidate "{candidate.id}" placed directly in need "{need.id}"'
    if need.occupation not in candidate.occupations:
        problems.append(f"{label} does not hold occupation {need.occupation}")
    distance = distance_km(candidate.lat, candidate.lon, need.lat, need.lon)
    if distance > candidate.max_travel_km:
        problems.append(f"{label} is {distance:.1f} km away, beyond {candidate.max_travel_km:g} km")
    if candidate.available_from > need.deadline:
        problems.append(f"{label} is available only after the deadline {need.deadline}")
    return problems


def _attend_problems(candidate: Candidate, session: Session) -> list[str]:
    problems = []
    label = f'candidate "{candidate.id}" in session "{session.id}"'
    distance = distance_km(candidate.lat, candidate.lon, session.lat, session.lon)
    if distance > candidate.max_travel_km:
        problems.append(f"{label} is {distance:.1f} km away, beyond {candidate.max_travel_km:g} km")
    if candidate.available_from > session.start:
        problems.append(f"{label} is available only after the start {session.start}")
    missing = sorted(session.prerequisites - candidate.skills)
    if missing:
        problems.append(f"{label} lacks prerequisites {', '.join(missing)}")
    return problems


def _qualify_problems(scenario: Scenario, session: Session, need: Need) -> list[str]:
    problems = []
    label = f'session "{session.id}" for need "{need.id}"'
    if need.occupation not in session.leads_to:
        problems.append(f"{label} does not lead to occupation {need.occupation}")
    if session.end > need.deadline:
        problems.append(f"{label} ends {session.end}, after the deadline {need.deadline}")
    distance = distance_km(session.lat, session.lon, need.lat, need.lon)
    limit = scenario.parameters.session_to_need_max_km
    if distance > limit:
        problems.append(f"{label} is {distance:.1f} km away, beyond {limit:g} km")
    return problems


def _totals_problems(scenario: Scenario, result: Result, total: float) -> list[str]:
    problems = []
    if result.filled != len(result.assignments):
        problems.append(
            f"filled is {result.filled} but there are {len(result.assignments)} assignments"
        )
    if result.demand != scenario.demand:
        problems.append(f"demand is {result.demand} but the needs count {scenario.demand} seats")
    if abs(result.total_cost_eur - total) > CENT + _SLACK:
        problems.append(
            f"total_cost_eur is {result.total_cost_eur:.2f} but the assignments cost {total:.2f}"
        )
    return problems


def _unfilled_problems(scenario: Scenario, result: Result, per_need: Counter[str]) -> list[str]:
    problems = []
    needs = {n.id: n for n in scenario.needs}
    listed: Counter[str] = Counter(u.need for u in result.unfilled)
    for index, entry in enumerate(result.unfilled):
        where = f'unfilled[{index}] (need "{entry.need}")'
        need = needs.get(entry.need)
        if need is None:
            problems.append(f"{where}: unknown need")
            continue
        expected = max(0, need.count - per_need[need.id])
        if entry.missing == 0 and expected == 0:
            problems.append(f"{where}: the need is filled and must not be listed")
        elif entry.missing != expected:
            problems.append(
                f"{where}: missing is {entry.missing}, the assignments leave {expected}"
            )
        if not entry.reasons or not all(reason.strip() for reason in entry.reasons):
            problems.append(f"{where}: gives no reason")
    for ident, times in sorted(listed.items()):
        if times > 1:
            problems.append(f'need "{ident}" is listed {times} times in unfilled')
    for need in scenario.needs:
        if need.count > per_need[need.id] and need.id not in listed:
            problems.append(
                f'need "{need.id}" misses {need.count - per_need[need.id]} seats '
                "but is not listed in unfilled"
            )
    return problems

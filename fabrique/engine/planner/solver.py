"""Optimal plans: most need seats filled, then least cost, by min-cost flow (OR-Tools).

Network: source → candidate (1) → session in → session out (capacity) → need (count) → sink,
plus candidate → need arcs for direct placements. Costs are whole cents on the candidate
arcs. ``solve_max_flow_with_min_cost`` gives the maximum flow of least cost, which is the
contract's objective; the model is totally unimodular, so the flow is integral and optimal.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]

from fabrique.engine.planner.result import Assignment, Result, Unfilled
from fabrique.engine.planner.scenario import EARTH_RADIUS_KM, Scenario, distance_km

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]


class SolverError(RuntimeError):
    """The flow solver did not report an optimum (should not happen on a valid scenario)."""


@dataclass(frozen=True, slots=True)
class Eligibility:
    """Boolean matrices of the contract's three rules, with the distances behind them."""

    attend: Bools  # candidates × sessions
    qualify: Bools  # sessions × needs
    direct: Bools  # candidates × needs
    cs_km: Floats
    cn_km: Floats


def solve(scenario: Scenario) -> Result:
    started = time.perf_counter()
    candidates, sessions, needs = scenario.candidates, scenario.sessions, scenario.needs
    elig = eligibility(scenario)
    km_cost = scenario.parameters.km_cost_eur
    n_c, n_s, n_n = len(candidates), len(sessions), len(needs)
    # Only sessions that lead somewhere useful carry candidates.
    useful = elig.qualify.any(axis=1) if n_n else np.zeros(n_s, dtype=bool)
    attend = elig.attend & useful[np.newaxis, :]

    source, sink = 0, 1
    cand_node = 2
    s_in = cand_node + n_c
    s_out = s_in + n_s
    need_node = s_out + n_s
    tails: list[Ints] = []
    heads: list[Ints] = []
    caps: list[Ints] = []
    costs: list[Ints] = []

    def add(tail: Ints, head: Ints, cap: Ints, cost: Ints) -> None:
        tails.append(tail)
        heads.append(head)
        caps.append(cap)
        costs.append(cost)

    c_idx = np.arange(n_c, dtype=np.int64)
    s_idx = np.arange(n_s, dtype=np.int64)
    n_idx = np.arange(n_n, dtype=np.int64)
    add(np.full(n_c, source), cand_node + c_idx, np.ones(n_c, np.int64), np.zeros(n_c, np.int64))
    cs_c, cs_s = np.nonzero(attend)
    session_cost = np.array([s.cost_eur for s in sessions], dtype=np.float64)
    cs_cost = _cents(session_cost[cs_s] + km_cost * elig.cs_km[cs_c, cs_s])
    first_cs = sum(len(t) for t in tails)
    add(cand_node + cs_c, s_in + cs_s, np.ones(len(cs_c), np.int64), cs_cost)
    capacity = np.array([s.capacity for s in sessions], dtype=np.int64)
    add(s_in + s_idx, s_out + s_idx, capacity, np.zeros(n_s, np.int64))
    sn_s, sn_n = np.nonzero(elig.qualify & useful[:, np.newaxis])
    first_sn = sum(len(t) for t in tails)
    add(s_out + sn_s, need_node + sn_n, capacity[sn_s], np.zeros(len(sn_s), np.int64))
    cn_c, cn_n = np.nonzero(elig.direct)
    first_cn = sum(len(t) for t in tails)
    add(
        cand_node + cn_c,
        need_node + cn_n,
        np.ones(len(cn_c), np.int64),
        _cents(km_cost * elig.cn_km[cn_c, cn_n]),
    )
    count = np.array([n.count for n in needs], dtype=np.int64)
    add(need_node + n_idx, np.full(n_n, sink), count, np.zeros(n_n, np.int64))

    assignments: list[Assignment] = []
    supply = min(n_c, int(count.sum()))
    if supply > 0 and (len(cs_c) or len(cn_c)):
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(
            np.concatenate(tails).astype(np.int32),
            np.concatenate(heads).astype(np.int32),
            np.concatenate(caps),
            np.concatenate(costs),
        )
        flow.set_node_supply(source, supply)
        flow.set_node_supply(sink, -supply)
        status = flow.solve_max_flow_with_min_cost()
        if status != flow.OPTIMAL:
            raise SolverError(f"min-cost flow ended with status {status}")
        flows = np.asarray(flow.flows(np.arange(flow.num_arcs(), dtype=np.int32)))
        cs_flow = flows[first_cs : first_cs + len(cs_c)]
        sn_flow = flows[first_sn : first_sn + len(sn_s)]
        cn_flow = flows[first_cn : first_cn + len(cn_c)]
        # Trained candidates of a session go to the needs its outflow feeds, in any order:
        # the cost sits on the candidate → session arc only.
        trained: dict[int, list[int]] = {}
        for k in np.nonzero(cs_flow)[0]:
            trained.setdefault(int(cs_s[k]), []).append(int(cs_c[k]))
        for k in np.nonzero(sn_flow)[0]:
            s, n = int(sn_s[k]), int(sn_n[k])
            for _ in range(int(sn_flow[k])):
                c = trained[s].pop()
                assignments.append(Assignment(candidates[c].id, sessions[s].id, needs[n].id))
        for k in np.nonzero(cn_flow)[0]:
            c, n = int(cn_c[k]), int(cn_n[k])
            assignments.append(Assignment(candidates[c].id, None, needs[n].id))

    assignments.sort(key=lambda a: (a.need, a.session or "", a.candidate))
    filled_per_need: dict[str, int] = {}
    for a in assignments:
        filled_per_need[a.need] = filled_per_need.get(a.need, 0) + 1
    used = {a.candidate for a in assignments}
    seats = Counter(a.session for a in assignments if a.session is not None)
    unfilled = tuple(
        Unfilled(need.id, need.count - filled_per_need.get(need.id, 0), reasons)
        for j, need in enumerate(needs)
        if need.count > filled_per_need.get(need.id, 0)
        for reasons in [_reasons(scenario, elig, j, used, filled_per_need, seats)]
    )
    return Result(
        scenario=scenario.name,
        status="optimal",
        filled=len(assignments),
        demand=scenario.demand,
        total_cost_eur=round(_exact_cost(scenario, assignments), 2),
        assignments=tuple(assignments),
        unfilled=unfilled,
        solve_seconds=time.perf_counter() - started,
    )


def eligibility(scenario: Scenario) -> Eligibility:
    """The contract's eligibility rules as boolean matrices (numpy, no Python pair loop)."""
    cands, sessions, needs = scenario.candidates, scenario.sessions, scenario.needs
    c_lat = np.array([c.lat for c in cands], dtype=np.float64)
    c_lon = np.array([c.lon for c in cands], dtype=np.float64)
    s_lat = np.array([s.lat for s in sessions], dtype=np.float64)
    s_lon = np.array([s.lon for s in sessions], dtype=np.float64)
    n_lat = np.array([n.lat for n in needs], dtype=np.float64)
    n_lon = np.array([n.lon for n in needs], dtype=np.float64)
    reach = np.array([c.max_travel_km for c in cands], dtype=np.float64)
    avail = np.array([c.available_from.toordinal() for c in cands], dtype=np.int64)
    start = np.array([s.start.toordinal() for s in sessions], dtype=np.int64)
    end = np.array([s.end.toordinal() for s in sessions], dtype=np.int64)
    deadline = np.array([n.deadline.toordinal() for n in needs], dtype=np.int64)

    cs_km = _distances(c_lat, c_lon, s_lat, s_lon)
    sn_km = _distances(s_lat, s_lon, n_lat, n_lon)
    cn_km = _distances(c_lat, c_lon, n_lat, n_lon)

    prerequisites = sorted({p for s in sessions for p in s.prerequisites})
    if prerequisites:
        column = {skill: k for k, skill in enumerate(prerequisites)}
        has = np.zeros((len(cands), len(prerequisites)), dtype=np.int32)
        for i, c in enumerate(cands):
            for skill in c.skills:
                if skill in column:
                    has[i, column[skill]] = 1
        wants = np.zeros((len(sessions), len(prerequisites)), dtype=np.int32)
        for j, s in enumerate(sessions):
            for skill in s.prerequisites:
                wants[j, column[skill]] = 1
        prereq_ok = (has @ wants.T) == wants.sum(axis=1)[np.newaxis, :]
    else:
        prereq_ok = np.ones((len(cands), len(sessions)), dtype=bool)
    attend = (
        _within(cs_km, reach[:, np.newaxis], (c_lat, c_lon), (s_lat, s_lon))
        & (avail[:, np.newaxis] <= start[np.newaxis, :])
        & prereq_ok
    )
    leads = np.array(
        [[n.occupation in s.leads_to for n in needs] for s in sessions], dtype=bool
    ).reshape(len(sessions), len(needs))
    limit = np.full((len(sessions), 1), scenario.parameters.session_to_need_max_km)
    qualify = (
        leads
        & (end[:, np.newaxis] <= deadline[np.newaxis, :])
        & _within(sn_km, limit, (s_lat, s_lon), (n_lat, n_lon))
    )
    holds = np.array(
        [[n.occupation in c.occupations for n in needs] for c in cands], dtype=bool
    ).reshape(len(cands), len(needs))
    direct = (
        holds
        & (avail[:, np.newaxis] <= deadline[np.newaxis, :])
        & _within(cn_km, reach[:, np.newaxis], (c_lat, c_lon), (n_lat, n_lon))
    )
    return Eligibility(attend, qualify, direct, cs_km, cn_km)


def _distances(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats) -> Floats:
    phi1 = np.radians(lat1)[:, np.newaxis]
    phi2 = np.radians(lat2)[np.newaxis, :]
    dlambda = np.radians(lon2[np.newaxis, :] - lon1[:, np.newaxis])
    h = np.sin((phi2 - phi1) / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    result: Floats = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return result


def _within(km: Floats, limit: Floats, a: tuple[Floats, Floats], b: tuple[Floats, Floats]) -> Bools:
    """``km <= limit``, with pairs at the very edge settled by the scalar formula.

    numpy and ``math`` may differ in the last bits; the scalar formula is the reference,
    so the solver never keeps a pair that a validator (using it) would refuse, or the reverse.
    """
    limits = np.broadcast_to(limit, km.shape)
    inside: Bools = km <= limits
    edge = np.abs(km - limits) <= 1e-9 * np.maximum(1.0, limits)
    for i, j in zip(*np.nonzero(edge), strict=True):
        d = distance_km(float(a[0][i]), float(a[1][i]), float(b[0][j]), float(b[1][j]))
        inside[i, j] = d <= limits[i, j]
    return inside


def _cents(euros: Floats) -> Ints:
    cents: Ints = np.rint(euros * 100.0).astype(np.int64)
    return cents


def _exact_cost(scenario: Scenario, assignments: list[Assignment]) -> float:
    candidates = {c.id: c for c in scenario.candidates}
    sessions = {s.id: s for s in scenario.sessions}
    needs = {n.id: n for n in scenario.needs}
    km_cost = scenario.parameters.km_cost_eur
    total = 0.0
    for a in assignments:
        c = candidates[a.candidate]
        if a.session is None:
            n = needs[a.need]
            total += km_cost * distance_km(c.lat, c.lon, n.lat, n.lon)
        else:
            s = sessions[a.session]
            total += s.cost_eur + km_cost * distance_km(c.lat, c.lon, s.lat, s.lon)
    return total


def _reasons(
    scenario: Scenario,
    elig: Eligibility,
    j: int,
    used: set[str],
    filled_per_need: dict[str, int],
    seats: Counter[str],
) -> tuple[str, ...]:
    """Why need ``j`` keeps empty seats, from the most basic cause to competition."""
    need = scenario.needs[j]
    sessions, candidates = scenario.sessions, scenario.candidates
    occupation = need.occupation
    leading = [k for k, s in enumerate(sessions) if occupation in s.leads_to]
    holders = [i for i, c in enumerate(candidates) if occupation in c.occupations]
    reasons: list[str] = []
    qualifying = [k for k in leading if elig.qualify[k, j]]
    if not leading:
        reasons.append(f"no session leads to occupation {occupation}")
    elif not qualifying:
        in_time = [k for k in leading if sessions[k].end <= need.deadline]
        if not in_time:
            reasons.append(f"no session leading to {occupation} ends by the deadline")
        else:
            reasons.append(
                f"no session leading to {occupation} and ending by the deadline is within "
                f"{scenario.parameters.session_to_need_max_km:g} km"
            )
    else:
        near = [
            i
            for i, c in enumerate(candidates)
            if any(
                elig.cs_km[i, k] <= c.max_travel_km and c.available_from <= sessions[k].start
                for k in qualifying
            )
        ]
        if not near:
            reasons.append(
                "no candidate within reach of a qualifying session is available by its start"
            )
        elif not any(elig.attend[i, k] for i in near for k in qualifying):
            reasons.append("candidates within reach lack the prerequisites of qualifying sessions")
    if not holders:
        reasons.append(f"no candidate already holds occupation {occupation}")
    elif not elig.direct[:, j].any():
        reasons.append(f"no candidate holding {occupation} is within reach and available")

    pool = {
        candidates[i].id
        for i in range(len(candidates))
        if elig.direct[i, j] or any(elig.attend[i, k] for k in qualifying)
    }
    if pool:
        if len(pool) < need.count:
            reasons.append(f"only {len(pool)} eligible candidates for {need.count} seats")
        taken = len(pool & used) - filled_per_need.get(need.id, 0)
        if taken > 0:
            reasons.append(f"{taken} eligible candidates are placed in other needs")
        full = sorted(
            sessions[k].id for k in qualifying if seats[sessions[k].id] >= sessions[k].capacity
        )
        if full:
            reasons.append("qualifying sessions are full: " + ", ".join(full))
    if not reasons:
        reasons.append("no further eligible candidate is available")
    return tuple(reasons)

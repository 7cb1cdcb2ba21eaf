"""Optimal plans: most need seats filled, then least cost, by min-cost flow (OR-Tools).

Network: source → candidate (1) → session in → session out (capacity) → need (count) → sink,
plus candidate → need arcs for direct placements. Costs are whole cents on the candidate
arcs. ``solve_max_flow_with_min_cost`` gives the maximum flow of least cost, which is the
contract's objective; the model is totally unimodular, so the flow is integral and optimal.

Scale (see docs/decisions/0006-planner.md). Nothing is ever a dense candidate × session
matrix: sessions share few places (training centres), so candidates within reach of each
place come from a k-d tree on 3-D unit vectors, once per place; availability and
prerequisites (bitsets of ``uint64`` words) then filter them per session. Sessions that
qualify nobody for any need carry no arc (they can never carry flow).

Pruning with a proof (column generation, "pricing"). Only the ``2 × usable + 10`` cheapest
candidate → session arcs of each session enter the first network (``usable`` = the most
candidates the session can ever pass on: its capacity, capped by the seats of the needs it
qualifies for). Its optimum is then *certified* for the whole network, or arcs are added:

* Seen as a circulation with a return arc sink → source of cost ``-BIG`` (``BIG`` larger
  than the cost of any flow), "most seats, then least cost" is a plain min-cost problem, and
  the restricted optimum is optimal for it (a shortfall of one seat costs ``BIG`` more than
  any saving). Its residual network has no negative cycle, so shortest-path distances from
  a virtual root (Bellman-Ford) are node potentials ``π`` with non-negative reduced costs on
  every residual arc of the restricted network.
* A pruned arc carries no flow. If every pruned arc ``c → s`` also has a non-negative
  reduced cost ``cost(c, s) + π(c) − π(s)``, then ``π`` is dual feasible for the *whole*
  network and complementary slackness holds: by LP duality the restricted flow is optimal
  for the whole network. Otherwise the arcs with a negative reduced cost are added and the
  restricted network is solved again; arcs are only ever added, so this ends, at worst with
  every arc. The result is therefore exactly as optimal as the plain solve
  (``solve(scenario, prune=False)``, which the tests compare on random scenarios).
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
Words = npt.NDArray[np.uint64]


class SolverError(RuntimeError):
    """The flow solver did not report an optimum (should not happen on a valid scenario)."""


@dataclass(slots=True)
class _Pool:
    """Candidates of one session, cheapest first: all of them, or the first ``kept``."""

    cands: Ints  # candidate indices, sorted by cost
    cents: Ints  # cost in cents, non-decreasing
    size: int  # how many candidates may attend the session in all


@dataclass(slots=True)
class _Data:
    n_c: int
    n_s: int
    n_n: int
    c_lat: Floats
    c_lon: Floats
    reach: Floats
    avail: Ints
    bits: Words  # candidates × words: the prerequisites each candidate holds
    wants: Words  # sessions × words: the prerequisites each session asks for
    s_lat: Floats
    s_lon: Floats
    start: Ints
    s_cents: Floats  # session cost in euros
    capacity: Ints
    place: Ints  # session → index of its place
    place_lat: Floats
    place_lon: Floats
    count: Ints
    lead_s: Ints  # (session, need) pairs where the session leads to the need's occupation
    lead_n: Ints
    lead_in_time: Bools
    lead_near: Bools
    dir_c: Ints  # direct placements
    dir_n: Ints
    dir_cents: Ints
    holders: Ints  # per need: how many candidates hold its occupation


def solve(
    scenario: Scenario, *, prune: bool = True, stats: dict[str, float] | None = None
) -> Result:
    """An optimal plan; ``prune=False`` solves the whole network at once (for checks).

    ``stats``, when given, receives figures: eligible arcs, arcs of the last network, rounds.
    """
    started = time.perf_counter()
    data = _prepare(scenario)
    km_cost = scenario.parameters.km_cost_eur
    qualify = data.lead_in_time & data.lead_near
    sn_s, sn_n = data.lead_s[qualify], data.lead_n[qualify]
    useful = np.zeros(data.n_s, dtype=bool)
    useful[sn_s] = True
    seats_reached = np.bincount(sn_s, weights=data.count[sn_n], minlength=data.n_s)
    usable = np.minimum(data.capacity, seats_reached.astype(np.int64))
    places = _places_reach(data)
    pools: dict[int, _Pool] = {}
    near = np.zeros(data.n_s, dtype=bool)  # someone in reach and available (prerequisites aside)
    for k in np.nonzero(useful)[0]:
        cands, km, min_avail = places[int(data.place[k])]
        near[k] = min_avail <= data.start[k]
        cands_k, cents_k = _session_pool(data, int(k), cands, km, km_cost)
        first = len(cands_k) if not prune else 2 * int(usable[k]) + 10
        # Only a prefix is kept in memory; pricing recomputes the rest when it must.
        keep = len(cands_k) if not prune else 4 * first
        pools[int(k)] = _Pool(cands_k[:keep], cents_k[:keep], len(cands_k))
    limit = {k: min(p.size, 2 * int(usable[k]) + 10) if prune else p.size for k, p in pools.items()}

    prepared = time.perf_counter()
    flows, arcs, rounds = _optimise(data, pools, limit, sn_s, sn_n, places, km_cost)
    if stats is not None:
        stats["eligible_arcs"] = sum(p.size for p in pools.values()) + len(data.dir_c)
        stats["network_arcs"] = arcs
        stats["rounds"] = rounds
        stats["prepare_seconds"] = prepared - started
        stats["flow_seconds"] = time.perf_counter() - prepared
    assignments = _assignments(scenario, data, flows, sn_s, sn_n)
    assignments.sort(key=lambda a: (a.need, a.session or "", a.candidate))
    filled_per_need: dict[str, int] = {}
    for a in assignments:
        filled_per_need[a.need] = filled_per_need.get(a.need, 0) + 1
    unfilled = _unfilled(scenario, data, pools, places, near, qualify, assignments, filled_per_need)
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


# --- Eligibility ----------------------------------------------------------------------------


def _prepare(scenario: Scenario) -> _Data:
    cands, sessions, needs = scenario.candidates, scenario.sessions, scenario.needs
    n_c, n_s, n_n = len(cands), len(sessions), len(needs)
    c_lat = np.array([c.lat for c in cands], dtype=np.float64)
    c_lon = np.array([c.lon for c in cands], dtype=np.float64)
    reach = np.array([c.max_travel_km for c in cands], dtype=np.float64)
    avail = np.array([c.available_from.toordinal() for c in cands], dtype=np.int64)
    s_lat = np.array([s.lat for s in sessions], dtype=np.float64)
    s_lon = np.array([s.lon for s in sessions], dtype=np.float64)
    start = np.array([s.start.toordinal() for s in sessions], dtype=np.int64)
    end = np.array([s.end.toordinal() for s in sessions], dtype=np.int64)
    cost = np.array([s.cost_eur for s in sessions], dtype=np.float64)
    capacity = np.array([s.capacity for s in sessions], dtype=np.int64)
    n_lat = np.array([n.lat for n in needs], dtype=np.float64)
    n_lon = np.array([n.lon for n in needs], dtype=np.float64)
    deadline = np.array([n.deadline.toordinal() for n in needs], dtype=np.int64)
    count = np.array([n.count for n in needs], dtype=np.int64)

    # Prerequisites as bitsets: one bit per skill that some session asks for.
    skills = sorted({p for s in sessions for p in s.prerequisites})
    bit = {skill: b for b, skill in enumerate(skills)}
    words = max(1, (len(skills) + 63) // 64)
    bits = np.zeros((n_c, words), dtype=np.uint64)
    wants = np.zeros((n_s, words), dtype=np.uint64)
    if skills:
        for i, c in enumerate(cands):
            for skill in c.skills:
                b = bit.get(skill)
                if b is not None:
                    bits[i, b >> 6] |= np.uint64(1 << (b & 63))
        for k, s in enumerate(sessions):
            for skill in s.prerequisites:
                b = bit[skill]
                wants[k, b >> 6] |= np.uint64(1 << (b & 63))

    # Places: sessions at the same coordinates share their candidates within reach.
    coords = np.stack([s_lat, s_lon], axis=1) if n_s else np.zeros((0, 2))
    unique, place = np.unique(coords, axis=0, return_inverse=True)
    place = place.reshape(-1).astype(np.int64)

    # Sessions → needs, through the occupations they lead to.
    by_occupation: dict[str, list[int]] = {}
    for j, n in enumerate(needs):
        by_occupation.setdefault(n.occupation, []).append(j)
    pairs_s: list[int] = []
    pairs_n: list[int] = []
    for k, s in enumerate(sessions):
        for occupation in s.leads_to:
            js = by_occupation.get(occupation, ())
            pairs_s.extend([k] * len(js))
            pairs_n.extend(js)
    lead_s = np.array(pairs_s, dtype=np.int64)
    lead_n = np.array(pairs_n, dtype=np.int64)
    lead_in_time = end[lead_s] <= deadline[lead_n]
    limit = np.full(len(lead_s), scenario.parameters.session_to_need_max_km)
    lead_near = _within(s_lat[lead_s], s_lon[lead_s], n_lat[lead_n], n_lon[lead_n], limit)

    # Direct placements: candidates holding the need's occupation, in reach, in time.
    holding: dict[str, list[int]] = {occupation: [] for occupation in by_occupation}
    for i, c in enumerate(cands):
        for occupation in c.occupations:
            if occupation in holding:
                holding[occupation].append(i)
    held = {o: np.array(v, dtype=np.int64) for o, v in holding.items()}
    holders = np.array([len(held[n.occupation]) for n in needs], dtype=np.int64)
    dir_c_parts: list[Ints] = []
    dir_n_parts: list[Ints] = []
    km_parts: list[Floats] = []
    for j, n in enumerate(needs):
        who = held[n.occupation]
        who = who[avail[who] <= deadline[j]]
        if not len(who):
            continue
        lat_j = np.full(len(who), n_lat[j])
        lon_j = np.full(len(who), n_lon[j])
        km = _haversine(c_lat[who], c_lon[who], lat_j, lon_j)
        ok = _within(c_lat[who], c_lon[who], lat_j, lon_j, reach[who], km)
        dir_c_parts.append(who[ok])
        dir_n_parts.append(np.full(int(ok.sum()), j, dtype=np.int64))
        km_parts.append(km[ok])
    empty = np.zeros(0, dtype=np.int64)
    dir_c = np.concatenate(dir_c_parts) if dir_c_parts else empty
    dir_n = np.concatenate(dir_n_parts) if dir_n_parts else empty
    dir_km = np.concatenate(km_parts) if km_parts else np.zeros(0)
    return _Data(
        n_c, n_s, n_n, c_lat, c_lon, reach, avail, bits, wants, s_lat, s_lon, start, cost,
        capacity, place, unique[:, 0] if n_s else np.zeros(0), unique[:, 1] if n_s else
        np.zeros(0), count, lead_s, lead_n, lead_in_time, lead_near, dir_c, dir_n,
        _cents(scenario.parameters.km_cost_eur * dir_km), holders,
    )  # fmt: skip


def _places_reach(data: _Data) -> list[tuple[Ints, Floats, int]]:
    """Per place: candidates within their own reach of it, nearest first, with distances.

    A latitude band (candidates sorted by latitude) and a longitude window bound the search;
    both are exact bounds on the sphere, so no candidate within reach is missed.
    """
    if not data.n_c or not len(data.place_lat):
        return [(np.zeros(0, np.int64), np.zeros(0), 0) for _ in range(len(data.place_lat))]
    by_lat = np.argsort(data.c_lat, kind="stable")
    lat_sorted = data.c_lat[by_lat]
    delta = min(float(data.reach.max()) / EARTH_RADIUS_KM, np.pi)
    band = np.degrees(delta) * (1 + 1e-9) + 1e-9
    places: list[tuple[Ints, Floats, int]] = []
    for lat, lon in zip(data.place_lat, data.place_lon, strict=True):
        lo, hi = np.searchsorted(lat_sorted, [lat - band, lat + band], side="left")
        hi = np.searchsorted(lat_sorted, lat + band, side="right")
        idx = by_lat[lo:hi]
        cos_lat = np.cos(np.radians(lat))
        if delta < np.pi / 2 and np.sin(delta) < cos_lat:
            window = np.degrees(np.arcsin(np.sin(delta) / cos_lat)) * (1 + 1e-9) + 1e-9
            dlon = np.abs((data.c_lon[idx] - lon + 180.0) % 360.0 - 180.0)
            idx = idx[dlon <= window]
        lat_g = np.full(len(idx), lat)
        lon_g = np.full(len(idx), lon)
        km = _haversine(data.c_lat[idx], data.c_lon[idx], lat_g, lon_g)
        ok = _within(data.c_lat[idx], data.c_lon[idx], lat_g, lon_g, data.reach[idx], km)
        idx, km = idx[ok], km[ok]
        order = np.lexsort((idx, km))
        idx, km = idx[order], km[order]
        places.append((idx, km, int(data.avail[idx].min()) if len(idx) else 1 << 40))
    return places


def _session_pool(
    data: _Data, k: int, cands: Ints, km: Floats, km_cost: float
) -> tuple[Ints, Ints]:
    """Every candidate who may attend session ``k``, cheapest first, with costs in cents."""
    ok = data.avail[cands] <= data.start[k]
    want = data.wants[k]
    if want.any():
        ok &= ((data.bits[cands] & want) == want).all(axis=1)
    return cands[ok], _cents(data.s_cents[k] + km_cost * km[ok])


def _haversine(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats) -> Floats:
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dlambda = np.radians(lon2 - lon1)
    h = np.sin((phi2 - phi1) / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    result: Floats = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return result


def _within(
    lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats, limit: Floats, km: Floats | None = None
) -> Bools:
    """``distance <= limit`` pair by pair, the very edge settled by the scalar formula.

    numpy and ``math`` may differ in the last bits; the scalar formula is the reference,
    so the solver never keeps a pair that a validator (using it) would refuse, or the reverse.
    """
    if km is None:
        km = _haversine(lat1, lon1, lat2, lon2)
    inside: Bools = km <= limit
    for i in np.nonzero(np.abs(km - limit) <= 1e-9 * np.maximum(1.0, limit))[0]:
        d = distance_km(float(lat1[i]), float(lon1[i]), float(lat2[i]), float(lon2[i]))
        inside[i] = d <= limit[i]
    return inside


def _cents(euros: Floats | float) -> Ints:
    cents: Ints = np.rint(np.asarray(euros, dtype=np.float64) * 100.0).astype(np.int64)
    return cents


# --- Flow ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Flows:
    cs_c: Ints
    cs_s: Ints
    cs_flow: Ints
    sn_flow: Ints
    dir_flow: Ints


def _optimise(
    data: _Data,
    pools: dict[int, _Pool],
    limit: dict[int, int],
    sn_s: Ints,
    sn_n: Ints,
    places: list[tuple[Ints, Floats, int]],
    km_cost: float,
) -> tuple[_Flows, int, int]:
    """Solve on the cheapest arcs of each session, then price the pruned ones (module doc)."""
    n_c, n_s, n_n = data.n_c, data.n_s, data.n_n
    source, sink, cand_node = 0, 1, 2
    s_in = cand_node + n_c
    s_out = s_in + n_s
    need_node = s_out + n_s
    n_nodes = need_node + n_n
    s_idx = np.arange(n_s, dtype=np.int64)
    n_idx = np.arange(n_n, dtype=np.int64)
    c_idx = np.arange(n_c, dtype=np.int64)
    empty = np.zeros(0, dtype=np.int64)
    # The fixed part: source → candidates, sessions, session → need, need → sink, direct.
    fixed_tail = np.concatenate(
        [np.full(n_c, source), s_in + s_idx, s_out + sn_s, need_node + n_idx,
         cand_node + data.dir_c]
    )  # fmt: skip
    fixed_head = np.concatenate(
        [cand_node + c_idx, s_out + s_idx, need_node + sn_n, np.full(n_n, sink),
         need_node + data.dir_n]
    )  # fmt: skip
    fixed_cap = np.concatenate(
        [np.ones(n_c, np.int64), data.capacity, data.capacity[sn_s], data.count,
         np.ones(len(data.dir_c), np.int64)]
    )  # fmt: skip
    fixed_cost = np.concatenate([np.zeros(n_c + n_s + len(sn_s) + n_n, np.int64), data.dir_cents])
    first_sn = n_c + n_s
    first_dir = n_c + n_s + len(sn_s) + n_n
    supply = min(n_c, int(data.count.sum()))
    # BIG exceeds the cost of any flow: each candidate pays at most its dearest arc.
    # (a candidate → session arc costs at most the session plus its reach in kilometres).
    dearest = float(data.s_cents.max()) if n_s else 0.0
    dearest += km_cost * float(data.reach.max()) if n_c else 0.0
    big = (n_c + 1) * (int(dearest * 100) + 2) + 1
    rounds = 0
    while True:
        rounds += 1
        sessions = [k for k in sorted(pools) if min(limit[k], len(pools[k].cands))]
        cs_c = np.concatenate([pools[k].cands[: limit[k]] for k in sessions] or [empty])
        cs_cost = np.concatenate([pools[k].cents[: limit[k]] for k in sessions] or [empty])
        cs_s = np.concatenate(
            [np.full(min(limit[k], len(pools[k].cands)), k, np.int64) for k in sessions] or [empty]
        )
        tails = np.concatenate([fixed_tail, cand_node + cs_c])
        heads = np.concatenate([fixed_head, s_in + cs_s])
        caps = np.concatenate([fixed_cap, np.ones(len(cs_c), np.int64)])
        costs = np.concatenate([fixed_cost, cs_cost])
        if supply == 0 or not (len(cs_c) or len(data.dir_c)):
            zero = np.zeros(len(tails), dtype=np.int64)
            flows = zero
        else:
            flow = min_cost_flow.SimpleMinCostFlow()
            flow.add_arcs_with_capacity_and_unit_cost(
                tails.astype(np.int32), heads.astype(np.int32), caps, costs
            )
            flow.set_node_supply(source, supply)
            flow.set_node_supply(sink, -supply)
            status = flow.solve_max_flow_with_min_cost()
            if status != flow.OPTIMAL:
                raise SolverError(f"min-cost flow ended with status {status}")
            flows = np.asarray(flow.flows(np.arange(flow.num_arcs(), dtype=np.int32)))
            flows = flows.astype(np.int64)
        pruned = [k for k in pools if limit[k] < len(pools[k].cands)]
        if not pruned:
            break
        total = int(flows[:n_c].sum())
        pi = _potentials(n_nodes, tails, heads, caps, costs, flows, source, sink, total, big)
        cand_pi = pi[cand_node : cand_node + n_c]
        lowest = int(cand_pi.min()) if n_c else 0
        grown = False
        for k in pruned:
            pool, cut = pools[k], limit[k]
            target = int(pi[s_in + k])
            if int(pool.cents[cut]) + lowest >= target:
                continue  # no pruned arc of k can have a negative reduced cost
            if len(pool.cands) < pool.size:
                cands, km, _ = places[int(data.place[k])]
                pool.cands, pool.cents = _session_pool(data, k, cands, km, km_cost)
            reduced = pool.cents[cut:] + cand_pi[pool.cands[cut:]] - target
            if (reduced < 0).any():
                limit[k] = min(pool.size, 2 * cut)
                keep = max(4 * limit[k], 1)
                pool.cands, pool.cents = pool.cands[:keep].copy(), pool.cents[:keep].copy()
                grown = True
        if not grown:
            break
    cs_len = len(cs_c)
    cs_flow = flows[len(fixed_tail) : len(fixed_tail) + cs_len]
    sn_flow = flows[first_sn : first_sn + len(sn_s)]
    dir_flow = flows[first_dir : first_dir + len(data.dir_c)]
    return _Flows(cs_c, cs_s, cs_flow, sn_flow, dir_flow), len(tails), rounds


def _potentials(
    n_nodes: int,
    tails: Ints,
    heads: Ints,
    caps: Ints,
    costs: Ints,
    flows: Ints,
    source: int,
    sink: int,
    total: int,
    big: int,
) -> Ints:
    """Node potentials of an optimal flow: Bellman-Ford distances in its residual network.

    The network is closed by a return arc sink → source of cost ``-BIG``; distances are taken
    from a virtual root joined to every node at cost 0, relaxing all arcs at once (numpy) until
    nothing changes.
    """
    forward = flows < caps
    backward = flows > 0
    r_tail = np.concatenate([tails[forward], heads[backward], [sink]])
    r_head = np.concatenate([heads[forward], tails[backward], [source]])
    r_cost = np.concatenate([costs[forward], -costs[backward], [-big]])
    if total > 0:
        r_tail = np.append(r_tail, source)
        r_head = np.append(r_head, sink)
        r_cost = np.append(r_cost, big)
    order = np.argsort(r_head, kind="stable")
    r_tail, r_head, r_cost = r_tail[order], r_head[order], r_cost[order]
    starts = np.nonzero(np.r_[True, r_head[1:] != r_head[:-1]])[0]
    targets = r_head[starts]
    dist = np.zeros(n_nodes, dtype=np.int64)
    for _ in range(n_nodes + 1):
        best = np.minimum.reduceat(dist[r_tail] + r_cost, starts)
        improved = best < dist[targets]
        if not improved.any():
            return dist
        dist[targets[improved]] = best[improved]
    raise SolverError("negative cycle in the residual network of an optimal flow")


def _assignments(
    scenario: Scenario, data: _Data, flows: _Flows, sn_s: Ints, sn_n: Ints
) -> list[Assignment]:
    candidates, sessions, needs = scenario.candidates, scenario.sessions, scenario.needs
    assignments: list[Assignment] = []
    # Trained candidates of a session go to the needs its outflow feeds, in any order:
    # the cost sits on the candidate → session arc only.
    trained: dict[int, list[int]] = {}
    for k in np.nonzero(flows.cs_flow)[0]:
        trained.setdefault(int(flows.cs_s[k]), []).append(int(flows.cs_c[k]))
    for k in np.nonzero(flows.sn_flow)[0]:
        s, n = int(sn_s[k]), int(sn_n[k])
        for _ in range(int(flows.sn_flow[k])):
            c = trained[s].pop()
            assignments.append(Assignment(candidates[c].id, sessions[s].id, needs[n].id))
    for k in np.nonzero(flows.dir_flow)[0]:
        c, n = int(data.dir_c[k]), int(data.dir_n[k])
        assignments.append(Assignment(candidates[c].id, None, needs[n].id))
    return assignments


# --- Results ---------------------------------------------------------------------------------


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


def _unfilled(
    scenario: Scenario,
    data: _Data,
    pools: dict[int, _Pool],
    places: list[tuple[Ints, Floats, int]],
    near: Bools,
    qualify: Bools,
    assignments: list[Assignment],
    filled_per_need: dict[str, int],
) -> tuple[Unfilled, ...]:
    """Why needs keep empty seats, from the most basic cause to competition (vectorised)."""
    needs, sessions = scenario.needs, scenario.sessions
    todo = [j for j, n in enumerate(needs) if n.count > filled_per_need.get(n.id, 0)]
    if not todo:
        return ()
    index = {c.id: i for i, c in enumerate(scenario.candidates)}
    used = np.zeros(data.n_c, dtype=bool)
    used[[index[a.candidate] for a in assignments]] = True
    seats = Counter(a.session for a in assignments if a.session is not None)
    order = np.argsort(data.lead_n, kind="stable")
    lead_bounds = np.searchsorted(data.lead_n[order], np.arange(data.n_n + 1))
    dir_order = np.argsort(data.dir_n, kind="stable")
    dir_bounds = np.searchsorted(data.dir_n[dir_order], np.arange(data.n_n + 1))
    used_in: dict[int, Ints] = {}
    limit_km = scenario.parameters.session_to_need_max_km
    out: list[Unfilled] = []
    for j in todo:
        need = needs[j]
        occupation = need.occupation
        rows = order[lead_bounds[j] : lead_bounds[j + 1]]
        qualifying = data.lead_s[rows[qualify[rows]]]
        direct = data.dir_c[dir_order[dir_bounds[j] : dir_bounds[j + 1]]]
        reasons: list[str] = []
        if not len(rows):
            reasons.append(f"no session leads to occupation {occupation}")
        elif not len(qualifying):
            if not data.lead_in_time[rows].any():
                reasons.append(f"no session leading to {occupation} ends by the deadline")
            else:
                reasons.append(
                    f"no session leading to {occupation} and ending by the deadline is within "
                    f"{limit_km:g} km"
                )
        elif not near[qualifying].any():
            reasons.append(
                "no candidate within reach of a qualifying session is available by its start"
            )
        elif not any(pools[int(k)].size for k in qualifying):
            reasons.append("candidates within reach lack the prerequisites of qualifying sessions")
        if not data.holders[j]:
            reasons.append(f"no candidate already holds occupation {occupation}")
        elif not len(direct):
            reasons.append(f"no candidate holding {occupation} is within reach and available")

        sizes = [pools[int(k)].size for k in qualifying] + [len(direct)]
        if max(sizes) > 0:
            if max(sizes) < need.count:
                lists = [direct]
                for k in qualifying:
                    cands, km, _ = places[int(data.place[k])]
                    lists.append(_session_pool(data, int(k), cands, km, 0.0)[0])
                members = np.unique(np.concatenate(lists))
                if len(members) < need.count:
                    reasons.append(
                        f"only {len(members)} eligible candidates for {need.count} seats"
                    )
            parts = [direct[used[direct]]]
            for k in qualifying:
                k = int(k)
                if k not in used_in:
                    cands, km, _ = places[int(data.place[k])]
                    mine = used[cands]
                    used_in[k] = _session_pool(data, k, cands[mine], km[mine], 0.0)[0]
                parts.append(used_in[k])
            taken = len(np.unique(np.concatenate(parts))) - filled_per_need.get(need.id, 0)
            if taken > 0:
                reasons.append(f"{taken} eligible candidates are placed in other needs")
            full = sorted(
                sessions[int(k)].id
                for k in qualifying
                if seats[sessions[int(k)].id] >= sessions[int(k)].capacity
            )
            if full:
                reasons.append("qualifying sessions are full: " + ", ".join(full))
        if not reasons:
            reasons.append("no further eligible candidate is available")
        out.append(Unfilled(need.id, need.count - filled_per_need.get(need.id, 0), tuple(reasons)))
    return tuple(out)

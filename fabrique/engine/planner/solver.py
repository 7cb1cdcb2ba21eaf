"""Optimal plans: most need seats filled, then least cost, by min-cost flow (OR-Tools).

Network (see docs/decisions/0006-planner.md for the measurements behind each step)::

    source → candidate (1) → level (g, i) → session in (capacity) → session out (capacity)
           → need (count) → sink ;  candidate → need (direct placement)

*Training groups and their levels.* Sessions at the same coordinates (a training place) that
ask for the same prerequisites form a group ``g``; the distinct start dates of its sessions,
sorted, are its levels ``(g, 1) … (g, m)``. Level ``(g, i)`` is joined to every session of
``g`` that starts on its date or later (free arcs; session in → out costs the session's
price). A candidate who holds the prerequisites of ``g`` and is within reach of its place
enters the group once, at the first level on or after the date they are available, through
an arc that costs the travel (``km_cost_eur × distance``). The paths from that arc to a
session are exactly the sessions of the group the candidate may attend (same place, so same
distance; start on or after availability; prerequisites held), each at the contract's cost:
the network is the candidate × session network with each candidate's arcs to a group shared.
It has about a thirtieth of the arcs, and the flow is still integral (network matrix).
(Chaining the levels instead, ``(g, i) → (g, i + 1)``, has fewer arcs but long zero-cost
paths that slow OR-Tools' cost scaling down tenfold.)
Costs are whole cents: the session price and the travel are rounded apart (equal to rounding
their sum when prices are in whole cents, as they are in practice).

*Candidates merged.* Candidates with the same coordinates, reach, prerequisite skills and
needed occupations, whose availability falls between the same two consecutive session starts
or need deadlines, have exactly the same arcs at the same costs: they form one node with a
supply of their number, and any of them can take any of the node's places. This is exact.

*Components.* Training groups and needs joined by a session → need arc or by a candidate
who may reach both form connected components; no arc crosses two of them, so the optimum is
the union of the optima of each (the objective is a sum over components, the constraints are
separate). They are solved one after the other, smallest first; ``progress(done, total)``
reports them.

*Pruning with a proof (column generation, "pricing").* In a component of more than ``SMALL``
entry and direct arcs, only the cheapest ``2 × usable + 10`` entry arcs of each group
(``usable``: the seats its sessions can pass on, capped by the needs they qualify for) enter
the first network, with every direct arc (or, when those would outnumber the rest of the
network, the ``2 × count + 10`` cheapest of each need). Its
optimum is then *certified* for the whole network, or arcs are added:

* Seen as a circulation with a return arc sink → source of cost ``-BIG`` (``BIG`` larger
  than the cost of any flow), "most seats, then least cost" is a plain min-cost problem, and
  the restricted optimum is optimal for it (a shortfall of one seat costs ``BIG`` more than
  any saving). Its residual network has no negative cycle, so shortest-path distances from
  a virtual root (Bellman-Ford) are node potentials ``π`` with non-negative reduced costs on
  every residual arc of the restricted network. A candidate left out of the restricted
  network gets ``π = min(0, π(source))``, which keeps its source arc's reduced cost
  non-negative.
* A pruned arc carries no flow. If every pruned arc ``c → v`` also has a non-negative
  reduced cost ``cost(c, v) + π(c) − π(v)``, then ``π`` is dual feasible for the *whole*
  network and complementary slackness holds: by LP duality the restricted flow is optimal
  for the whole network. Otherwise each list with a negative reduced cost grows (at least
  doubled, and at least past its first negative arc) and the restricted network is solved
  again; arcs are only ever added, so this ends, at worst with every arc. The result is
  therefore exactly as optimal as the plain solve (``solve(scenario, prune=False)``, which
  the tests compare on random scenarios, as they compare ``split=False`` and ``merge=False``).

Nothing is ever a dense candidate × session matrix: candidates within reach of each place
come from a latitude band and an exact longitude window on sorted arrays, once per place;
prerequisites are bitsets of ``uint64`` words. OR-Tools is imported only when a flow is solved.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fabrique.engine.planner.result import Assignment, Result, Unfilled
from fabrique.engine.planner.scenario import EARTH_RADIUS_KM, Scenario, distance_km

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]
Words = npt.NDArray[np.uint64]
Progress = Callable[[int, int], None]


SMALL = 100_000  # entry and direct arcs of a component solved whole when not told otherwise


class SolverError(RuntimeError):
    """The flow solver did not report an optimum (should not happen on a valid scenario)."""


@dataclass(slots=True)
class _Data:
    """The scenario as arrays; candidates are merged into units (see the module doc)."""

    n_u: int
    n_s: int
    n_n: int
    mult: Ints  # candidates per unit
    members: Ints  # candidate indices, grouped by unit
    member_start: Ints  # unit → first position in ``members``
    u_lat: Floats
    u_lon: Floats
    reach: Floats
    avail: Ints
    bits: Words  # units × words: the prerequisites each unit holds
    wants: Words  # sessions × words: the prerequisites each session asks for
    start: Ints
    s_cents: Ints
    capacity: Ints
    place: Ints  # session → index of its place
    place_lat: Floats
    place_lon: Floats
    count: Ints
    lead_s: Ints  # (session, need) pairs where the session leads to the need's occupation
    lead_n: Ints
    lead_in_time: Bools
    lead_near: Bools
    dir_u: Ints  # direct placements, by need then cost
    dir_n: Ints
    dir_cents: Ints
    dir_off: Ints  # need → first direct arc
    holders: Ints  # per need: how many candidates hold its occupation


@dataclass(slots=True)
class _Groups:
    """Training groups, their levels, and every entry arc (cheapest first per group)."""

    n_g: int
    n_l: int
    level_group: Ints  # level → group
    level_off: Ints  # group → first level (levels of a group are consecutive)
    s_level: Ints  # session → its level, -1 when it carries no flow
    usable: Ints  # per group: seats its sessions can pass on
    e_unit: Ints
    e_cents: Ints
    e_level: Ints
    e_off: Ints  # group → first entry


@dataclass(slots=True)
class _Flow:
    """The positive flows of one component."""

    entry: list[tuple[int, int, int]]  # (unit, level, flow)
    session: list[tuple[int, int, int]]  # (level, session, flow)
    sn: list[tuple[int, int, int]]  # (session, need, flow)
    direct: list[tuple[int, int, int]]  # (unit, need, flow)


def solve(
    scenario: Scenario,
    *,
    prune: bool | None = None,
    split: bool = True,
    merge: bool = True,
    stats: dict[str, float] | None = None,
    progress: Progress | None = None,
) -> Result:
    """An optimal plan.

    ``prune=None`` prunes the components with more than ``SMALL`` arcs (a small one is solved
    faster whole than in rounds), ``prune=True`` every one, ``prune=False`` none (every arc
    at once); ``split=False`` solves all components together and
    ``merge=False`` keeps one node per candidate (all three for checks: same optimum).
    ``stats``, when given, receives figures (eligible pairs and arcs, arcs of the last
    networks, rounds, components, units). ``progress`` is called with (done, total)
    components.
    """
    started = time.perf_counter()
    km_cost = scenario.parameters.km_cost_eur
    data = _prepare(scenario, merge=merge)
    qualify = data.lead_in_time & data.lead_near
    sn_s, sn_n = data.lead_s[qualify], data.lead_n[qualify]
    places = _places_reach(data)
    groups = _groups(data, sn_s, sn_n, places, km_cost)
    components = _components(data, groups, sn_s, sn_n, split=split)
    prepared = time.perf_counter()
    flows: list[_Flow] = []
    arcs = kept = rounds = 0
    for done, (comp_groups, comp_needs) in enumerate(components, start=1):
        flow, comp_arcs, comp_kept, comp_rounds = _solve_component(
            data, groups, comp_groups, comp_needs, sn_s, sn_n, prune=prune
        )
        flows.append(flow)
        arcs += comp_arcs
        kept += comp_kept
        rounds = max(rounds, comp_rounds)
        if progress is not None:
            progress(done, len(components))
    if progress is not None and not components:
        progress(0, 0)
    if stats is not None:
        stats["eligible_pairs"] = _pairs(data, groups)
        stats["eligible_arcs"] = len(groups.e_unit) + len(data.dir_u)
        stats["network_arcs"] = arcs
        stats["kept_arcs"] = kept
        stats["rounds"] = rounds
        stats["components"] = len(components)
        stats["units"] = data.n_u
        stats["prepare_seconds"] = prepared - started
        stats["flow_seconds"] = time.perf_counter() - prepared
    assignments = _assignments(scenario, data, groups, flows)
    assignments.sort(key=lambda a: (a.need, a.session or "", a.candidate))
    filled_per_need: dict[str, int] = {}
    for a in assignments:
        filled_per_need[a.need] = filled_per_need.get(a.need, 0) + 1
    unfilled = _unfilled(scenario, data, places, qualify, assignments, filled_per_need)
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


def _prepare(scenario: Scenario, *, merge: bool) -> _Data:
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
    s_cents = _cents(np.array([s.cost_eur for s in sessions], dtype=np.float64))
    capacity = np.array([s.capacity for s in sessions], dtype=np.int64)
    n_lat = np.array([n.lat for n in needs], dtype=np.float64)
    n_lon = np.array([n.lon for n in needs], dtype=np.float64)
    deadline = np.array([n.deadline.toordinal() for n in needs], dtype=np.int64)
    count = np.array([n.count for n in needs], dtype=np.int64)

    # Prerequisites as bitsets: one bit per skill that some session asks for.
    bits, wants = _bitsets([c.skills for c in cands], [s.prerequisites for s in sessions])
    # Occupations that some need asks for, as bitsets too (for merging and direct arcs).
    by_occupation: dict[str, list[int]] = {}
    for j, n in enumerate(needs):
        by_occupation.setdefault(n.occupation, []).append(j)
    occupations = sorted(by_occupation)
    occ_bit = {o: b for b, o in enumerate(occupations)}
    occ_words = max(1, (len(occupations) + 63) // 64)
    occ = _bitset([c.occupations for c in cands], occ_bit, occ_words)
    holding = Counter(o for c in cands for o in c.occupations if o in occ_bit)
    holders = np.array([holding[n.occupation] for n in needs], dtype=np.int64)

    # Units: candidates that no rule can tell apart (module doc). Availability only matters
    # through comparisons with session starts and need deadlines: its rank among them.
    thresholds = _distinct(np.concatenate([start, deadline]))
    rank = np.searchsorted(thresholds, avail, side="left")
    if merge and n_c:
        key = np.concatenate(
            [np.stack([c_lat.view(np.uint64), c_lon.view(np.uint64), reach.view(np.uint64),
                       rank.astype(np.uint64)], axis=1), bits, occ], axis=1
        )  # fmt: skip
        _, first, unit = np.unique(key, axis=0, return_index=True, return_inverse=True)
        unit = unit.reshape(-1).astype(np.int64)
        rep = first.astype(np.int64)
    else:
        unit = np.arange(n_c, dtype=np.int64)
        rep = unit
    n_u = len(rep)
    members = np.argsort(unit, kind="stable").astype(np.int64)
    mult = np.bincount(unit, minlength=n_u).astype(np.int64)
    member_start = np.concatenate([[0], np.cumsum(mult)[:-1]]).astype(np.int64)
    u_lat, u_lon, u_reach, u_avail = c_lat[rep], c_lon[rep], reach[rep], avail[rep]

    # Places: sessions at the same coordinates share their candidates within reach.
    coords = np.stack([s_lat, s_lon], axis=1) if n_s else np.zeros((0, 2))
    unique, place = np.unique(coords, axis=0, return_inverse=True)
    place = place.reshape(-1).astype(np.int64)

    # Sessions → needs, through the occupations they lead to.
    pairs_s: list[int] = []
    pairs_n: list[int] = []
    for k, s in enumerate(sessions):
        for occupation in sorted(s.leads_to):  # the same plan on every run
            js = by_occupation.get(occupation, ())
            pairs_s.extend([k] * len(js))
            pairs_n.extend(js)
    lead_s = np.array(pairs_s, dtype=np.int64)
    lead_n = np.array(pairs_n, dtype=np.int64)
    lead_in_time = end[lead_s] <= deadline[lead_n]
    limit = np.full(len(lead_s), scenario.parameters.session_to_need_max_km)
    lead_near = _within(s_lat[lead_s], s_lon[lead_s], n_lat[lead_n], n_lon[lead_n], limit)

    # Direct placements: units holding the need's occupation, in reach, in time.
    u_occ = occ[rep]
    km_cost = scenario.parameters.km_cost_eur
    dir_u_parts: list[Ints] = []
    dir_cents_parts: list[Ints] = []
    sizes = np.zeros(n_n, dtype=np.int64)
    held: dict[int, Ints] = {}
    for j, n in enumerate(needs):
        b = occ_bit[n.occupation]
        if b not in held:
            held[b] = np.nonzero(u_occ[:, b >> 6] & np.uint64(1 << (b & 63)))[0].astype(np.int64)
        who = held[b]
        who = who[u_avail[who] <= deadline[j]]
        lat_j = np.full(len(who), n_lat[j])
        lon_j = np.full(len(who), n_lon[j])
        km = _haversine(u_lat[who], u_lon[who], lat_j, lon_j)
        ok = _within(u_lat[who], u_lon[who], lat_j, lon_j, u_reach[who], km)
        who, cents = who[ok], _cents(km_cost * km[ok])
        order = np.lexsort((who, cents))
        dir_u_parts.append(who[order])
        dir_cents_parts.append(cents[order])
        sizes[j] = len(who)
    empty = np.zeros(0, dtype=np.int64)
    dir_u = np.concatenate(dir_u_parts) if dir_u_parts else empty
    dir_cents = np.concatenate(dir_cents_parts) if dir_cents_parts else empty
    dir_n = np.repeat(np.arange(n_n, dtype=np.int64), sizes)
    dir_off = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    return _Data(
        n_u, n_s, n_n, mult, members, member_start, u_lat, u_lon, u_reach, u_avail, bits[rep],
        wants, start, s_cents, capacity, place, unique[:, 0] if n_s else np.zeros(0),
        unique[:, 1] if n_s else np.zeros(0), count, lead_s, lead_n, lead_in_time, lead_near,
        dir_u, dir_n, dir_cents, dir_off, holders,
    )  # fmt: skip


def _bitsets(
    skills: list[frozenset[str]], prerequisites: list[frozenset[str]]
) -> tuple[Words, Words]:
    wanted = sorted({p for ps in prerequisites for p in ps})
    bit = {skill: b for b, skill in enumerate(wanted)}
    words = max(1, (len(wanted) + 63) // 64)
    return _bitset(skills, bit, words), _bitset(prerequisites, bit, words)


def _bitset(sets: list[frozenset[str]], bit: dict[str, int], words: int) -> Words:
    """One row of ``uint64`` words per set: the bits of its members known to ``bit``."""
    rows: list[int] = []
    cols: list[int] = []
    if bit:
        for i, members in enumerate(sets):
            found = [bit[m] for m in members if m in bit]
            rows.extend([i] * len(found))
            cols.extend(found)
    out = np.zeros((len(sets), words), dtype=np.uint64)
    b = np.array(cols, dtype=np.uint64)
    np.bitwise_or.at(out, (np.array(rows, dtype=np.int64), (b >> np.uint64(6)).astype(np.int64)),
                     np.left_shift(np.uint64(1), b & np.uint64(63)))  # fmt: skip
    return out


def _places_reach(data: _Data) -> list[tuple[Ints, Floats]]:
    """Per place: units within their own reach of it, nearest first, with distances.

    A latitude band (units sorted by latitude) and a longitude window bound the search;
    both are exact bounds on the sphere, so no unit within reach is missed.
    """
    if not data.n_u or not len(data.place_lat):
        return [(np.zeros(0, np.int64), np.zeros(0)) for _ in range(len(data.place_lat))]
    by_lat = np.argsort(data.u_lat, kind="stable")
    lat_sorted = data.u_lat[by_lat]
    delta = min(float(data.reach.max()) / EARTH_RADIUS_KM, np.pi)
    band = np.degrees(delta) * (1 + 1e-9) + 1e-9
    places: list[tuple[Ints, Floats]] = []
    for lat, lon in zip(data.place_lat, data.place_lon, strict=True):
        lo = np.searchsorted(lat_sorted, lat - band, side="left")
        hi = np.searchsorted(lat_sorted, lat + band, side="right")
        idx = by_lat[lo:hi]
        cos_lat = np.cos(np.radians(lat))
        if delta < np.pi / 2 and np.sin(delta) < cos_lat:
            window = np.degrees(np.arcsin(np.sin(delta) / cos_lat)) * (1 + 1e-9) + 1e-9
            dlon = np.abs((data.u_lon[idx] - lon + 180.0) % 360.0 - 180.0)
            idx = idx[dlon <= window]
        lat_g = np.full(len(idx), lat)
        lon_g = np.full(len(idx), lon)
        km = _haversine(data.u_lat[idx], data.u_lon[idx], lat_g, lon_g)
        ok = _within(data.u_lat[idx], data.u_lon[idx], lat_g, lon_g, data.reach[idx], km)
        idx, km = idx[ok], km[ok]
        order = np.lexsort((idx, km))
        places.append((idx[order].astype(np.int64), km[order]))
    return places


def _groups(
    data: _Data,
    sn_s: Ints,
    sn_n: Ints,
    places: list[tuple[Ints, Floats]],
    km_cost: float,
) -> _Groups:
    """Training groups (place, prerequisites), their levels (start dates) and entry arcs."""
    seats = np.bincount(sn_s, weights=data.count[sn_n], minlength=data.n_s).astype(np.int64)
    usable = np.minimum(data.capacity, seats)
    carries = usable > 0  # a session that can pass nobody on carries no flow
    keyed: dict[tuple[int, bytes], list[int]] = {}
    for k in np.nonzero(carries)[0]:
        keyed.setdefault((int(data.place[k]), data.wants[k].tobytes()), []).append(int(k))
    s_level = np.full(data.n_s, -1, dtype=np.int64)
    level_group: list[int] = []
    level_off = [0]
    g_usable: list[int] = []
    e_unit: list[Ints] = []
    e_cents: list[Ints] = []
    e_level: list[Ints] = []
    e_off = [0]
    cached = -1
    p_cents = p_avail = np.zeros(0, dtype=np.int64)
    p_bits: Words | None = None
    for g, ((p, _), ks) in enumerate(sorted(keyed.items())):
        sessions = np.array(ks, dtype=np.int64)
        starts = _distinct(data.start[sessions])
        base = len(level_group)
        s_level[sessions] = base + np.searchsorted(starts, data.start[sessions])
        level_group.extend([g] * len(starts))
        level_off.append(len(level_group))
        g_usable.append(int(usable[sessions].sum()))
        units, km = places[p]
        if p != cached:  # groups come place by place: gather each place's units once
            cached, p_cents, p_avail, p_bits = p, _cents(km_cost * km), data.avail[units], None
        ok = p_avail <= starts[-1]
        want = data.wants[sessions[0]]
        if want.any():
            if p_bits is None:
                p_bits = data.bits[units]
            if len(want) == 1:
                ok &= (p_bits[:, 0] & want[0]) == want[0]
            else:
                ok &= ((p_bits & want) == want).all(axis=1)
        e_unit.append(units[ok])
        e_cents.append(p_cents[ok])
        e_level.append(base + np.searchsorted(starts, p_avail[ok], side="left"))
        e_off.append(e_off[-1] + int(ok.sum()))
    empty = np.zeros(0, dtype=np.int64)
    return _Groups(
        n_g=len(g_usable),
        n_l=len(level_group),
        level_group=np.array(level_group, dtype=np.int64),
        level_off=np.array(level_off, dtype=np.int64),
        s_level=s_level,
        usable=np.array(g_usable, dtype=np.int64),
        e_unit=np.concatenate(e_unit).astype(np.int64) if e_unit else empty,
        e_cents=np.concatenate(e_cents).astype(np.int64) if e_cents else empty,
        e_level=np.concatenate(e_level).astype(np.int64) if e_level else empty,
        e_off=np.array(e_off, dtype=np.int64),
    )


def _pairs(data: _Data, groups: _Groups) -> int:
    """Eligible candidate × session and candidate × need pairs (what a plain network holds)."""
    carrying = groups.s_level[groups.s_level >= 0]
    per_level = np.bincount(carrying, minlength=groups.n_l)
    # Sessions at this level or later in the same group: a suffix sum within each group.
    suffix = np.cumsum(per_level[::-1])[::-1]
    ends = groups.level_off[1:]
    after = np.zeros(groups.n_l, dtype=np.int64)
    if groups.n_l:
        tail = np.concatenate([suffix, [0]])[ends]
        after = suffix - np.repeat(tail, np.diff(groups.level_off))
    trained = int((data.mult[groups.e_unit] * after[groups.e_level]).sum())
    return trained + int(data.mult[data.dir_u].sum())


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


# --- Components -----------------------------------------------------------------------------


def _components(
    data: _Data, groups: _Groups, sn_s: Ints, sn_n: Ints, *, split: bool
) -> list[tuple[Ints, Ints]]:
    """(groups, needs) of each connected component that can carry flow, smallest first."""
    n_g, n_n = groups.n_g, data.n_n
    if not split:
        whole = (np.arange(n_g, dtype=np.int64), np.arange(n_n, dtype=np.int64))
        return [whole] if len(groups.e_unit) + len(data.dir_u) else []
    # Nodes: places 0 … n_p − 1 (all groups of a place together: coarser components are
    # still exact, each being a union of true ones), needs n_p …; a unit joins every node it
    # has an arc to, and a session its place to the needs it qualifies for.
    group_place = np.zeros(n_g, dtype=np.int64)
    carrying = np.nonzero(groups.s_level >= 0)[0]
    group_place[groups.level_group[groups.s_level[carrying]]] = data.place[carrying]
    n_p = len(data.place_lat)
    n_nodes = n_p + n_n
    entry_group = np.repeat(np.arange(n_g, dtype=np.int64), np.diff(groups.e_off))
    keys = np.concatenate(
        [
            groups.e_unit * n_nodes + group_place[entry_group],
            data.dir_u * n_nodes + n_p + data.dir_n,
        ]
    )
    keys = _distinct(keys)
    unit, node = keys // n_nodes, keys % n_nodes
    same = unit[1:] == unit[:-1]
    with_sn = groups.s_level[sn_s] >= 0
    a = np.concatenate([node[:-1][same], data.place[sn_s[with_sn]]])
    b = np.concatenate([node[1:][same], n_p + sn_n[with_sn]])
    pairs = _distinct(np.minimum(a, b) * n_nodes + np.maximum(a, b))
    a, b = pairs // n_nodes, pairs % n_nodes
    # Labels: the least label along each edge, then pointer jumping, until nothing changes;
    # at the end every edge joins equal labels and each label names a node of its component.
    label = np.arange(n_nodes, dtype=np.int64)
    while True:
        least = np.minimum(label[a], label[b])
        new = label.copy()
        np.minimum.at(new, a, least)
        np.minimum.at(new, b, least)
        new = new[new]
        if np.array_equal(new, label):
            break
        label = new
    has_unit = np.zeros(n_nodes, dtype=bool)
    has_unit[node] = True
    # A component carries flow only with a unit and a need.
    useful = np.zeros(n_nodes, dtype=bool)
    useful[label[has_unit]] = True
    useful_need = np.zeros(n_nodes, dtype=bool)
    useful_need[label[n_p:][data.count > 0]] = True
    roots = np.nonzero(useful & useful_need)[0]

    def members(labels: Ints) -> list[Ints]:
        order = np.argsort(labels, kind="stable")
        low = np.searchsorted(labels[order], roots, side="left")
        high = np.searchsorted(labels[order], roots, side="right")
        return [order[x:y].astype(np.int64) for x, y in zip(low, high, strict=True)]

    comps = list(zip(members(label[group_place]), members(label[n_p:]), strict=True))
    sizes = [
        int((groups.e_off[g + 1] - groups.e_off[g]).sum())
        + int((data.dir_off[j + 1] - data.dir_off[j]).sum())
        for g, j in comps
    ]
    return [comps[i] for i in np.argsort(sizes, kind="stable")]


def _distinct(values: Ints) -> Ints:
    """Sorted distinct values (a sort: faster than hashing on millions of int64)."""
    values = np.sort(values)
    if len(values):
        values = values[np.r_[True, values[1:] != values[:-1]]]
    return values


# --- Flow ------------------------------------------------------------------------------------


def _ranges(starts: Ints, lengths: Ints) -> Ints:
    """Concatenated ``arange(start, start + length)`` for every pair (vectorised)."""
    lengths = np.maximum(lengths, 0)
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    out: Ints = np.arange(total, dtype=np.int64) + offsets
    return out


def _solve_component(
    data: _Data,
    groups: _Groups,
    comp_groups: Ints,
    comp_needs: Ints,
    sn_s: Ints,
    sn_n: Ints,
    *,
    prune: bool | None,
) -> tuple[_Flow, int, int, int]:
    """Solve on the cheapest arcs of each list, then price the pruned ones (module doc)."""
    from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]

    # Local nodes: source 0, sink 1, levels, sessions, needs, then the units in the network.
    levels = _ranges(groups.level_off[comp_groups], np.diff(groups.level_off)[comp_groups])
    in_comp = np.zeros(data.n_s, dtype=bool)
    carrying = np.nonzero(groups.s_level >= 0)[0]
    in_comp[carrying] = np.isin(groups.level_group[groups.s_level[carrying]], comp_groups)
    sessions = np.nonzero(in_comp)[0]
    n_lv, n_ss, n_nd = len(levels), len(sessions), len(comp_needs)
    level_local = np.full(groups.n_l, -1, dtype=np.int64)
    level_local[levels] = 2 + np.arange(n_lv)
    session_local = np.full(data.n_s, -1, dtype=np.int64)
    session_local[sessions] = 2 + n_lv + np.arange(n_ss)
    need_local = np.full(data.n_n, -1, dtype=np.int64)
    need_local[comp_needs] = 2 + n_lv + 2 * n_ss + np.arange(n_nd)
    first_unit = 2 + n_lv + 2 * n_ss + n_nd

    # Fixed arcs: level → session in (every session of the group on or after the level's
    # date), session in → out (capacity, price), session out → need, need → sink.
    group_of = groups.level_group[groups.s_level[sessions]]
    depth = groups.s_level[sessions] - groups.level_off[group_of] + 1
    pair_level = _ranges(groups.level_off[group_of], depth)
    pair_session = np.repeat(sessions, depth)
    sn_keep = in_comp[sn_s]
    f_sn_s, f_sn_n = sn_s[sn_keep], sn_n[sn_keep]
    fixed_tail = np.concatenate(
        [level_local[pair_level], session_local[sessions], n_ss + session_local[f_sn_s],
         need_local[comp_needs]]
    )  # fmt: skip
    fixed_head = np.concatenate(
        [session_local[pair_session], n_ss + session_local[sessions], need_local[f_sn_n],
         np.ones(n_nd, np.int64)]
    )  # fmt: skip
    fixed_cap = np.concatenate(
        [data.capacity[pair_session], data.capacity[sessions], data.capacity[f_sn_s],
         data.count[comp_needs]]
    )  # fmt: skip
    fixed_cost = np.concatenate(
        [np.zeros(len(pair_level), np.int64), data.s_cents[sessions],
         np.zeros(len(f_sn_s) + n_nd, np.int64)]
    )  # fmt: skip
    first_sn_arc = len(pair_level) + n_ss

    # Entry and direct lists of the component, and how much of each is in the network.
    g_start, g_size = groups.e_off[comp_groups], np.diff(groups.e_off)[comp_groups]
    d_start, d_size = data.dir_off[comp_needs], np.diff(data.dir_off)[comp_needs]
    if prune is None:
        prune = int(g_size.sum() + d_size.sum()) > SMALL
    if prune:
        g_cut = np.minimum(g_size, 2 * groups.usable[comp_groups] + 10)
        # A placement costs little next to a training, so needs competing for holders soon
        # want their whole direct list: it enters whole, unless it would outnumber the rest.
        d_cut = d_size.copy()
        if int(d_size.sum()) > len(fixed_tail) + int(g_cut.sum()):
            d_cut = np.minimum(d_size, 2 * data.count[comp_needs] + 10)
    else:
        g_cut, d_cut = g_size.copy(), d_size.copy()
    all_entries = _ranges(g_start, g_size)
    all_direct = _ranges(d_start, d_size)
    entry_list = np.repeat(np.arange(len(comp_groups)), g_size)
    direct_list = np.repeat(np.arange(len(comp_needs)), d_size)
    entry_pos = all_entries - np.repeat(g_start, g_size)
    direct_pos = all_direct - np.repeat(d_start, d_size)

    # The component's units, and where each arc's unit sits among them (for pricing).
    comp_units = _distinct(np.concatenate([groups.e_unit[all_entries], data.dir_u[all_direct]]))
    entry_at = np.searchsorted(comp_units, groups.e_unit[all_entries])
    direct_at = np.searchsorted(comp_units, data.dir_u[all_direct])
    supply_all = int(data.mult[comp_units].sum())  # candidates of the component
    supply = min(supply_all, int(data.count[comp_needs].sum()))
    # BIG exceeds the cost of any flow: each candidate pays at most its dearest path.
    dearest = int(data.s_cents[sessions].max()) if n_ss else 0
    dearest += int(groups.e_cents[all_entries].max()) if len(all_entries) else 0
    dearest = max(dearest, int(data.dir_cents[all_direct].max()) if len(all_direct) else 0)
    big = (supply_all + 1) * (dearest + 2) + 1
    rounds = 0
    while True:
        rounds += 1
        kept_e = all_entries[entry_pos < g_cut[entry_list]]
        kept_d = all_direct[direct_pos < d_cut[direct_list]]
        e_units, d_units = groups.e_unit[kept_e], data.dir_u[kept_d]
        units = _distinct(np.concatenate([e_units, d_units]))
        unit_local = first_unit + np.searchsorted(units, np.concatenate([e_units, d_units]))
        tails = np.concatenate([fixed_tail, np.zeros(len(units), np.int64), unit_local])
        heads = np.concatenate(
            [fixed_head, first_unit + np.arange(len(units)),
             level_local[groups.e_level[kept_e]], need_local[data.dir_n[kept_d]]]
        )  # fmt: skip
        caps = np.concatenate([fixed_cap, data.mult[units], data.mult[e_units], data.mult[d_units]])
        costs = np.concatenate(
            [fixed_cost, np.zeros(len(units), np.int64), groups.e_cents[kept_e],
             data.dir_cents[kept_d]]
        )  # fmt: skip
        n_nodes = first_unit + len(units)
        if supply == 0 or not len(units):
            flows = np.zeros(len(tails), dtype=np.int64)
        else:
            flow = min_cost_flow.SimpleMinCostFlow()
            flow.add_arcs_with_capacity_and_unit_cost(
                tails.astype(np.int32), heads.astype(np.int32), caps, costs
            )
            flow.set_node_supply(0, supply)
            flow.set_node_supply(1, -supply)
            status = flow.solve_max_flow_with_min_cost()
            if status != flow.OPTIMAL:
                raise SolverError(f"min-cost flow ended with status {status}")
            flows = np.asarray(flow.flows(np.arange(flow.num_arcs(), dtype=np.int32)))
            flows = flows.astype(np.int64)
        if bool((g_cut >= g_size).all()) and bool((d_cut >= d_size).all()):
            break
        total = int(flows[len(fixed_tail) : len(fixed_tail) + len(units)].sum())
        pi = _potentials(n_nodes, tails, heads, caps, costs, flows, total, big)
        # Units outside the network: π = min(0, π(source)) (module doc).
        pi_comp = np.full(len(comp_units), min(0, int(pi[0])), dtype=np.int64)
        pi_comp[np.searchsorted(comp_units, units)] = pi[first_unit:]
        grown = False
        for direct, cut, size, pos, lists, arcs, cents, at, head_pi in (
            (False, g_cut, g_size, entry_pos, entry_list, all_entries, groups.e_cents, entry_at,
             pi[level_local[groups.e_level[all_entries]]]),
            (True, d_cut, d_size, direct_pos, direct_list, all_direct, data.dir_cents, direct_at,
             pi[need_local[data.dir_n[all_direct]]]),
        ):  # fmt: skip
            pruned = pos >= cut[lists]
            reduced = cents[arcs] + pi_comp[at] - head_pi
            bad = np.nonzero(pruned & (reduced < 0))[0]
            if not len(bad):
                continue
            grown = True
            which, first = np.unique(lists[bad], return_index=True)
            if direct:
                # Every violating arc at once: a placement costs little next to a training,
                # so needs that compete for holders soon want their whole list.
                last = len(bad) - 1 - np.unique(lists[bad][::-1], return_index=True)[1]
                past = pos[bad][last] + 1
            else:
                past = pos[bad][first] + 1
            cut[which] = np.minimum(size[which], np.maximum(2 * cut[which], past))
        if not grown:
            break
    n_fixed, n_units = len(fixed_tail), len(units)
    f_pair = flows[: len(pair_level)]
    f_sn = flows[first_sn_arc : first_sn_arc + len(f_sn_s)]
    f_entry = flows[n_fixed + n_units : n_fixed + n_units + len(kept_e)]
    f_direct = flows[n_fixed + n_units + len(kept_e) :]
    result = _Flow(
        entry=[
            (int(groups.e_unit[kept_e[i]]), int(groups.e_level[kept_e[i]]), int(f_entry[i]))
            for i in np.nonzero(f_entry)[0]
        ],
        session=[
            (int(pair_level[i]), int(pair_session[i]), int(f_pair[i]))
            for i in np.nonzero(f_pair)[0]
        ],
        sn=[(int(f_sn_s[i]), int(f_sn_n[i]), int(f_sn[i])) for i in np.nonzero(f_sn)[0]],
        direct=[
            (int(data.dir_u[kept_d[i]]), int(data.dir_n[kept_d[i]]), int(f_direct[i]))
            for i in np.nonzero(f_direct)[0]
        ],
    )
    return result, len(tails), len(kept_e) + len(kept_d), rounds


def _potentials(
    n_nodes: int,
    tails: Ints,
    heads: Ints,
    caps: Ints,
    costs: Ints,
    flows: Ints,
    total: int,
    big: int,
) -> Ints:
    """Node potentials of an optimal flow: Bellman-Ford distances in its residual network.

    The network is closed by a return arc sink (1) → source (0) of cost ``-BIG``; distances
    are taken from a virtual root joined to every node at cost 0, relaxing all arcs at once
    (numpy) until nothing changes.
    """
    forward = flows < caps
    backward = flows > 0
    r_tail = np.concatenate([tails[forward], heads[backward], [1]])
    r_head = np.concatenate([heads[forward], tails[backward], [0]])
    r_cost = np.concatenate([costs[forward], -costs[backward], [-big]])
    if total > 0:
        r_tail = np.append(r_tail, 0)
        r_head = np.append(r_head, 1)
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
    scenario: Scenario, data: _Data, groups: _Groups, flows: list[_Flow]
) -> list[Assignment]:
    """Paths of the flows, candidate by candidate (any decomposition has the same cost)."""
    candidates, sessions, needs = scenario.candidates, scenario.sessions, scenario.needs
    taken = data.member_start.copy()

    def member(unit: int) -> int:
        position = int(taken[unit])
        taken[unit] += 1
        return int(data.members[position])

    assignments: list[Assignment] = []
    for flow in flows:
        # Whoever entered a group at a level may take a seat of a session of the group
        # starting on that level's date or later.
        entering: dict[int, list[int]] = {}
        for unit, level, f in flow.entry:
            entering.setdefault(level, []).extend([unit] * f)
        trained: dict[int, list[int]] = {}
        for level, s, f in flow.session:
            pool = entering[level]
            trained.setdefault(s, []).extend(pool.pop() for _ in range(f))
        for s, n, f in flow.sn:
            for _ in range(f):
                c = member(trained[s].pop())
                assignments.append(Assignment(candidates[c].id, sessions[s].id, needs[n].id))
        for unit, n, f in flow.direct:
            for _ in range(f):
                c = member(unit)
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


def _session_units(data: _Data, k: int, places: list[tuple[Ints, Floats]]) -> Ints:
    """Every unit that may attend session ``k``."""
    units, _ = places[int(data.place[k])]
    ok = data.avail[units] <= data.start[k]
    want = data.wants[k]
    if want.any():
        ok &= ((data.bits[units] & want) == want).all(axis=1)
    chosen: Ints = units[ok]
    return chosen


def _unfilled(
    scenario: Scenario,
    data: _Data,
    places: list[tuple[Ints, Floats]],
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
    unit_of = np.empty(len(data.members), dtype=np.int64)
    unit_of[data.members] = np.repeat(np.arange(data.n_u, dtype=np.int64), data.mult)
    used = np.bincount(
        unit_of[[index[a.candidate] for a in assignments]], minlength=data.n_u
    ).astype(np.int64)
    seats = Counter(a.session for a in assignments if a.session is not None)
    order = np.argsort(data.lead_n, kind="stable")
    lead_bounds = np.searchsorted(data.lead_n[order], np.arange(data.n_n + 1))
    pools: dict[int, Ints] = {}
    limit_km = scenario.parameters.session_to_need_max_km
    out: list[Unfilled] = []
    for j in todo:
        need = needs[j]
        occupation = need.occupation
        rows = order[lead_bounds[j] : lead_bounds[j + 1]]
        qualifying = [int(k) for k in data.lead_s[rows[qualify[rows]]]]
        direct = data.dir_u[data.dir_off[j] : data.dir_off[j + 1]]
        for k in qualifying:
            if k not in pools:
                pools[k] = _session_units(data, k, places)
        near = [
            bool(len(places[int(data.place[k])][0]))
            and int(data.avail[places[int(data.place[k])][0]].min()) <= int(data.start[k])
            for k in qualifying
        ]
        size = {k: int(data.mult[pools[k]].sum()) for k in qualifying}
        reasons: list[str] = []
        if not len(rows):
            reasons.append(f"no session leads to occupation {occupation}")
        elif not qualifying:
            if not data.lead_in_time[rows].any():
                reasons.append(f"no session leading to {occupation} ends by the deadline")
            else:
                reasons.append(
                    f"no session leading to {occupation} and ending by the deadline is within "
                    f"{limit_km:g} km"
                )
        elif not any(near):
            reasons.append(
                "no candidate within reach of a qualifying session is available by its start"
            )
        elif not any(size.values()):
            reasons.append("candidates within reach lack the prerequisites of qualifying sessions")
        if not data.holders[j]:
            reasons.append(f"no candidate already holds occupation {occupation}")
        elif not len(direct):
            reasons.append(f"no candidate holding {occupation} is within reach and available")

        direct_size = int(data.mult[direct].sum())
        sizes = [size[k] for k in qualifying] + [direct_size]
        if max(sizes) > 0:
            eligible = _distinct(np.concatenate([direct] + [pools[k] for k in qualifying]))
            if max(sizes) < need.count:
                members = int(data.mult[eligible].sum())
                if members < need.count:
                    reasons.append(f"only {members} eligible candidates for {need.count} seats")
            taken = int(used[eligible].sum()) - filled_per_need.get(need.id, 0)
            if taken > 0:
                reasons.append(f"{taken} eligible candidates are placed in other needs")
            full = sorted(
                sessions[k].id for k in qualifying if seats[sessions[k].id] >= sessions[k].capacity
            )
            if full:
                reasons.append("qualifying sessions are full: " + ", ".join(full))
        if not reasons:
            reasons.append("no further eligible candidate is available")
        out.append(Unfilled(need.id, need.count - filled_per_need.get(need.id, 0), tuple(reasons)))
    return tuple(out)

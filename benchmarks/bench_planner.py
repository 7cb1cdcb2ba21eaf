"""Wall time and peak memory of `fabrique plan solve` on generated scenarios of three sizes.

Scenarios are generated with a fixed seed: candidates around the towns of a region (a few
kilometres from the town centre), skills and occupations drawn from a few hundred codes,
sessions at training centres (a third with a prerequisite), needs at industrial sites,
travel radii of 20 to 60 km. The whole command runs in a subprocess (reading the file
included) under /usr/bin/time; every result is then checked with the validator. Printed per
size: eligible candidate × session (and direct) pairs, arcs of the solver's network (training
groups), arcs of the last restricted networks, rounds of pricing, components, candidate nodes
after merging, wall seconds of the whole command, CPU seconds (user + system: the machine is
shared, so wall time alone says little), peak memory. Run (or `make bench`, all three sizes):

    .venv/bin/python benchmarks/bench_planner.py [territory|departement|region ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fabrique.engine.planner.result import read_result  # noqa: E402
from fabrique.engine.planner.scenario import read_scenario  # noqa: E402
from fabrique.engine.planner.validator import violations  # noqa: E402

FABRIQUE = Path(sys.executable).parent / "fabrique"
# name: candidates, sessions, needs, towns, centres, sites, span in degrees, target seconds
SIZES = {
    "territory": (5_000, 300, 200, 40, 8, 25, 0.5, 1.0),
    "departement": (40_000, 2_000, 1_200, 250, 40, 150, 1.0, 10.0),
    "region": (300_000, 10_000, 5_000, 1_500, 200, 600, 2.4, 90.0),
}
SKILLS = [f"S-{k}" for k in range(300)]
OCCUPATIONS = [f"O-{k}" for k in range(200)]
DAY0 = dt.date(2026, 11, 2)


def zipf(rng: np.random.Generator, n: int, size: int | tuple[int, ...]) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** 0.8
    return rng.choice(n, size=size, p=weights / weights.sum())


def day(offset: int) -> str:
    return (DAY0 + dt.timedelta(days=int(offset))).isoformat()


def scenario(name: str, seed: int = 2027) -> dict[str, object]:
    n_c, n_s, n_n, n_towns, n_centres, n_sites, span, _ = SIZES[name]
    rng = np.random.default_rng(seed)
    lat0, lon0 = 48.7, 6.2
    towns = np.stack(
        [lat0 + rng.uniform(-span / 2, span / 2, n_towns),
         lon0 + rng.uniform(-span * 0.7, span * 0.7, n_towns)], 1
    )  # fmt: skip
    size = rng.pareto(1.2, n_towns) + 1.0  # a few big towns, many villages
    home = rng.choice(n_towns, n_c, p=size / size.sum())
    c_pos = towns[home] + rng.normal(0, 0.025, (n_c, 2))
    reach = rng.choice([20.0, 30.0, 40.0, 50.0, 60.0], n_c)
    avail = rng.integers(0, 200, n_c)
    n_skills = rng.integers(2, 9, n_c)
    skills = zipf(rng, len(SKILLS), (n_c, 8))
    n_occ = rng.choice([0, 0, 0, 0, 1, 2], n_c)
    occs = rng.integers(0, len(OCCUPATIONS), (n_c, 2))
    candidates = [
        {"id": f"c-{i}", "lat": round(float(c_pos[i, 0]), 5), "lon": round(float(c_pos[i, 1]), 5),
         "max_travel_km": float(reach[i]), "available_from": day(avail[i]),
         "skills": sorted({SKILLS[k] for k in skills[i, : n_skills[i]]}),
         "occupations": sorted({OCCUPATIONS[k] for k in occs[i, : n_occ[i]]})}
        for i in range(n_c)
    ]  # fmt: skip
    centres = towns[rng.choice(n_towns, n_centres, p=size / size.sum())]
    at = rng.integers(0, n_centres, n_s)
    start = rng.integers(30, 300, n_s)
    length = rng.integers(20, 180, n_s)
    prereq = rng.random(n_s) < 0.33
    sessions = [
        {"id": f"s-{k}", "lat": round(float(centres[at[k], 0]), 5),
         "lon": round(float(centres[at[k], 1]), 5), "start": day(start[k]),
         "end": day(start[k] + length[k]), "capacity": int(rng.integers(8, 21)),
         "cost_eur": round(float(rng.uniform(1500, 8000)), 2),
         "prerequisites": [SKILLS[int(zipf(rng, 40, 1)[0])]] if prereq[k] else [],
         "leads_to": sorted({OCCUPATIONS[int(o)] for o in zipf(rng, 60, rng.integers(1, 3))})}
        for k in range(n_s)
    ]  # fmt: skip
    sites = towns[rng.choice(n_towns, n_sites, p=size / size.sum())]
    site = rng.integers(0, n_sites, n_n)
    needs = [
        {"id": f"n-{j}", "lat": round(float(sites[site[j], 0]), 5),
         "lon": round(float(sites[site[j], 1]), 5),
         "occupation": OCCUPATIONS[int(zipf(rng, 60, 1)[0])], "count": int(rng.integers(1, 9)),
         "deadline": day(rng.integers(150, 500))}
        for j in range(n_n)
    ]  # fmt: skip
    return {
        "format": "fabrique-plan/1",
        "name": f"bench {name}",
        "parameters": {"km_cost_eur": 0.30, "session_to_need_max_km": 60.0},
        "candidates": candidates,
        "sessions": sessions,
        "needs": needs,
    }


def run(name: str, directory: Path) -> bool:
    path, output = directory / f"{name}.json", directory / f"{name}.result.json"
    path.write_text(json.dumps(scenario(name)), encoding="utf-8")
    env = {**os.environ, "FABRIQUE_MODE": "test"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = ["/usr/bin/time", "-f", "TIME %e %M %U %S", str(FABRIQUE), "plan", "-v", "2",
               "solve", str(path), "--output", str(output)]  # fmt: skip
    wall = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - wall
    if done.returncode:
        print(done.stderr)
        return False
    lines = done.stderr.splitlines()
    figures = dict(item.split("=") for item in lines[-2].removeprefix("solver: ").split())
    _, seconds, kilobytes, user, system = lines[-1].split()
    scenario_ = read_scenario(path.read_bytes())
    result = read_result(output.read_bytes())
    problems = violations(scenario_, result)
    target = SIZES[name][-1]
    figure = {key: int(float(value)) for key, value in figures.items() if "seconds" not in key}
    print(
        f"{name:12} {len(scenario_.candidates):>7} × {len(scenario_.sessions):>6} × "
        f"{len(scenario_.needs):>5}: eligible pairs {figure['eligible_pairs']:>11,}, "
        f"group arcs {figure['eligible_arcs']:>10,}, network arcs {figure['network_arcs']:>9,} "
        f"({figure['rounds']} rounds, {figure['components']} components, "
        f"{figure['units']:,} candidate nodes); {float(seconds):6.2f} s wall (target "
        f"{target:g} s; prepare {float(figures['prepare_seconds']):.2f} s, flow "
        f"{float(figures['flow_seconds']):.2f} s), CPU {float(user) + float(system):.2f} s, "
        f"peak {int(kilobytes) / 1024:,.0f} MB; filled {result.filled}/{result.demand}, "
        f"cost {result.total_cost_eur:,.2f} €; "
        f"{'valid' if not problems else f'{len(problems)} VIOLATIONS'}"
    )
    del wall
    return not problems


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Wall time, CPU time and peak memory of `fabrique plan solve` per size."
    )
    parser.add_argument(
        "sizes", nargs="*", metavar="SIZE", help=f"any of {', '.join(SIZES)} (default: all three)"
    )
    names = parser.parse_args().sizes or list(SIZES)
    for name in names:
        if name not in SIZES:
            parser.error(f"unknown size {name!r} (choose from {', '.join(SIZES)})")
    with tempfile.TemporaryDirectory() as directory:
        ok = [run(name, Path(directory)) for name in names]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())

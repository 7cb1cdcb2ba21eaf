"""Time what ``fabrique demo`` does before it serves, on a temporary SQLite database.

    .venv/bin/python benchmarks/bench_demo.py                  # all of France, scale 1
    .venv/bin/python benchmarks/bench_demo.py --departements 57,25,54 --scale 2

Prints the time of each step (migrate, territories, ROME core, world build, a second run
that finds everything in place) and the counts of the world. Set DATABASE_URL to measure on
another database (it must be empty and of its own).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="fabrique-bench-demo-"))
    try:
        run(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(workdir: Path) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--departements", default="", help="e.g. 57,25,54 (default: all)")
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'demo.sqlite3'}")
    os.environ["FABRIQUE_VAR_DIR"] = str(workdir / "var")
    os.environ["FABRIQUE_MODE"] = "demo"
    os.environ["DJANGO_SETTINGS_MODULE"] = "fabrique.settings"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from fabrique.demo.builder import DEFAULT_SEED, build_world, demo_state
    from fabrique.demo.digest import world_digest
    from fabrique.referentials.loading import load_rome_core, rome_loaded
    from fabrique.territories.importers import import_territories, is_loaded

    departements = {code.strip() for code in args.departements.split(",") if code.strip()}
    seed = DEFAULT_SEED if args.seed is None else args.seed
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"scale {args.scale}, seed {seed}, départements: {args.departements or 'all'}")

    def timed(label: str, function, *a, **kw):
        started = time.perf_counter()
        result = function(*a, **kw)
        print(f"{label:<28} {time.perf_counter() - started:7.2f} s")
        return result

    timed("migrate", call_command, "migrate", verbosity=0)
    timed(
        "territories",
        import_territories,
        wet_run=True,
        departements=departements or None,
    )
    rome = timed("ROME core", load_rome_core)
    report = timed("world build", build_world, seed=seed, scale=args.scale)
    digest = timed("digest", world_digest)

    def second_run() -> bool:
        call_command("migrate", verbosity=0)
        return is_loaded() and rome_loaded() and not build_world(seed=seed).built

    assert timed("second run (nothing to do)", second_run)
    assert demo_state() is not None

    print()
    print(
        f"ROME: {rome['occupations']:,} fiches, {rome['skills']:,} skills, {rome['links']:,} links"
    )
    for key, value in report.state.counts.items():
        print(f"{key:<36} {value:>9,}")
    print(f"digest {digest}")
    connection.close()


if __name__ == "__main__":
    main()

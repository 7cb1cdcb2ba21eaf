"""Wall time, CPU share and peak memory of the référentiel imports (NAF, Formacode, ROME, ESCO,
RNCP) of the shipped data into an empty database.

For each source: a dry run on the empty database, the first wet run, and a second wet run
that must change nothing; then the rows of each table. Run (or `make bench`):

    .venv/bin/python benchmarks/bench_referentials_import.py              # SQLite, temporary
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME \\
        .venv/bin/python benchmarks/bench_referentials_import.py --flush  # PostgreSQL

On PostgreSQL the database must be of its own: ``--flush`` empties it first (every table).
The CPU share is the process's CPU time over the wall time: below 100 %, the process waited
for the database or for a processor used by something else.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--flush", action="store_true", help="Empty the DATABASE_URL database before starting."
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="fabrique-bench-referentials-"))
    try:
        run(workdir, flush=args.flush)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def run(workdir: Path, *, flush: bool) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["FABRIQUE_VAR_DIR"] = str(workdir)
    os.environ.setdefault("FABRIQUE_MODE", "test")
    os.environ["DJANGO_SETTINGS_MODULE"] = "fabrique.settings"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    from fabrique.referentials import models
    from fabrique.referentials.importers import ORDER, import_referential

    call_command("migrate", verbosity=0)
    if flush:
        call_command("flush", interactive=False, verbosity=0)
    if models.Occupation.objects.exists() or models.Certification.objects.exists():
        sys.exit("The database already holds référentiels: give --flush to empty it first.")
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"{'source':<10}{'version':>12}{'dry run':>10}{'wet run':>10}{'rows':>10}"
          f"{'CPU':>6}{'again':>9}{'changed':>9}{'peak MB':>9}")  # fmt: skip
    totals = {"dry": 0.0, "wet": 0.0, "again": 0.0, "rows": 0}
    for name in ORDER:
        figures = {}
        for label, wet_run in (("dry", False), ("wet", True), ("again", True)):
            started, cpu = time.perf_counter(), cpu_seconds()
            report = import_referential(name, wet_run=wet_run)
            figures[label] = time.perf_counter() - started
            figures[f"{label}_cpu"] = cpu_seconds() - cpu
            figures[f"{label}_report"] = report
            totals[label] += figures[label]
        written = figures["wet_report"]
        again = figures["again_report"]
        rows = written.total("created") + written.total("updated")
        changed = again.total("created") + again.total("updated") + again.total("obsolete")
        totals["rows"] += rows
        share = 100 * figures["wet_cpu"] / figures["wet"]
        print(
            f"{name:<10}{written.version:>12}{figures['dry']:>9.1f}s{figures['wet']:>9.1f}s"
            f"{rows:>10,}{share:>5.0f}%{figures['again']:>8.1f}s{changed:>9,}{peak_mb():>9.0f}"
        )
    print(
        f"{'total':<10}{'':>12}{totals['dry']:>9.1f}s{totals['wet']:>9.1f}s{totals['rows']:>10,}"
        f"{'':>6}{totals['again']:>8.1f}s"
    )
    print()
    translation.activate("en")
    for model in (
        models.OccupationGroup, models.Occupation, models.OccupationLabel, models.Skill,
        models.SkillLabel, models.OccupationSkill, models.WorkContext, models.Mobility,
        models.Formacode, models.NsfDomain, models.NafActivity, models.Certifier,
        models.Certification, models.CertificationBloc,
    ):  # fmt: skip
        print(f"{model._meta.verbose_name_plural!s:<24}{model.objects.count():>10,}")


if __name__ == "__main__":
    main()

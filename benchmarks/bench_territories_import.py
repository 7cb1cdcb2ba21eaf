"""Wall time of the full `territories` import (all of France) on a fresh SQLite database.

Prints the time of a dry run, of the first wet run and of a second (idempotent) wet run,
and the number of rows of each table. Run (or `make bench`):

    .venv/bin/python benchmarks/bench_territories_import.py
"""

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    directory = tempfile.mkdtemp(prefix="fabrique-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
    os.environ["FABRIQUE_VAR_DIR"] = directory
    os.environ.setdefault("FABRIQUE_MODE", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings")

    import django

    django.setup()
    from django.core.management import call_command

    from fabrique.territories.importers import import_territories
    from fabrique.territories.models import (
        EPCI,
        BassinEmploi,
        Commune,
        Departement,
        Region,
        ZoneEmploi,
    )

    call_command("migrate", verbosity=0)
    print(f"database: SQLite in {directory}")
    for label, wet_run in (("dry run", False), ("first wet run", True), ("second wet run", True)):
        started = time.perf_counter()
        report = import_territories(wet_run=wet_run)
        elapsed = time.perf_counter() - started
        changed = report.total("created") + report.total("updated") + report.total("obsolete")
        print(f"{label:<15} {elapsed:6.2f} s   rows created, updated or made obsolete: {changed:,}")
    for model in (Region, Departement, EPCI, ZoneEmploi, BassinEmploi, Commune):
        print(f"{model._meta.verbose_name_plural!s:<16} {model.objects.count():>7,}")
    located = Commune.objects.filter(latitude__isnull=False).count()
    print(f"communes with coordinates {located:,}")
    shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()

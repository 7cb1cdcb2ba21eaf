"""``fabrique import NAME [PATH ...] [--wet-run]``: run a registered importer.

A dry run (the default) reports what the import would do and writes nothing; ``--wet-run``
writes, in one transaction. The counts are printed at the end.
"""

import argparse
import contextlib
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fabrique.core import audit, importing
from fabrique.core.progress import TerminalProgress


class Command(BaseCommand):
    help = "Import outside reference data. Dry run by default; --wet-run writes."

    def add_arguments(self, parser: CommandParser) -> None:
        names = ", ".join(importing.importers()) or "none"
        parser.add_argument("name", nargs="?", help=f"Importer to run ({names}).")
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            metavar="PATH",
            help="Files or directories to import (default: the data shipped with Fabrique).",
        )
        parser.add_argument(
            "--wet-run",
            action="store_true",
            help="Write to the database (otherwise only report what would change).",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not show a progress bar."
        )
        for importer in importing.importers().values():
            if importer.add_arguments is None:
                continue
            group = parser.add_argument_group(f"options of the {importer.name} importer")
            # An option another importer already added keeps its first definition.
            with contextlib.suppress(argparse.ArgumentError):
                importer.add_arguments(group)  # type: ignore[arg-type]

    def handle(self, *args: Any, **options: Any) -> None:
        available = importing.importers()
        name = options["name"]
        if not name:
            self.stdout.write(self._listing(available))
            return
        if name not in available:
            known = ", ".join(available) or "none"
            raise CommandError(f"Unknown importer {name!r}. Known importers: {known}.")
        importer = available[name]
        wet_run = options["wet_run"]
        progress = (
            (lambda done, total, message="": None)
            if options["no_progress"] or options["verbosity"] == 0
            else TerminalProgress(self.stderr._out)
        )
        started = time.monotonic()
        try:
            with audit.acting_as(None, source="command"):
                report = importer.runner(
                    list(options["paths"]), wet_run=wet_run, progress=progress, options=options
                )
        except importing.InvalidSource as error:
            raise CommandError(f"Nothing was imported.\n{error}") from error
        elapsed = time.monotonic() - started
        self._print(report, elapsed)

    def _listing(self, available: dict[str, importing.Importer]) -> str:
        if not available:
            return "No importer is registered."
        lines = ["Importers (fabrique import NAME [PATH ...] [--wet-run]):"]
        lines += [f"  {name:<16} {importer.help}" for name, importer in available.items()]
        return "\n".join(lines)

    def _print(self, report: importing.ImportReport, elapsed: float) -> None:
        title = f"{report.name} {report.version}".strip()
        self.stdout.write(title)
        self.stdout.write(report.table())
        if report.problems:
            self.stdout.write(f"{len(report.problems)} problem(s):")
            for problem in report.problems:
                self.stdout.write(f"  - {problem}")
        if report.wet_run:
            self.stdout.write(self.style.SUCCESS(f"Written in one transaction ({elapsed:.1f} s)."))
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"Dry run ({elapsed:.1f} s): nothing was written. "
                    "Run again with --wet-run to write."
                )
            )

"""``fabrique plan solve|check`` through Django (``manage.py``-style, ``call_command``).

The installed ``fabrique`` script and ``python -m fabrique`` answer ``plan`` without Django
(``fabrique.engine.planner.cli``); this command is a thin wrapper around the same function,
with the same messages and exit statuses.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fabrique.engine.planner.cli import HELP, PlanCommandError, add_arguments, run


class Command(BaseCommand):
    help = HELP
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser)

    def handle(self, *args: object, **options: object) -> None:
        scenario, output, result = options["scenario"], options.get("output"), options.get("result")
        assert isinstance(scenario, Path)
        try:
            run(
                str(options["action"]),
                scenario,
                output=output if isinstance(output, Path) else None,
                result=result if isinstance(result, Path) else None,
                verbosity=int(str(options.get("verbosity", 1))),
                stdout=self.stdout,  # type: ignore[arg-type]
                stderr=self.stderr,  # type: ignore[arg-type]
            )
        except PlanCommandError as error:
            raise CommandError(str(error), returncode=error.returncode) from None

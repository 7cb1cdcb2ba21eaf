"""``fabrique match occupations|skills --scheme rome|esco --top K`` through Django
(``call_command``, ``django-admin``).

The installed ``fabrique`` script and ``python -m fabrique`` answer ``match`` without Django
(``fabrique.engine.matching.cli``); this command is a thin wrapper around the same function,
with the same messages and exit statuses, reading the indexes kept under ``VAR_DIR``.
"""

from __future__ import annotations

import sys
from typing import BinaryIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fabrique.engine.matching.cli import HELP, MatchCommandError, add_arguments, run
from fabrique.referentials import matching


class Command(BaseCommand):
    help = HELP
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser)

    def handle(self, *args: object, **options: object) -> None:
        stdin: BinaryIO = getattr(self, "stdin", None) or sys.stdin.buffer
        workers = options["workers"]
        try:
            run(
                options["kind"],  # type: ignore[arg-type]
                options["scheme"],  # type: ignore[arg-type]
                top=int(str(options["top"])),
                workers=workers if isinstance(workers, int) else None,
                data_dir=settings.DATA_DIR,
                cache_dir=matching.cache_dir(),
                stdin=stdin,
                stdout=sys.stdout,
            )
        except MatchCommandError as error:
            raise CommandError(str(error), returncode=error.returncode) from None

"""``fabrique export FORMAT ...``: write the training offer in an exchange format.

    fabrique export lheo --output offre.xml
    fabrique export lheo --output offre.xml --organisation lycee-kerneuzec

One subcommand per format (only ``lheo`` for now); another format adds a subcommand and
its writer. The export holds every training of the database (or of one organisation) that
has a session, published or not: it is the operator's command.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fabrique.accounts.models import Organisation
from fabrique.core import audit
from fabrique.trainings.lheo.writer import NothingToExport, write_lheo
from fabrique.trainings.models import Training


class Command(BaseCommand):
    help = "Export the training offer (LHÉO 2.3)."

    def add_arguments(self, parser: CommandParser) -> None:
        formats = parser.add_subparsers(dest="format", metavar="FORMAT", required=True)
        lheo = formats.add_parser(
            "lheo",
            help="LHÉO 2.3 XML, valid against the official schema.",
            called_from_command_line=getattr(parser, "called_from_command_line", False),
        )
        lheo.add_argument("--output", "-o", type=Path, required=True, metavar="FILE")
        lheo.add_argument(
            "--organisation", metavar="SLUG", help="Only this organisation's trainings."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["format"] == "lheo":
            self._lheo(options["output"], options.get("organisation"))

    def _lheo(self, output: Path, slug: str | None) -> None:
        trainings = Training.objects.all()
        if slug:
            organisation = Organisation.objects.filter(slug=slug).first()
            if organisation is None:
                raise CommandError(f"No organisation has the short name {slug!r}.")
            trainings = trainings.filter(organisation=organisation)
        directory = output.resolve().parent
        if not directory.is_dir():
            raise CommandError(f"The folder {directory} does not exist.")
        # Written beside the target, then renamed: a failed export leaves no half file.
        handle, temporary = tempfile.mkstemp(dir=directory, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as stream:
                summary = write_lheo(stream, trainings)
            os.chmod(temporary, 0o644)
            os.replace(temporary, output)
        except NothingToExport as error:
            raise CommandError(
                "Nothing to export: no training has a session (LHÉO needs at least one)."
            ) from error
        finally:
            Path(temporary).unlink(missing_ok=True)
        with audit.acting_as(None, source="command"):
            audit.record_event(
                action="export", model="trainings.offer", label=f"LHÉO export to {output.name}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{output}: {summary.formations} formation(s), {summary.actions} action(s), "
                f"{summary.sessions} session(s)."
            )
        )
        if summary.left_out:
            self.stdout.write(
                f"{summary.left_out} training(s) without a session left out "
                "(LHÉO needs at least one session per formation)."
            )

"""The ``lheo`` import: ``fabrique import lheo FILE [FILE ...] [--wet-run]``.

    fabrique import lheo offre.xml                  # dry run: what would be created or updated
    fabrique import lheo offre.xml.gz --wet-run     # write, in one transaction
    fabrique import lheo offre.xml --lheo-organisation lycee-kerneuzec --wet-run

Each file is read and checked whole (``lheo/reader.py``: safe parsing, the official LHÉO 2.3
schema, real dates), then handed to ``offer.write_offer``. A file with any error is refused
and nothing is written; warnings (unknown codes, organisations created) are listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from fabrique.accounts.models import Organisation
from fabrique.core import importing
from fabrique.core.importing import Counts, ImportReport, InvalidSource, Problem
from fabrique.core.progress import ProgressCallback, no_progress
from fabrique.trainings import spreadsheets
from fabrique.trainings.lheo.reader import read_lheo_file
from fabrique.trainings.offer import KINDS, write_offer

NAME = "lheo"


def import_lheo(
    paths: list[Path],
    *,
    wet_run: bool,
    progress: ProgressCallback = no_progress,
    organisation: Organisation | None = None,
) -> ImportReport:
    """Import LHÉO files; ``InvalidSource`` naming file, element, line and reason if refused."""
    if not paths:
        raise InvalidSource(Problem(NAME, "", "give the LHÉO file(s) to import"))
    report = ImportReport(name=NAME, wet_run=wet_run)
    report.counts = {kind: Counts() for kind in KINDS}
    versions = []
    for number, path in enumerate(paths):
        progress(number, len(paths), f"LHÉO: reading {path.name}")
        document = read_lheo_file(path)
        versions.append(f"{path.name} ({document.sha256[:12]})")
        progress(number, len(paths), f"LHÉO: checking and writing {path.name}")
        offer = write_offer(
            records=document.records, by=None, wet_run=wet_run, organisation=organisation
        )
        if offer.refused:
            raise InvalidSource(
                [Problem(path.name, problem.where, problem.message) for problem in offer.errors]
            )
        for kind, counts in offer.counts.items():
            total = report.count(kind)
            for what in ("created", "updated", "unchanged"):
                setattr(total, what, getattr(total, what) + getattr(counts, what))
        report.problems += [f"{path.name}: {note}" for note in document.notes]
        report.problems += [f"{path.name}, {problem}" for problem in offer.warnings]
    progress(len(paths), len(paths), "LHÉO: done")
    report.version = ", ".join(versions)
    return report


def _run(
    paths: list[Path], *, wet_run: bool, progress: ProgressCallback, options: Mapping[str, Any]
) -> ImportReport:
    organisation = None
    slug = options.get("lheo_organisation")
    if slug:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise InvalidSource(Problem(NAME, "", f"no organisation has the short name {slug!r}"))
    return import_lheo(paths, wet_run=wet_run, progress=progress, organisation=organisation)


def _add_arguments(parser: Any) -> None:
    parser.add_argument(
        "--lheo-organisation",
        metavar="SLUG",
        help="LHÉO: import every formation for this organisation (default: the organisation "
        "each formation names, found by SIRET or name, created when unknown).",
    )


importing.register(
    NAME,
    help=_("LHÉO 2.3 (or 2.2) training offer: formations, actions, sessions."),
    runner=_run,
    add_arguments=_add_arguments,
)

# ``fabrique import trainings-spreadsheet FILE``: the catalogue from a CSV or XLSX file.
spreadsheets.register()

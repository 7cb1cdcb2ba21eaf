"""A tiny importer for the tests of ``import_reference_data``: it counts the lines of its
files, reports progress line by line, and on a wet run records itself as a data source."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import transaction

from fabrique.core import importing
from fabrique.core.models import DataSource
from fabrique.core.progress import ProgressCallback

NAME = "jobs-test-lines"


def run(
    paths: list[Path], *, wet_run: bool, progress: ProgressCallback, options: Mapping[str, Any]
) -> importing.ImportReport:
    lines = [line for path in paths for line in path.read_text().splitlines() if line.strip()]
    report = importing.ImportReport(name=NAME, version="1", wet_run=wet_run)
    with transaction.atomic():
        for done, _line in enumerate(lines, start=1):
            report.count("line").created += 1
            progress(done, len(lines), "Reading lines")
        if wet_run:
            DataSource.objects.update_or_create(
                name=NAME, defaults={"version": "1", "counts": report.as_dict()}
            )
    return report


importing.register(NAME, help="Lines of text files (tests only).", runner=run)

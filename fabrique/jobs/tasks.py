"""Generic background tasks. Launch them with ``fabrique.jobs.actions.enqueue_job``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.tasks import task

from fabrique.core import importing
from fabrique.jobs.progress import progress_callback


@task
def import_reference_data(
    name: str,
    wet_run: bool = True,
    paths: list[str] | None = None,
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run the importer registered as ``name`` (see ``fabrique import``), with progress.

    ``paths`` are files or directories readable by the worker (default: the data shipped with
    Fabrique); ``options`` reach the importer as its command-line options would. Returns the
    import report (counts per record type, problems). An invalid source fails the job with
    the importer's reasons, and nothing is written.
    """
    available = importing.importers()
    if name not in available:
        known = ", ".join(available) or "none"
        raise LookupError(f"Unknown importer {name!r}. Known importers: {known}.")
    report = available[name].runner(
        [Path(path) for path in paths or []],
        wet_run=wet_run,
        progress=progress_callback(),
        options=dict(options or {}),
    )
    return {
        "name": report.name,
        "version": report.version,
        "wet_run": report.wet_run,
        "counts": report.as_dict(),
        "problems": [str(problem) for problem in report.problems],
    }

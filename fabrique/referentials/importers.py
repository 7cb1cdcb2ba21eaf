"""The référentiel imports: ``fabrique import rome|esco|rncp|formacode|naf [PATH ...]``.

    fabrique import rome                      # dry run of the shipped ROME: what would change
    fabrique import rome --wet-run            # write it
    fabrique import esco ~/Downloads/ESCO*.zip --wet-run
    fabrique import rncp export-fiches-csv-2026-02-01.zip --wet-run
    fabrique import referentials --wet-run    # all five: naf, formacode, rome, esco, rncp

or from Python: ``import_referential("rome", wet_run=True)``.

PATH (default: the data shipped with Fabrique) may be folders, official zips or single files,
plain or gzip-compressed. Each import reads and checks every file first (``sources/``), and
refuses a source with a problem before anything is written, naming the file, the line and the
column. It then compares what the files say with the database (a dry run stops there) and
writes the differences in one transaction (``sources/sync.py``). Records are keyed on the
source's identifiers; records that left the source are marked obsolete, never deleted; links
that left it are removed (counted as ``obsolete``). The version is recorded in
``DataSource``; importing a version older than the one loaded is refused unless ``--force``.
Links between sources are made by the later import: import NAF and Formacode before ROME,
and ROME before RNCP (``referentials`` does).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from fabrique.core import audit, importing
from fabrique.core.importing import Counts, ImportReport, InvalidSource, Problem
from fabrique.core.models import DataSource
from fabrique.core.progress import ProgressCallback, no_progress
from fabrique.referentials.sources import esco, formacode, naf, rncp, rome, sync
from fabrique.referentials.sources.files import collect, version_key

SOURCES: dict[str, ModuleType] = {
    "naf": naf,
    "formacode": formacode,
    "rome": rome,
    "esco": esco,
    "rncp": rncp,
}
ORDER = tuple(SOURCES)  # what each import links to is imported before it
HELP = {
    "rome": _("ROME 4.0 (France Travail): fiches, appellations, compétences, savoirs, mobilities."),
    "esco": _("ESCO: occupations, skills, ISCO groups, labels in every language, relations."),
    "rncp": _("RNCP and RS (France Compétences): certifications, their links and blocs."),
    "formacode": _("Formacode: codes and labels (the list in use, or the v8 thesaurus dump)."),
    "naf": _("NAF rév. 2 (INSEE): sections, divisions, groupes, classes, sous-classes."),
}
ALL = "referentials"
LINKS_TO = {"rome": {"naf"}, "rncp": {"rome", "formacode"}}  # a source -> what it links to


def is_loaded(name: str) -> bool:
    """Whether the source ``name`` has been imported into this database."""
    return DataSource.objects.filter(name=name).exclude(version="").exists()


def loaded_version(name: str) -> str | None:
    return DataSource.objects.filter(name=name).values_list("version", flat=True).first() or None


def import_referential(
    name: str,
    paths: Iterable[Path] | None = None,
    *,
    wet_run: bool,
    progress: ProgressCallback = no_progress,
    source_version: str | None = None,
    force: bool = False,
) -> ImportReport:
    """Import the source ``name`` from ``paths`` (default: the data shipped with Fabrique).

    A dry run (``wet_run=False``) writes nothing and reports what a wet run would do.
    Raises ``InvalidSource`` for files it refuses, and for a version older than the one
    loaded unless ``force``.
    """
    module = SOURCES[name]
    files = collect(list(paths or []) or [module.shipped_dir()])
    plan = module.read(files, progress=progress, version=source_version)
    return run(plan, wet_run=wet_run, force=force, progress=progress)


def import_referentials(
    *, wet_run: bool, progress: ProgressCallback = no_progress, names: Iterable[str] = ORDER
) -> list[ImportReport]:
    """Import the shipped data of several sources, in the order their links need."""
    wanted = set(names)
    return [
        import_referential(name, wet_run=wet_run, progress=progress)
        for name in ORDER
        if name in wanted
    ]


def all_loaded() -> bool:
    return all(is_loaded(name) for name in ORDER)


def missing() -> list[str]:
    """The sources to import so that every one is loaded and linked to the others: those not
    loaded, and those loaded that link to one of them (ROME to NAF, RNCP to ROME and
    Formacode)."""
    names = {name for name in ORDER if not is_loaded(name)}
    for name, targets in LINKS_TO.items():
        if names & targets:
            names.add(name)
    return [name for name in ORDER if name in names]


# --- running a plan -------------------------------------------------------------------------


def check_version(plan: sync.Plan, report: ImportReport, *, force: bool) -> None:
    loaded = loaded_version(plan.name)
    if not loaded or version_key(plan.version) >= version_key(loaded):
        return
    if not force:
        raise InvalidSource(
            Problem(
                plan.name,
                "",
                f"version {plan.version} is older than the version loaded ({loaded}); "
                "use --force to import it anyway",
            )
        )
    report.problems.append(
        f"Version {plan.version} is older than the version loaded ({loaded}): imported "
        "because of --force."
    )


def run(
    plan: sync.Plan, *, wet_run: bool, force: bool = False, progress: ProgressCallback = no_progress
) -> ImportReport:
    """Compare the plan with the database and, in a wet run, write the differences."""
    report = ImportReport(
        name=plan.name, version=plan.version, wet_run=wet_run, problems=list(plan.problems)
    )
    check_version(plan, report, force=force)
    for step in plan.steps:
        if isinstance(step, sync.Table):
            step.version = plan.version[:40]
    if not wet_run:
        for step in plan.steps:
            changes = sync.compare(step)
            if changes is not None:
                report.counts[step.label] = changes.counts()
        return report

    with transaction.atomic():
        DataSource.objects.get_or_create(name=plan.name, defaults={"version": ""})
        DataSource.objects.select_for_update().get(name=plan.name)  # one wet run at a time
        check_version(plan, ImportReport(name=plan.name), force=force)
        changes = [(step, sync.compare(step)) for step in plan.steps]
        total = sum(c.size for _, c in changes if c is not None)
        done = 0
        for step, step_changes in changes:
            if step_changes is None:
                continue
            report.counts[step.label] = step_changes.counts()

            def advance(count: int, label: str = step.label) -> None:
                nonlocal done
                done += count
                progress(done, total, f"{plan.name.upper()}: writing {label}")

            sync.apply(step, step_changes, advance)
        progress(total, total, f"{plan.name.upper()} {plan.version} written")
        record(plan, report)
        sync.analyze(sync.models_of(plan.steps))
    return report


def record(plan: sync.Plan, report: ImportReport) -> None:
    counts = report.as_dict()
    DataSource.objects.update_or_create(
        name=plan.name,
        defaults={
            "version": plan.version[:60],
            "counts": {**counts, "files": plan.files, **plan.notes},
        },
    )
    summary = {label: {k: v for k, v in c.items() if v} for label, c in counts.items()}
    audit.record_event(
        action="create",
        model="referentials.import",
        object_id=plan.version[:60],
        label=f"Import of {plan.name} {plan.version}",
        after=summary,
    )


# --- registration ---------------------------------------------------------------------------


def _runner(name: str) -> importing.Runner:
    def run_import(
        paths: list[Path],
        *,
        wet_run: bool,
        progress: ProgressCallback,
        options: Mapping[str, Any],
    ) -> ImportReport:
        return import_referential(
            name,
            paths or None,
            wet_run=wet_run,
            progress=progress,
            source_version=options.get("source_version") or None,
            force=bool(options.get("force")),
        )

    return run_import


def _run_all(
    paths: list[Path], *, wet_run: bool, progress: ProgressCallback, options: Mapping[str, Any]
) -> ImportReport:
    if paths:
        raise InvalidSource(
            Problem(ALL, "", "imports the shipped data only: give files to one source at a time")
        )
    report = ImportReport(name=ALL, wet_run=wet_run)
    versions = []
    for name in ORDER:
        one = import_referential(
            name, wet_run=wet_run, progress=progress, force=bool(options.get("force"))
        )
        versions.append(f"{name} {one.version}")
        for label, counts in one.counts.items():
            report.counts[f"{name}: {label}"] = Counts(**vars(counts))
        report.problems += [f"{name}: {problem}" for problem in one.problems]
    report.version = ", ".join(versions)
    return report


def _add_arguments(parser: Any) -> None:
    parser.add_argument(
        "--source-version",
        metavar="VERSION",
        help="The version of the files given (ESCO: when their folder or zip does not say it).",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="Référentiels: import even a version older than the one loaded.",
    )


for _name in ORDER:
    importing.register(_name, help=HELP[_name], runner=_runner(_name), add_arguments=_add_arguments)
importing.register(
    ALL,
    help=_("Every référentiel shipped with Fabrique, in order: NAF, Formacode, ROME, ESCO, RNCP."),
    runner=_run_all,
    add_arguments=_add_arguments,
)

"""The ``bmo`` import: France Travail's BMO survey figures, per bassin and BMO occupation.

``fabrique import bmo [PATH] [--wet-run]``, or from Python::

    from fabrique.needs.importers import import_bmo
    report = import_bmo(wet_run=True)

The source is the CSV shipped in ``fabrique/data/bmo/`` (default) or France Travail's
official workbook (sheet ``BMO_2024_open_data``). Figures are keyed on
(year, bassin, BMO occupation code). The whole file is read and checked first: a bad number
or a missing column refuses the file, naming the line and the column. Rows of bassins that
are not in the database (the territories import may cover only some départements) are
skipped and reported. A wet run then writes the differences in one transaction with
``bulk_create``/``bulk_update``; ``*`` (statistical secrecy) is stored as empty.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import astuple, dataclass, replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from fabrique.core import audit, importing
from fabrique.core.importing import Checker, ImportReport, InvalidSource, Problem
from fabrique.core.models import DataSource
from fabrique.core.progress import ProgressCallback, no_progress
from fabrique.needs.models import BmoFigure
from fabrique.territories.models import BassinEmploi

NAME = "bmo"
SHIPPED_FILE = Path(settings.DATA_DIR) / "bmo" / "bmo_2024.csv.gz"
# SHA-256 of the uncompressed shipped CSV (see fabrique/data/bmo/SOURCE.md).
SHIPPED_SHA256 = "a74bcbfc1dc27d15c049821653d02a74d414149247d76aa6f6dec92412e2dd51"
SHEET = "BMO_2024_open_data"
BATCH_SIZE = 1000
MAX_XLSX_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 500 * 1024 * 1024
SECRET = "*"
SHOWN_CODES = 20

YEAR = "annee"
CODE = "Code métier BMO"
LABEL = "Nom métier BMO"
FAMILY = "Famille_met"
FAMILY_LABEL = "Lbl_fam_met"
BASSIN = "BE24"
PROJECTS = "met"
DIFFICULT = "xmet"
SEASONAL = "smet"
COLUMNS = (YEAR, CODE, LABEL, FAMILY, FAMILY_LABEL, BASSIN, PROJECTS, DIFFICULT, SEASONAL)

BASSIN_CODE = re.compile(r"[0-9A-Z]{4}")
OCCUPATION_CODE = re.compile(r"[0-9A-Z]{1,8}")
FAMILY_CODE = re.compile(r"[0-9A-Z]{1,2}")
WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class Figure:
    """One checked row of the source: what a ``BmoFigure`` holds, with its bassin's code."""

    year: int
    bassin_code: str
    occupation_code: str
    occupation_label: str
    family_code: str
    family_label: str
    projects: int | None
    difficult: int | None
    seasonal: int | None

    @property
    def values(self) -> tuple[Any, ...]:
        return astuple(self)[3:]


VALUE_FIELDS = (
    "occupation_label",
    "family_code",
    "family_label",
    "projects",
    "difficult",
    "seasonal",
)


@dataclass(frozen=True)
class Source:
    name: str
    sha256: str
    figures: list[tuple[int, Figure]]
    merged: int = 0


# --- reading ------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """A cell of the workbook as the text the CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(path: Path) -> tuple[str, Iterator[tuple[int, dict[str, str]]]]:
    """The digest of a workbook and its rows (line number, cells by column name)."""
    import hashlib

    import openpyxl

    name = path.name
    try:
        content = path.read_bytes()
    except OSError as error:
        raise InvalidSource(Problem(name, "", f"cannot be read ({error.strerror})")) from error
    if len(content) > MAX_XLSX_BYTES:
        raise InvalidSource(Problem(name, "", "the workbook is too large"))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            if sum(entry.file_size for entry in entries) > MAX_UNZIPPED_BYTES:
                raise InvalidSource(Problem(name, "", "the workbook is too large once unzipped"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        raise InvalidSource(Problem(name, "", "not an XLSX workbook")) from error
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops
            workbook = openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=True, keep_links=False
            )
            try:
                if SHEET not in workbook.sheetnames:
                    found = ", ".join(workbook.sheetnames)
                    reason = f"no sheet named {SHEET} (found: {found})"
                    raise InvalidSource(Problem(name, "", reason))
                rows = [
                    [_cell_text(value) for value in values]
                    for values in workbook[SHEET].iter_rows(values_only=True)
                ]
            finally:
                workbook.close()
    except InvalidSource:
        raise
    except Exception as error:  # openpyxl raises many kinds of errors on a broken workbook
        raise InvalidSource(Problem(name, "", "the workbook cannot be read")) from error
    digest = hashlib.sha256(content).hexdigest()
    if not rows:
        raise InvalidSource(Problem(name, f"sheet {SHEET}", "the sheet is empty"))
    header = rows[0]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        reason = f"missing columns: {', '.join(missing)} (found: {', '.join(header)})"
        raise InvalidSource(Problem(name, f"sheet {SHEET}, line 1", reason))
    index = {column: header.index(column) for column in COLUMNS}

    def records() -> Iterator[tuple[int, dict[str, str]]]:
        for number, cells in enumerate(rows[1:], start=2):
            if not any(cells):
                continue
            cells = cells + [""] * (len(header) - len(cells))
            yield number, {column: cells[position] for column, position in index.items()}

    return digest, records()


def _whole_number(checker: Checker, where: str, column: str, value: str) -> int | None:
    if value in ("", SECRET):
        return None
    if not WHOLE_NUMBER.fullmatch(value):
        checker.add(f"{where}, column {column}", f"not a whole number or “*”: {value!r}")
        return None
    return int(value)


def _text(
    checker: Checker, where: str, column: str, value: str, pattern: re.Pattern[str] | None = None
) -> str:
    if not value:
        checker.add(f"{where}, column {column}", "empty")
    elif pattern is not None and not pattern.fullmatch(value):
        checker.add(f"{where}, column {column}", f"unexpected value {value!r}")
    elif len(value) > 200:
        checker.add(f"{where}, column {column}", "longer than 200 characters")
    return value


def read_source(path: Path) -> Source:
    """Every row of a CSV (plain or gzip) or XLSX file, checked; refuses the file on errors."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        digest, rows = _xlsx_rows(path)
    else:
        text = importing.read_text(path)
        digest, rows = text.sha256, importing.csv_rows(text, COLUMNS)
    checker = Checker(path.name)
    figures: list[tuple[int, Figure]] = []
    seen: dict[tuple[int, str, str], int] = {}  # key -> index in figures
    merged = 0
    for line, row in rows:
        where = f"line {line}"
        year_text = row[YEAR]
        year = 0
        if WHOLE_NUMBER.fullmatch(year_text) and 1990 <= int(year_text) <= 2100:
            year = int(year_text)
        else:
            checker.add(f"{where}, column {YEAR}", f"not a survey year: {year_text!r}")
        bassin = row[BASSIN]
        if bassin.isdigit() and len(bassin) < 4:
            bassin = bassin.zfill(4)  # the workbook stores codes as numbers (101 → 0101)
        figure = Figure(
            year=year,
            bassin_code=_text(checker, where, BASSIN, bassin, BASSIN_CODE),
            occupation_code=_text(checker, where, CODE, row[CODE], OCCUPATION_CODE),
            occupation_label=_text(checker, where, LABEL, row[LABEL]),
            family_code=_text(checker, where, FAMILY, row[FAMILY], FAMILY_CODE),
            family_label=_text(checker, where, FAMILY_LABEL, row[FAMILY_LABEL]),
            projects=_whole_number(checker, where, PROJECTS, row[PROJECTS]),
            difficult=_whole_number(checker, where, DIFFICULT, row[DIFFICULT]),
            seasonal=_whole_number(checker, where, SEASONAL, row[SEASONAL]),
        )
        key = (figure.year, figure.bassin_code, figure.occupation_code)
        if key in seen:
            # A bassin across départements has one row per département: add them up.
            merged += 1
            first_line, first = figures[seen[key]]
            figures[seen[key]] = (first_line, _added(first, figure))
            continue
        seen[key] = len(figures)
        figures.append((line, figure))
    checker.done()
    if not figures:
        raise InvalidSource(Problem(path.name, "", "no figures in the file"))
    return Source(name=path.name, sha256=digest, figures=figures, merged=merged)


def _sum(first: int | None, second: int | None) -> int | None:
    """The sum of two parts of a figure; hidden (None) if either part is hidden."""
    return None if first is None or second is None else first + second


def _added(first: Figure, second: Figure) -> Figure:
    return replace(
        first,
        projects=_sum(first.projects, second.projects),
        difficult=_sum(first.difficult, second.difficult),
        seasonal=_sum(first.seasonal, second.seasonal),
    )


# --- comparing and writing ------------------------------------------------------------------------


@dataclass
class Changes:
    create: list[BmoFigure]
    update: list[BmoFigure]
    unchanged: int
    absent: int


def compare(figures: list[Figure], bassin_ids: dict[str, int]) -> Changes:
    """What a wet run writes: new figures, changed ones, and how many stay as they are."""
    years = {figure.year for figure in figures}
    existing = {
        (year, bassin_id, code): (pk, values)
        for pk, year, bassin_id, code, *values in BmoFigure.objects.filter(
            year__in=years
        ).values_list("pk", "year", "bassin_id", "occupation_code", *VALUE_FIELDS)
    }
    changes = Changes(create=[], update=[], unchanged=0, absent=0)
    in_source = set()
    for figure in figures:
        bassin_id = bassin_ids[figure.bassin_code]
        key = (figure.year, bassin_id, figure.occupation_code)
        in_source.add(key)
        fields = dict(zip(VALUE_FIELDS, figure.values, strict=True))
        row = existing.get(key)
        if row is None:
            changes.create.append(
                BmoFigure(
                    year=figure.year,
                    bassin_id=bassin_id,
                    occupation_code=figure.occupation_code,
                    **fields,
                )
            )
        elif tuple(row[1]) != figure.values:
            changes.update.append(BmoFigure(pk=row[0], **fields))
        else:
            changes.unchanged += 1
    changes.absent = sum(1 for key in existing if key not in in_source)
    return changes


def _write(changes: Changes, progress: ProgressCallback) -> None:
    total = len(changes.create) + len(changes.update)
    done = 0
    for start in range(0, len(changes.create), BATCH_SIZE):
        batch = changes.create[start : start + BATCH_SIZE]
        BmoFigure.objects.bulk_create(batch)
        done += len(batch)
        progress(done, total, "Writing BMO figures")
    for start in range(0, len(changes.update), BATCH_SIZE):
        batch = changes.update[start : start + BATCH_SIZE]
        BmoFigure.objects.bulk_update(batch, list(VALUE_FIELDS))
        done += len(batch)
        progress(done, total, "Writing BMO figures")
    progress(total, total, "Written")


def _skip_unknown_bassins(
    source: Source, bassin_ids: dict[str, int], report: ImportReport
) -> list[Figure]:
    kept = [figure for _, figure in source.figures if figure.bassin_code in bassin_ids]
    unknown: dict[str, int] = {}
    for _, figure in source.figures:
        if figure.bassin_code not in bassin_ids:
            unknown[figure.bassin_code] = unknown.get(figure.bassin_code, 0) + 1
    if unknown:
        codes = sorted(unknown)
        shown = ", ".join(codes[:SHOWN_CODES])
        more = f" and {len(codes) - SHOWN_CODES} more" if len(codes) > SHOWN_CODES else ""
        report.problems.append(
            f"{source.name}: {len(codes)} bassins are not in the database ({shown}{more}): "
            f"their {sum(unknown.values()):,} rows were skipped. Import the territories "
            "(fabrique import territories) to load every bassin."
        )
    return kept


def version_of(source: Source) -> str:
    years = sorted({figure.year for _, figure in source.figures})
    label = "BMO " + ", ".join(str(year) for year in years)
    if source.sha256 == SHIPPED_SHA256:
        return label
    return f"{label} (file {source.sha256[:12]})"


def import_bmo(
    path: Path | None = None,
    *,
    wet_run: bool,
    progress: ProgressCallback = no_progress,
) -> ImportReport:
    """Import the BMO figures of ``path`` (default: the file shipped with Fabrique).

    A dry run (``wet_run=False``) writes nothing and reports what a wet run would do.
    """
    source = read_source(path or SHIPPED_FILE)
    report = ImportReport(name=NAME, wet_run=wet_run, version=version_of(source))
    bassin_ids = dict(BassinEmploi.objects.values_list("code", "id"))
    if source.merged:
        report.problems.append(
            f"{source.name}: {source.merged:,} rows repeat a bassin and occupation in another "
            "département (bassins across départements): their figures were added up; a sum "
            "with a hidden part (“*”) is stored as empty."
        )
    figures = _skip_unknown_bassins(source, bassin_ids, report)

    def count(changes: Changes) -> None:
        counts = report.count("bmo_figures")
        counts.created = len(changes.create)
        counts.updated = len(changes.update)
        counts.unchanged = changes.unchanged
        if changes.absent:
            report.problems.append(
                f"{changes.absent:,} figures of the same years in the database are not in "
                f"{source.name}: they were left as they are."
            )

    if not wet_run:
        count(compare(figures, bassin_ids))
        return report
    with transaction.atomic():
        DataSource.objects.get_or_create(name=NAME, defaults={"version": ""})
        DataSource.objects.select_for_update().get(name=NAME)  # serialise wet runs
        changes = compare(figures, bassin_ids)
        count(changes)
        _write(changes, progress)
        _record_source(report, source)
    return report


def _record_source(report: ImportReport, source: Source) -> None:
    counts = report.as_dict()
    DataSource.objects.update_or_create(
        name=NAME,
        defaults={"version": report.version[:60], "counts": {**counts, "file": source.sha256}},
    )
    audit.record_event(
        action="create",
        model="needs.bmo_import",
        label=f"Import of {report.version}"[:254],
        after={label: {k: v for k, v in c.items() if v} for label, c in counts.items()},
    )


# --- registration -------------------------------------------------------------------------------


def _run(
    paths: list[Path],
    *,
    wet_run: bool,
    progress: ProgressCallback,
    options: Mapping[str, Any],
) -> ImportReport:
    if len(paths) > 1:
        raise InvalidSource(Problem(NAME, "", "give one file (CSV, CSV.GZ or XLSX)"))
    return import_bmo(paths[0] if paths else None, wet_run=wet_run, progress=progress)


importing.register(
    NAME,
    help="France Travail BMO survey: hiring projects per bassin and occupation (2024).",
    runner=_run,
)


# --- ``needs`` and ``workforce``: the spreadsheets of companies ---------------------------------


def _spreadsheet_runner(kind: str) -> Any:
    """The command-line runner of the ``needs`` or ``workforce`` spreadsheet import: the file
    is checked whole (a refused row refuses the file), then planned, and written in a wet run.
    The operator imports for any company named by the file."""

    def run(
        paths: list[Path],
        *,
        wet_run: bool,
        progress: ProgressCallback,
        options: Mapping[str, Any],
    ) -> ImportReport:
        from fabrique.needs import actions, imports, spreadsheets, workforce_imports

        if len(paths) != 1:
            raise InvalidSource(Problem(kind, "", "give one .csv or .xlsx file"))
        path = paths[0]
        sheet = imports.NEEDS_SHEET if kind == "needs" else imports.WORKFORCE_SHEET
        try:
            content = path.read_bytes()
        except OSError as error:
            reason = f"cannot be read ({error.strerror})"
            raise InvalidSource(Problem(path.name, "", reason)) from error
        progress(0, 1, path.name)
        try:
            rows = spreadsheets.read(content, name=path.name, sheet=sheet)
            if kind == "needs":
                need_rows = imports.resolve_needs(rows, user=None)
                plan: Any = (
                    actions.import_needs(rows=need_rows, by=None)
                    if wet_run
                    else imports.plan_needs(need_rows)
                )
            else:
                workforce_rows = workforce_imports.resolve_workforce(rows, user=None)
                plan = (
                    actions.import_workforce(rows=workforce_rows, by=None)
                    if wet_run
                    else workforce_imports.plan_workforce(workforce_rows)
                )
        except spreadsheets.SheetRefused as refusal:
            raise InvalidSource(
                [Problem(path.name, problem.where, problem.reason) for problem in refusal.problems]
            ) from refusal
        progress(1, 1, path.name)
        digest = hashlib.sha256(content).hexdigest()
        report = ImportReport(name=kind, wet_run=wet_run, version=f"{path.name} ({digest[:12]})")
        report.counts = dict(plan.counts)
        return report

    return run


importing.register(
    "needs",
    help="Hiring needs of industrial projects from a spreadsheet (.xlsx or .csv, one row per "
    "need; docs/formats/needs-spreadsheet.md).",
    runner=_spreadsheet_runner("needs"),
)
importing.register(
    "workforce",
    help="Workforce snapshots (headcount by occupation and age band) from a spreadsheet "
    "(.xlsx or .csv; docs/formats/workforce-spreadsheet.md).",
    runner=_spreadsheet_runner("workforce"),
)

"""The hiring needs and workforce spreadsheets (CSV or XLSX): reading their rows, finding the
companies, communes and occupations they name, and writing their templates.

Files are read with the training spreadsheet's reader (``trainings.spreadsheets``: the same
limits, the same CSV and XLSX rules, the same cell parsing and problems), so that every
spreadsheet of the platform behaves alike. ``read`` checks the file alone; ``Lookups`` then
finds what the rows name in the database. Both raise ``SheetRefused`` with every problem
found (row, column, reason). What a file changes and its writing are in ``imports.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from fabrique.accounts.models import Organisation
from fabrique.referentials.models import Occupation, Scheme
from fabrique.territories.models import Commune
from fabrique.trainings.spreadsheet_columns import Column, Vocabulary, column_key
from fabrique.trainings.spreadsheet_export import DATE_FORMAT, csv_cell
from fabrique.trainings.spreadsheets import (
    MAX_BYTES,
    MAX_PROBLEMS,
    MAX_ROWS,
    Cell,
    RowProblem,
    SheetRefused,
    _csv_rows,
    _refuse,
    _Row,
    _text,
    _xlsx_rows,
    data_rows,
    file_kind,
)

__all__ = [
    "MAX_BYTES",
    "Lookups",
    "RowProblem",
    "Sheet",
    "SheetRefused",
    "file_kind",
    "read",
]

logger = logging.getLogger(__name__)
ROME_CODE = re.compile(r"[A-Za-z]\d{4}")
SIRET = re.compile(r"\d{14}")
ESCO_PREFIX = "http"
MATCHER_MIN_SCORE = 0.5


@dataclass(frozen=True)
class Sheet:
    """What a spreadsheet holds: its columns, the required ones, their notes and lists of
    values, and the title of its sheet in the template."""

    title: str
    columns: tuple[Column, ...]
    required: tuple[str, ...]
    notes: Mapping[str, Any]
    vocabularies: Mapping[str, Vocabulary]
    stem: str  # the template's file name, without its extension

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


class _Problems:
    """The problems of one file, as the training reader's rows report them."""

    def __init__(self, *, unescape: bool) -> None:
        self.unescape = unescape
        self.problems: list[RowProblem] = []

    def problem(self, row: int | None, column: str, reason: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(RowProblem(row, column, reason))
        elif len(self.problems) == MAX_PROBLEMS:
            reason = _("stopped after %(max)s problems.") % {"max": MAX_PROBLEMS}
            self.problems.append(RowProblem(None, "", reason))

    def raise_any(self, sheet: Sheet) -> None:
        if self.problems:
            order = {name: position for position, name in enumerate(sheet.names)}
            self.problems.sort(key=lambda p: (p.row or 0, order.get(p.column, -1)))
            raise SheetRefused(self.problems)


def _zero_padded(cell: Cell, width: int) -> Cell:
    """A code typed as a number loses its leading zeros: 1053 → 01053."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        text = _text(cell)
        if text.isdigit() and len(text) < width:
            return text.zfill(width)
    return cell


def read(content: bytes, *, name: str, sheet: Sheet) -> list[tuple[int, dict[str, Any]]]:
    """The rows of a CSV or XLSX file as (row number, values by field), each cell checked;
    raises ``SheetRefused`` with every problem found."""
    kind = file_kind(name)
    if not content:
        raise _refuse(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise _refuse(
            _("The file is too large (at most %(max)s MB).") % {"max": MAX_BYTES // 1024**2}
        )
    if kind == "xlsx":
        _title, rows = _xlsx_rows(content)
        problems = _Problems(unescape=False)
    else:
        rows = _csv_rows(content)
        problems = _Problems(unescape=True)
    return _read_rows(rows, sheet, problems)


def _header(number: int, header: list[Cell], sheet: Sheet) -> list[str]:
    names = [column_key(_text(cell)) for cell in header]
    while names and not names[-1]:
        names.pop()
    problems = []
    seen: set[str] = set()
    known = set(sheet.names)
    for position, name in enumerate(names, start=1):
        if not name:
            continue
        if name not in known:
            problems.append(
                RowProblem(
                    number,
                    _text(header[position - 1])[:40],
                    _("unknown column; the columns are: %(columns)s.")
                    % {"columns": ", ".join(sheet.names)},
                )
            )
        elif name in seen:
            problems.append(RowProblem(number, name, _("this column is given twice.")))
        seen.add(name)
    for name in sheet.required:
        if name not in seen:
            problems.append(RowProblem(number, name, _("the column is missing.")))
    if problems:
        raise SheetRefused(problems)
    return [name if name in known else "" for name in names]


def _read_rows(
    rows: Iterator[tuple[int, list[Cell]]], sheet: Sheet, problems: _Problems
) -> list[tuple[int, dict[str, Any]]]:
    read_rows: list[tuple[int, dict[str, Any]]] = []
    for number, given in data_rows(
        rows, lambda number, header: _header(number, header, sheet), problems.problem
    ):
        if "code_insee" in given:
            given["code_insee"] = _zero_padded(given["code_insee"], 5)
        if "entreprise" in given:
            given["entreprise"] = _zero_padded(given["entreprise"], 14)
        row = _Row(number, given, problems)  # type: ignore[arg-type]
        values: dict[str, Any] = {}
        for column in sheet.columns:
            if column.name in sheet.required and not row.given(column.name):
                row.problem(column.name, _("is required."))
                values[column.field] = None
                continue
            values[column.field] = row.value(column)
        if values.get("count") == 0 and "nombre" in sheet.names:
            row.problem("nombre", _("must be 1 or more: a hiring need is at least one job."))
        read_rows.append((number, values))
    if not read_rows and not problems.problems:
        problems.problem(None, "", _("The file holds no row."))
    problems.raise_any(sheet)
    return read_rows


# --- what the rows name in the database ---------------------------------------------------------


class Lookups:
    """Finds the companies, communes and occupations the rows name, once per value, and
    reports the rows naming what cannot be found."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.problems = _Problems(unescape=False)
        self._companies: dict[str, Organisation | str] = {}
        self._communes: dict[str, Commune | None] = {}
        self._occupations: dict[str, Occupation | str] = {}

    def problem(self, row: int, column: str, reason: str) -> None:
        self.problems.problem(row, column, reason)

    def done(self) -> None:
        self.problems.raise_any(self.sheet)

    def company(self, row: int, value: str) -> Organisation | None:
        key = value if SIRET.fullmatch(value) else value.strip().casefold()
        if key not in self._companies:
            self._companies[key] = self._find_company(value)
        found = self._companies[key]
        if isinstance(found, str):
            self.problem(row, "entreprise", found)
            return None
        return found

    def _find_company(self, value: str) -> Organisation | str:
        if SIRET.fullmatch(value):
            found = list(Organisation.objects.filter(siret=value)[:2])
            if not found:
                return _("No organisation has the SIRET %(siret)s on the platform.") % {
                    "siret": value
                }
        else:
            found = list(Organisation.objects.filter(name__iexact=value.strip())[:2])
            if not found:
                return _(
                    "No organisation is named “%(name)s” on the platform: give its SIRET, or "
                    "its name as the platform writes it."
                ) % {"name": value[:80]}
        if len(found) > 1:
            return _("Several organisations match “%(value)s”: give the SIRET.") % {
                "value": value[:80]
            }
        return found[0]

    def commune(self, row: int, code: str) -> Commune | None:
        if not code:
            return None
        if code not in self._communes:
            self._communes[code] = Commune.objects.filter(insee_code=code.upper()).first()
        found = self._communes[code]
        if found is None:
            self.problem(
                row, "code_insee", _("No commune has the INSEE code %(code)s.") % {"code": code}
            )
        return found

    def occupation(self, row: int, value: str) -> Occupation | None:
        key = value.strip()
        if key not in self._occupations:
            self._occupations[key] = _find_occupation(key)
        found = self._occupations[key]
        if isinstance(found, str):
            self.problem(row, "metier", found)
            return None
        return found


def _find_occupation(value: str) -> Occupation | str:
    """A ROME code, an ESCO URI, or a label the text matcher recognises (only when its index
    is ready: an import never waits for the index to be built)."""
    if ROME_CODE.fullmatch(value):
        found = (
            Occupation.objects.filter(scheme=Scheme.ROME, code__iexact=value)
            .order_by("obsolete", "pk")
            .first()
        )
        return found or _("No ROME occupation has the code %(code)s.") % {"code": value.upper()}
    if value.lower().startswith(ESCO_PREFIX):
        found = Occupation.objects.filter(scheme=Scheme.ESCO, code=value).first()
        return found or _("No ESCO occupation has the URI %(uri)s.") % {"uri": value[:120]}
    from fabrique.referentials import matching

    if not matching.ready("occupations", Scheme.ROME):
        return _(
            "“%(value)s” is not a ROME code and the text matcher is not available yet: give a "
            "ROME code (e.g. H2903)."
        ) % {"value": value[:80]}
    try:
        matches = matching.occupations([value], scheme=Scheme.ROME, top=1)[0]
    except Exception:  # the matcher is an extra: its failure refuses the row, not the page
        logger.warning("The text matcher failed on an imported occupation.", exc_info=True)
        matches = []
    best = matches[0] if matches else None
    if best is not None and best.score >= MATCHER_MIN_SCORE:
        found = Occupation.objects.filter(scheme=Scheme.ROME, code=best.code).first()
        if found is not None:
            return found
    return _("No occupation recognised in “%(value)s”: give a ROME code (e.g. H2903).") % {
        "value": value[:80]
    }


# --- templates --------------------------------------------------------------------------------


def template_csv(sheet: Sheet) -> bytes:
    """The header and the example row; UTF-8 with a byte order mark, semicolons, CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(sheet.names)
    writer.writerow([csv_cell(column.example) for column in sheet.columns])  # type: ignore[arg-type]
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(sheet: Sheet) -> bytes:
    """The header with a note on each column, the example row, drop-down lists of the
    enumerated columns, and a sheet of notes explaining each column."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    data = workbook.active
    data.title = sheet.title
    bold = Font(bold=True)
    for position, column in enumerate(sheet.columns, start=1):
        header = data.cell(row=1, column=position, value=column.name)
        header.font = bold
        header.comment = Comment(str(sheet.notes[column.name]), "Fabrique", width=300, height=120)
        example = data.cell(row=2, column=position, value=column.example)
        if isinstance(column.example, str):
            example.data_type = "s"
        elif isinstance(column.example, dt.date):
            example.number_format = DATE_FORMAT
        data.column_dimensions[get_column_letter(position)].width = max(
            14, min(40, len(str(column.example)) + 2)
        )
    data.freeze_panes = "A2"

    lists = workbook.create_sheet("Listes")
    for position, (name, vocabulary) in enumerate(sheet.vocabularies.items(), start=1):
        lists.cell(row=1, column=position, value=name).font = bold
        words = list(vocabulary.words.values())
        for number, word in enumerate(words, start=2):
            lists.cell(row=number, column=position, value=word)
        letter = get_column_letter(position)
        validation = DataValidation(
            type="list",
            formula1=f"=Listes!${letter}$2:${letter}${len(words) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Unknown value"),
            error=_("Choose a value of the list."),
        )
        data.add_data_validation(validation)
        target = get_column_letter(sheet.names.index(name) + 1)
        validation.add(f"{target}2:{target}{MAX_ROWS + 1}")
    lists.sheet_state = "hidden"

    notes = workbook.create_sheet("Notes")
    notes.append([_("Column"), _("What to write"), _("Example"), _("Allowed values")])
    for cell in notes[1]:
        cell.font = bold
    for column in sheet.columns:
        vocabulary = sheet.vocabularies.get(column.name)
        allowed = ", ".join(vocabulary.words.values()) if vocabulary else ""
        required = _("required") if column.name in sheet.required else _("optional")
        notes.append(
            [
                column.name,
                f"{sheet.notes[column.name]} ({required})",
                csv_cell(column.example),  # type: ignore[arg-type]
                allowed,
            ]
        )
    for letter, width in zip("ABCD", (18, 90, 30, 60), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

"""The training catalogue as a spreadsheet (CSV or XLSX): columns, values, and the reader.

One row per session, with French column headers (``docs/formats/training-spreadsheet.md``).
The training columns repeat on each row of its sessions (the export writes them on every
row); on import they may be left empty after the first row of a training. A row names its
training by ``code_formation`` (or, for a training without code, by ``intitule``) and its
organisation by ``organisme``/``siret``, unless the import chooses the organisation.

``read`` validates the whole file and returns ``TrainingRecord``s, or raises ``SheetRefused``
with every problem found (row, column, reason): a file with one refused row writes nothing,
so that a catalogue is never half imported. The export and the template are in
``spreadsheet_export``; writing goes through ``offer.write_offer``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from fabrique.engine.text import fold
from fabrique.trainings.records import OrganisationRecord, Origin, SessionRecord, TrainingRecord
from fabrique.trainings.spreadsheet_columns import (
    BY_NAME,
    COLUMN_NAMES,
    DEFAULTS,
    LIST_SEPARATOR,
    SESSION_COLUMNS,
    TRAINING_COLUMNS,
    Column,
    column_key,
)

if TYPE_CHECKING:
    from fabrique.core.importing import ImportReport
    from fabrique.core.progress import ProgressCallback
    from fabrique.trainings.offer import OfferReport

MAX_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024  # an XLSX file is a zip: refuse zip bombs
MAX_ZIP_ENTRIES = 2_000
MAX_ROWS = 5_000
MAX_PROBLEMS = 200
SHEET_TITLE = "Formations"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- problems --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    """Why a file is refused: the row (1 is the header; None for the whole file), the column,
    and the reason."""

    row: int | None
    column: str
    reason: str

    @property
    def where(self) -> str:
        if self.row is None:
            return ""
        if self.column:
            return _("row %(row)s, column %(column)s") % {"row": self.row, "column": self.column}
        return _("row %(row)s") % {"row": self.row}

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason


class SheetRefused(Exception):
    """A file that cannot be imported; ``problems`` lists every reason found."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems[:5]))


def _refuse(reason: str, row: int | None = None, column: str = "") -> SheetRefused:
    return SheetRefused([RowProblem(row, column, reason)])


# --- reading cells -----------------------------------------------------------------------------

Cell = str | int | float | Decimal | dt.date | dt.datetime | bool | None


def _text(value: Cell) -> str:
    """A cell as text: whole numbers without ``.0``, dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


_DATE_FR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_INTEGER = re.compile(r"[+-]?\d+")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_BLANKS = re.compile(r"[\s\u00a0\u202f]+")


def _number_text(value: str) -> str:
    return _BLANKS.sub("", value).removesuffix("€").replace(",", ".")


class _Row:
    """The cells of one row and the problems found in them."""

    def __init__(self, number: int, cells: dict[str, Cell], reader: _Reader) -> None:
        self.number = number
        self.cells = cells
        self.reader = reader

    def problem(self, column: str, reason: str) -> None:
        self.reader.problem(self.number, column, reason)

    def given(self, column: str) -> bool:
        return _text(self.cells.get(column)) != ""

    def value(self, column: Column) -> Any:
        """The cell of ``column`` as the record's value (its default when empty); None and a
        problem when the cell is wrong."""
        raw = self.cells.get(column.name)
        text = _text(raw)
        if "\x00" in text:
            self.problem(column.name, _("contains a NUL character."))
            return None
        if column.kind in ("text", "free_text") and self.reader.unescape and text[:1] == "'":
            text = text[1:]
        if not text:
            if column.kind in ("enums", "codes"):
                return ()
            if column.kind in ("int", "decimal", "float", "date"):
                return None
            return DEFAULTS.get(column.field, "")
        parse = getattr(self, f"_{column.kind}")
        return parse(column, raw, text)

    def _length(self, column: Column, text: str) -> bool:
        if len(text) > column.max_length:
            self.problem(
                column.name,
                _("is too long (%(length)s characters, at most %(max)s).")
                % {"length": len(text), "max": column.max_length},
            )
            return False
        return True

    def _text(self, column: Column, raw: Cell, text: str) -> str | None:
        if not self._length(column, text):
            return None
        if column.pattern is not None:
            if not column.pattern.fullmatch(text):
                self.problem(
                    column.name, _("“%(value)s” is not a valid code.") % {"value": text[:40]}
                )
                return None
            text = text.upper()
        if column.field == "postcode" and isinstance(raw, int | float) and len(text) < 5:
            text = text.zfill(5)  # a postcode typed as a number loses its leading zero
        return text

    def _free_text(self, column: Column, raw: Cell, text: str) -> str | None:
        return text if self._length(column, text) else None

    def _int(self, column: Column, raw: Cell, text: str) -> int | None:
        number = _number_text(text)
        if not _INTEGER.fullmatch(number) or not 0 <= int(number) < 2**31:
            self.problem(
                column.name,
                _("must be a whole number, 0 or more (not “%(value)s”).") % {"value": text[:40]},
            )
            return None
        return int(number)

    def _decimal(self, column: Column, raw: Cell, text: str) -> Decimal | None:
        number = _number_text(text)
        try:
            value = Decimal(number).quantize(Decimal("0.01")) if _NUMBER.fullmatch(number) else None
        except InvalidOperation:
            value = None
        if value is None or value < 0 or value >= 10**8:
            self.problem(
                column.name,
                _("must be an amount in euros, 0 or more (not “%(value)s”).")
                % {"value": text[:40]},
            )
            return None
        return value

    def _float(self, column: Column, raw: Cell, text: str) -> float | None:
        number = _number_text(text)
        limit = 90 if column.field == "latitude" else 180
        if not _NUMBER.fullmatch(number) or not -limit <= float(number) <= limit:
            self.problem(
                column.name,
                _("must be a number between -%(limit)s and %(limit)s (not “%(value)s”).")
                % {"limit": limit, "value": text[:40]},
            )
            return None
        return float(number)

    def _date(self, column: Column, raw: Cell, text: str) -> dt.date | None:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        if isinstance(raw, int | float):
            self.problem(
                column.name,
                _("is a number, not a date: format the cell as a date or write JJ/MM/AAAA."),
            )
            return None
        parts: tuple[str, str, str] | None = None
        if match := _DATE_FR.fullmatch(text):
            parts = (match[3], match[2], match[1])
        elif match := _DATE_ISO.fullmatch(text):
            parts = (match[1], match[2], match[3])
        if parts is not None:
            try:
                return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                pass
        self.problem(
            column.name,
            _("“%(value)s” is not a date: write JJ/MM/AAAA or AAAA-MM-JJ.") % {"value": text[:40]},
        )
        return None

    def _unknown(self, column: Column, item: str) -> None:
        assert column.vocabulary is not None
        self.problem(
            column.name,
            _("“%(value)s” is not a known value; use one of: %(values)s.")
            % {"value": item[:40], "values": ", ".join(column.vocabulary.words.values())},
        )

    def _enum(self, column: Column, raw: Cell, text: str) -> str | None:
        assert column.vocabulary is not None
        code = column.vocabulary.code(text)
        if code is None:
            self._unknown(column, text)
        return code

    def _enums(self, column: Column, raw: Cell, text: str) -> tuple[str, ...] | None:
        assert column.vocabulary is not None
        codes: list[str] = []
        for item in (part.strip() for part in text.split(LIST_SEPARATOR)):
            if not item:
                continue
            code = column.vocabulary.code(item)
            if code is None:
                self._unknown(column, item)
                return None
            if code not in codes:
                codes.append(code)
        return tuple(codes)

    def _codes(self, column: Column, raw: Cell, text: str) -> tuple[str, ...] | None:
        assert column.pattern is not None
        codes: list[str] = []
        for item in (part.strip() for part in text.split(LIST_SEPARATOR)):
            if not item:
                continue
            if not column.pattern.fullmatch(item):
                self.problem(
                    column.name, _("“%(value)s” is not a valid code.") % {"value": item[:40]}
                )
                return None
            if item.upper() not in codes:
                codes.append(item.upper())
        return tuple(codes)


# --- reading rows into records -----------------------------------------------------------------


@dataclass
class _Training:
    row: int
    organisation: OrganisationRecord
    values: dict[str, Any]
    origin: Origin
    sessions: list[SessionRecord] = field(default_factory=list)
    session_rows: dict[str, int] = field(default_factory=dict)


class _Reader:
    def __init__(
        self, where: str, organisation: OrganisationRecord | None, *, unescape: bool
    ) -> None:
        self.where = where
        self.organisation = organisation
        self.unescape = unescape
        self.problems: list[RowProblem] = []
        self.trainings: dict[tuple[str, str, str], _Training] = {}
        self.organisations: dict[str, tuple[int, OrganisationRecord]] = {}

    def problem(self, row: int | None, column: str, reason: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(RowProblem(row, column, reason))
        elif len(self.problems) == MAX_PROBLEMS:
            reason = _("stopped after %(max)s problems.") % {"max": MAX_PROBLEMS}
            self.problems.append(RowProblem(None, "", reason))

    def row(self, number: int, cells: dict[str, Cell]) -> None:
        row = _Row(number, cells, self)
        found = self.organisation_of(row)
        code = row.value(BY_NAME["code_formation"])
        title = row.value(BY_NAME["intitule"])
        if code is None or title is None:
            return
        # Without its organisation, the row is still checked (and the file refused anyway).
        organisation, organisation_key = found or (OrganisationRecord(name=""), "\x00")
        if code:
            key = (organisation_key, "code", code)
        elif title:
            key = (organisation_key, "title", fold(title))
        else:  # no name: checked alone, and refused for its missing title
            key = (organisation_key, "row", str(number))
        training = self.trainings.get(key)
        if training is None:
            training = self.first_row(row, organisation)
            self.trainings[key] = training
        else:
            self.later_row(row, training)
        self.session(row, training)

    def organisation_of(self, row: _Row) -> tuple[OrganisationRecord, str] | None:
        name = row.value(BY_NAME["organisme"])
        siret = row.value(BY_NAME["siret"])
        if name is None or siret is None:
            return None
        chosen = self.organisation
        if chosen is not None:
            other_siret = bool(siret and chosen.siret and siret != chosen.siret)
            same_siret = bool(siret and siret == chosen.siret)
            if other_siret or (name and fold(name) != fold(chosen.name) and not same_siret):
                row.problem(
                    "siret" if other_siret else "organisme",
                    _("names another organisation than the one chosen (%(name)s).")
                    % {"name": chosen.name},
                )
                return None
            return chosen, ""
        if not name and not siret:
            row.problem(
                "organisme", _("is required: name the training organisation (organisme or siret).")
            )
            return None
        key = siret or fold(name)
        first = self.organisations.get(key)
        if first is None:
            record = OrganisationRecord(name=name, siret=siret)
            self.organisations[key] = (row.number, record)
            return record, key
        if name and fold(name) != fold(first[1].name):
            row.problem(
                "organisme",
                _("differs from row %(row)s (“%(value)s”) for the same SIRET.")
                % {"row": first[0], "value": first[1].name[:60]},
            )
            return None
        return first[1], key

    def first_row(self, row: _Row, organisation: OrganisationRecord) -> _Training:
        values = {column.field: row.value(column) for column in TRAINING_COLUMNS}
        if values["title"] == "":
            row.problem("intitule", _("is required on the first row of a training."))
        certification = values["certification_code"]
        for bloc in values["bloc_codes"] or ():
            if certification and not bloc.startswith(certification + "BC"):
                row.problem(
                    "blocs",
                    _("%(bloc)s is not a bloc of the certification %(certification)s.")
                    % {"bloc": bloc, "certification": certification},
                )
        origin = Origin(self.where, row.number)
        return _Training(row.number, organisation, values, origin)

    def later_row(self, row: _Row, training: _Training) -> None:
        """A training value repeated on a later row must be the same as on its first row."""
        for column in TRAINING_COLUMNS:
            if not row.given(column.name):
                continue
            value = row.value(column)
            first = training.values[column.field]
            if value is not None and first is not None and value != first:
                shown = _shown(column, first)
                row.problem(
                    column.name,
                    _("differs from row %(row)s (“%(value)s”); leave it empty or repeat it.")
                    % {"row": training.row, "value": shown[:60]},
                )

    def session(self, row: _Row, training: _Training) -> None:
        if not any(row.given(column.name) for column in SESSION_COLUMNS):
            return
        before = len(self.problems)
        values = {column.field: row.value(column) for column in SESSION_COLUMNS}
        for column in ("debut", "fin"):
            if not row.given(column):
                row.problem(column, _("is required for a session."))
        start, end = values["start"], values["end"]
        if start is not None and end is not None and end < start:
            row.problem(
                "fin",
                _("is before the start of the session (%(start)s).")
                % {"start": start.strftime("%d/%m/%Y")},
            )
        if row.given("latitude") != row.given("longitude"):
            row.problem(
                "longitude" if row.given("latitude") else "latitude",
                _("give both latitude and longitude, or neither."),
            )
        code = values["code"]
        if code and code in training.session_rows:
            row.problem(
                "code_session",
                _("the session %(code)s of this training is already on row %(row)s.")
                % {"code": code, "row": training.session_rows[code]},
            )
        if len(self.problems) != before:
            return
        if code:
            training.session_rows[code] = row.number
        training.sessions.append(SessionRecord(**values, origin=Origin(self.where, row.number)))

    def records(self) -> tuple[TrainingRecord, ...]:
        if not self.trainings and not self.problems:
            self.problem(None, "", _("The file holds no training."))
        if self.problems:
            order = {name: position for position, name in enumerate(COLUMN_NAMES)}
            self.problems.sort(key=lambda p: (p.row or 0, order.get(p.column, -1)))
            raise SheetRefused(self.problems)
        return tuple(
            TrainingRecord(
                organisation=training.organisation,
                **training.values,
                sessions=tuple(training.sessions),
                origin=training.origin,
            )
            for training in self.trainings.values()
        )


def _shown(column: Column, value: Any) -> str:
    if column.vocabulary is not None:
        if isinstance(value, tuple):
            return LIST_SEPARATOR.join(column.vocabulary.word(code) for code in value)
        return column.vocabulary.word(value)
    if isinstance(value, tuple):
        return LIST_SEPARATOR.join(value)
    return _text(value)


# --- reading files -----------------------------------------------------------------------------

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


def file_kind(name: str) -> str:
    """``csv`` or ``xlsx`` from the file's name; ``SheetRefused`` for any other name."""
    suffix = PurePath(name or "").suffix.lower()
    if suffix in (".csv", ".xlsx"):
        return suffix[1:]
    if suffix in (".xls", ".xlsm", ".xlsb", ".xltx", ".xltm", ".ods"):
        raise _refuse(
            _("%(suffix)s files are not read: save the workbook as .xlsx (without macros).")
            % {"suffix": suffix}
        )
    raise _refuse(_("Give a .csv or an .xlsx file."))


def read(
    content: bytes, *, name: str, organisation: OrganisationRecord | None = None
) -> tuple[TrainingRecord, ...]:
    """The trainings of a CSV or XLSX file; raises ``SheetRefused`` with every problem found.

    ``organisation``, when given, is the organisation of every training: the rows may leave
    ``organisme`` and ``siret`` empty, and must not name another organisation.
    """
    kind = file_kind(name)
    if not content:
        raise _refuse(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise _refuse(
            _("The file is too large (at most %(max)s MB).") % {"max": MAX_BYTES // 1024**2}
        )
    label = PurePath(name).name
    if kind == "xlsx":
        sheet, rows = _xlsx_rows(content)
        reader = _Reader(f"{label}, sheet {sheet}", organisation, unescape=False)
    else:
        rows = _csv_rows(content)
        reader = _Reader(label, organisation, unescape=True)
    return _read_rows(reader, rows)


def data_rows(
    rows: Iterator[tuple[int, list[Cell]]],
    header_columns: Callable[[int, list[Cell]], list[str]],
    problem: Callable[[int, str, str], None],
) -> Iterator[tuple[int, dict[str, Cell]]]:
    """The data rows of a sheet as (row number, {column name: cell}), after its header.

    ``header_columns(number, cells)`` names the columns ("" for a column to ignore) or refuses
    the header; blank rows are skipped; a row with more values than columns, or rows beyond
    ``MAX_ROWS``, are reported through ``problem(number, column, message)``. Every
    spreadsheet import reads its rows this way.
    """
    header_row = next(rows, None)
    if header_row is None or not any(_text(cell) for cell in header_row[1]):
        raise _refuse(_("The header row is missing."), 1)
    header_number, header = header_row
    columns = header_columns(header_number, header)
    count = 0
    for number, cells in rows:
        if not any(_text(cell) for cell in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            problem(number, "", _("too many rows (at most %(max)s).") % {"max": MAX_ROWS})
            break
        if len(cells) > len(columns) and any(_text(cell) for cell in cells[len(columns) :]):
            problem(
                number,
                "",
                _("%(count)s values for %(columns)s columns.")
                % {"count": len(cells), "columns": len(columns)},
            )
            continue
        yield number, {name: cell for name, cell in zip(columns, cells, strict=False) if name}


def _read_rows(
    reader: _Reader, rows: Iterator[tuple[int, list[Cell]]]
) -> tuple[TrainingRecord, ...]:
    for number, row in data_rows(rows, _header_columns, reader.problem):
        reader.row(number, row)
    return reader.records()


def _header_columns(number: int, header: list[Cell]) -> list[str]:
    names = [column_key(_text(cell)) for cell in header]
    while names and not names[-1]:
        names.pop()
    problems = []
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if not name:
            continue
        if name not in BY_NAME:
            problems.append(
                RowProblem(
                    number,
                    _text(header[position - 1])[:40],
                    _("unknown column; the columns are: %(columns)s.")
                    % {"columns": ", ".join(COLUMN_NAMES)},
                )
            )
        elif name in seen:
            problems.append(RowProblem(number, name, _("this column is given twice.")))
        seen.add(name)
    if "intitule" not in seen:
        problems.append(RowProblem(number, "intitule", _("the column is missing.")))
    if problems:
        raise SheetRefused(problems)
    return [name if name in BY_NAME else "" for name in names]


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[Cell]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise _refuse(
            _("the file is not UTF-8 text: save it as “CSV UTF-8”, or send the .xlsx file."), line
        ) from None
    if "\x00" in text:
        raise _refuse(_("The file holds NUL characters: it is not a CSV text file."))
    if not text.strip():
        raise _refuse(_("The file is empty."))
    first_line, _newline, rest = text.partition("\n")
    offset = 0
    if first_line.strip().lower().startswith("sep=") and len(first_line.strip()) == 5:
        delimiter = first_line.strip()[4]  # Excel's way of naming the separator
        text, offset = rest, 1
        first_line = text.partition("\n")[0]
    else:
        delimiter = "," if first_line.count(",") > first_line.count(";") else ";"
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    return _numbered_csv_rows(rows, offset)


def _numbered_csv_rows(rows: Any, offset: int) -> Iterator[tuple[int, list[Cell]]]:
    while True:
        start = rows.line_num + 1 + offset
        try:
            cells = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            raise _refuse(
                _("this line cannot be read (%(reason)s).") % {"reason": error}, start
            ) from None
        yield start, list(cells)


def _xlsx_rows(content: bytes) -> tuple[str, Iterator[tuple[int, list[Cell]]]]:
    """The title of the sheet read, and its rows (the workbook is read whole first)."""
    if content.startswith(OLE_MAGIC):
        raise _refuse(
            _("This is an old Excel file (.xls) or a protected workbook: save it as .xlsx.")
        )
    if not content.startswith(ZIP_MAGIC):
        raise _refuse(_("The file is not an XLSX workbook."))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if (
                len(entries) > MAX_ZIP_ENTRIES
                or sum(entry.file_size for entry in entries) > MAX_UNZIPPED_BYTES
            ):
                raise _refuse(_("The workbook is too large once uncompressed."))
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise _refuse(_("The workbook holds macros: save it as .xlsx without macros."))
            if "[Content_Types].xml" not in names:
                raise _refuse(_("The file is not an XLSX workbook."))
            types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError):
        raise _refuse(_("The file is not an XLSX workbook (it cannot be opened).")) from None
    if b"macroEnabled" in types:
        raise _refuse(_("The workbook holds macros: save it as .xlsx without macros."))
    if b"spreadsheetml.sheet.main+xml" not in types:
        raise _refuse(_("The file is not an XLSX workbook."))
    import openpyxl

    rows: list[tuple[int, list[Cell]]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops
            workbook = openpyxl.load_workbook(
                io.BytesIO(content), read_only=True, data_only=True, keep_links=False
            )
            try:
                sheets = workbook.worksheets
                if not sheets:
                    raise _refuse(_("The workbook has no sheet."))
                sheet = next((s for s in sheets if s.title == SHEET_TITLE), sheets[0])
                title = sheet.title
                kept = 0
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    cells = list(values)
                    if any(_text(cell) for cell in cells):
                        kept += 1
                        rows.append((number, cells))
                    if kept > MAX_ROWS + 1:
                        break
            finally:
                workbook.close()
    except SheetRefused:
        raise
    except Exception:  # openpyxl raises many kinds of errors on a broken workbook
        raise _refuse(_("The workbook cannot be read: is it a valid .xlsx file?")) from None
    return title, iter(rows)


# --- the command line: ``fabrique import trainings-spreadsheet FILE`` -------------------------


def run(
    paths: list[Path],
    *,
    wet_run: bool,
    progress: ProgressCallback,
    options: Mapping[str, Any],
) -> ImportReport:
    """Import one CSV or XLSX file; the rows name their organisation unless
    ``--trainings-organisation SLUG`` chooses it."""
    from fabrique.accounts.models import Organisation
    from fabrique.core.importing import InvalidSource, Problem
    from fabrique.trainings import offer

    if len(paths) != 1:
        raise InvalidSource(Problem("trainings-spreadsheet", "", "give one .csv or .xlsx file"))
    path = paths[0]
    organisation = None
    if slug := options.get("trainings_organisation"):
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise InvalidSource(
                Problem(path.name, "", f"no organisation has the short name {slug!r}")
            )
    try:
        content = path.read_bytes()
    except OSError as error:
        raise InvalidSource(Problem(path.name, "", f"cannot be read ({error.strerror})")) from error
    progress(0, 1, path.name)
    try:
        records = read(content, name=path.name, organisation=organisation_record(organisation))
    except SheetRefused as refusal:
        raise InvalidSource(
            [Problem(path.name, problem.where, problem.reason) for problem in refusal.problems]
        ) from refusal
    report = offer.write_offer(records=records, by=None, wet_run=wet_run, organisation=organisation)
    progress(1, 1, path.name)
    return offer_import_report(report)


def organisation_record(organisation: Any) -> OrganisationRecord | None:
    if organisation is None:
        return None
    return OrganisationRecord(name=organisation.name, siret=organisation.siret)


def offer_import_report(report: OfferReport) -> ImportReport:
    """The offer writer's report as the import command prints it; its errors refuse the file."""
    from fabrique.core.importing import ImportReport, InvalidSource, Problem

    if report.refused:
        raise InvalidSource(
            [
                Problem("trainings-spreadsheet", problem.where, problem.message)
                for problem in report.errors
            ]
        )
    return ImportReport(
        name="trainings-spreadsheet",
        wet_run=report.written,
        counts=dict(report.counts),
        problems=[str(problem) for problem in report.warnings],
    )


def _add_arguments(parser: Any) -> None:
    parser.add_argument(
        "--trainings-organisation",
        metavar="SLUG",
        help="trainings-spreadsheet: the organisation of every training of the file "
        "(its short name).",
    )


def register() -> None:
    """Make the reader available as ``fabrique import trainings-spreadsheet FILE``."""
    from fabrique.core import importing

    importing.register(
        "trainings-spreadsheet",
        help="Training catalogue from a spreadsheet (.xlsx or .csv, one row per session)",
        runner=run,
        add_arguments=_add_arguments,
    )

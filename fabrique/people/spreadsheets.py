"""People as a spreadsheet (CSV or XLSX): the columns, the reader and the template.

One row per person, French column headers (``docs/formats/people-spreadsheet.md``). A row
names its person by ``identifiant_externe``, the sender's own identifier (for instance an
identifiant France Travail), which is the key of re-imports within the following
organisation. ``read`` checks the whole file and returns ``PersonRecord``s, or raises
``SheetRefused`` listing every problem with its row and column; writing goes through
``actions.import_people``, which checks the codes against the référentiels.

The file-level helpers (file kinds, CSV and XLSX reading, problems) are the training
spreadsheet's, shared rather than copied. Messages never repeat a cell's value: the cells
hold personal data, and problems name only their row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fabrique.engine.text import fold
from fabrique.people.enums import PersonStatus
from fabrique.trainings.spreadsheet_columns import Vocabulary, column_key
from fabrique.trainings.spreadsheet_export import csv_cell
from fabrique.trainings.spreadsheets import (
    CSV_CONTENT_TYPE,
    MAX_BYTES,
    XLSX_CONTENT_TYPE,
    Cell,
    RowProblem,
    SheetRefused,
    _csv_rows,
    _refuse,
    _text,
    _xlsx_rows,
    data_rows,
    file_kind,
)

__all__ = [
    "COLUMNS",
    "COLUMN_NAMES",
    "CSV_CONTENT_TYPE",
    "MAX_BYTES",
    "XLSX_CONTENT_TYPE",
    "PersonRecord",
    "RowProblem",
    "SheetRefused",
    "file_kind",
    "read",
    "template_csv",
    "template_xlsx",
]

SHEET_TITLE = "Personnes"
NOTES_TITLE = "Notes"
MAX_PROBLEMS = 200
LIST_SEPARATORS = re.compile(r"[;|]")
MAX_LIST_ITEMS = 200
MAX_MOBILITY_KM = 1000

STATUSES = Vocabulary(
    {
        PersonStatus.JOB_SEEKER: "demandeur d'emploi",
        PersonStatus.RECONVERSION: "salarié en reconversion",
        PersonStatus.STUDENT: "étudiant",
        PersonStatus.APPRENTICE: "apprenti",
        PersonStatus.EMPLOYEE: "salarié",
        PersonStatus.PUBLIC: "grand public",
    },
    {
        "demandeuse d'emploi": PersonStatus.JOB_SEEKER,
        "demandeurs d'emploi": PersonStatus.JOB_SEEKER,
        "DE": PersonStatus.JOB_SEEKER,
        "DEFM": PersonStatus.JOB_SEEKER,
        "salariée en reconversion": PersonStatus.RECONVERSION,
        "reconversion": PersonStatus.RECONVERSION,
        "étudiante": PersonStatus.STUDENT,
        "élève": PersonStatus.STUDENT,
        "apprentie": PersonStatus.APPRENTICE,
        "alternant": PersonStatus.APPRENTICE,
        "alternante": PersonStatus.APPRENTICE,
        "salariée": PersonStatus.EMPLOYEE,
        "public": PersonStatus.PUBLIC,
    },
)
YES = {"oui", "o", "yes", "y", "1", "vrai", "true", "x"}
NO = {"non", "n", "no", "0", "faux", "false"}

ROME_FICHE = re.compile(r"[A-Z]\d{4}", re.IGNORECASE)
ROME_SKILL = re.compile(r"\d{1,9}")
ESCO_SKILL = re.compile(r"https?://data\.europa\.eu/esco/skill/[0-9a-f-]{36}")
INSEE = re.compile(r"\d{5}|2[AB]\d{3}", re.IGNORECASE)
POSTCODE = re.compile(r"\d{5}")
EXTERNAL_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z._/-]{0,63}")
PHONE = re.compile(r"[0-9+().\s-]{6,30}")
_DATE_FR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_INTEGER = re.compile(r"\d+")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, email, phone, int, date, status, yesno, code, codes
    note: Any
    example: Any = ""
    required: bool = False
    max_length: int = 150
    pattern: re.Pattern[str] | None = None


COLUMNS = (
    Column(
        "identifiant_externe",
        "code",
        gettext_lazy(
            "Your identifier of the person (e.g. the identifiant France Travail): the key of "
            "re-imports, unique within the organisation. Required."
        ),
        "FT-0001234",
        required=True,
        max_length=64,
        pattern=EXTERNAL_ID,
    ),
    Column("nom", "text", gettext_lazy("Last name. Required."), "Martin", required=True),
    Column("prenom", "text", gettext_lazy("First name. Required."), "Camille", required=True),
    Column(
        "email",
        "email",
        gettext_lazy("E-mail address."),
        "camille.martin@exemple.fr",
        max_length=254,
    ),
    Column("telephone", "phone", gettext_lazy("Phone number."), "06 39 98 00 00", max_length=30),
    Column("annee_naissance", "int", gettext_lazy("Year of birth (four digits)."), 1990),
    Column(
        "statut",
        "status",
        gettext_lazy(
            "demandeur d'emploi, salarié en reconversion, étudiant, apprenti or salarié (or the "
            "codes job_seeker, reconversion, student, apprentice, employee). Required."
        ),
        "demandeur d'emploi",
        required=True,
    ),
    Column(
        "code_insee",
        "code",
        gettext_lazy("INSEE code of the commune where the person lives (5 characters)."),
        "57227",
        max_length=5,
        pattern=INSEE,
    ),
    Column(
        "commune",
        "text",
        gettext_lazy("Name of the commune, when the INSEE code is not given (with the postcode)."),
        "Forbach",
        max_length=100,
    ),
    Column(
        "code_postal",
        "code",
        gettext_lazy("Postcode, to tell communes of the same name apart."),
        "57600",
        max_length=5,
        pattern=POSTCODE,
    ),
    Column(
        "rayon_mobilite_km",
        "int",
        gettext_lazy("How far the person may travel, in km (0 to 1000); 30 when never given."),
        30,
    ),
    Column(
        "disponible_le",
        "date",
        gettext_lazy("Available from (JJ/MM/AAAA or AAAA-MM-JJ)."),
        dt.date(2027, 9, 1),
    ),
    Column(
        "metier_actuel",
        "code",
        gettext_lazy("Current occupation: ROME code (e.g. H2903)."),
        "H2903",
        max_length=5,
        pattern=ROME_FICHE,
    ),
    Column(
        "metiers_precedents",
        "codes",
        gettext_lazy("Past occupations: ROME codes separated by ;."),
        "H2913;I1304",
        pattern=ROME_FICHE,
    ),
    Column(
        "competences",
        "codes",
        gettext_lazy(
            "Skills the person declares: ROME compétence codes (code OGR, e.g. 106029) or ESCO "
            "skill URIs, separated by ;."
        ),
        "106029;106035",
    ),
    Column(
        "competences_certification",
        "codes",
        gettext_lazy(
            "Skills held from a certification, same codes as competences, separated by ;."
        ),
        "105958",
    ),
    Column(
        "consentement_employeurs",
        "yesno",
        gettext_lazy("oui if the person agreed to be proposed to employers, else non."),
        "oui",
    ),
    Column(
        "consentement_contact",
        "yesno",
        gettext_lazy("oui if the person agreed to be contacted, else non."),
        "oui",
    ),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
BY_NAME = {column.name: column for column in COLUMNS}
REQUIRED = tuple(column.name for column in COLUMNS if column.required)


@dataclass(frozen=True)
class PersonRecord:
    """One row: None (or an empty tuple) where the cell is empty, which leaves the person's
    value as it is (or its default for a new person)."""

    row: int
    external_id: str
    last_name: str
    first_name: str
    status: str
    email: str | None = None
    phone: str | None = None
    birth_year: int | None = None
    insee_code: str | None = None
    commune_name: str | None = None
    postcode: str | None = None
    mobility_radius_km: int | None = None
    available_from: dt.date | None = None
    current_occupation: str | None = None
    past_occupations: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    certified_skills: tuple[str, ...] = ()
    consent_to_employers: bool | None = None
    consent_to_contact: bool | None = None

    def as_data(self) -> dict[str, Any]:
        data = asdict(self)
        data["available_from"] = self.available_from.isoformat() if self.available_from else None
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> PersonRecord:
        values = {
            key: tuple(value) if isinstance(value, list) else value for key, value in data.items()
        }
        if values.get("available_from"):
            values["available_from"] = dt.date.fromisoformat(values["available_from"])
        return cls(**values)


FIELDS = {
    "identifiant_externe": "external_id",
    "nom": "last_name",
    "prenom": "first_name",
    "email": "email",
    "telephone": "phone",
    "annee_naissance": "birth_year",
    "statut": "status",
    "code_insee": "insee_code",
    "commune": "commune_name",
    "code_postal": "postcode",
    "rayon_mobilite_km": "mobility_radius_km",
    "disponible_le": "available_from",
    "metier_actuel": "current_occupation",
    "metiers_precedents": "past_occupations",
    "competences": "skills",
    "competences_certification": "certified_skills",
    "consentement_employeurs": "consent_to_employers",
    "consentement_contact": "consent_to_contact",
}


# --- reading -----------------------------------------------------------------------------------


class _Reader:
    def __init__(self, *, unescape: bool) -> None:
        self.unescape = unescape
        self.problems: list[RowProblem] = []
        self.records: list[PersonRecord] = []
        self.external_ids: dict[str, int] = {}

    def problem(self, row: int | None, column: str, reason: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(RowProblem(row, column, reason))
        elif len(self.problems) == MAX_PROBLEMS:
            reason = _("stopped after %(max)s problems.") % {"max": MAX_PROBLEMS}
            self.problems.append(RowProblem(None, "", reason))

    def value(self, number: int, column: Column, raw: Cell) -> Any:
        """The cell as the record's value; None when empty or wrong (wrong adds a problem)."""
        text = _text(raw)
        if self.unescape and column.kind == "text" and text[:1] == "'":
            text = text[1:]
        if not text:
            if column.required:
                self.problem(number, column.name, _("is required."))
            return () if column.kind == "codes" else None
        if "\x00" in text:
            self.problem(number, column.name, _("contains a NUL character."))
            return None
        if column.kind != "codes" and len(text) > column.max_length:
            self.problem(
                number,
                column.name,
                _("is too long (at most %(max)s characters).") % {"max": column.max_length},
            )
            return None
        return getattr(self, f"_{column.kind}")(number, column, raw, text)

    def _text(self, number: int, column: Column, raw: Cell, text: str) -> str:
        return " ".join(text.split())

    def _code(self, number: int, column: Column, raw: Cell, text: str) -> str | None:
        if column.name in ("code_insee", "code_postal") and isinstance(raw, int | float):
            text = text.zfill(5)  # typed as a number, the code lost its leading zero
        if column.pattern is not None and not column.pattern.fullmatch(text):
            self.problem(number, column.name, _("is not a valid code."))
            return None
        return text if column.name == "identifiant_externe" else text.upper()

    def _email(self, number: int, column: Column, raw: Cell, text: str) -> str | None:
        try:
            validate_email(text)
        except ValidationError:
            self.problem(number, column.name, _("is not a valid e-mail address."))
            return None
        return text

    def _phone(self, number: int, column: Column, raw: Cell, text: str) -> str | None:
        if isinstance(raw, int | float) and len(text) == 9:
            text = "0" + text  # a French number typed as a number lost its leading zero
        if not PHONE.fullmatch(text) or sum(char.isdigit() for char in text) < 6:
            self.problem(number, column.name, _("is not a phone number."))
            return None
        return text

    def _int(self, number: int, column: Column, raw: Cell, text: str) -> int | None:
        digits = text.replace(" ", "").replace("\u00a0", "")
        if not _INTEGER.fullmatch(digits):
            self.problem(number, column.name, _("must be a whole number."))
            return None
        value = int(digits)
        if column.name == "annee_naissance":
            this_year = dt.date.today().year
            if not 1900 <= value <= this_year:
                self.problem(
                    number,
                    column.name,
                    _("must be a year between 1900 and %(year)s.") % {"year": this_year},
                )
                return None
        elif value > MAX_MOBILITY_KM:
            self.problem(
                number,
                column.name,
                _("must be between 0 and %(max)s km.") % {"max": MAX_MOBILITY_KM},
            )
            return None
        return value

    def _date(self, number: int, column: Column, raw: Cell, text: str) -> dt.date | None:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        parts: tuple[str, str, str] | None = None
        if not isinstance(raw, int | float):
            if match := _DATE_FR.fullmatch(text):
                parts = (match[3], match[2], match[1])
            elif match := _DATE_ISO.fullmatch(text):
                parts = (match[1], match[2], match[3])
        if parts is not None:
            try:
                return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                pass
        self.problem(number, column.name, _("is not a date: write JJ/MM/AAAA or AAAA-MM-JJ."))
        return None

    def _status(self, number: int, column: Column, raw: Cell, text: str) -> str | None:
        code = STATUSES.code(text)
        if code is None:
            self.problem(
                number,
                column.name,
                _("is not a known status; use one of: %(values)s.")
                % {"values": ", ".join(STATUSES.words.values())},
            )
        return code

    def _yesno(self, number: int, column: Column, raw: Cell, text: str) -> bool | None:
        folded = fold(text)
        if folded in YES:
            return True
        if folded in NO:
            return False
        self.problem(number, column.name, _("write oui or non."))
        return None

    def _codes(self, number: int, column: Column, raw: Cell, text: str) -> tuple[str, ...]:
        items = [item.strip() for item in LIST_SEPARATORS.split(text) if item.strip()]
        if len(items) > MAX_LIST_ITEMS:
            self.problem(
                number, column.name, _("at most %(max)s values.") % {"max": MAX_LIST_ITEMS}
            )
            return ()
        codes: list[str] = []
        for position, item in enumerate(items, start=1):
            if column.pattern is not None:
                valid = bool(column.pattern.fullmatch(item))
                item = item.upper()
            else:  # skills: a ROME code OGR or an ESCO URI
                if item.startswith("https://"):
                    item = "http://" + item.removeprefix("https://")  # ESCO URIs are http
                valid = bool(ROME_SKILL.fullmatch(item) or ESCO_SKILL.fullmatch(item))
            if not valid:
                self.problem(
                    number,
                    column.name,
                    _("value %(position)s of the list is not a valid code.")
                    % {"position": position},
                )
                return ()
            if item not in codes:
                codes.append(item)
        return tuple(codes)

    def row(self, number: int, cells: dict[str, Cell]) -> None:
        before = len(self.problems)
        values = {
            FIELDS[column.name]: self.value(number, column, cells.get(column.name))
            for column in COLUMNS
            if column.name in cells or column.required
        }
        external_id = values.get("external_id")
        if external_id:
            first = self.external_ids.setdefault(external_id, number)
            if first != number:
                self.problem(
                    number,
                    "identifiant_externe",
                    _("the same identifier is already on row %(row)s.") % {"row": first},
                )
        if len(self.problems) == before:
            self.records.append(PersonRecord(row=number, **values))


def read(content: bytes, *, name: str) -> tuple[PersonRecord, ...]:
    """The people of a CSV or XLSX file; raises ``SheetRefused`` with every problem found."""
    kind = file_kind(name)
    if not content:
        raise _refuse(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise _refuse(
            _("The file is too large (at most %(max)s MB).") % {"max": MAX_BYTES // 1024**2}
        )
    if kind == "xlsx":
        _sheet, rows = _xlsx_rows(content)
        reader = _Reader(unescape=False)
    else:
        rows = _csv_rows(content)
        reader = _Reader(unescape=True)
    return _read_rows(reader, rows)


def _read_rows(reader: _Reader, rows: Iterator[tuple[int, list[Cell]]]) -> tuple[PersonRecord, ...]:
    for number, row in data_rows(rows, _header_columns, reader.problem):
        reader.row(number, row)
    if not reader.records and not reader.problems:
        reader.problem(None, "", _("The file holds no person."))
    if reader.problems:
        order = {name: position for position, name in enumerate(COLUMN_NAMES)}
        reader.problems.sort(key=lambda p: (p.row or 0, order.get(p.column, -1)))
        raise SheetRefused(reader.problems)
    return tuple(reader.records)


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
    for name in REQUIRED:
        if name not in seen:
            problems.append(RowProblem(number, name, _("the column is missing.")))
    if problems:
        raise SheetRefused(problems)
    return [name if name in BY_NAME else "" for name in names]


# --- the template ------------------------------------------------------------------------------


def example_row() -> list[Any]:
    return [column.example for column in COLUMNS]


def template_csv() -> bytes:
    """The header and one example row: UTF-8 with a byte order mark, semicolons, CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    writer.writerow([csv_cell(value) for value in example_row()])
    return out.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    """The header with a note on each column, an example row, and a sheet of notes."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    bold = Font(bold=True)
    for position, column in enumerate(COLUMNS, start=1):
        header = sheet.cell(row=1, column=position, value=column.name)
        header.font = bold
        header.comment = Comment(str(column.note), "Fabrique", width=300, height=120)
        example = sheet.cell(row=2, column=position, value=column.example or None)
        if isinstance(column.example, str):
            example.data_type = "s"
        elif isinstance(column.example, dt.date):
            example.number_format = "DD/MM/YYYY"
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = max(14, min(40, len(str(column.example)) + 2))
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(NOTES_TITLE)
    notes.append([_("Column"), _("What to write"), _("Example")])
    for cell in notes[1]:
        cell.font = bold
    for column in COLUMNS:
        notes.append([column.name, str(column.note), csv_cell(column.example)])
    for letter, width in zip("ABC", (28, 90, 30), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

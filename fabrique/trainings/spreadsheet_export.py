"""The training catalogue written as a spreadsheet (CSV or XLSX), and the blank template.

The export writes the columns of ``spreadsheet_columns``, one row per session, the training
columns repeated on every row, so that reading an export (``spreadsheets.read``) gives the
same records again. The template is a header row and one filled example row; its XLSX form
adds a note on each column, lists of the allowed values and a sheet of explanations.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from fabrique.accounts.models import Organisation
from fabrique.referentials.models import Occupation, Scheme
from fabrique.trainings.enums import Audience, Funding
from fabrique.trainings.models import Session, Training
from fabrique.trainings.records import OrganisationRecord, SessionRecord, TrainingRecord
from fabrique.trainings.rules import private_offer_organisation_ids
from fabrique.trainings.spreadsheet_columns import (
    AUDIENCES,
    COLUMN_NAMES,
    COLUMNS,
    FUNDINGS,
    LEVELS,
    LIST_SEPARATOR,
    MODALITIES,
    ORGANISATION,
    SESSION_COLUMNS,
    STATUSES,
    TRAINING_COLUMNS,
    Column,
)
from fabrique.trainings.spreadsheets import SHEET_TITLE

# Text values starting with one of these are written to CSV with a leading apostrophe, so
# that spreadsheets do not run them as formulas; reading drops one leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "'", "\t", "\r")
DATE_FORMAT = "DD/MM/YYYY"
NOTES_TITLE = "Notes"
LISTS_TITLE = "Listes"
# Columns offered as a drop-down list in the template (one value each).
LISTED = {"niveau": LEVELS, "modalite": MODALITIES, "statut": STATUSES}
# Every vocabulary, for the lists sheet of the template.
VOCABULARIES = {**LISTED, "public": AUDIENCES, "financements": FUNDINGS}

# --- the catalogue as records --------------------------------------------------------------


def catalogue_trainings(user: Any, organisation: Organisation | None = None) -> QuerySet[Training]:
    """The trainings ``user`` reads (published ones, and the unpublished ones of their
    organisations), with what the export writes, in the order it writes them."""
    scope = private_offer_organisation_ids(user)
    trainings = Training.objects.all()
    if scope is not None:
        trainings = trainings.filter(Q(published=True) | Q(organisation_id__in=sorted(scope)))
    if organisation is not None:
        trainings = trainings.filter(organisation=organisation)
    return (
        trainings.select_related("organisation", "certification")
        .prefetch_related(
            "audiences",
            "fundings",
            "certification_blocs",
            "formacodes",
            "nsf_domains",
            Prefetch("occupations", queryset=Occupation.objects.filter(scheme=Scheme.ROME)),
            Prefetch("sessions", queryset=Session.objects.select_related("commune")),
        )
        .order_by("organisation__name", "organisation_id", "code", "title", "pk")
    )


def _ordered(values: Iterable[str], order: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values), key=order.index))


def session_record(session: Session) -> SessionRecord:
    return SessionRecord(
        start=session.start,
        end=session.end,
        code=session.code,
        action_code=session.action_code,
        timetable=session.timetable,
        registration_deadline=session.registration_deadline,
        place_name=session.place_name,
        address=session.address,
        postcode=session.postcode,
        city=session.city,
        insee_code=session.commune.insee_code if session.commune else "",
        latitude=session.latitude,
        longitude=session.longitude,
        capacity=session.capacity,
        status=session.status,
    )


def training_record(training: Training) -> TrainingRecord:
    """A training as the record the readers produce (with prefetched relations)."""
    organisation = training.organisation
    sessions = sorted(training.sessions.all(), key=lambda session: (session.start, session.pk))
    return TrainingRecord(
        organisation=OrganisationRecord(name=organisation.name, siret=organisation.siret),
        title=training.title,
        code=training.code,
        objectives=training.objectives,
        content=training.content,
        expected_results=training.expected_results,
        entry_requirements=training.entry_requirements,
        level=training.level or "",
        modality=training.modality,
        hours=training.hours,
        price=training.price,
        audiences=_ordered((a.audience for a in training.audiences.all()), Audience.values),
        fundings=_ordered((f.funding for f in training.fundings.all()), Funding.values),
        certification_code=training.certification.code if training.certification else "",
        bloc_codes=tuple(sorted(bloc.code for bloc in training.certification_blocs.all())),
        formacodes=tuple(sorted(code.code for code in training.formacodes.all())),
        nsf_codes=tuple(sorted(domain.code for domain in training.nsf_domains.all())),
        rome_codes=tuple(sorted(occupation.code for occupation in training.occupations.all())),
        accessibility=training.accessibility,
        contact_email=training.contact_email,
        contact_phone=training.contact_phone,
        url=training.url,
        sessions=tuple(session_record(session) for session in sessions),
    )


def catalogue_records(
    user: Any, organisation: Organisation | None = None
) -> tuple[TrainingRecord, ...]:
    return tuple(training_record(t) for t in catalogue_trainings(user, organisation))


# --- records as rows -----------------------------------------------------------------------

Value = str | int | float | Decimal | dt.date | None


def _value(column: Column, value: Any) -> Value:
    """A record's value as the cell the export writes (French words for enumerations)."""
    if column.vocabulary is not None:
        if isinstance(value, tuple):
            return LIST_SEPARATOR.join(column.vocabulary.word(code) for code in value)
        return column.vocabulary.word(value) if value else ""
    if isinstance(value, tuple):
        return LIST_SEPARATOR.join(value)
    return value


def rows_of(records: Iterable[TrainingRecord]) -> list[list[Value]]:
    """One row per session (one row for a training without sessions), header excluded."""
    rows = []
    for record in records:
        head = [
            _value(column, getattr(record.organisation, column.field))
            for column in COLUMNS
            if column.part == ORGANISATION
        ]
        head += [_value(column, getattr(record, column.field)) for column in TRAINING_COLUMNS]
        if not record.sessions:
            rows.append(head + [None] * len(SESSION_COLUMNS))
        for session in record.sessions:
            rows.append(
                head
                + [_value(column, getattr(session, column.field)) for column in SESSION_COLUMNS]
            )
    return rows


def example_row() -> list[Value]:
    return [column.example for column in COLUMNS]  # type: ignore[misc]


# --- CSV -----------------------------------------------------------------------------------


def csv_cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal | float):
        return (
            repr(value).replace(".", ",")
            if isinstance(value, float)
            else f"{value:f}".replace(".", ",")
        )
    if isinstance(value, int):
        return str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_bytes(rows: Iterable[Sequence[Value]]) -> bytes:
    """UTF-8 with a byte order mark (for spreadsheets), semicolons, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


# --- XLSX ----------------------------------------------------------------------------------


def _cell(sheet: Any, value: Value, **style: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text starting with = stays text, never a formula
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def xlsx_bytes(rows: Iterable[Sequence[Value]]) -> bytes:
    """A workbook with one sheet, ``Formations``: the header, then the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    bold = Font(bold=True)
    sheet.append([_cell(sheet, name, font=bold) for name in COLUMN_NAMES])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_xlsx() -> bytes:
    """The template: header with a note on each column, an example row, drop-down lists of
    the enumerated columns, a sheet of notes and a sheet of the allowed values."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    bold = Font(bold=True)
    for position, column in enumerate(COLUMNS, start=1):
        header = sheet.cell(row=1, column=position, value=column.name)
        header.font = bold
        header.comment = Comment(str(column.note), "Fabrique", width=300, height=120)
        example = sheet.cell(row=2, column=position, value=column.example)
        if isinstance(column.example, str):
            example.data_type = "s"
        elif isinstance(column.example, dt.date):
            example.number_format = DATE_FORMAT
        letter = get_column_letter(position)
        sheet.column_dimensions[letter].width = max(14, min(40, len(str(column.example)) + 2))
    sheet.freeze_panes = "A2"

    lists = workbook.create_sheet(LISTS_TITLE)
    for position, (name, vocabulary) in enumerate(VOCABULARIES.items(), start=1):
        lists.cell(row=1, column=position, value=name).font = bold
        words = list(vocabulary.words.values())
        for number, word in enumerate(words, start=2):
            lists.cell(row=number, column=position, value=word)
        letter = get_column_letter(position)
        if name in LISTED:
            validation = DataValidation(
                type="list",
                formula1=f"={LISTS_TITLE}!${letter}$2:${letter}${len(words) + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=_("Unknown value"),
                error=_("Choose a value of the list."),
            )
            sheet.add_data_validation(validation)
            target = get_column_letter(COLUMN_NAMES.index(name) + 1)
            validation.add(f"{target}2:{target}5001")
    lists.sheet_state = "hidden"

    notes = workbook.create_sheet(NOTES_TITLE)
    notes.append([_("Column"), _("What to write"), _("Example"), _("Allowed values")])
    for cell in notes[1]:
        cell.font = bold
    for column in COLUMNS:
        vocabulary = VOCABULARIES.get(column.name)
        allowed = ", ".join(vocabulary.words.values()) if vocabulary else ""
        notes.append([column.name, str(column.note), csv_cell(column.example), allowed])  # type: ignore[arg-type]
    for letter, width in zip("ABCD", (26, 80, 40, 60), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_csv() -> bytes:
    return csv_bytes([example_row()])

"""Reading the training spreadsheet: good CSV and XLSX files, and every kind of refusal."""
# ruff: noqa: E501 -- expected messages are compared whole, one per line

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook

from fabrique.trainings import spreadsheets
from fabrique.trainings.records import OrganisationRecord, Origin, SessionRecord, TrainingRecord
from fabrique.trainings.spreadsheets import RowProblem, SheetRefused, read


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


CHOSEN = OrganisationRecord(name="Lycée Jean-Moulin", siret="12345678900011")

HEADER = ["code_formation", "intitule", "modalite", "public", "heures", "prix"]
HEADER += ["code_session", "debut", "fin", "code_postal", "places", "statut"]


def xlsx(rows, title="Formations"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def problems(content, name="catalogue.csv", organisation=CHOSEN):
    with pytest.raises(SheetRefused) as refusal:
        read(content, name=name, organisation=organisation)
    return [(p.row, p.column, p.reason) for p in refusal.value.problems]


GOOD_CSV = (
    "\ufeffcode_formation;intitule;modalite;public;heures;prix;code_session;debut;fin;"
    "code_postal;places;statut\r\n"
    "MSA;Maintenance;à distance;demandeurs d'emploi|Reconversion;420;4 200,50 €;S1;"
    "06/09/2027;2028-03-31;57600;12;complète\r\n"
    "MSA;;;;;;S2;01/10/2027;30/04/2028;;0;\r\n"
    ";Soudure;hybrid;;;;;;;;;\r\n"
)


def test_read_csv_gives_one_record_per_training_with_its_sessions():
    records = read(GOOD_CSV.encode(), name="catalogue.csv", organisation=CHOSEN)

    assert records == (
        TrainingRecord(
            organisation=CHOSEN,
            title="Maintenance",
            code="MSA",
            modality="remote",
            hours=420,
            price=Decimal("4200.50"),
            audiences=("job_seekers", "reconversion"),
            sessions=(
                SessionRecord(
                    start=dt.date(2027, 9, 6),
                    end=dt.date(2028, 3, 31),
                    code="S1",
                    postcode="57600",
                    capacity=12,
                    status="full",
                    origin=Origin("catalogue.csv", 2),
                ),
                SessionRecord(
                    start=dt.date(2027, 10, 1),
                    end=dt.date(2028, 4, 30),
                    code="S2",
                    capacity=0,
                    status="open",
                    origin=Origin("catalogue.csv", 3),
                ),
            ),
            origin=Origin("catalogue.csv", 2),
        ),
        TrainingRecord(
            organisation=CHOSEN,
            title="Soudure",
            modality="hybrid",
            origin=Origin("catalogue.csv", 4),
        ),
    )


def test_read_csv_with_commas_and_without_byte_order_mark_gives_the_same_records():
    semicolons = read(GOOD_CSV.encode(), name="a.csv", organisation=CHOSEN)
    commas = GOOD_CSV.lstrip("\ufeff").replace(";", ",").replace("4 200,50 €", '"4200,50"')

    assert read(commas.encode(), name="a.csv", organisation=CHOSEN) == semicolons


def test_read_xlsx_reads_typed_cells_and_names_the_sheet_row():
    content = xlsx(
        [
            HEADER,
            ["MSA", "Maintenance", "Présentiel", "", 420, 4200, 7, dt.datetime(2027, 9, 6),
             "31/03/2028", 1000, 12.0, "ouverte"],
            [],
            ["MSA", "Maintenance", None, None, None, None, "S2", dt.date(2027, 10, 1),
             dt.date(2028, 4, 30), "01000", None, None],
        ]
    )  # fmt: skip

    (record,) = read(content, name="catalogue.xlsx", organisation=CHOSEN)

    assert record.origin == Origin("catalogue.xlsx, sheet Formations", 2)
    assert (record.modality, record.hours, record.price) == ("in_person", 420, Decimal("4200"))
    assert record.sessions == (
        SessionRecord(
            start=dt.date(2027, 9, 6),
            end=dt.date(2028, 3, 31),
            code="7",
            postcode="01000",
            capacity=12,
            origin=Origin("catalogue.xlsx, sheet Formations", 2),
        ),
        SessionRecord(
            start=dt.date(2027, 10, 1),
            end=dt.date(2028, 4, 30),
            code="S2",
            postcode="01000",
            origin=Origin("catalogue.xlsx, sheet Formations", 4),
        ),
    )


def test_read_xlsx_reads_formulas_as_their_computed_values():
    content = xlsx([["intitule", "heures"], ["Soudure", "=2*210"]])
    # openpyxl stores no computed value: the cell reads as empty, never as the formula text.
    (record,) = read(content, name="a.xlsx", organisation=CHOSEN)

    assert record.hours is None


def test_read_names_the_organisation_from_the_rows_when_none_is_chosen():
    content = (
        "organisme;siret;intitule\nLycée Jean-Moulin;12345678900011;Soudure\nAFPA;;Usinage\n"
    ).encode()

    records = read(content, name="a.csv")

    assert [r.organisation for r in records] == [
        OrganisationRecord(name="Lycée Jean-Moulin", siret="12345678900011"),
        OrganisationRecord(name="AFPA"),
    ]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"debut": "31/02/2027"}, ("debut", "“31/02/2027” is not a date: write JJ/MM/AAAA or AAAA-MM-JJ.")),
        ({"places": "-2"}, ("places", "must be a whole number, 0 or more (not “-2”).")),
        ({"modalite": "par pigeon"}, ("modalite", "“par pigeon” is not a known value; use one of: présentiel, à distance, hybride, équipements à distance.")),
        ({"fin": "01/09/2027"}, ("fin", "is before the start of the session (06/09/2027).")),
        ({"intitule": "", "code_formation": "X1"}, ("intitule", "is required on the first row of a training.")),
        ({"prix": "gratuit"}, ("prix", "must be an amount in euros, 0 or more (not “gratuit”).")),
        ({"public": "salariés|martiens"}, ("public", "“martiens” is not a known value; use one of: formation initiale, formation continue, demandeurs d'emploi, reconversion, apprentissage, tout public.")),
        ({"certification": "RNCP12X"}, ("certification", "“RNCP12X” is not a valid code.")),
        ({"latitude": "95", "longitude": "6.9"}, ("latitude", "must be a number between -90 and 90 (not “95”).")),
        ({"fin": ""}, ("fin", "is required for a session.")),
        ({"organisme": "Autre centre"}, ("organisme", "names another organisation than the one chosen (Lycée Jean-Moulin).")),
    ],
)  # fmt: skip
def test_read_refuses_a_bad_cell_naming_its_row_and_column(cells, expected):
    good = {"intitule": "Soudure", "debut": "06/09/2027", "fin": "31/03/2028", "places": "8"}
    row = {**good, **cells}
    columns = list(row)

    assert problems(xlsx([columns, list(row.values())]), name="a.xlsx") == [(2, *expected)]


def test_read_refuses_a_repeated_training_value_that_differs_and_reports_every_row():
    content = (
        b"code_formation;intitule;heures;code_session;debut;fin;places\n"
        b"F1;Soudure;420;S1;06/09/2027;31/03/2028;8\n"
        b"F1;Soudage;;S1;2027-10-01;2028-04-30;-1\n"
    )

    assert problems(content) == [
        (3, "intitule", "differs from row 2 (“Soudure”); leave it empty or repeat it."),
        (3, "code_session", "the session S1 of this training is already on row 2."),
        (3, "places", "must be a whole number, 0 or more (not “-1”)."),
    ]


def test_read_refuses_unknown_and_missing_columns():
    content = "intitulé du stage;debut\nSoudure;06/09/2027\n".encode()

    assert problems(content) == [
        (1, "intitulé du stage", "unknown column; the columns are: " + ", ".join(spreadsheets.COLUMN_NAMES) + "."),
        (1, "intitule", "the column is missing."),
    ]  # fmt: skip


def test_read_refuses_too_many_rows(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 2)
    rows = [["intitule"], ["A"], ["B"], ["C"], ["D"]]

    assert problems(xlsx(rows), name="a.xlsx") == [(4, "", "too many rows (at most 2).")]


def test_read_refuses_a_row_without_organisation_when_none_is_chosen():
    assert problems(b"intitule\nSoudure\n", organisation=None) == [
        (2, "organisme", "is required: name the training organisation (organisme or siret).")
    ]


def _zip(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (b"", "a.xlsx", "The file is empty."),
        (b"", "a.csv", "The file is empty."),
        (b"\r\n  \r\n", "a.csv", "The file is empty."),
        (bytes(range(256)) * 4, "a.xlsx", "The file is not an XLSX workbook."),
        (b"intitule\nSoudure\n", "a.xlsx", "The file is not an XLSX workbook."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "a.xlsx", "This is an old Excel file (.xls) or a protected workbook: save it as .xlsx."),
        (b"PK\x03\x04 truncated", "a.xlsx", "The file is not an XLSX workbook (it cannot be opened)."),
        (_zip({"word/document.xml": "<w/>", "[Content_Types].xml": "wordprocessingml"}), "a.xlsx", "The file is not an XLSX workbook."),
        (_zip({"xl/vbaProject.bin": "x", "[Content_Types].xml": "x"}), "a.xlsx", "The workbook holds macros: save it as .xlsx without macros."),
        (b"intitule\n", "a.xlsm", ".xlsm files are not read: save the workbook as .xlsx (without macros)."),
        (b"intitule\n", "a.pdf", "Give a .csv or an .xlsx file."),
        (b"intitule;debut\n", "a.csv", "The file holds no training."),
    ],
)  # fmt: skip
def test_read_refuses_a_file_it_cannot_read(content, name, reason):
    assert problems(content, name=name) == [(None, "", reason)]


def test_read_refuses_random_bytes_named_csv_at_the_line_of_the_first_bad_byte():
    content = b"intitule\n" + bytes(range(128, 256))

    assert problems(content) == [
        (2, "", "the file is not UTF-8 text: save it as “CSV UTF-8”, or send the .xlsx file.")
    ]


def test_read_refuses_a_file_over_the_size_limit(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_BYTES", 1024 * 1024)
    content = b"intitule\n" + b"Soudure\n" * 150_000

    assert problems(content) == [(None, "", "The file is too large (at most 1 MB).")]


def test_read_refuses_a_workbook_too_large_once_uncompressed(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_UNZIPPED_BYTES", 1000)

    assert problems(xlsx([["intitule"], ["Soudure"]]), name="a.xlsx") == [
        (None, "", "The workbook is too large once uncompressed.")
    ]


def test_row_problem_says_where():
    assert str(RowProblem(4, "debut", "is required.")) == "row 4, column debut: is required."
    assert str(RowProblem(None, "", "The file is empty.")) == "The file is empty."

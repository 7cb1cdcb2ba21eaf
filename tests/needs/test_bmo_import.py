"""The ``bmo`` import: checks, dry run, wet run, idempotence, versions, the shipped file."""

import csv
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from fabrique.accounts.models import AuditEvent
from fabrique.core.importing import InvalidSource
from fabrique.core.models import DataSource
from fabrique.needs.importers import SHIPPED_FILE, import_bmo
from fabrique.needs.models import BmoFigure
from tests.factories import BassinEmploiFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "annee",
    "Code métier BMO",
    "Nom métier BMO",
    "Famille_met",
    "Lbl_fam_met",
    "REG",
    "NOM_REG",
    "Dept",
    "NomDept",
    "BE24",
    "NOMBE24",
    "met",
    "xmet",
    "smet",
]
MECA = ["D", "Mécanique, travail des métaux"]
MOSELLE = ["44", "Grand Est", "57", "Moselle"]
GUADELOUPE = ["01", "Guadeloupe", "971", "Guadeloupe"]


def row(code, label, place, bassin, name, *figures):
    return [2024, code, label, *MECA, *place, bassin, name, *figures]


ROWS = [
    row("D1X40", "Régleurs", MOSELLE, "4432", "HOUILLER", "120", "84", "*"),
    row("D2X40", "Soudeurs", MOSELLE, "4432", "HOUILLER", "*", "*", "*"),
    row("D1X40", "Régleurs", MOSELLE, "4431", "METZ", "60", "30", "0"),
    row("D1X40", "Régleurs", GUADELOUPE, "0101", "BT", "5", "1", "0"),
]


@pytest.fixture
def bassins():
    return {
        code: BassinEmploiFactory(code=code, name=name)
        for code, name in [("4431", "METZ"), ("4432", "BASSIN HOUILLER")]
    }


def write_csv(path, rows, header=HEADER):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def figures():
    return {
        (f.bassin.code, f.occupation_code): (f.projects, f.difficult, f.seasonal)
        for f in BmoFigure.objects.select_related("bassin")
    }


def test_dry_run_reports_counts_and_skipped_bassins_and_writes_nothing(tmp_path, bassins):
    report = import_bmo(write_csv(tmp_path / "bmo.csv", ROWS), wet_run=False)

    assert report.as_dict() == {
        "bmo_figures": {"created": 3, "updated": 0, "unchanged": 0, "obsolete": 0}
    }
    assert report.problems == [
        "bmo.csv: 1 bassins are not in the database (0101): their 1 rows were skipped. "
        "Import the territories (fabrique import territories) to load every bassin."
    ]
    assert not BmoFigure.objects.exists()
    assert not DataSource.objects.exists()


def test_wet_run_stores_secret_figures_as_empty_and_records_the_version(tmp_path, bassins):
    report = import_bmo(write_csv(tmp_path / "bmo.csv", ROWS), wet_run=True)

    assert figures() == {
        ("4432", "D1X40"): (120, 84, None),
        ("4432", "D2X40"): (None, None, None),
        ("4431", "D1X40"): (60, 30, 0),
    }
    source = DataSource.objects.get(name="bmo")
    assert source.version == report.version
    assert source.version.startswith("BMO 2024 (file ")
    assert AuditEvent.objects.filter(model="needs.bmo_import").count() == 1


def test_second_run_is_idempotent_and_updates_changed_figures(tmp_path, bassins):
    path = write_csv(tmp_path / "bmo.csv", ROWS)
    import_bmo(path, wet_run=True)
    again = import_bmo(path, wet_run=True)
    changed = [[*ROWS[0][:11], "130", "90", "*"], *ROWS[1:]]
    updated = import_bmo(write_csv(tmp_path / "bmo2.csv", changed), wet_run=True)

    assert again.as_dict()["bmo_figures"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 3,
        "obsolete": 0,
    }
    assert (updated.count("bmo_figures").updated, updated.count("bmo_figures").unchanged) == (1, 2)
    assert figures()[("4432", "D1X40")] == (130, 90, None)
    assert BmoFigure.objects.count() == 3


def test_rows_of_a_bassin_across_departements_are_added_up(tmp_path, bassins):
    other = list(ROWS[0])
    other[7:9] = ["54", "Meurthe-et-Moselle"]
    other[11:14] = ["10", "*", "5"]

    import_bmo(write_csv(tmp_path / "bmo.csv", [ROWS[0], other]), wet_run=True)

    assert figures() == {("4432", "D1X40"): (130, None, None)}


def test_a_bad_number_refuses_the_file_naming_line_and_column(tmp_path, bassins):
    bad = list(ROWS[1])
    bad[12] = "douze"

    with pytest.raises(InvalidSource) as error:
        import_bmo(write_csv(tmp_path / "bmo.csv", [ROWS[0], bad]), wet_run=True)

    assert str(error.value) == "bmo.csv, line 3, column xmet: not a whole number or “*”: 'douze'"
    assert not BmoFigure.objects.exists()


def test_a_missing_column_refuses_the_file(tmp_path, bassins):
    header = [name for name in HEADER if name != "met"]
    rows = [row[:11] + row[12:] for row in ROWS]

    with pytest.raises(InvalidSource) as error:
        import_bmo(write_csv(tmp_path / "bmo.csv", rows, header), wet_run=True)

    assert str(error.value).startswith("bmo.csv, line 1: missing columns: met")
    assert not BmoFigure.objects.exists()


def test_the_official_workbook_with_numeric_bassin_codes_is_read(tmp_path):
    BassinEmploiFactory(code="0101", name="BASSIN BASSE-TERRE")
    workbook = openpyxl.Workbook()
    workbook.active.title = "Description des variables"
    sheet = workbook.create_sheet("BMO_2024_open_data")
    sheet.append(HEADER)
    row = list(ROWS[3])
    row[9] = 101
    sheet.append(row)
    workbook.save(tmp_path / "Base_open_data_BMO_2024.xlsx")

    report = import_bmo(tmp_path / "Base_open_data_BMO_2024.xlsx", wet_run=True)

    assert report.count("bmo_figures").created == 1
    assert figures() == {("0101", "D1X40"): (5, 1, 0)}


def test_a_workbook_without_the_sheet_is_refused(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Feuil1"
    workbook.save(tmp_path / "bmo.xlsx")

    with pytest.raises(InvalidSource) as error:
        import_bmo(tmp_path / "bmo.xlsx", wet_run=False)

    assert str(error.value) == "bmo.xlsx: no sheet named BMO_2024_open_data (found: Feuil1)"


def test_shipped_file_loads_the_bassins_of_moselle():
    names = {
        "4430": "BASSIN SIDERURGIQUE",
        "4431": "METZ",
        "4432": "BASSIN HOUILLER",
        "4433": "SARREBOURG",
    }
    for code, name in names.items():
        BassinEmploiFactory(code=code, name=name)

    report = import_bmo(wet_run=True)

    assert report.version == "BMO 2024"
    assert report.count("bmo_figures").created == 599
    houiller = BmoFigure.objects.filter(bassin__code="4432")
    assert houiller.count() == 152
    assert houiller.filter(projects__isnull=True).count() == 23
    top = houiller.exclude(projects=None).order_by("-projects").first()
    assert (top.occupation_code, top.projects, top.difficult, top.seasonal) == (
        "T4X60",
        401,
        102,
        73,
    )
    assert SHIPPED_FILE.name == "bmo_2024.csv.gz"


def test_command_dry_run_by_default_and_refusal_message(tmp_path, bassins):
    out = io.StringIO()
    call_command(
        "import", "bmo", str(write_csv(tmp_path / "bmo.csv", ROWS)), "--no-progress", stdout=out
    )
    bad = list(ROWS[0])
    bad[0] = "20x4"

    with pytest.raises(CommandError) as error:
        call_command("import", "bmo", str(write_csv(tmp_path / "bad.csv", [bad])), stdout=out)

    assert "bmo_figures" in out.getvalue()
    assert not BmoFigure.objects.exists()
    assert "bad.csv, line 2, column annee: not a survey year: '20x4'" in str(error.value)

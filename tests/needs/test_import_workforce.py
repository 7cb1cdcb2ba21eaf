"""Workforce snapshots from a spreadsheet: preview, confirmation, refusals, re-imports,
who may, the template and the command line."""
# ruff: noqa: E501 -- expected messages are compared whole, one per line

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from fabrique.accounts.enums import Role
from fabrique.core import importing
from fabrique.core.importing import InvalidSource
from fabrique.needs import imports, spreadsheets
from fabrique.needs.enums import AgeBand
from fabrique.needs.models import WorkforceLine, WorkforceSnapshot
from tests.factories import (
    CommuneFactory,
    OccupationFactory,
    OrganisationFactory,
    UserFactory,
    WorkforceLineFactory,
    WorkforceSnapshotFactory,
)
from tests.needs.sheets import csv, xlsx
from tests.territories.html import rows as table_rows

pytestmark = pytest.mark.django_db
IMPORT = reverse("needs:workforce_import")
HEADER = ["entreprise", "date", "code_insee", "metier", "tranche_age", "effectif"]
ROWS = [
    HEADER,
    ["Usinor Forbach", "01/01/2026", "57227", "H2903", "55-59 ans", 10],
    ["Usinor Forbach", "01/01/2026", "", "H2903", "60 ans et plus", 5],
    ["12345678900012", "2026-01-01", "", "I1304", "moins de 25 ans", 4],
]


@pytest.fixture(autouse=True)
def world(db):
    return {
        "company": OrganisationFactory(company=True, name="Usinor Forbach", siret="12345678900012"),
        "commune": CommuneFactory(insee_code="57227", name="Forbach"),
        "machining": OccupationFactory(code="H2903", label="Conduite d'équipement d'usinage"),
        "maintenance": OccupationFactory(code="I1304", label="Maintenance industrielle"),
    }


def upload(client, content, name="effectifs.xlsx"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})


def confirm(client, preview):
    return client.post(IMPORT, {"payload": preview.context["payload"]})


def counts(response):
    return {
        str(label): (c.created, c.updated, c.unchanged, c.obsolete)
        for label, c in response.context["counts"]
    }


def lines():
    return sorted(
        WorkforceLine.objects.values_list(
            "snapshot__taken_on", "occupation__code", "age_band", "headcount"
        )
    )


def test_an_xlsx_file_is_previewed_then_written_on_confirmation(client, world, make_member):
    client.force_login(make_member(Role.COMPANY_CONTACT, world["company"]))

    preview = upload(client, xlsx(ROWS, title="Effectifs"))

    assert preview.status_code == 200
    assert WorkforceSnapshot.objects.count() == 0
    assert counts(preview) == {
        "Workforce snapshots": (1, 0, 0, 0),
        "Lines (occupation × age band)": (3, 0, 0, 0),
    }
    assert table_rows(preview.content.decode())[-1] == [
        "4",
        "to create",
        "Usinor Forbach",
        "01/01/2026",
        "I1304 – Maintenance industrielle",
        "under 25",
        "4",
    ]

    assert confirm(client, preview).status_code == 302

    snapshot = WorkforceSnapshot.objects.get()
    assert (snapshot.employer, snapshot.taken_on, snapshot.commune) == (
        world["company"],
        dt.date(2026, 1, 1),
        world["commune"],
    )
    assert lines() == [
        (dt.date(2026, 1, 1), "H2903", AgeBand.FROM_55, 10),
        (dt.date(2026, 1, 1), "H2903", AgeBand.FROM_60, 5),
        (dt.date(2026, 1, 1), "I1304", AgeBand.UNDER_25, 4),
    ]


def test_a_snapshot_imported_again_is_unchanged_then_replaced_whole(client, world, make_member):
    client.force_login(make_member(Role.ORGANISATION_ADMIN, world["company"]))
    confirm(client, upload(client, csv(ROWS), "effectifs.csv"))

    again = upload(client, csv(ROWS), "effectifs.csv")
    assert counts(again) == {
        "Workforce snapshots": (0, 0, 1, 0),
        "Lines (occupation × age band)": (0, 0, 3, 0),
    }
    confirm(client, again)
    replaced = upload(client, csv([HEADER, [*ROWS[1][:5], 12], ROWS[3]]), "effectifs.csv")
    assert counts(replaced) == {
        "Workforce snapshots": (0, 1, 0, 0),
        "Lines (occupation × age band)": (0, 1, 1, 1),
    }
    assert confirm(client, replaced).status_code == 302

    assert WorkforceSnapshot.objects.count() == 1
    assert lines() == [
        (dt.date(2026, 1, 1), "H2903", AgeBand.FROM_55, 12),
        (dt.date(2026, 1, 1), "I1304", AgeBand.UNDER_25, 4),
    ]


def test_another_date_is_another_snapshot(client, world, make_member):
    WorkforceLineFactory(
        snapshot=WorkforceSnapshotFactory(employer=world["company"], taken_on=dt.date(2025, 1, 1)),
        occupation=world["machining"],
    )
    client.force_login(make_member(Role.COMPANY_CONTACT, world["company"]))

    confirm(client, upload(client, xlsx(ROWS)))

    assert sorted(WorkforceSnapshot.objects.values_list("taken_on", flat=True)) == [
        dt.date(2025, 1, 1),
        dt.date(2026, 1, 1),
    ]
    assert len(lines()) == 4


def test_a_bad_file_is_refused_whole_naming_rows_and_columns(client, world, make_member):
    client.force_login(make_member(Role.COMPANY_CONTACT, world["company"]))
    bad = [
        HEADER,
        ROWS[1],
        ["Usinor Forbach", "01/01/2026", "", "H2903", "50-60", -2],
        ["Usinor Forbach", "", "", "", "", ""],
    ]

    response = upload(client, xlsx(bad))

    assert response.status_code == 422
    assert [
        row for row in table_rows(response.content.decode()) if row != ["Where", "Problem"]
    ] == [
        [
            "row 3, column tranche_age",
            "“50-60” is not a known value; use one of: moins de 25 ans, 25-34 ans, 35-44 ans, 45-54 ans, 55-59 ans, 60 ans et plus.",
        ],
        ["row 3, column effectif", "must be a whole number, 0 or more (not “-2”)."],
        ["row 4, column date", "is required."],
        ["row 4, column metier", "is required."],
        ["row 4, column tranche_age", "is required."],
        ["row 4, column effectif", "is required."],
    ]
    assert WorkforceSnapshot.objects.count() == 0


def test_repeated_lines_and_two_sites_of_one_snapshot_are_refused(client, world, make_member):
    CommuneFactory(insee_code="57672")
    client.force_login(make_member(Role.COMPANY_CONTACT, world["company"]))
    bad = [
        HEADER,
        ROWS[1],
        ["Usinor Forbach", "01/01/2026", "57672", "H2903", "55-59", 3],
        ["Usinor Forbach", "01/01/2026", "", "Z9999", "55-59", 3],
    ]

    response = upload(client, csv(bad), "effectifs.csv")

    assert [
        row for row in table_rows(response.content.decode()) if row != ["Where", "Problem"]
    ] == [
        ["row 4, column metier", "No ROME occupation has the code Z9999."],
    ]
    response = upload(client, csv(bad[:3]), "effectifs.csv")
    assert [
        row for row in table_rows(response.content.decode()) if row != ["Where", "Problem"]
    ] == [
        ["row 3, column code_insee", "differs from row 2 for the same company and date."],
        ["row 3, column tranche_age", "row 2 has the same company, date, occupation and age band."],
    ]
    assert WorkforceSnapshot.objects.count() == 0


def test_members_who_only_read_and_strangers_may_not_import(client, world, make_member):
    client.force_login(make_member(Role.VIEWER, world["company"]))
    assert upload(client, xlsx(ROWS)).status_code == 403

    client.force_login(make_member(Role.COMPANY_CONTACT, OrganisationFactory(company=True)))
    response = upload(client, xlsx(ROWS))

    assert response.status_code == 422
    assert "You may not import for this company" in response.content.decode()
    assert WorkforceSnapshot.objects.count() == 0


def test_coordinators_overseeing_the_company_and_platform_admins_may_import(
    client, world, make_member
):
    consortium = OrganisationFactory(consortium=True)
    world["company"].partner_of.add(consortium)
    client.force_login(make_member(Role.COORDINATOR, consortium))
    assert confirm(client, upload(client, xlsx(ROWS))).status_code == 302

    client.force_login(UserFactory(superuser=True))
    assert counts(upload(client, xlsx(ROWS)))["Workforce snapshots"] == (0, 0, 1, 0)


def test_the_template_has_the_columns_an_example_and_notes(client):
    client.force_login(UserFactory())

    workbook = load_workbook(
        io.BytesIO(client.get(reverse("needs:workforce_template", args=["xlsx"])).content)
    )
    csv_template = client.get(reverse("needs:workforce_template", args=["csv"])).content

    assert [cell.value for cell in workbook["Effectifs"][1]] == HEADER
    assert [cell.value for cell in workbook["Notes"]["A"]][1:] == HEADER
    [(_, values)] = spreadsheets.read(csv_template, name="t.csv", sheet=imports.WORKFORCE_SHEET)
    assert (values["age_band"], values["headcount"]) == (AgeBand.FROM_55, 8)


def test_the_command_line_writes_only_in_a_wet_run(tmp_path, world):
    path = tmp_path / "effectifs.csv"
    path.write_bytes(csv(ROWS))

    call_command("import", "workforce", str(path), "--no-progress")
    assert WorkforceSnapshot.objects.count() == 0
    call_command("import", "workforce", str(path), "--wet-run", "--no-progress")

    assert len(lines()) == 3
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv([HEADER, ["Usinor Forbach", "32/01/2026", "", "H2903", "55-59", 1]]))
    with pytest.raises(InvalidSource) as refusal:
        importing.get("workforce").runner([bad], wet_run=True, progress=lambda *a: None, options={})
    assert [str(p) for p in refusal.value.problems] == [
        "bad.csv, row 2, column date: “32/01/2026” is not a date: write JJ/MM/AAAA or AAAA-MM-JJ."
    ]


def test_date_cells_and_codes_typed_as_numbers_are_read(client, world, make_member):
    ain = CommuneFactory(insee_code="01053", name="Bourg-en-Bresse")
    client.force_login(make_member(Role.COMPANY_CONTACT, world["company"]))
    rows = [HEADER, [12345678900012, dt.date(2026, 1, 1), 1053, "h2903", "55_59", 7.0]]

    confirm(client, upload(client, xlsx(rows)))

    snapshot = WorkforceSnapshot.objects.get()
    assert (snapshot.taken_on, snapshot.commune) == (dt.date(2026, 1, 1), ain)
    assert lines() == [(dt.date(2026, 1, 1), "H2903", AgeBand.FROM_55, 7)]

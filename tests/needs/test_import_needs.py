"""Hiring needs from a spreadsheet: preview, confirmation, refusals, re-imports, who may."""
# ruff: noqa: E501 -- expected messages are compared whole, one per line

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from fabrique.accounts.enums import Role
from fabrique.core import importing
from fabrique.core.importing import InvalidSource
from fabrique.needs import imports, spreadsheets
from fabrique.needs.enums import Confidence, Contract, ProjectStage
from fabrique.needs.models import HiringNeed, IndustrialProject
from fabrique.referentials import matching
from tests.factories import (
    CommuneFactory,
    HiringNeedFactory,
    IndustrialProjectFactory,
    OccupationFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.needs.sheets import csv, xlsx
from tests.territories.html import rows as table_rows
from tests.territories.html import text

pytestmark = pytest.mark.django_db
IMPORT = reverse("needs:spreadsheet_import")
HEADER = [
    "projet",
    "entreprise",
    "code_insee",
    "etape",
    "metier",
    "nombre",
    "date_besoin",
    "contrat",
    "niveau",
    "confiance",
    "note",
]
ROWS = [
    HEADER,
    [
        "Ligne d'usinage",
        "12345678900012",
        "57227",
        "confirmé",
        "H2903",
        12,
        "01/09/2027",
        "CDI",
        "niveau 4",
        "ferme",
        "Équipe de nuit",
    ],
    ["Ligne d'usinage", "Usinor Forbach", "", "", "I1304", 3, "2027-09-01", "", "", "", ""],
]


@pytest.fixture(autouse=True)
def world(db):
    company = OrganisationFactory(company=True, name="Usinor Forbach", siret="12345678900012")
    return {
        "company": company,
        "commune": CommuneFactory(insee_code="57227", name="Forbach"),
        "machining": OccupationFactory(code="H2903", label="Conduite d'équipement d'usinage"),
        "maintenance": OccupationFactory(code="I1304", label="Maintenance industrielle"),
    }


@pytest.fixture
def no_matcher(settings, tmp_path, monkeypatch):
    """The text matcher's index is not built (nor loaded) here."""
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(matching, "_loaded", {})
    monkeypatch.setattr(matching, "_key", "test-key")


def upload(client, content, name="besoins.xlsx"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content)})


def confirm(client, preview):
    return client.post(IMPORT, {"payload": preview.context["payload"]})


def problems(response):
    return [row for row in table_rows(response.content.decode()) if row != ["Where", "Problem"]]


def test_an_xlsx_file_is_previewed_then_written_on_confirmation(client, world, make_member):
    client.force_login(make_member(Role.COMPANY_CONTACT, world["company"]))

    preview = upload(client, xlsx(ROWS))

    assert preview.status_code == 200
    assert IndustrialProject.objects.count() == 0  # nothing written before the confirmation
    counts = {label: (c.created, c.updated, c.unchanged) for label, c in preview.context["counts"]}
    assert counts == {"Industrial projects": (1, 0, 0), "Hiring needs": (2, 0, 0)}
    page = table_rows(preview.content.decode())
    assert page[-2:] == [
        [
            "2",
            "to create",
            "Ligne d'usinage new project",
            "Usinor Forbach",
            "H2903 – Conduite d'équipement d'usinage",
            "12",
            "01/09/2027",
        ],
        [
            "3",
            "to create",
            "Ligne d'usinage new project",
            "Usinor Forbach",
            "I1304 – Maintenance industrielle",
            "3",
            "01/09/2027",
        ],
    ]

    done = confirm(client, preview)

    assert done.status_code == 302
    project = IndustrialProject.objects.get()
    assert (project.company, project.name, project.stage) == (
        world["company"],
        "Ligne d'usinage",
        ProjectStage.CONFIRMED,
    )
    assert (project.commune, project.latitude) == (world["commune"], world["commune"].latitude)
    needs = list(
        HiringNeed.objects.order_by("count").values_list(
            "occupation__code", "count", "needed_by", "contract", "level", "confidence", "note"
        )
    )
    assert needs == [
        ("I1304", 3, dt.date(2027, 9, 1), Contract.PERMANENT, "", Confidence.LIKELY, ""),
        (
            "H2903",
            12,
            dt.date(2027, 9, 1),
            Contract.PERMANENT,
            "NIV4",
            Confidence.FIRM,
            "Équipe de nuit",
        ),
    ]


def test_the_same_file_imported_again_changes_nothing_then_updates(client, world, make_member):
    client.force_login(make_member(Role.COMPANY_CONTACT, world["company"]))
    confirm(client, upload(client, csv(ROWS), "besoins.csv"))

    again = upload(client, csv(ROWS), "besoins.csv")
    counts = {label: (c.created, c.updated, c.unchanged) for label, c in again.context["counts"]}
    assert counts == {"Industrial projects": (0, 0, 1), "Hiring needs": (0, 0, 2)}
    confirm(client, again)
    changed = [ROWS[0], [*ROWS[1][:5], 20, *ROWS[1][6:]], ROWS[2]]
    confirm(client, upload(client, csv(changed), "besoins.csv"))

    assert IndustrialProject.objects.count() == 1
    assert sorted(HiringNeed.objects.values_list("count", flat=True)) == [3, 20]


def test_an_existing_project_keeps_its_needs_and_gets_the_stage_of_the_file(
    client, world, make_member
):
    project = IndustrialProjectFactory(
        company=world["company"], name="LIGNE D'USINAGE", stage=ProjectStage.ANNOUNCED
    )
    kept = HiringNeedFactory(
        project=project, occupation=world["machining"], needed_by=dt.date(2028, 1, 1)
    )
    client.force_login(make_member(Role.ORGANISATION_ADMIN, world["company"]))

    preview = upload(client, xlsx(ROWS[:2]))
    counts = {label: (c.created, c.updated, c.unchanged) for label, c in preview.context["counts"]}
    confirm(client, preview)

    assert counts == {"Industrial projects": (0, 1, 0), "Hiring needs": (1, 0, 0)}
    project.refresh_from_db()
    assert project.stage == ProjectStage.CONFIRMED
    assert sorted(project.needs.values_list("needed_by", flat=True)) == [
        dt.date(2027, 9, 1),
        kept.needed_by,
    ]


def test_a_bad_file_is_refused_whole_naming_rows_and_columns(client, world, make_member):
    client.force_login(make_member(Role.COMPANY_CONTACT, world["company"]))
    bad = [
        HEADER,
        ROWS[1],
        [
            "Ligne d'usinage",
            "Usinor Forbach",
            "",
            "",
            "H2903",
            0,
            "31/02/2027",
            "CDD",
            "",
            "sûr",
            "",
        ],
        ["Autre", "99999999999999", "99999", "fini", "Z9999", "trois", "", "", "", "", ""],
    ]

    response = upload(client, xlsx(bad))

    assert response.status_code == 422
    assert problems(response) == [
        ["row 3, column nombre", "must be 1 or more: a hiring need is at least one job."],
        [
            "row 3, column date_besoin",
            "“31/02/2027” is not a date: write JJ/MM/AAAA or AAAA-MM-JJ.",
        ],
        [
            "row 4, column etape",
            "“fini” is not a known value; use one of: annoncé, confirmé, en construction, montée en charge, en activité.",
        ],
        ["row 4, column nombre", "must be a whole number, 0 or more (not “trois”)."],
        ["row 4, column date_besoin", "is required."],
    ]
    assert "Nothing was written" in text(response.content.decode())
    assert IndustrialProject.objects.count() == 0
    assert HiringNeed.objects.count() == 0


def test_rows_naming_unknown_companies_communes_and_occupations_are_refused(
    client, world, make_member, no_matcher
):
    client.force_login(make_member(Role.COMPANY_CONTACT, world["company"]))
    bad = [
        HEADER,
        ["Ligne", "99999999999999", "99999", "", "Z9999", 1, "01/09/2027", "", "", "", ""],
        ["Ligne", "Inconnue SA", "57227", "", "soudeur", 1, "01/09/2027", "", "", "", ""],
        [
            "Ligne",
            "Usinor Forbach",
            "57227",
            "",
            "http://data.europa.eu/esco/occupation/x",
            1,
            "01/09/2027",
            "",
            "",
            "",
            "",
        ],
    ]

    response = upload(client, csv(bad), "besoins.csv")

    assert problems(response) == [
        [
            "row 2, column entreprise",
            "No organisation has the SIRET 99999999999999 on the platform.",
        ],
        ["row 2, column code_insee", "No commune has the INSEE code 99999."],
        ["row 2, column metier", "No ROME occupation has the code Z9999."],
        [
            "row 3, column entreprise",
            "No organisation is named “Inconnue SA” on the platform: give its SIRET, or its name as the platform writes it.",
        ],
        [
            "row 3, column metier",
            "“soudeur” is not a ROME code and the text matcher is not available yet: give a ROME code (e.g. H2903).",
        ],
        [
            "row 4, column metier",
            "No ESCO occupation has the URI http://data.europa.eu/esco/occupation/x.",
        ],
    ]
    assert IndustrialProject.objects.count() == 0


def test_rows_contradicting_each_other_are_refused(client, world, make_member):
    client.force_login(make_member(Role.COMPANY_CONTACT, world["company"]))
    CommuneFactory(insee_code="57672", name="Stiring-Wendel")
    bad = [
        HEADER,
        ["Nouvelle", "Usinor Forbach", "", "", "H2903", 1, "01/09/2027", "", "", "", ""],
        ["Ligne", "Usinor Forbach", "57227", "annoncé", "H2903", 1, "01/09/2027", "", "", "", ""],
        ["ligne", "Usinor Forbach", "57672", "confirmé", "H2903", 2, "2027-09-01", "", "", "", ""],
    ]

    response = upload(client, csv(bad), "besoins.csv")

    assert problems(response) == [
        ["row 2, column code_insee", "is required for a new project (its site's commune)."],
        [
            "row 4, column code_insee",
            "differs from row 3 for the same project; leave it empty or repeat it.",
        ],
        [
            "row 4, column etape",
            "differs from row 3 for the same project; leave it empty or repeat it.",
        ],
        [
            "row 4, column date_besoin",
            "row 3 has the same project, occupation and date: join the two rows.",
        ],
    ]


def test_a_label_is_resolved_by_the_text_matcher_when_its_index_is_ready(
    client, world, make_member, settings, tmp_path, monkeypatch, matcher_indexes
):
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(matching, "_loaded", {})
    monkeypatch.setattr(matching, "_key", None)
    assert not matching.ready("occupations", "rome")
    matcher_indexes(tmp_path, ("occupations", "rome"))
    assert matching.ready("occupations", "rome")
    OccupationFactory(code="D1102", label="Boulangerie - viennoiserie")
    client.force_login(make_member(Role.COMPANY_CONTACT, world["company"]))

    preview = upload(
        client,
        csv(
            [
                HEADER,
                [
                    "Fournil",
                    "Usinor Forbach",
                    "57227",
                    "",
                    "boulanger",
                    2,
                    "01/09/2027",
                    "",
                    "",
                    "",
                    "",
                ],
            ]
        ),
        "besoins.csv",
    )

    assert preview.status_code == 200
    assert [entry.occupation.code for entry in preview.context["entries"]] == ["D1102"]


# --- who may --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.COMPANY_CONTACT, True), (Role.ORGANISATION_ADMIN, True), (Role.VIEWER, False)],
)
def test_company_members_who_edit_projects_may_import_for_it(
    client, world, make_member, role, allowed
):
    client.force_login(make_member(role, world["company"]))

    response = upload(client, xlsx(ROWS))

    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


def test_an_import_for_another_company_is_refused_naming_the_row(client, world, make_member):
    other = OrganisationFactory(company=True)
    client.force_login(make_member(Role.COMPANY_CONTACT, other))

    response = upload(client, xlsx(ROWS))

    assert problems(response) == [
        [
            "row 2, column entreprise",
            "You may not import for this company: ask its admins or your coordinator.",
        ],
        [
            "row 3, column entreprise",
            "You may not import for this company: ask its admins or your coordinator.",
        ],
    ]
    assert IndustrialProject.objects.count() == 0


def test_the_coordinator_of_a_project_territory_and_platform_admins_may_import(
    client, world, make_member
):
    from tests.factories import IndustrialTerritoryFactory

    consortium = OrganisationFactory(consortium=True)
    territory = IndustrialTerritoryFactory()
    territory.coordinating_organisations.add(consortium)
    IndustrialProjectFactory(company=world["company"], name="Ligne d'usinage", territory=territory)
    client.force_login(make_member(Role.COORDINATOR, consortium))
    assert confirm(client, upload(client, xlsx(ROWS))).status_code == 302

    client.force_login(UserFactory(superuser=True))
    preview = upload(client, xlsx(ROWS))

    assert {entry.action for entry in preview.context["entries"]} == {"unchanged"}
    assert HiringNeed.objects.count() == 2


def test_a_confirmation_by_another_user_or_tampered_is_refused(client, world, make_member):
    client.force_login(make_member(Role.COMPANY_CONTACT, world["company"]))
    preview = upload(client, xlsx(ROWS))

    client.force_login(make_member(Role.COMPANY_CONTACT, world["company"]))
    assert confirm(client, preview).status_code == 403
    tampered = client.post(IMPORT, {"payload": preview.context["payload"] + "x"})

    assert tampered.status_code == 302
    assert IndustrialProject.objects.count() == 0


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(IMPORT)

    assert response.status_code == 302
    assert "/login" in response.url or "connexion" in response.url


# --- templates and the command line ---------------------------------------------------------


def test_the_xlsx_template_has_the_columns_an_example_and_notes(client):
    client.force_login(UserFactory())

    response = client.get(reverse("needs:spreadsheet_template", args=["xlsx"]))

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Besoins", "Listes", "Notes"]
    sheet = workbook["Besoins"]
    assert [cell.value for cell in sheet[1]] == HEADER
    assert [cell.value for cell in workbook["Notes"]["A"]][1:] == HEADER
    assert "ROME code" in workbook["Notes"]["B6"].value
    # the template imports as it is, once its example company, commune and occupation exist
    assert (
        imports.resolve_needs(
            spreadsheets.read(response.content, name="t.xlsx", sheet=imports.NEEDS_SHEET), user=None
        )[0].count
        == 12
    )


def test_the_csv_template_reads_back(client):
    client.force_login(UserFactory())

    response = client.get(reverse("needs:spreadsheet_template", args=["csv"]))

    assert (
        response["Content-Disposition"] == 'attachment; filename="modele-besoins-recrutement.csv"'
    )
    content = response.content.decode("utf-8-sig").splitlines()
    assert content[0] == ";".join(HEADER)
    [(row, values)] = spreadsheets.read(response.content, name="t.csv", sheet=imports.NEEDS_SHEET)
    assert (row, values["needed_by"], values["stage"]) == (
        2,
        dt.date(2027, 9, 1),
        ProjectStage.CONFIRMED,
    )


def test_the_command_line_writes_only_in_a_wet_run(tmp_path, world):
    path = tmp_path / "besoins.xlsx"
    path.write_bytes(xlsx(ROWS))

    call_command("import", "needs", str(path), "--no-progress")
    assert HiringNeed.objects.count() == 0
    call_command("import", "needs", str(path), "--wet-run", "--no-progress")
    call_command("import", "needs", str(path), "--wet-run", "--no-progress")

    assert HiringNeed.objects.count() == 2
    report = importing.get("needs").runner(
        [path], wet_run=False, progress=lambda *a: None, options={}
    )
    assert (report.counts["needs"].unchanged, report.counts["projects"].unchanged) == (2, 1)


def test_the_command_line_refuses_a_bad_file_naming_row_and_column(tmp_path, world):
    path = tmp_path / "besoins.csv"
    path.write_bytes(
        csv(
            [
                HEADER,
                [
                    "Ligne",
                    "Usinor Forbach",
                    "57227",
                    "",
                    "H2903",
                    "x",
                    "01/09/2027",
                    "",
                    "",
                    "",
                    "",
                ],
            ]
        )
    )

    with pytest.raises(InvalidSource) as refusal:
        importing.get("needs").runner([path], wet_run=True, progress=lambda *a: None, options={})
    with pytest.raises(CommandError):
        call_command("import", "needs", str(path), "--wet-run", "--no-progress")

    assert [str(p) for p in refusal.value.problems] == [
        "besoins.csv, row 2, column nombre: must be a whole number, 0 or more (not “x”)."
    ]
    assert IndustrialProject.objects.count() == 0

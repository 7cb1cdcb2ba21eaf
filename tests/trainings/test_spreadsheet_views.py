"""The spreadsheet pages: upload, preview, confirmation, downloads, and who may use them."""
# ruff: noqa: E501 -- expected messages are compared whole, one per line

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from fabrique.accounts.enums import Role
from fabrique.core.importing import InvalidSource
from fabrique.trainings import spreadsheet_export, spreadsheets
from fabrique.trainings.models import Session, Training
from tests.factories import OrganisationFactory, TrainingFactory, UserFactory
from tests.territories.html import rows, text

pytestmark = pytest.mark.django_db
IMPORT = reverse("trainings:spreadsheet_import")
CSV = (
    b"code_formation;intitule;code_session;debut;fin;places\r\n"
    b"MSA;Maintenance;S1;06/09/2027;31/03/2028;12\r\n"
    b"MSA;;S2;01/10/2027;30/04/2028;8\r\n"
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    """The test client, asking for pages in English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def centre():
    return OrganisationFactory(name="Lycée Jean-Moulin")


def upload(client, organisation, content=CSV, name="catalogue.csv"):
    return client.post(
        IMPORT, {"organisation": organisation.slug, "file": SimpleUploadedFile(name, content)}
    )


def test_import_shows_a_preview_then_writes_on_confirmation(client, centre, make_member):
    client.force_login(make_member(Role.TRAINER, centre))

    preview = upload(client, centre)

    assert preview.status_code == 200
    assert Training.objects.count() == 0  # nothing written yet
    table = rows(preview.content.decode())
    assert table[1:4] == [["Organisations", "0", "0", "0"], ["Trainings", "1", "0", "0"],
                          ["Sessions", "2", "0", "0"]]  # fmt: skip
    assert table[5:] == [
        ["2", "MSA", "Maintenance", "S1", "06/09/2027", "31/03/2028", "—", "12"],
        ["3", "MSA", "Maintenance", "S2", "01/10/2027", "30/04/2028", "—", "8"],
    ]
    confirm = client.post(IMPORT, {"payload": preview.context["payload"]}, follow=True)

    training = Training.objects.get()
    assert (training.organisation, training.code) == (centre, "MSA")
    assert list(Session.objects.values_list("code", "capacity")) == [("S1", 12), ("S2", 8)]
    assert "1 trainings created, 0 updated; 2 sessions created" in text(confirm.content.decode())


def test_import_of_an_xlsx_file_the_second_time_updates(client, centre, make_member):
    client.force_login(make_member(Role.ORGANISATION_ADMIN, centre))
    TrainingFactory(organisation=centre, code="MSA", title="Ancien titre")
    content = spreadsheet_export.xlsx_bytes(
        [[None, None, "MSA", "Maintenance"] + [None] * (len(spreadsheets.COLUMN_NAMES) - 4)]
    )

    preview = upload(client, centre, content, "catalogue.xlsx")
    client.post(IMPORT, {"payload": preview.context["payload"]})

    assert list(Training.objects.values_list("code", "title")) == [("MSA", "Maintenance")]


def test_import_refuses_a_bad_file_whole_and_lists_every_row_problem(client, centre, make_member):
    client.force_login(make_member(Role.COORDINATOR, centre))
    content = (
        "intitule;debut;fin;places;modalite\r\n"
        "Soudure;31/02/2027;01/03/2027;-1;présentiel\r\n"
        "Usinage;01/03/2027;01/02/2027;4;par pigeon\r\n"
    ).encode()

    response = upload(client, centre, content)

    assert response.status_code == 422
    assert rows(response.content.decode())[1:] == [
        ["2", "debut", "“31/02/2027” is not a date: write JJ/MM/AAAA or AAAA-MM-JJ."],
        ["2", "places", "must be a whole number, 0 or more (not “-1”)."],
        ["3", "modalite", "“par pigeon” is not a known value; use one of: présentiel, à distance, hybride, équipements à distance."],
        ["3", "fin", "is before the start of the session (01/03/2027)."],
    ]  # fmt: skip
    assert Training.objects.count() == 0


def test_import_refuses_what_the_offer_writer_refuses(client, centre, make_member):
    client.force_login(make_member(Role.TRAINER, centre))
    content = (
        "intitule;code_action;debut;fin\nA;X;01/03/2027;02/03/2027\nA;X;01/03/2027;05/03/2027\n"
    )

    response = upload(client, centre, content.encode())

    assert response.status_code == 422
    assert rows(response.content.decode())[1][0] == "catalogue.csv, line 3"
    assert Training.objects.count() == 0


def test_import_confirmation_with_a_tampered_payload_is_refused(client, centre, make_member):
    client.force_login(make_member(Role.TRAINER, centre))

    response = client.post(IMPORT, {"payload": "forged"}, follow=True)

    assert "This preview has expired" in text(response.content.decode())


def test_import_confirmation_by_another_user_is_forbidden(client, centre, make_member):
    client.force_login(make_member(Role.TRAINER, centre))
    payload = upload(client, centre).context["payload"]
    client.force_login(make_member(Role.TRAINER, centre))

    assert client.post(IMPORT, {"payload": payload}).status_code == 403
    assert Training.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.ORGANISATION_ADMIN, True),
        (Role.COORDINATOR, True),
        (Role.TRAINER, True),
        (Role.VIEWER, False),
        (Role.LEARNER, False),
        (Role.COMPANY_CONTACT, False),
    ],
)
def test_import_page_is_for_the_organisation_admins_coordinators_and_trainers(
    client, centre, make_member, role, allowed
):
    client.force_login(make_member(role, centre))

    response = client.get(IMPORT)

    assert response.status_code == (200 if allowed else 403)
    if allowed:
        assert list(response.context["form"].fields["organisation"].queryset) == [centre]


def test_import_for_another_organisation_is_refused(client, centre, make_member):
    client.force_login(make_member(Role.ORGANISATION_ADMIN, centre))
    other = OrganisationFactory()

    response = upload(client, other)

    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert "payload" not in response.context


def test_import_page_lets_platform_admins_choose_any_organisation(client, centre):
    academy = OrganisationFactory(company=True, name="Académie Usinor")
    client.force_login(UserFactory(superuser=True))

    response = client.get(IMPORT)

    assert set(response.context["form"].fields["organisation"].queryset) == {centre, academy}


def test_import_page_lists_only_the_organisations_a_trainer_publishes_for(
    client, centre, make_member
):
    OrganisationFactory(name="Autre organisme")
    client.force_login(make_member(Role.TRAINER, centre))

    response = client.get(IMPORT)

    assert list(response.context["form"].fields["organisation"].queryset) == [centre]


def test_import_page_sends_anonymous_visitors_to_log_in(client):
    response = client.get(IMPORT)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_template_download_opens_as_a_workbook(client):
    client.force_login(UserFactory())

    response = client.get(reverse("trainings:spreadsheet_template", args=["xlsx"]))

    assert (
        response["Content-Disposition"] == 'attachment; filename="modele-catalogue-formations.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert (
        workbook["Formations"]["D2"].value == "Technicien de maintenance des systèmes automatisés"
    )


def test_export_download_holds_one_organisation_and_imports_back(client, centre):
    TrainingFactory(organisation=centre, code="MSA")
    TrainingFactory(code="AUTRE")
    client.force_login(UserFactory())

    response = client.get(
        reverse("trainings:spreadsheet_export", args=["csv"]), {"organisation": centre.slug}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    records = spreadsheets.read(response.content, name="export.csv")
    assert [(r.organisation.name, r.code) for r in records] == [("Lycée Jean-Moulin", "MSA")]


def test_export_of_an_unknown_organisation_is_not_found(client):
    client.force_login(UserFactory())

    response = client.get(
        reverse("trainings:spreadsheet_export", args=["xlsx"]), {"organisation": "nope"}
    )

    assert response.status_code == 404


def test_command_line_runner_writes_only_in_a_wet_run(tmp_path: Path, centre):
    path = tmp_path / "catalogue.csv"
    path.write_bytes(CSV)
    options = {"trainings_organisation": centre.slug}

    dry = spreadsheets.run([path], wet_run=False, progress=lambda *a: None, options=options)
    assert Training.objects.count() == 0
    wet = spreadsheets.run([path], wet_run=True, progress=lambda *a: None, options=options)

    assert (dry.wet_run, dry.counts["sessions"].created) == (False, 2)
    assert (wet.wet_run, Training.objects.get().organisation) == (True, centre)


def test_command_line_runner_reports_the_rows_it_refuses(tmp_path: Path):
    path = tmp_path / "catalogue.csv"
    path.write_bytes(b"intitule;places\nSoudure;-1\n")

    with pytest.raises(InvalidSource) as refusal:
        spreadsheets.run([path], wet_run=True, progress=lambda *a: None, options={})

    assert [str(p) for p in refusal.value.problems] == [
        "catalogue.csv, row 2, column organisme: is required: name the training organisation (organisme or siret).",
        "catalogue.csv, row 2, column debut: is required for a session.",
        "catalogue.csv, row 2, column fin: is required for a session.",
        "catalogue.csv, row 2, column places: must be a whole number, 0 or more (not “-1”).",
    ]  # fmt: skip

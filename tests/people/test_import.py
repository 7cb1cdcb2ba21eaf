"""Importing people from CSV and XLSX files: the page (upload, preview, confirm), refusals,
re-imports, updates keyed on the external identifier, who may import, and the command."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from fabrique.accounts.enums import Role
from fabrique.accounts.models import AuditEvent
from fabrique.people import actions, spreadsheets
from fabrique.people.enums import PersonStatus, SkillSource
from fabrique.people.models import Person, PersonSkill
from tests.factories import (
    ESCO,
    CommuneFactory,
    OccupationFactory,
    OrganisationFactory,
    PersonFactory,
    SkillFactory,
    UserFactory,
)
from tests.territories.html import rows, text

pytestmark = pytest.mark.django_db
IMPORT = reverse("people:import")
ESCO_SKILL = f"{ESCO}/skill/0a1b2c3d-0000-4000-8000-000000000001"
HEADER = (
    "identifiant_externe;nom;prenom;email;telephone;annee_naissance;statut;code_insee;"
    "commune;code_postal;rayon_mobilite_km;disponible_le;metier_actuel;metiers_precedents;"
    "competences;competences_certification;consentement_employeurs;consentement_contact"
)
ROW_1 = (
    "FT-001;Schneider;Léa;lea.schneider@exemple.fr;06 39 98 00 01;1988;demandeur d'emploi;"
    '57227;;;40;01/09/2027;H2903;"H2913;I1304";"100122;' + ESCO_SKILL + '";123456;oui;non'
)
ROW_2 = "FT-002;Weber;Karim;;;1995;reconversion;;Forbach;57600;;2027-10-15;;;100122;;non;oui"


def csv_file(*lines: str, header: str = HEADER) -> bytes:
    return ("\r\n".join((header, *lines)) + "\r\n").encode("utf-8-sig")


CSV = csv_file(ROW_1, ROW_2)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def world():
    """The agency importing, and the référentiels and communes the files name."""
    commune = CommuneFactory(insee_code="57227", name="Forbach", postal_codes="57600")
    CommuneFactory(insee_code="57606", name="Saint-Avold", postal_codes="57500")
    for code in ("H2903", "H2913", "I1304"):
        OccupationFactory(code=code)
    skills = {
        "100122": SkillFactory(code="100122", label="Régler une machine"),
        "123456": SkillFactory(code="123456", label="Lire un plan"),
        ESCO_SKILL: SkillFactory(esco=True, code=ESCO_SKILL, label="use CNC machines"),
    }
    agency = OrganisationFactory(
        employment_service=True, name="Agence de Forbach", siret="13000548100010"
    )
    return {"agency": agency, "commune": commune, "skills": skills}


def upload(client, content: bytes, organisation, name: str = "lot.csv"):
    return client.post(
        IMPORT,
        {"organisation": organisation.slug, "file": SimpleUploadedFile(name, content)},
    )


def confirm(client, preview):
    return client.post(IMPORT, {"payload": preview.context["payload"]})


def importer(organisation, role=Role.TRAINER):
    user = UserFactory()
    user.memberships.create(organisation=organisation, role=role)
    return user


def xlsx_file(table: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Personnes"
    for line in table:
        sheet.append(line)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- preview and confirmation --------------------------------------------------------------


def test_preview_lists_rows_to_create_and_writes_nothing(client, world):
    client.force_login(importer(world["agency"]))

    response = upload(client, CSV, world["agency"])

    assert response.status_code == 200
    table = rows(response.content.decode())
    assert ["People", "2", "0", "0"] in table
    assert ["Skills of people", "4", "0", "—"] in table
    assert ["2", "FT-001", "Léa Schneider", "create", "—"] in table
    assert ["3", "FT-002", "Karim Weber", "create", "—"] in table
    assert Person.objects.count() == 0


def test_confirm_creates_people_with_their_values_skills_and_past_occupations(client, world):
    user = importer(world["agency"])
    client.force_login(user)

    response = confirm(client, upload(client, CSV, world["agency"]))

    assert response.status_code == 302
    lea = Person.objects.get(external_id="FT-001")
    assert (lea.last_name, lea.first_name, lea.email, lea.phone) == (
        "Schneider",
        "Léa",
        "lea.schneider@exemple.fr",
        "06 39 98 00 01",
    )
    assert (lea.birth_year, lea.status, lea.commune, lea.organisation) == (
        1988,
        PersonStatus.JOB_SEEKER,
        world["commune"],
        world["agency"],
    )
    assert (lea.mobility_radius_km, lea.available_from) == (40, dt.date(2027, 9, 1))
    assert lea.current_occupation.code == "H2903"
    assert sorted(lea.past_occupations.values_list("code", flat=True)) == ["H2913", "I1304"]
    assert (lea.consent_to_employers, lea.consent_to_contact) == (True, False)
    assert dict(lea.skills.values_list("skill__code", "source")) == {
        "100122": SkillSource.DECLARED,
        ESCO_SKILL: SkillSource.DECLARED,
        "123456": SkillSource.CERTIFICATION,
    }
    karim = Person.objects.get(external_id="FT-002")
    assert (karim.status, karim.commune, karim.mobility_radius_km) == (
        PersonStatus.RECONVERSION,
        world["commune"],
        30,
    )
    assert (karim.consent_to_employers, karim.consent_to_contact) == (False, True)
    page = client.get(IMPORT).content.decode()
    assert "2 people created, 0 updated, 0 unchanged" in text(page)


def test_import_is_recorded_in_the_audit_log_as_the_importer(client, world):
    user = importer(world["agency"])
    client.force_login(user)

    confirm(client, upload(client, CSV, world["agency"]))

    lea = Person.objects.get(external_id="FT-001")
    created = AuditEvent.objects.get(model="people.person", object_id=str(lea.pk), action="create")
    assert (created.actor, created.source) == (user, "web")
    summary = AuditEvent.objects.get(model="people.person", object_id="")
    assert summary.actor == user
    assert summary.after == {
        "organisation": world["agency"].pk,
        "rows": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
    assert "Schneider" not in summary.object_label
    links = AuditEvent.objects.filter(model="people.personskill", action="create")
    assert sorted(event.object_label for event in links) == [
        "Karim Weber — Régler une machine",
        "Léa Schneider — Lire un plan",
        "Léa Schneider — Régler une machine",
        "Léa Schneider — use CNC machines",
    ]
    assert {(event.actor, event.source) for event in links} == {(user, "web")}
    assert created.after["external_id"] == "FT-001"


def test_xlsx_file_is_previewed_and_imported(client, world):
    content = xlsx_file(
        [
            [
                "Identifiant externe",
                "Nom",
                "Prénom",
                "Statut",
                "Code INSEE",
                "Disponible le",
                "Téléphone",
            ],
            ["FT-010", "Muller", "Anna", "apprenti", 57227, dt.datetime(2027, 9, 1), 639980001],
            ["FT-011", "Klein", "Hugo", "student", "57606", "15/01/2028", None],
        ]
    )
    client.force_login(importer(world["agency"]))

    preview = upload(client, content, world["agency"], name="lot.xlsx")
    assert ["2", "FT-010", "Anna Muller", "create", "—"] in rows(preview.content.decode())
    confirm(client, preview)

    anna = Person.objects.get(external_id="FT-010")
    assert (anna.status, anna.commune.insee_code, anna.available_from, anna.phone) == (
        PersonStatus.APPRENTICE,
        "57227",
        dt.date(2027, 9, 1),
        "0639980001",
    )
    hugo = Person.objects.get(external_id="FT-011")
    assert (hugo.status, hugo.commune.name, hugo.available_from) == (
        PersonStatus.STUDENT,
        "Saint-Avold",
        dt.date(2028, 1, 15),
    )


def test_the_templates_read_back_as_one_person():
    for name, content in (
        ("modele.csv", spreadsheets.template_csv()),
        ("modele.xlsx", spreadsheets.template_xlsx()),
    ):
        (record,) = spreadsheets.read(content, name=name)

        assert (record.external_id, record.last_name, record.status) == (
            "FT-0001234",
            "Martin",
            PersonStatus.JOB_SEEKER,
        )
        assert record.past_occupations == ("H2913", "I1304")
        assert record.available_from == dt.date(2027, 9, 1)


def test_template_downloads(client, world):
    client.force_login(importer(world["agency"]))

    csv = client.get(reverse("people:import_template", args=["csv"]))
    xlsx = client.get(reverse("people:import_template", args=["xlsx"]))

    assert csv.content.decode("utf-8-sig").splitlines()[0] == HEADER
    assert xlsx["Content-Disposition"] == 'attachment; filename="modele-personnes.xlsx"'
    assert spreadsheets.read(xlsx.content, name="modele.xlsx")[0].first_name == "Camille"


# --- refusals ----------------------------------------------------------------------------------


def test_file_with_errors_is_refused_whole_naming_rows_and_columns(client, world):
    bad = csv_file(
        ROW_1,
        "FT-003;Roth;Élise;elise@;;1990;demandeur d'emploi;;;;;31/02/2027;;;;;oui;oui",
        "FT-004;Hoffmann;Paul;;;;chômeur;99999;;;;;Z9999;;999999;;peut-être;",
        "FT-001;Doublon;Jean;;;;student;;;;;;;;;;;",
    )
    client.force_login(importer(world["agency"]))

    response = upload(client, bad, world["agency"])

    assert response.status_code == 422
    page = response.content.decode()
    problems = [row for row in rows(page) if len(row) == 3][1:]
    assert problems == [
        ["3", "email", "is not a valid e-mail address."],
        ["3", "disponible_le", "is not a date: write JJ/MM/AAAA or AAAA-MM-JJ."],
        [
            "4",
            "statut",
            "is not a known status; use one of: demandeur d'emploi, salarié en reconversion, "
            "étudiant, apprenti, salarié, grand public.",
        ],
        ["4", "consentement_employeurs", "write oui or non."],
        ["5", "identifiant_externe", "the same identifier is already on row 2."],
    ]
    assert "elise@" not in page
    assert "peut-être" not in page
    assert "chômeur" not in page
    assert Person.objects.count() == 0


def test_unknown_codes_and_communes_refuse_the_file_and_nothing_is_written(client, world):
    bad = csv_file(
        ROW_1,
        "FT-004;Hoffmann;Paul;;;;salarié;99999;;;;;Z9999;H2913;999999;;;",
        "FT-005;Roth;Élise;;;;salarié;;Metz;;;;;;;;;",
    )
    client.force_login(importer(world["agency"]))

    response = upload(client, bad, world["agency"])

    assert response.status_code == 422
    problems = [row for row in rows(response.content.decode()) if len(row) == 3][1:]
    assert problems == [
        ["3", "code_insee", "no commune has this INSEE code."],
        ["3", "metier_actuel", "is not a known ROME code."],
        ["3", "competences", "value 1 of the list is not a known skill."],
        ["4", "commune", "no commune matches."],
    ]
    assert Person.objects.count() == 0
    assert PersonSkill.objects.count() == 0


def test_missing_required_column_and_unknown_column_are_named(client, world):
    bad = csv_file("FT-001;Schneider;Léa", header="identifiant_externe;nom;pointure")
    client.force_login(importer(world["agency"]))

    response = upload(client, bad, world["agency"])

    problems = [row for row in rows(response.content.decode()) if len(row) == 3][1:]
    assert [problem[:2] for problem in problems] == [
        ["1", "pointure"],
        ["1", "prenom"],
        ["1", "statut"],
    ]
    assert Person.objects.count() == 0


def test_wrong_file_kind_is_refused_by_the_form(client, world):
    client.force_login(importer(world["agency"]))

    response = upload(client, b"\xd0\xcf\x11\xe0", world["agency"], name="lot.xls")

    assert ".xls files are not read" in response.content.decode()
    assert Person.objects.count() == 0


# --- re-imports and updates --------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(client, world):
    user = importer(world["agency"])
    client.force_login(user)
    confirm(client, upload(client, CSV, world["agency"]))
    before = list(Person.objects.values_list("pk", "updated_at").order_by("pk"))
    events = AuditEvent.objects.exclude(object_id="").count()

    preview = upload(client, CSV, world["agency"])
    confirm(client, preview)

    assert ["People", "0", "0", "2"] in rows(preview.content.decode())
    assert ["2", "FT-001", "Léa Schneider", "unchanged", "—"] in rows(preview.content.decode())
    assert list(Person.objects.values_list("pk", "updated_at").order_by("pk")) == before
    assert AuditEvent.objects.exclude(object_id="").count() == events
    assert PersonSkill.objects.count() == 4


def test_update_of_an_existing_person_keyed_on_external_id(client, world):
    agency = world["agency"]
    skill = world["skills"]["100122"]
    lea = PersonFactory(
        organisation=agency,
        external_id="FT-001",
        first_name="Léa",
        last_name="Schneider",
        email="ancienne@exemple.fr",
        phone="03 87 00 00 00",
        status=PersonStatus.STUDENT,
        mobility_radius_km=10,
        consent_to_contact=True,
    )
    lea.past_occupations.add(OccupationFactory(code="K1302"))
    PersonSkill.objects.create(person=lea, skill=skill, source=SkillSource.TRAINING)
    namesake = PersonFactory(external_id="FT-001", last_name="Autre")  # another organisation
    update = csv_file("FT-001;Schneider;Léa;;;;demandeur d'emploi;;;;25;;;H2913;100122;123456;;")
    client.force_login(importer(agency))

    preview = upload(client, update, agency)
    confirm(client, preview)

    assert [
        "2",
        "FT-001",
        "Léa Schneider",
        "update",
        "statut, rayon_mobilite_km, metiers_precedents, competences",
    ] in rows(preview.content.decode())
    lea.refresh_from_db()
    assert Person.objects.filter(organisation=agency).count() == 1
    assert (lea.status, lea.mobility_radius_km) == (PersonStatus.JOB_SEEKER, 25)
    # Empty cells leave the values as they were.
    assert (lea.email, lea.phone, lea.consent_to_contact) == (
        "ancienne@exemple.fr",
        "03 87 00 00 00",
        True,
    )
    assert sorted(lea.past_occupations.values_list("code", flat=True)) == ["H2913", "K1302"]
    assert dict(lea.skills.values_list("skill__code", "source")) == {
        "100122": SkillSource.TRAINING,  # a skill earned by a training keeps its source
        "123456": SkillSource.CERTIFICATION,
    }
    event = AuditEvent.objects.get(model="people.person", object_id=str(lea.pk), action="update")
    assert set(event.after) == {"status", "mobility_radius_km", "updated_at"}
    assert (event.before["status"], event.after["status"]) == ("student", "job_seeker")
    assert (event.before["mobility_radius_km"], event.after["mobility_radius_km"]) == (10, 25)
    namesake.refresh_from_db()
    assert namesake.last_name == "Autre"
    assert namesake.status == PersonStatus.JOB_SEEKER


def test_a_declared_skill_becomes_certified_when_a_file_says_so(world):
    lea = PersonFactory(organisation=world["agency"], external_id="FT-001")
    PersonSkill.objects.create(person=lea, skill=world["skills"]["100122"])
    records = spreadsheets.read(
        csv_file("FT-001;Schneider;Léa;;;;student;;;;;;;;;100122;;"), name="lot.csv"
    )

    result = actions.import_people(
        records=records, organisation=world["agency"], by=None, wet_run=True
    )

    assert (result.counts["skills"].created, result.counts["skills"].updated) == (0, 1)
    assert lea.skills.get().source == SkillSource.CERTIFICATION


def test_erasure_forgets_the_external_identifier(world):
    admin = importer(world["agency"], Role.ORGANISATION_ADMIN)
    lea = PersonFactory(organisation=world["agency"], external_id="FT-001")

    actions.erase_person(person=lea, by=admin)

    lea.refresh_from_db()
    assert lea.external_id == ""


# --- who may import ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ORGANISATION_ADMIN, Role.COORDINATOR, Role.TRAINER])
def test_staff_of_a_following_organisation_may_import(client, world, role):
    client.force_login(importer(world["agency"], role))

    response = upload(client, CSV, world["agency"])

    assert response.status_code == 200
    assert response.context["people"].created == 2


def test_viewer_may_not_import(client, world):
    client.force_login(importer(world["agency"], Role.VIEWER))

    assert client.get(IMPORT).status_code == 403
    assert upload(client, CSV, world["agency"]).status_code == 403


def test_organisation_that_does_not_follow_people_may_not_import(client, world):
    funder = OrganisationFactory(kind="funder")
    client.force_login(importer(funder, Role.ORGANISATION_ADMIN))

    assert client.get(IMPORT).status_code == 403


def test_member_may_not_import_for_another_organisation(client, world):
    school = OrganisationFactory(kind="lycee")
    client.force_login(importer(school))

    response = upload(client, CSV, world["agency"])

    assert response.status_code == 200  # the form refuses the choice
    assert "organisation" in response.context["form"].errors
    assert Person.objects.count() == 0


def test_platform_admin_imports_for_any_following_organisation(client, world):
    client.force_login(UserFactory(is_superuser=True))

    confirm(client, upload(client, CSV, world["agency"]))

    assert Person.objects.filter(organisation=world["agency"]).count() == 2


def test_confirmation_is_bound_to_the_user_who_previewed(client, world):
    client.force_login(importer(world["agency"]))
    preview = upload(client, CSV, world["agency"])
    client.force_login(importer(world["agency"]))

    response = confirm(client, preview)

    assert response.status_code == 403
    assert Person.objects.count() == 0


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(IMPORT)

    assert response.status_code == 302


def test_list_offers_the_import_only_to_importers(client, world):
    client.force_login(importer(world["agency"]))
    assert IMPORT in client.get(reverse("people:list")).content.decode()

    client.force_login(importer(world["agency"], Role.VIEWER))
    assert IMPORT not in client.get(reverse("people:list")).content.decode()


# --- the command -------------------------------------------------------------------------------


def run_command(*args):
    out = io.StringIO()
    call_command("import", "people", *args, "--no-progress", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_command_is_a_dry_run_by_default(tmp_path, world):
    path = tmp_path / "lot.csv"
    path.write_bytes(CSV)

    output = run_command(str(path), "--organisation", world["agency"].siret)

    assert "Dry run" in output
    assert ["people", "2", "0", "0", "0"] in [line.split() for line in output.splitlines()]
    assert Person.objects.count() == 0


def test_command_wet_run_writes_then_reimport_is_unchanged(tmp_path, world):
    path = tmp_path / "lot.csv"
    path.write_bytes(CSV)

    run_command(str(path), "--organisation", world["agency"].slug, "--wet-run")
    again = run_command(str(path), "--organisation", str(world["agency"].pk), "--wet-run")

    assert Person.objects.filter(organisation=world["agency"]).count() == 2
    assert again.splitlines()[0] == "people Agence de Forbach"
    assert ["people", "0", "0", "2", "0"] in [line.split() for line in again.splitlines()]


def test_command_refuses_a_bad_file_naming_row_and_column(tmp_path, world):
    path = tmp_path / "lot.csv"
    path.write_bytes(csv_file(ROW_1, "FT-003;Roth;Élise;elise@;;;student;;;;;;;;;;;"))

    with pytest.raises(CommandError) as error:
        run_command(str(path), "--organisation", world["agency"].slug, "--wet-run")

    assert "lot.csv, row 3, column email: is not a valid e-mail address." in str(error.value)
    assert "elise@" not in str(error.value)
    assert Person.objects.count() == 0


def test_command_requires_a_known_organisation(tmp_path, world):
    path = tmp_path / "lot.csv"
    path.write_bytes(CSV)

    with pytest.raises(CommandError, match="--organisation"):
        run_command(str(path))
    with pytest.raises(CommandError, match="no single organisation"):
        run_command(str(path), "--organisation", "inconnue")


def test_comma_separated_file_with_status_codes_and_communes_by_name(world):
    CommuneFactory(insee_code="57001", name="Boulay", postal_codes="57220")
    CommuneFactory(insee_code="57002", name="Boulay", postal_codes="57221")
    content = (
        "Identifiant externe,Nom,Prénom,Statut,Commune,Code postal\r\n"
        "FT-1,Roth,Élise,employee,Saint Avold,\r\n"
        "FT-2,Klein,Hugo,DE,Boulay,57221\r\n"
        "FT-3,Weber,Karim,Étudiante,,57600\r\n"
    ).encode()

    result = actions.import_people(
        records=spreadsheets.read(content, name="lot.csv"),
        organisation=world["agency"],
        by=None,
        wet_run=True,
    )

    assert result.written
    people = {
        person.external_id: (person.status, person.commune.insee_code)
        for person in Person.objects.select_related("commune")
    }
    assert people == {
        "FT-1": (PersonStatus.EMPLOYEE, "57606"),
        "FT-2": (PersonStatus.JOB_SEEKER, "57002"),
        "FT-3": (PersonStatus.STUDENT, "57227"),
    }


def test_ambiguous_or_contradictory_communes_are_refused(world):
    CommuneFactory(insee_code="57001", name="Boulay", postal_codes="57220")
    CommuneFactory(insee_code="57002", name="Boulay", postal_codes="57221")
    content = csv_file(
        "FT-1;Roth;Élise;;;;salarié;;Boulay;;;;;;;;;",
        "FT-2;Klein;Hugo;;;;salarié;57227;Metz;;;;;;;;;",
        "FT-3;Weber;Karim;;;;salarié;57227;;57500;;;;;;;;",
    )

    result = actions.import_people(
        records=spreadsheets.read(content, name="lot.csv"),
        organisation=world["agency"],
        by=None,
        wet_run=True,
    )

    assert not result.written
    assert [str(problem) for problem in result.problems] == [
        "row 2, column commune: several communes match: give the INSEE code (code_insee).",
        "row 3, column commune: is not the name of the commune of code_insee.",
        "row 4, column code_postal: is not a postcode of the commune of code_insee.",
    ]
    assert Person.objects.count() == 0


def test_an_organisation_that_does_not_follow_people_is_refused_on_the_command_line(world):
    funder = OrganisationFactory(kind="funder")

    result = actions.import_people(
        records=spreadsheets.read(CSV, name="lot.csv"), organisation=funder, by=None, wet_run=True
    )

    assert [problem.reason for problem in result.problems] == [
        "This organisation does not follow people: choose another."
    ]
    assert Person.objects.count() == 0


def test_consortium_coordinator_imports_for_a_partner_organisation(client, world):
    consortium = OrganisationFactory(consortium=True)
    consortium.partners.add(world["agency"])
    coordinator = importer(consortium, Role.COORDINATOR)
    client.force_login(coordinator)

    confirm(client, upload(client, CSV, world["agency"]))

    assert Person.objects.filter(organisation=world["agency"]).count() == 2
    assert list(client.get(IMPORT).context["form"].fields["organisation"].queryset) == [
        world["agency"]
    ]  # a consortium does not follow people itself

"""The template and the export of the catalogue: they open, and they import back unchanged."""

import dataclasses
import datetime as dt
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from fabrique.trainings import spreadsheet_export, spreadsheets
from fabrique.trainings.enums import Audience, Funding, Modality
from fabrique.trainings.models import Training
from fabrique.trainings.offer import write_offer
from tests.factories import (
    CertificationBlocFactory,
    CommuneFactory,
    FormacodeFactory,
    OccupationFactory,
    OrganisationFactory,
    SessionFactory,
    TrainingAudienceFactory,
    TrainingFactory,
    TrainingFundingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def without_origins(records):
    return tuple(
        dataclasses.replace(
            record,
            origin=None,
            sessions=tuple(dataclasses.replace(s, origin=None) for s in record.sessions),
        )
        for record in records
    )


@pytest.fixture
def catalogue():
    """Two organisations; a training with everything filled, a remote one without sessions,
    an unpublished one."""
    centre = OrganisationFactory(name="Lycée Jean-Moulin", siret="12345678900011")
    other = OrganisationFactory(name="AFPA Metz")
    bloc = CertificationBlocFactory()
    full = TrainingFactory(
        organisation=centre,
        code="MSA",
        title="=Maintenance; “automatisée”",
        objectives="Diagnostiquer.\nRemettre en service.",
        level="NIV4",
        price="4200.50",
        certification=bloc.certification,
        contact_phone="+33 3 87 00 00 00",
        url="https://exemple.fr/msa",
    )
    full.certification_blocs.add(bloc)
    full.formacodes.add(FormacodeFactory(code="31054"))
    full.occupations.add(OccupationFactory(code="I1304"))
    TrainingAudienceFactory(training=full, audience=Audience.RECONVERSION)
    TrainingAudienceFactory(training=full, audience=Audience.JOB_SEEKERS)
    TrainingFundingFactory(training=full, funding=Funding.CPF)
    SessionFactory(
        training=full,
        code="S2",
        start=dt.date(2027, 10, 1),
        end=dt.date(2028, 4, 30),
        capacity=None,
        latitude=None,
        longitude=None,
        commune=None,
        status="cancelled",
    )
    SessionFactory(training=full, code="S1", start=dt.date(2027, 9, 6), end=dt.date(2028, 3, 31),
                   commune=CommuneFactory(insee_code="57227"), timetable="8 h – 17 h")  # fmt: skip
    TrainingFactory(organisation=other, code="", title="Soudure", modality=Modality.REMOTE,
                    hours=None, price=None)  # fmt: skip
    TrainingFactory(organisation=centre, code="SECRET", unpublished=True)
    return centre


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_export_then_read_gives_the_same_records(catalogue, file_format):
    records = spreadsheet_export.catalogue_records(UserFactory())
    rows = spreadsheet_export.rows_of(records)
    content = getattr(spreadsheet_export, f"{file_format}_bytes")(rows)

    read = spreadsheets.read(content, name=f"export.{file_format}")

    assert [r.title for r in records] == ["Soudure", "=Maintenance; “automatisée”"]
    assert without_origins(read) == records
    assert records[1].sessions[1].insee_code == ""
    assert records[1].bloc_codes == (
        catalogue.trainings.get(code="MSA").certification_blocs.get().code,
    )


def test_export_holds_unpublished_trainings_only_for_their_organisation(catalogue, make_member):
    member = make_member("viewer", catalogue)

    titles = [r.code for r in spreadsheet_export.catalogue_records(member, catalogue)]

    assert titles == ["MSA", "SECRET"]
    assert [r.code for r in spreadsheet_export.catalogue_records(UserFactory(), catalogue)] == [
        "MSA"
    ]


def test_export_imports_back_unchanged_through_the_offer_writer(catalogue):
    records = spreadsheet_export.catalogue_records(UserFactory(), catalogue)
    content = spreadsheet_export.xlsx_bytes(spreadsheet_export.rows_of(records))
    Training.objects.filter(organisation=catalogue).delete()

    read = spreadsheets.read(content, name="export.xlsx")
    report = write_offer(records=read, by=None, wet_run=True)

    assert report.written, report.problems
    assert spreadsheet_export.catalogue_records(UserFactory(), catalogue) == records


def test_template_xlsx_opens_with_notes_lists_and_an_example_row():
    workbook = load_workbook(io.BytesIO(spreadsheet_export.template_xlsx()))
    sheet = workbook["Formations"]

    assert workbook.sheetnames == ["Formations", "Listes", "Notes"]
    assert [cell.value for cell in sheet[1]] == list(spreadsheets.COLUMN_NAMES)
    assert (
        sheet["D1"].comment.text
        == "Title of the training. Required on the first row of a training."
    )
    assert sheet["J2"].value == "présentiel"
    validations = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert validations["J2:J5001"] == "=Listes!$B$2:$B$5"
    modalities = [c.value for c in workbook["Listes"]["B"] if c.value]
    assert modalities == [
        "modalite",
        "présentiel",
        "à distance",
        "hybride",
        "équipements à distance",
    ]
    assert workbook["Notes"]["A2"].value == "organisme"


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_template_example_row_imports(file_format):
    centre = OrganisationFactory()
    content = getattr(spreadsheet_export, f"template_{file_format}")()

    records = spreadsheets.read(
        content, name=f"modele.{file_format}", organisation=spreadsheets.organisation_record(centre)
    )
    report = write_offer(records=records, by=None, wet_run=True, organisation=centre)

    assert report.problems == []
    training = Training.objects.get(organisation=centre)
    assert (training.code, training.hours, training.sessions.get().capacity) == (
        "MSA-2027",
        420,
        12,
    )

"""LHÉO export: valid against the official schema, and a round trip keeps the offer."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from fabrique.trainings.importers import import_lheo
from fabrique.trainings.lheo.reader import read_lheo, schema
from fabrique.trainings.lheo.writer import NothingToExport, write_lheo
from fabrique.trainings.models import Session, Training
from tests.factories import (
    CertificationFactory,
    FormacodeFactory,
    OccupationFactory,
    OrganisationFactory,
    SessionFactory,
    TrainingFactory,
)

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"


def exported(trainings=None) -> bytes:
    stream = io.BytesIO()
    write_lheo(stream, trainings if trainings is not None else Training.objects.all())
    return stream.getvalue()


def offer_facts():
    return sorted(
        (
            s.training.organisation.siret,
            s.training.code,
            s.training.title,
            s.training.certification.code if s.training.certification else "",
            tuple(sorted(s.training.formacodes.values_list("code", flat=True))),
            s.code,
            s.action_code,
            s.start,
            s.end,
            s.place_name,
            s.address,
            s.postcode,
            s.city,
            s.latitude,
            s.longitude,
            s.capacity,
        )
        for s in Session.objects.select_related("training__organisation", "training__certification")
    )


def test_export_of_factory_trainings_validates_against_the_official_schema():
    session = SessionFactory(
        training__title="Soudage <TIG> & MIG", training__objectives="", capacity=None
    )
    SessionFactory(training=session.training, code="", action_code="", place_name="")

    document = etree.fromstring(exported())

    assert schema().validate(document), schema().error_log
    assert document.findtext(".//{http://lheo.gouv.fr/2.3}intitule-formation") == (
        "Soudage <TIG> & MIG"
    )


def test_round_trip_import_export_import_keeps_titles_codes_dates_and_places():
    CertificationFactory(code="RNCP35347")
    FormacodeFactory(code="31815")
    OccupationFactory(code="I1304")
    import_lheo([DATA / "offre-2.3.xml"], wet_run=True)
    before = offer_facts()

    data = exported()
    assert schema().validate(etree.fromstring(data)), schema().error_log
    report = import_lheo_bytes(data)

    assert report.counts["sessions"].unchanged == 4
    assert report.total("created") == report.total("updated") == 0
    assert offer_facts() == before
    assert [row[1:3] for row in before[:2]] == [
        ("F-JUMEAU-NUM", "Jumeau numérique et réalité virtuelle en maintenance"),
        ("F-MSA-2027", "Technicien de maintenance des systèmes automatisés"),
    ]


def import_lheo_bytes(data, tmp_name="export.xml"):
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / tmp_name
        path.write_bytes(data)
        return import_lheo([path], wet_run=True)


def test_round_trip_into_an_empty_database_recreates_the_same_offer():
    import_lheo([DATA / "onisep-bts-2.2.xml"], wet_run=True)
    before = offer_facts()
    data = exported()
    Session.objects.all().delete()
    Training.objects.all().delete()

    import_lheo_bytes(data)

    assert offer_facts() == before


def test_export_leaves_out_trainings_without_sessions():
    TrainingFactory(title="Sans session")
    SessionFactory(training__title="Avec session")
    stream = io.BytesIO()

    summary = write_lheo(stream, Training.objects.all())

    assert (summary.formations, summary.sessions, summary.left_out) == (1, 1, 1)
    titles = [r.title for r in read_lheo(stream.getvalue(), name="x.xml").records]
    assert titles == ["Avec session"]


def test_export_of_nothing_is_refused():
    TrainingFactory()

    with pytest.raises(NothingToExport):
        write_lheo(io.BytesIO(), Training.objects.all())


def test_export_command_writes_one_organisations_offer(tmp_path):
    kept = SessionFactory(training__organisation=OrganisationFactory(slug="afpi"))
    SessionFactory()
    output = tmp_path / "offre.xml"
    out = io.StringIO()

    call_command("export", "lheo", "--output", str(output), "--organisation", "afpi", stdout=out)

    document = read_lheo(output.read_bytes(), name="offre.xml")
    assert [record.title for record in document.records] == [kept.training.title]
    assert "1 formation(s), 1 action(s), 1 session(s)." in out.getvalue()


def test_export_command_refuses_an_unknown_organisation(tmp_path):
    with pytest.raises(CommandError, match="No organisation has the short name 'nope'"):
        call_command(
            "export", "lheo", "--output", str(tmp_path / "x.xml"), "--organisation", "nope"
        )
    assert not (tmp_path / "x.xml").exists()


def test_import_command_dry_run_writes_nothing_and_wet_run_writes(capsys):
    call_command("import", "lheo", str(DATA / "offre-2.3.xml"), "--no-progress")
    dry = capsys.readouterr().out
    assert Training.objects.count() == 0

    call_command("import", "lheo", str(DATA / "offre-2.3.xml"), "--wet-run", "--no-progress")

    assert "Dry run" in dry
    assert "sessions" in dry
    assert Training.objects.count() == 2
    assert Session.objects.count() == 4


def test_import_command_names_element_line_and_reason_of_a_refusal():
    with pytest.raises(CommandError) as refusal:
        call_command("import", "lheo", str(DATA / "invalid-date.xml"), "--wet-run")

    assert str(refusal.value) == (
        "Nothing was imported.\ninvalid-date.xml, "
        "lheo/offres/formation[1]/action[1]/session[1]/periode/debut, line 57: "
        "the start: “20270230” is not a real date (day is out of range for month)"
    )
    assert Training.objects.count() == 0

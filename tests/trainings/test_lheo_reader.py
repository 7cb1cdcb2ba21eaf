"""Reading LHÉO files: the mapping, rich text, dates, namespaces and the shared samples."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from fabrique.core.importing import InvalidSource
from fabrique.trainings.lheo.reader import read_lheo, read_lheo_file
from fabrique.trainings.lheo.text import InvalidDate, clean_text, parse_date

DATA = Path(__file__).parent / "data"


def test_read_lheo_maps_a_formation_to_a_training_record():
    document = read_lheo_file(DATA / "offre-2.3.xml")

    first, second = document.records
    assert (first.code, first.title) == (
        "F-MSA-2027",
        "Technicien de maintenance des systèmes automatisés",
    )
    assert first.certification_code == "RNCP35347"
    assert (first.formacodes, first.nsf_codes, first.rome_codes) == (
        ("31815",),
        ("250",),
        ("I1304",),
    )
    assert first.level == "NIV4"
    assert first.modality == "in_person"
    assert (first.hours, first.price) == (1050, Decimal("8450.00"))
    assert first.audiences == ("job_seekers", "reconversion")
    assert first.fundings == ("region", "employment_service", "opco")
    assert first.entry_requirements == "Niveau CAP en électricité ou expérience équivalente."
    assert first.accessibility.startswith("Locaux accessibles")
    assert (first.contact_email, first.contact_phone) == (
        "formation@afpi-lorraine.example.org",
        "03 87 00 00 00",
    )
    assert first.organisation.siret == "77567417900031"
    assert (first.organisation.name, first.organisation.code) == ("AFPI Lorraine", "OF-57-001")
    assert second.modality == "hybrid"
    assert second.expected_results == ""  # "-" is LHÉO's "nothing to say"
    assert (document.action_count, document.session_count) == (3, 4)


def test_read_lheo_maps_actions_and_sessions_to_session_records():
    first = read_lheo_file(DATA / "offre-2.3.xml").records[0]

    forbach, month_only, metz = first.sessions
    assert forbach.code == "S-MSA-2027-1"
    assert forbach.action_code == "A-MSA-FORBACH"
    assert (forbach.start, forbach.end) == (dt.date(2027, 9, 6), dt.date(2028, 6, 30))
    assert forbach.registration_deadline == dt.date(2027, 8, 15)
    assert forbach.place_name == "Plateau technique de Forbach"
    assert forbach.address == "12 rue de l'Industrie, Zone Europôle"
    assert (forbach.postcode, forbach.city, forbach.insee_code) == ("57600", "Forbach", "57227")
    assert (forbach.latitude, forbach.longitude) == (49.1881, 6.8967)
    assert (forbach.capacity, forbach.status) == (12, "open")
    assert forbach.timetable == "Du lundi au jeudi, 8 h 30 – 16 h 30"
    assert str(forbach.origin) == "formation[1]/action[1]/session[1], line 55"
    assert (month_only.start, month_only.end) == (dt.date(2028, 1, 1), dt.date(2028, 12, 31))
    assert (month_only.capacity, month_only.status) == (0, "closed")
    assert (metz.place_name, metz.action_code, metz.city) == (
        "Campus de Metz",
        "A-MSA-METZ",
        "Metz",
    )


def test_read_lheo_cleans_escaped_html_double_escaped_entities_and_cdata():
    first = read_lheo_file(DATA / "offre-2.3.xml").records[0]

    assert first.objectives == (
        "Diagnostiquer une panne électrique et remettre en service un équipement automatisé."
    )
    assert first.expected_results == "Titre professionnel & certificat de compétences électriques."
    assert first.content == "- Automatismes et API\n- Électrotechnique"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Plain text", "Plain text"),
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("&lt;b&gt;bold&lt;/b&gt; &amp;eacute;", "bold é"),
        ("a &lt; b", "a < b"),
        ("<script>alert(1)</script>Safe", "Safe"),
        ("-", ""),
        (None, ""),
    ],
)
def test_clean_text_keeps_readable_plain_text(value, expected):
    assert clean_text(value) == expected


@pytest.mark.parametrize(
    ("value", "end", "expected"),
    [
        ("20270906", False, dt.date(2027, 9, 6)),
        ("20280200", False, dt.date(2028, 2, 1)),
        ("20280200", True, dt.date(2028, 2, 29)),
        ("20270000", True, dt.date(2027, 12, 31)),
        ("00000000", False, None),
        ("99999999", True, None),
    ],
)
def test_parse_date_reads_full_month_only_and_unknown_dates(value, end, expected):
    assert parse_date(value, end=end) == expected


@pytest.mark.parametrize("value", ["20270230", "20271301", "20271300", "2027-09-06", "20270016"])
def test_parse_date_refuses_dates_that_do_not_exist(value):
    with pytest.raises(InvalidDate):
        parse_date(value)


def test_read_lheo_reads_the_22_namespace_and_no_namespace_as_23():
    reference = read_lheo_file(DATA / "offre-2.3.xml")
    old = read_lheo_file(DATA / "offre-2.2.xml")
    bare = read_lheo_file(DATA / "offre-no-namespace.xml")

    assert [r.title for r in old.records] == [r.title for r in reference.records]
    assert old.records[0].sessions == reference.records[0].sessions
    assert bare.records[1].sessions == reference.records[1].sessions
    assert old.notes == ["LHÉO 2.2 namespace (http://www.lheo.org/2.2): read as LHÉO 2.3."]
    assert bare.notes == ["No namespace: read as LHÉO 2.3."]
    assert reference.notes == []


def test_read_lheo_reads_the_onisep_22_sample():
    document = read_lheo_file(DATA / "onisep-bts-2.2.xml")

    (record,) = document.records
    assert record.title == "BTS négociation et relation client"
    assert (record.code, record.certification_code, record.level) == (
        "9436_18706",
        "RNCP474",
        "NIV5",
    )
    assert record.formacodes == ("34582", "34076")
    assert record.rome_codes == ("D1402", "D1403", "D1408")
    assert record.audiences == ("initial",)
    assert record.objectives.startswith("A la fois vendeur, manager et commercial")
    assert "<p>" not in record.expected_results
    assert record.organisation.siret == "19290076900014"
    (session,) = record.sessions
    assert (session.start, session.end) == (dt.date(2015, 9, 1), dt.date(2017, 8, 31))
    assert (session.place_name, session.city, session.insee_code) == (
        "Lycée Kerneuzec",
        "QUIMPERLÉ",
        "29233",
    )
    assert (session.latitude, session.longitude) == (47.882108, -3.5526545)


def test_read_lheo_validates_the_onisep_sample_once_its_namespace_is_23():
    data = (DATA / "onisep-bts-2.2.xml").read_bytes()
    data = data.replace(b"http://www.lheo.org/2.2", b"http://lheo.gouv.fr/2.3")

    document = read_lheo(data, name="onisep.xml")

    assert document.namespace == "http://lheo.gouv.fr/2.3"
    assert document.records[0].title == "BTS négociation et relation client"


def test_read_lheo_refuses_the_intercarif_sample_naming_its_typo_element():
    with pytest.raises(InvalidSource) as refusal:
        read_lheo_file(DATA / "intercarif-anotea-2.2.xml")

    first = refusal.value.problems[0]
    assert first.file == "intercarif-anotea-2.2.xml"
    assert first.where == "lheo/offres/formation[1]/contact-formation/coordonneFs, line 14"
    assert "Element 'coordonneFs': This element is not expected" in first.reason
    assert any("length of '15'" in problem.reason for problem in refusal.value.problems)


def test_read_lheo_reads_a_gzip_file(tmp_path):
    import gzip

    data = gzip.compress((DATA / "offre-2.3.xml").read_bytes())

    document = read_lheo(data, name="offre.xml.gz")

    assert len(document.records) == 2

"""Hostile and broken LHÉO files are refused whole, naming where, the line and why."""

from pathlib import Path

import pytest

from fabrique.accounts.models import Organisation
from fabrique.core.importing import InvalidSource
from fabrique.trainings.importers import import_lheo
from fabrique.trainings.models import Session, Training

DATA = Path(__file__).parent / "data"

REFUSALS = [
    ("xxe.xml", "line 2", "a DOCTYPE is not accepted"),
    ("billion-laughs.xml", "line 3", "a DOCTYPE is not accepted"),
    ("truncated.xml", "line 66", "not well-formed XML"),
    ("wrong-namespace.xml", "lheo, line 2", "expected <lheo> in the LHÉO namespace"),
    (
        "invalid-date.xml",
        "lheo/offres/formation[1]/action[1]/session[1]/periode/debut, line 57",
        "the start: “20270230” is not a real date",
    ),
    (
        "negative-capacity.xml",
        "formation[1]/action[1]/session[1], line 55",
        "the number of places (-5) is not a count of seats",
    ),
    (
        "end-before-start.xml",
        "formation[1]/action[1]/session[1], line 55",
        "the session ends (2027-01-01) before it starts (2027-09-06)",
    ),
    (
        "latitude-out-of-range.xml",
        "formation[1]/action[1]/session[1], line 55",
        "the latitude 149.1881 is outside −90…90",
    ),
    ("random.bin", "line 1", "not well-formed XML"),
    ("empty.xml", "", "the file is empty"),
    (
        "intercarif-anotea-2.2.xml",
        "lheo/offres/formation[1]/contact-formation/coordonneFs, line 14",
        "This element is not expected",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "where", "reason"), REFUSALS)
def test_import_lheo_refuses_the_file_and_writes_nothing(name, where, reason):
    with pytest.raises(InvalidSource) as refusal:
        import_lheo([DATA / name], wet_run=True)

    first = refusal.value.problems[0]
    assert (first.file, first.where) == (name, where)
    assert reason in first.reason
    assert (Organisation.objects.count(), Training.objects.count(), Session.objects.count()) == (
        0,
        0,
        0,
    )


@pytest.mark.django_db
def test_import_lheo_never_reads_the_file_an_external_entity_points_at():
    with pytest.raises(InvalidSource) as refusal:
        import_lheo([DATA / "xxe.xml"], wet_run=True)

    assert "root:" not in str(refusal.value)
    assert "entities" in str(refusal.value)


@pytest.mark.django_db
def test_import_lheo_refuses_a_doctype_inside_a_gzip_file(tmp_path):
    import gzip

    path = tmp_path / "laughs.xml.gz"
    path.write_bytes(gzip.compress((DATA / "billion-laughs.xml").read_bytes()))

    with pytest.raises(InvalidSource, match="a DOCTYPE is not accepted"):
        import_lheo([path], wet_run=True)


@pytest.mark.django_db
def test_import_lheo_refuses_a_truncated_gzip_file(tmp_path):
    import gzip

    path = tmp_path / "offre.xml.gz"
    path.write_bytes(gzip.compress((DATA / "offre-2.3.xml").read_bytes())[:200])

    with pytest.raises(InvalidSource, match="not a valid gzip file"):
        import_lheo([path], wet_run=True)

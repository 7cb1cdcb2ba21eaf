"""Loading ROME 4.0 v460 from the shipped files (``load_rome_core``, the ROME import)."""

import gzip

import pytest
from django.conf import settings
from django.db import connection

from fabrique.core.models import DataSource
from fabrique.referentials.loading import (
    KIND_SAVOIR,
    KIND_SAVOIR_ETRE,
    KIND_SAVOIR_FAIRE,
    ROME_VERSION,
    load_rome_core,
    rome_loaded,
)
from fabrique.referentials.models import (
    LabelKind,
    Mobility,
    Occupation,
    OccupationLabel,
    OccupationSkill,
    Scheme,
    Skill,
    WorkContext,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def first_load(module_transaction, django_db_blocker):
    with django_db_blocker.unblock():
        counts = load_rome_core()
        connection.check_constraints()  # now, rather than after every test (PostgreSQL)
    return counts


def test_every_rome_file_is_shipped_compressed_with_its_version():
    directory = settings.DATA_DIR / "rome" / ROME_VERSION

    files = sorted(path.name for path in directory.glob("unix_*_v460_utf8.csv.gz"))

    assert len(files) == 28
    assert "60" in (directory / "version.txt").read_text(encoding="utf-8").splitlines()[0]
    for name in files:
        with gzip.open(directory / name, "rt", encoding="utf-8") as handle:
            assert handle.readline().startswith('"'), name


def test_first_load_creates_fiches_skills_and_links(first_load):
    assert first_load["occupations"] == first_load["occupations_created"] == 1584
    assert first_load["skills"] == first_load["skills_created"] == 18317 + 15354
    assert first_load["links"] == first_load["links_created"] == 49440 + 5255 + 35861
    assert Occupation.objects.filter(scheme=Scheme.ROME).count() == 1584
    assert OccupationSkill.objects.count() == 90556


def test_fiches_and_skills_keep_their_rome_codes_and_labels(first_load):
    assert Occupation.objects.get(scheme=Scheme.ROME, code="H2903").label == (
        "Tourneur-fraiseur / Tourneuse-fraiseuse"
    )
    assert Skill.objects.get(scheme=Scheme.ROME, code="100023").label == "Abattre un arbre"
    assert Skill.objects.get(code="100023").kind == KIND_SAVOIR_FAIRE
    assert Skill.objects.get(code="100007").kind == KIND_SAVOIR  # Techniques de soudage
    assert Skill.objects.filter(kind=KIND_SAVOIR_ETRE).count() == 16
    assert set(Occupation.objects.values_list("version", flat=True)) == {ROME_VERSION}


def test_core_items_of_a_fiche_are_essential(first_load):
    link = OccupationSkill.objects.get(occupation__code="A1101", skill__code="100003")

    assert link.essential is True  # coeur_metier "Principale"
    assert OccupationSkill.objects.filter(essential=True).count() < OccupationSkill.objects.count()


def test_a_second_load_changes_nothing(first_load):
    again = load_rome_core()

    changed = {key: value for key, value in again.items() if "_" in key and value}

    assert changed == {}
    assert again["occupations"] == 1584


def test_a_reload_repairs_changes_and_marks_what_left_the_source_obsolete(first_load):
    Occupation.objects.filter(code="H2903").update(label="changed")
    OccupationSkill.objects.filter(occupation__code="A1101", skill__code="100003").delete()
    OccupationSkill.objects.filter(occupation__code="A1101").update(essential=True)
    Occupation.objects.create(scheme=Scheme.ROME, code="Z9999", label="Not in ROME")

    counts = load_rome_core()

    assert counts["occupations_updated"] == 1
    assert counts["occupations_obsoleted"] == 1
    assert counts["links_created"] == 1
    assert counts["links_updated"] > 0
    assert Occupation.objects.get(code="H2903").label.startswith("Tourneur-fraiseur")
    assert Occupation.objects.get(code="Z9999").obsolete is True


def test_loaded_means_this_version_is_recorded(first_load):
    assert rome_loaded() is True

    DataSource.objects.filter(name="rome").update(version="v459")

    assert rome_loaded() is False
    assert rome_loaded(version="v459") is True


def test_not_loaded_on_an_empty_database():
    DataSource.objects.filter(name="rome").delete()

    assert rome_loaded() is False


def test_first_load_brings_groups_appellations_texts_contexts_and_mobilities(first_load):
    fiche = Occupation.objects.select_related("group__parent").get(code="H2903")

    assert (fiche.group.code, fiche.group.parent.code) == ("H29", "H")
    assert fiche.definition.startswith("Usine et produit des pièces par enlèvement de matières")
    assert "jusqu'à" in fiche.definition
    assert "CACES" in fiche.access
    assert OccupationLabel.objects.filter(kind=LabelKind.APPELLATION).count() == 13120
    assert Mobility.objects.count() == 14912
    assert WorkContext.objects.count() == 179
    assert Occupation.objects.filter(scheme=Scheme.ROME, parent__isnull=False).count() == 1052
    assert Skill.objects.get(code="100023").broader.get().code == "300230"

"""``fabrique import rome``: hand-made files in the official format (the shipped data is
imported by test_rome_loading.py)."""

import gzip
import shutil

import pytest

from fabrique.accounts.models import AuditEvent
from fabrique.core.importing import InvalidSource
from fabrique.core.models import DataSource
from fabrique.referentials.importers import import_referential
from fabrique.referentials.models import (
    LabelKind,
    Mobility,
    Occupation,
    OccupationGroup,
    OccupationLabel,
    OccupationSkill,
    Scheme,
    Skill,
    SkillLabel,
    WorkContext,
)
from tests.factories import PersonFactory
from tests.referentials.conftest import rome_tables, write_tables, zip_folder

pytestmark = pytest.mark.django_db


def nothing_written() -> bool:
    return not (
        Occupation.objects.exists()
        or Skill.objects.exists()
        or OccupationGroup.objects.exists()
        or DataSource.objects.filter(name="rome").exists()
        or AuditEvent.objects.filter(model="referentials.import").exists()
    )


def refused(paths, **options) -> str:
    with pytest.raises(InvalidSource) as error:
        import_referential("rome", paths, wet_run=True, **options)
    return str(error.value)


def test_rome_dry_run_reports_and_writes_nothing(rome_source):
    report = import_referential("rome", [rome_source], wet_run=False)

    assert report.wet_run is False
    assert report.version == "v460"
    assert report.count("occupations").created == 3
    assert report.count("skills").created == 4
    assert report.count("fiche skills").created == 4
    assert nothing_written()


def test_rome_wet_run_loads_fiches_groups_texts_and_tags(rome_source):
    report = import_referential("rome", [rome_source], wet_run=True)

    fiche = Occupation.objects.select_related("group__parent", "parent").get(code="H2903")
    variant = Occupation.objects.get(code="H2913")
    assert report.count("occupation groups").created == 3
    assert report.count("appellations").created == 3
    assert report.count("mobilities").created == 2
    assert (fiche.scheme, fiche.label) == (Scheme.ROME, "Tourneur-fraiseur / Tourneuse-fraiseuse")
    assert (fiche.group.code, fiche.group.parent.code) == ("H29", "H")
    assert fiche.parent is None
    assert variant.parent == fiche
    assert fiche.definition == "Usine des pièces jusqu'à la cote.\nContrôle les cotes."
    assert fiche.access == "CAP ou Bac professionnel."
    assert fiche.tags == ["green", "digital-transition"]
    assert variant.tags == ["regulated"]
    assert fiche.source_code == "6001"
    assert fiche.version == "v460"


def test_rome_wet_run_loads_appellations_skills_links_contexts_and_mobilities(rome_source):
    import_referential("rome", [rome_source], wet_run=True)

    appellation = OccupationLabel.objects.get(code="11113")
    macro = Skill.objects.get(code="300001")
    assert (appellation.kind, appellation.occupation.code) == (LabelKind.APPELLATION, "H2913")
    assert appellation.folded == "soudeur soudeuse a l arc"
    assert OccupationLabel.objects.get(occupation__code="H1206", kind=LabelKind.PREFERRED).text == (
        "Ingénieur / Ingénieure R&D"
    )
    assert SkillLabel.objects.get(skill__code="200001").folded == "lecture de plan"
    assert set(macro.narrower.values_list("code", flat=True)) == {"100001", "100002"}
    assert (macro.kind, macro.category, macro.source_code) == (
        "savoir-faire", "Macro-compétence › Technique", "1A101"
    )  # fmt: skip
    assert Skill.objects.get(code="200001").category == "Techniques professionnelles › Dessin"
    links = dict(
        OccupationSkill.objects.filter(occupation__code="H2903").values_list(
            "skill__code", "essential"
        )
    )
    assert links == {"100001": True, "100002": False, "200001": False}
    assert list(
        WorkContext.objects.get(code="400001").occupations.values_list("code", flat=True)
    ) == ["H2903"]
    assert list(Mobility.objects.values_list("source__code", "target__code", "rank")) == [
        ("H2903", "H2913", 1), ("H2913", "H1206", 2)
    ]  # fmt: skip


def test_rome_wet_run_records_the_version_and_one_audit_event(rome_source):
    import_referential("rome", [rome_source], wet_run=True)

    source = DataSource.objects.get(name="rome")
    event = AuditEvent.objects.get(model="referentials.import")
    assert source.version == "v460"
    assert source.counts["occupations"]["created"] == 3
    assert sorted(source.counts["files"]) == sorted(path.name for path in rome_source.iterdir())
    assert event.object_id == "v460"
    assert event.after["occupations"] == {"created": 3}


def test_rome_second_wet_run_changes_nothing(rome_source):
    import_referential("rome", [rome_source], wet_run=True)

    again = import_referential("rome", [rome_source], wet_run=True)

    assert again.total("created") == again.total("updated") == again.total("obsolete") == 0
    assert again.count("occupations").unchanged == 3
    assert again.count("fiche skills").unchanged == 4


def test_rome_newer_version_updates_and_marks_what_left_obsolete(rome_source, tmp_path):
    import_referential("rome", [rome_source], wet_run=True)
    person_skill = PersonFactory().skills.create(skill=Skill.objects.get(code="100002"))
    tables = rome_tables("v461")
    fiches = tables["unix_referentiel_code_rome_v461_utf8.csv"][1]
    fiches[2][3] = "Ingénieur / Ingénieure de recherche"
    competences = tables["unix_referentiel_competence_v461_utf8.csv"][1]
    competences[:] = [row for row in competences if row[0] != "100002"]
    links = tables["unix_liens_rome_referentiels_v461_utf8.csv"][1]
    links[:] = [row for row in links if row[3] != "100002"]
    newer = write_tables(tmp_path / "v461", tables)

    report = import_referential("rome", [newer], wet_run=True)

    gone = Skill.objects.get(code="100002")
    assert report.version == "v461"
    assert report.count("skills").obsolete == 1
    assert report.count("occupations").updated == 1
    assert report.count("fiche skills").obsolete == 1  # the link is removed
    assert gone.obsolete is True
    assert person_skill.skill == gone
    assert Occupation.objects.get(code="H1206").label == "Ingénieur / Ingénieure de recherche"
    assert (
        OccupationLabel.objects.filter(occupation__code="H1206")
        .values_list("text", flat=True)
        .get()
        == "Ingénieur / Ingénieure de recherche"
    )
    assert DataSource.objects.get(name="rome").version == "v461"
    assert Occupation.objects.get(code="H2903").version == "v461"  # unchanged, still there
    assert gone.version == "v460"  # the last version that had it


def test_rome_older_version_is_refused_unless_forced(rome_source, tmp_path):
    import_referential("rome", [rome_source], wet_run=True)
    older = write_tables(tmp_path / "v459", rome_tables("v459"))

    message = refused([older])
    forced = import_referential("rome", [older], wet_run=True, force=True)

    assert "version v459 is older than the version loaded (v460)" in message
    assert "--force" in message
    assert forced.version == "v459"
    assert "imported because of --force" in forced.problems[0]


def test_rome_accepts_the_official_zip(rome_source, tmp_path):
    archive = zip_folder(rome_source, tmp_path / "RefRomeCsv.zip")

    report = import_referential("rome", [archive], wet_run=True)

    assert report.count("occupations").created == 3
    assert set(DataSource.objects.get(name="rome").counts["files"]) == {
        f"RefRomeCsv.zip: {path.name}" for path in rome_source.iterdir()
    }


def test_rome_accepts_gzip_files_and_a_matching_version_file(tmp_path):
    folder = write_tables(tmp_path / "v460", rome_tables(), compress=True)
    (folder / "version.txt").write_text("Numero de version : 60\n", encoding="utf-8")

    report = import_referential("rome", [folder], wet_run=False)

    assert report.count("occupations").created == 3


def test_rome_refuses_a_version_file_of_another_version(rome_source):
    (rome_source / "version.txt").write_text("Numero de version : 59\n", encoding="utf-8")

    message = refused([rome_source])

    assert message == "version.txt, line 1: says version 59 while the files are of version v460"
    assert nothing_written()


def test_rome_refuses_a_file_of_another_version_mixed_in(rome_source):
    other = rome_source / "unix_rubrique_mobilite_v460_utf8.csv"
    other.rename(rome_source / "unix_rubrique_mobilite_v459_utf8.csv")

    message = refused([rome_source])

    assert "is of ROME version" in message
    assert "v459" in message
    assert "v460" in message
    assert nothing_written()


def test_rome_refuses_a_missing_file(rome_source):
    (rome_source / "unix_texte_v460_utf8.csv").unlink()

    message = refused([rome_source])

    assert message.endswith("missing unix_texte_v460_utf8.csv (plain or .gz)")


def test_rome_refuses_a_renamed_column_naming_file_and_line(tmp_path):
    tables = rome_tables()
    header = tables["unix_referentiel_savoir_v460_utf8.csv"][0]
    header[1] = "libelle"
    folder = write_tables(tmp_path / "v460", tables)

    message = refused([folder])

    assert message.startswith(
        "unix_referentiel_savoir_v460_utf8.csv, line 1: missing columns: libelle_savoir"
    )
    assert nothing_written()


def test_rome_refuses_a_row_with_the_wrong_number_of_fields(rome_source):
    path = rome_source / "unix_coherence_item_v460_utf8.csv"
    path.write_text(path.read_text(encoding="utf-8") + '"H2903","200001"\r\n', encoding="utf-8")

    message = refused([rome_source])

    assert message == "unix_coherence_item_v460_utf8.csv, line 4: expected 3 fields, found 2"
    assert nothing_written()


def test_rome_refuses_a_bad_value_naming_line_and_column(tmp_path):
    tables = rome_tables()
    tables["unix_referentiel_code_rome_v460_utf8.csv"][1][1][0] = "H29O3"
    folder = write_tables(tmp_path / "v460", tables)

    message = refused([folder])

    assert message == (
        "unix_referentiel_code_rome_v460_utf8.csv, line 3, column code_rome: "
        "not a ROME code: 'H29O3'"
    )


def test_rome_refuses_a_truncated_gzip(tmp_path):
    folder = write_tables(tmp_path / "v460", rome_tables(), compress=True)
    path = folder / "unix_texte_v460_utf8.csv.gz"
    path.write_bytes(path.read_bytes()[:30])

    message = refused([folder])

    assert message.startswith("unix_texte_v460_utf8.csv.gz: not a valid gzip file")
    assert nothing_written()


def test_rome_refuses_a_file_that_is_not_utf8(rome_source):
    path = rome_source / "unix_referentiel_appellation_v460_utf8.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))

    message = refused([rome_source])

    assert message.startswith("unix_referentiel_appellation_v460_utf8.csv, line 4: not UTF-8")


def test_rome_refuses_an_unreadable_zip(tmp_path):
    archive = tmp_path / "RefRomeCsv.zip"
    archive.write_bytes(b"PK\x03\x04 truncated")

    message = refused([archive])

    assert message.startswith("RefRomeCsv.zip: not a valid zip file")


def test_rome_reports_links_to_unknown_items_and_imports_the_rest(tmp_path):
    tables = rome_tables()
    tables["unix_liens_rome_referentiels_v460_utf8.csv"][1].append(["H2903", "5", "1", "999999"])
    folder = write_tables(tmp_path / "v460", tables)

    report = import_referential("rome", [folder], wet_run=True)

    assert report.count("fiche skills").created == 4
    assert report.problems == [
        "unix_liens_rome_referentiels: compétences and savoirs: 1 rows point at 1 unknown codes "
        "(e.g. 999999); they were left out."
    ]


def test_rome_import_of_a_single_folder_copy_ignores_other_files(rome_source):
    shutil.copy(rome_source / "unix_texte_v460_utf8.csv", rome_source / "notes.txt")
    with gzip.open(rome_source / "README.csv.gz", "wt") as handle:
        handle.write("not,a,rome,file\n")

    report = import_referential("rome", [rome_source], wet_run=False)

    assert report.count("occupations").created == 3

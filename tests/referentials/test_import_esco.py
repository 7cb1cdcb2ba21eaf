"""``fabrique import esco``: hand-made files in the official format, and the shipped data."""

import pytest

from fabrique.core.importing import InvalidSource
from fabrique.core.models import DataSource
from fabrique.referentials.importers import import_referential
from fabrique.referentials.models import (
    LabelKind,
    Occupation,
    OccupationGroup,
    OccupationLabel,
    OccupationSkill,
    Scheme,
    Skill,
    SkillLabel,
)
from tests.factories import PersonFactory
from tests.referentials.conftest import (
    OCC,
    SKILL,
    csv_text,
    esco_tables,
    write_tables,
    zip_folder,
)

pytestmark = pytest.mark.django_db


def refused(paths, **options) -> str:
    with pytest.raises(InvalidSource) as error:
        import_referential("esco", paths, wet_run=True, **options)
    assert not Occupation.objects.exists()
    assert not DataSource.objects.filter(name="esco").exists()
    return str(error.value)


def test_esco_dry_run_reports_and_writes_nothing(esco_source):
    report = import_referential("esco", [esco_source], wet_run=False)

    assert report.version == "v1.1.1"
    assert report.count("occupations").created == 2
    assert report.count("skills").created == 4  # three skills and a skill group
    assert report.count("occupation skills").created == 3
    assert not Occupation.objects.exists()
    assert not DataSource.objects.filter(name="esco").exists()


def test_esco_wet_run_loads_occupations_with_groups_parents_and_tags(esco_source):
    import_referential("esco", [esco_source], wet_run=True)

    setter = Occupation.objects.select_related("group__parent").get(code=OCC + "o1")
    operator = Occupation.objects.get(code=OCC + "o2")
    assert setter.scheme == Scheme.ESCO
    assert setter.label == "régleur de machines-outils/régleuse de machines-outils"
    assert setter.label_en == "metal working machine tool setter"
    assert (setter.definition, setter.definition_en) == (
        "Règle les machines-outils.", "Sets machine tools."
    )  # fmt: skip
    assert (setter.group.scheme, setter.group.code, setter.group.parent.code) == (
        "isco",
        "7223",
        "7",
    )
    assert setter.source_code == "7223.1"
    assert operator.label == "lathe operator"  # no French label: the English one
    assert operator.parent == setter
    assert operator.tags == ["regulated"]
    assert OccupationGroup.objects.get(scheme="isco", code="7").label == (
        "Métiers qualifiés de l'industrie"
    )


def test_esco_wet_run_loads_labels_in_every_language(esco_source):
    import_referential("esco", [esco_source], wet_run=True)

    labels = set(
        OccupationLabel.objects.filter(occupation__code=OCC + "o1").values_list(
            "language", "kind", "text"
        )
    )
    assert labels == {
        ("en", LabelKind.PREFERRED, "metal working machine tool setter"),
        ("en", LabelKind.ALTERNATIVE, "lathe setter"),
        ("en", LabelKind.ALTERNATIVE, "CNC setter"),
        ("fr", LabelKind.PREFERRED, "régleur de machines-outils/régleuse de machines-outils"),
        ("fr", LabelKind.ALTERNATIVE, "régleur CN"),
    }
    assert SkillLabel.objects.get(
        skill__code=SKILL + "s1", language="fr", kind="alternative"
    ).folded == ("parametrer des machines outils")


def test_esco_wet_run_loads_skills_groups_hierarchy_collections_and_relations(esco_source):
    import_referential("esco", [esco_source], wet_run=True)

    setup = Skill.objects.get(code=SKILL + "s1")
    drawings = Skill.objects.get(code=SKILL + "s2")
    group = Skill.objects.get(code=SKILL + "g1")
    assert (setup.label, setup.label_en, setup.kind, setup.category) == (
        "régler des machines-outils", "set up machine tools", "skill/competence", "sector-specific"
    )  # fmt: skip
    assert drawings.label == "technical drawings"  # empty French label in the derived file
    assert (group.kind, group.source_code) == ("skill group", "S8.1")
    assert list(setup.broader.all()) == [group]
    assert Skill.objects.get(code=SKILL + "s3").collections == ["digital"]
    relations = set(
        OccupationSkill.objects.values_list("occupation__code", "skill__code", "essential")
    )
    assert relations == {
        (OCC + "o1", SKILL + "s1", True),
        (OCC + "o1", SKILL + "s2", False),
        (OCC + "o2", SKILL + "s1", True),
    }


def test_esco_second_wet_run_changes_nothing(esco_source):
    import_referential("esco", [esco_source], wet_run=True)

    again = import_referential("esco", [esco_source], wet_run=True)

    assert again.total("created") == again.total("updated") == again.total("obsolete") == 0
    assert again.count("skill labels").unchanged == SkillLabel.objects.count()


def test_esco_newer_version_marks_a_skill_that_left_obsolete_and_keeps_people_on_it(
    esco_source, tmp_path
):
    import_referential("esco", [esco_source], wet_run=True)
    person_skill = PersonFactory().skills.create(skill=Skill.objects.get(code=SKILL + "s2"))
    tables = esco_tables()
    for name in ("en/skills_en.csv", "fr/skills_fr.csv"):
        rows = tables[name][1]
        rows[:] = [row for row in rows if SKILL + "s2" not in row]
    relations = tables["relations/occupationSkillRelations.csv"][1]
    relations[:] = [row for row in relations if row[3] != SKILL + "s2"]
    newer = write_tables(tmp_path / "ESCO v1.2.0", tables)

    report = import_referential("esco", [newer], wet_run=True)

    person_skill.refresh_from_db()
    assert report.version == "v1.2.0"
    assert report.count("skills").obsolete == 1
    assert report.count("occupation skills").obsolete == 1
    assert person_skill.skill.obsolete is True
    assert not SkillLabel.objects.filter(skill__code=SKILL + "s2").exists()


def test_esco_older_version_is_refused(esco_source, tmp_path):
    import_referential("esco", [esco_source], wet_run=True)
    older = write_tables(tmp_path / "v1.0.8", esco_tables())

    with pytest.raises(InvalidSource, match=r"version v1\.0\.8 is older than .* \(v1\.1\.1\)"):
        import_referential("esco", [older], wet_run=True)


def test_esco_accepts_the_official_zips(tmp_path):
    tables = esco_tables()
    for part in ("en", "fr", "relations"):
        folder = write_tables(
            tmp_path / part,
            {name.split("/")[1]: table for name, table in tables.items() if name.startswith(part)},
        )
        zip_folder(folder, tmp_path / f"ESCO dataset - v1.1.1 - classification - {part} - csv.zip")

    report = import_referential("esco", sorted(tmp_path.glob("*.zip")), wet_run=True)

    assert report.version == "v1.1.1"
    assert report.count("occupations").created == 2
    assert report.count("occupation labels").created == 6


def test_esco_needs_a_version_when_the_files_do_not_say_it(tmp_path):
    folder = write_tables(tmp_path / "download", esco_tables())

    message = refused([folder])
    report = import_referential("esco", [folder], wet_run=False, source_version="v1.1.1")

    assert "unknown ESCO version: give it with --source-version" in message
    assert report.version == "v1.1.1"


def test_esco_refuses_files_of_two_versions(esco_source, tmp_path):
    other = write_tables(
        tmp_path / "v1.2.0", {"fr/occupations_fr.csv": esco_tables()["fr/occupations_fr.csv"]}
    )
    (esco_source / "fr" / "occupations_fr.csv").unlink()

    message = refused([esco_source, other])

    assert "is of ESCO v1.2.0 while" in message


def test_esco_refuses_an_unknown_relation_type_naming_file_line_and_column(tmp_path):
    tables = esco_tables()
    tables["relations/occupationSkillRelations.csv"][1][1][1] = "recommended"
    folder = write_tables(tmp_path / "v1.1.1", tables)

    message = refused([folder])

    assert message == (
        "occupationSkillRelations.csv, line 3, column relationType: unknown relation type "
        "'recommended' (expected essential or optional)"
    )


def test_esco_refuses_a_renamed_column(tmp_path):
    tables = esco_tables()
    header = tables["en/skills_en.csv"][0]
    header[header.index("preferredLabel")] = "prefLabel"
    folder = write_tables(tmp_path / "v1.1.1", tables)

    message = refused([folder])

    assert message.startswith("skills_en.csv, line 1: missing columns: preferredLabel")


def test_esco_refuses_a_missing_english_file(esco_source):
    (esco_source / "en" / "skills_en.csv").unlink()

    message = refused([esco_source])

    assert message.endswith("missing skills_en.csv (plain or .gz)")


def test_esco_refuses_a_row_with_the_wrong_number_of_fields(esco_source):
    path = esco_source / "relations" / "broaderRelationsSkillPillar.csv"
    path.write_text(
        csv_text(["conceptType", "conceptUri", "broaderType", "broaderUri"], [["a", "b", "c"]]),
        encoding="utf-8",
    )

    message = refused([esco_source])

    assert message == "broaderRelationsSkillPillar.csv, line 2: expected 4 fields, found 3"

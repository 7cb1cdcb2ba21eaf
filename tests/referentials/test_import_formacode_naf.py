"""``fabrique import formacode`` and ``fabrique import naf``: shipped data and hand-made files."""

import pytest
from django.conf import settings

from fabrique.core.importing import InvalidSource
from fabrique.core.models import DataSource
from fabrique.referentials.importers import import_referential
from fabrique.referentials.models import Formacode, NafActivity

pytestmark = pytest.mark.django_db

# Three records of the Formacode thesaurus dump (8th edition), in its own format.
THESAURUS = (
    "11054;MATHEMATIQUES;mathématiques;DOM;110 MATHEMATIQUES;;;11036 STATISTIQUE;;"
    "Science des nombres.;;;114 Mathématiques;;11054 MATHEMATIQUES\n"
    "11036;STATISTIQUE;statistique;DOM;110 MATHEMATIQUES;statistique initiation;"
    "11054 MATHEMATIQUES;11017 STATISTIQUE APPLIQUEE$11018 REPRESENTATION;;Méthodes.;;;"
    "114 Mathématiques;32152 Chargé d'études;11036 STATISTIQUE\n"
    "94000;ACCOMPAGNEMENT STAGIAIRE;accompagnement stagiaire;OUT$FON\n"
)


def test_formacode_shipped_list_is_imported_then_unchanged():
    report = import_referential("formacode", wet_run=True)
    again = import_referential("formacode", wet_run=True)

    assert report.version == "2026-02-01"
    assert report.count("Formacodes").created == 2073
    assert Formacode.objects.get(code="22624").label == "Installation frigorifique"
    assert again.count("Formacodes").unchanged == 2073
    assert again.total("created") == again.total("updated") == 0


def test_formacode_dry_run_writes_nothing():
    report = import_referential("formacode", wet_run=False)

    assert report.count("Formacodes").created == 2073
    assert not Formacode.objects.exists()
    assert not DataSource.objects.filter(name="formacode").exists()


def test_formacode_thesaurus_dump_gives_fields_and_generic_terms(tmp_path):
    path = tmp_path / "FCod-utf-8.csv"
    path.write_text(THESAURUS, encoding="utf-8")

    report = import_referential("formacode", [path], wet_run=True)

    statistics = Formacode.objects.select_related("parent").get(code="11036")
    assert report.version == "v8"
    assert report.problems == ["FCod-utf-8.csv: read as the v8 thesaurus."]
    assert (statistics.label, statistics.field) == ("Statistique", "110 MATHEMATIQUES")
    assert statistics.parent.code == "11054"
    assert Formacode.objects.get(code="94000").label == "Accompagnement stagiaire"


def test_formacode_older_thesaurus_is_refused_after_the_current_list(tmp_path):
    import_referential("formacode", wet_run=True)
    path = tmp_path / "formacode_v8_2003_FCod.csv"
    path.write_text(THESAURUS, encoding="utf-8")

    with pytest.raises(InvalidSource, match=r"version v8 is older than .* \(2026-02-01\)"):
        import_referential("formacode", [path], wet_run=True)


def test_formacode_refuses_a_thesaurus_row_with_too_many_fields(tmp_path):
    path = tmp_path / "FCod.csv"
    path.write_text(THESAURUS + "11111" + ";x" * 16 + "\n", encoding="utf-8")

    with pytest.raises(InvalidSource) as error:
        import_referential("formacode", [path], wet_run=True)

    assert str(error.value) == "FCod.csv, line 4: expected 4 to 15 fields, found 17"
    assert not Formacode.objects.exists()


def test_formacode_refuses_a_bad_code_naming_line_and_column(tmp_path):
    path = tmp_path / "formacode_codes_from_rncp_2026_02_01.csv"
    path.write_text(
        "formacode_code,formacode_libelle,nb_fiches\n22624,Froid,1\n2262,Froid,1\n",
        encoding="utf-8",
    )

    with pytest.raises(InvalidSource) as error:
        import_referential("formacode", [path], wet_run=True)

    assert str(error.value) == (
        "formacode_codes_from_rncp_2026_02_01.csv, line 3, column formacode_code: "
        "not a Formacode: '2262'"
    )


def test_naf_shipped_data_gives_five_levels_with_parents():
    report = import_referential("naf", wet_run=True)

    machining = NafActivity.objects.select_related("parent__parent__parent__parent").get(
        code="25.62B"
    )
    chain = []
    node = machining
    while node is not None:
        chain.append((node.code, node.level))
        node = node.parent
    assert report.version == "rev2"
    assert report.count("NAF activities").created == 21 + 88 + 272 + 615 + 732
    assert machining.label == "Mécanique industrielle"
    assert chain == [
        ("25.62B", "sous-classe"),
        ("25.62", "classe"),
        ("25.6", "groupe"),
        ("25", "division"),
        ("C", "section"),
    ]
    assert NafActivity.objects.get(code="C").label == "Industrie manufacturière"


def test_naf_hierarchy_file_alone_is_enough(tmp_path):
    path = tmp_path / "naf_rev2_sous_classes_hierarchie.csv"
    path.write_text(
        "section,division,libelle_division,groupe,libelle_groupe,classe,libelle_classe,"
        "sous_classe,libelle_sous_classe\n"
        "C,25,Fabrication de produits métalliques,25.6,Traitement des métaux,25.62,Usinage,"
        "25.62B,Mécanique industrielle\n",
        encoding="utf-8",
    )

    report = import_referential("naf", [path], wet_run=True)

    assert report.count("NAF activities").created == 5
    assert NafActivity.objects.get(code="25.62B").parent.code == "25.62"


def test_naf_refuses_an_unknown_level_naming_line_and_column(tmp_path):
    (tmp_path / "naf_rev2_libelles.csv").write_text(
        "code,libelle,niveau\n01,Culture,division\n01.1,Cultures,sous-groupe\n", encoding="utf-8"
    )
    (tmp_path / "naf2008_5_niveaux.csv").write_text(
        "NIV5,NIV4,NIV3,NIV2,NIV1\n01.11Z,01.11,01.1,01,A\n", encoding="utf-8"
    )

    with pytest.raises(InvalidSource) as error:
        import_referential("naf", [tmp_path], wet_run=True)

    assert (
        str(error.value)
        == "naf_rev2_libelles.csv, line 3, column niveau: unknown level 'sous-groupe'"
    )
    assert not NafActivity.objects.exists()


def test_naf_refuses_a_folder_without_its_files(tmp_path):
    (tmp_path / "naf2025_divisions.csv").write_text("NAF 2025 divisions,Intitulés\n", "utf-8")

    with pytest.raises(InvalidSource, match=r"missing naf_rev2_libelles\.csv"):
        import_referential("naf", [tmp_path], wet_run=True)


def test_formacode_from_the_formacode_table_of_an_rncp_export():
    (table,) = (settings.DATA_DIR / "rncp").rglob("export_fiches_CSV_Formacode_*.csv.gz")

    report = import_referential("formacode", [table], wet_run=False)

    assert report.version == "2026-02-01"
    assert report.count("Formacodes").created == 2073  # as many as the list derived from it

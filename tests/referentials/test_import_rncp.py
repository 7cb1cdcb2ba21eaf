"""``fabrique import rncp``: hand-made tables in the official format, the official zip with
more rows than the shipped copy, and the shipped data."""

import gzip
import zipfile

import pytest

from fabrique.core.importing import InvalidSource
from fabrique.core.models import DataSource
from fabrique.referentials.importers import import_referential
from fabrique.referentials.models import (
    Certification,
    CertificationBloc,
    CertificationKind,
)
from fabrique.referentials.sources.rncp import shipped_dir
from tests.referentials.conftest import csv_text, rncp_tables, write_tables, zip_folder

pytestmark = pytest.mark.django_db

STANDARD = (
    "export_fiches_CSV_Standard_2026_02_01.csv",
    (
        ["Id_Fiche", "Numero_Fiche", "Intitule", "Abrege_Libelle", "Nomenclature_Europe_Niveau",
         "Type_Enregistrement", "Actif"],
        [["1", "RNCP183", "Technicien d''installation frigorifique", "TP", "NIV4",
          "Enregistrement de droit", "ACTIVE"],
         ["2", "RS5561", "Habilitation soudage", "", "", "Enregistrement sur demande",
          "INACTIVE"]],
    ),
)  # fmt: skip


@pytest.fixture
def linked(rome_source, tmp_path):
    """ROME and Formacode loaded, for RNCP to link to."""
    import_referential("rome", [rome_source], wet_run=True)
    formacodes = tmp_path / "formacode_codes_from_rncp_2026_02_01.csv"
    formacodes.write_text(
        "formacode_code,formacode_libelle,nb_fiches\n22624,Installation frigorifique,1\n",
        encoding="utf-8",
    )
    import_referential("formacode", [formacodes], wet_run=True)


def refused(paths) -> str:
    with pytest.raises(InvalidSource) as error:
        import_referential("rncp", paths, wet_run=True)
    assert not Certification.objects.exists()
    return str(error.value)


def test_rncp_dry_run_reports_and_writes_nothing(rncp_source):
    report = import_referential("rncp", [rncp_source], wet_run=False)

    assert report.version == "2026-02-01"
    assert report.count("certifications").created == 5
    assert report.count("blocs").created == 2
    assert not Certification.objects.exists()
    assert not DataSource.objects.filter(name="rncp").exists()


def test_rncp_wet_run_loads_certifications_and_their_links(linked, rncp_source):
    report = import_referential("rncp", [rncp_source], wet_run=True)

    fiche = Certification.objects.get(code="RNCP183")
    assert report.count("certifications").created == 5
    assert (fiche.kind, Certification.objects.get(code="RS5561").kind) == (
        CertificationKind.RNCP, CertificationKind.RS
    )  # fmt: skip
    assert list(fiche.occupations.values_list("code", flat=True)) == ["H2903"]
    assert list(fiche.formacodes.values_list("code", flat=True)) == ["22624"]
    assert sorted(fiche.nsf_domains.values_list("code", "label")) == [
        ("227r", "Contrôle qualité des services énergétiques")
    ]
    assert list(fiche.certifiers.values_list("siret", "name")) == [
        ("11000007200014", "MINISTERE DU TRAVAIL")
    ]
    assert fiche.collective_agreements == [{"code": "3246", "label": "Métallurgie"}]
    assert list(fiche.replaced_by.values_list("code", flat=True)) == ["RNCP37876"]
    assert list(fiche.replaces.values_list("code", flat=True)) == ["RNCP100"]
    assert (fiche.title, fiche.level, fiche.active) == ("", "", None)  # no Standard table


def test_rncp_cleans_blocs_and_doubled_apostrophes(rncp_source):
    import_referential("rncp", [rncp_source], wet_run=True)

    blocs = dict(CertificationBloc.objects.values_list("code", "label"))
    assert blocs == {
        "RNCP183BC01": "Assurer l'entretien des installations",
        "RNCP183BC02": "Diagnostiquer une panne",
    }
    assert CertificationBloc.objects.get(code="RNCP183BC01").certification.code == "RNCP183"


def test_rncp_reports_links_to_unknown_rome_codes_as_warnings(linked, rncp_source):
    report = import_referential("rncp", [rncp_source], wet_run=True)

    assert report.count("ROME links").created == 2
    assert (
        "Rome table: ROME fiches not loaded: 2 rows point at 2 unknown codes"
        in (report.problems[0])
    )


def test_rncp_standard_table_fills_title_level_and_active(tmp_path):
    tables = rncp_tables()
    tables[STANDARD[0]] = STANDARD[1]
    folder = write_tables(tmp_path / "export", tables, delimiter=";")

    import_referential("rncp", [folder], wet_run=True)

    fiche = Certification.objects.get(code="RNCP183")
    assert (fiche.title, fiche.level, fiche.active) == (
        "Technicien d'installation frigorifique", "NIV4", True
    )  # fmt: skip
    assert Certification.objects.get(code="RS5561").active is False
    assert Certification.objects.get(code="RNCP100").title == ""


def test_rncp_second_wet_run_changes_nothing(linked, rncp_source):
    import_referential("rncp", [rncp_source], wet_run=True)

    again = import_referential("rncp", [rncp_source], wet_run=True)

    assert again.total("created") == again.total("updated") == again.total("obsolete") == 0
    assert again.count("certifications").unchanged == 5


def test_rncp_newer_export_marks_what_left_obsolete(rncp_source, tmp_path):
    import_referential("rncp", [rncp_source], wet_run=True)
    tables = rncp_tables("2026_03_01")
    blocs = tables["export_fiches_CSV_Blocs_De_Competences_2026_03_01.csv"][1]
    del blocs[1]
    certifiers = tables["export_fiches_CSV_Certificateurs_2026_03_01.csv"][1]
    certifiers[1][0] = "RNCP183"
    certifiers.pop()
    newer = write_tables(tmp_path / "march", tables, delimiter=";")

    report = import_referential("rncp", [newer], wet_run=True)

    assert report.count("blocs").obsolete == 1
    assert CertificationBloc.objects.get(code="RNCP183BC02").obsolete is True
    assert report.count("certifier links").obsolete == 1
    assert report.count("certifications").obsolete == 0
    assert DataSource.objects.get(name="rncp").version == "2026-03-01"


def test_rncp_older_export_is_refused(rncp_source, tmp_path):
    import_referential("rncp", [rncp_source], wet_run=True)
    older = write_tables(tmp_path / "old", rncp_tables("2025_06_01"), delimiter=";")

    with pytest.raises(InvalidSource, match=r"version 2025-06-01 is older .* \(2026-02-01\)"):
        import_referential("rncp", [older], wet_run=True)


def test_rncp_notes_a_table_from_an_older_export(tmp_path):
    folder = write_tables(tmp_path / "mixed", rncp_tables(blocs_date="2024_01_17"), delimiter=";")

    report = import_referential("rncp", [folder], wet_run=False)

    assert report.version == "2026-02-01"
    assert report.problems[0] == (
        "Tables from an older export than 2026-02-01: blocs (2024-01-17); they were imported as "
        "they are."
    )


def test_rncp_accepts_the_official_zip_with_more_rows_than_the_shipped_copy(tmp_path):
    folder = tmp_path / "export-fiches-csv-2026-02-01"
    folder.mkdir()
    for table in ("Rome", "Blocs_De_Competences"):
        (shipped_file,) = shipped_dir().rglob(f"export_fiches_CSV_{table}_*.csv.gz")
        text = gzip.decompress(shipped_file.read_bytes()).decode("utf-8")
        header = text.split("\n", 1)[0].strip().replace('"', "").split(";")
        extra = (
            [["RNCP99990", "H2903", "Usinage"], ["RNCP99991", "H2913", "Soudage"]]
            if table == "Rome"
            else [["RNCP99990", "RNCP99990BC01", "Usiner des pièces"]]
        )
        name = shipped_file.name.removesuffix(".gz").replace("Competences", "Compétences")
        added = csv_text(header, extra, delimiter=";").split("\r\n", 1)[1]
        (folder / name).write_text(text + added, encoding="utf-8")
    archive = zip_folder(folder, tmp_path / "export-fiches-csv-2026-02-01.zip")

    report = import_referential("rncp", [archive], wet_run=True)

    assert report.count("blocs").created == 25805 + 1
    assert Certification.objects.filter(code__in=["RNCP99990", "RNCP99991"]).count() == 2
    assert CertificationBloc.objects.get(code="RNCP99990BC01").label == "Usiner des pièces"
    assert "Tables from an older export" in report.problems[0]


def test_rncp_refuses_two_files_of_the_same_table(rncp_source, tmp_path):
    write_tables(
        tmp_path / "other",
        {
            "export_fiches_CSV_Nsf_2026_01_01.csv": rncp_tables()[
                "export_fiches_CSV_Nsf_2026_02_01.csv"
            ]
        },
        delimiter=";",
    )

    message = refused([rncp_source, tmp_path / "other"])

    assert "two files of the same table" in message


def test_rncp_refuses_a_bad_fiche_number_naming_line_and_column(tmp_path):
    tables = rncp_tables()
    tables["export_fiches_CSV_Nsf_2026_02_01.csv"][1][1][0] = "RN5561"
    folder = write_tables(tmp_path / "export", tables, delimiter=";")

    message = refused([folder])

    assert message == (
        "export_fiches_CSV_Nsf_2026_02_01.csv, line 3, column Numero_Fiche: not an RNCP or RS "
        "number: 'RN5561'"
    )


def test_rncp_refuses_a_comma_separated_file(tmp_path):
    tables = rncp_tables()
    folder = write_tables(tmp_path / "export", tables, delimiter=";")
    name = "export_fiches_CSV_Formacode_2026_02_01.csv"
    write_tables(folder, {name: tables[name]}, delimiter=",")

    message = refused([folder])

    assert message.startswith(f"{name}, line 1: no CSV header with the ';' separator")


def test_rncp_reads_member_names_stored_without_the_utf8_flag(tmp_path):
    name = "export_fiches_CSV_Blocs_De_Compétences_2026_02_01.csv"
    archive = tmp_path / "export-fiches-csv-2026-02-01.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr(name, csv_text(*rncp_tables()[name.replace("é", "e")], delimiter=";"))
    data = bytearray(archive.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # clear the UTF-8 flag
        start = data.index(signature) + offset
        data[start + 1] &= ~0x08
    archive.write_bytes(bytes(data))

    report = import_referential("rncp", [archive], wet_run=False)

    assert report.count("blocs").created == 2


def test_rncp_single_table_leaves_the_other_tables_as_they_are(rncp_source):
    import_referential("rncp", [rncp_source], wet_run=True)
    table = rncp_source / "export_fiches_CSV_Nsf_2026_02_01.csv"

    report = import_referential("rncp", [table], wet_run=True)

    assert set(report.counts) == {"NSF specialities", "certifications", "NSF links"}
    assert report.total("obsolete") == 0
    assert CertificationBloc.objects.filter(obsolete=False).count() == 2
    assert Certification.objects.get(code="RNCP183").certifiers.count() == 1
    assert "certifications absent from these files were left as they are" in report.problems[0]

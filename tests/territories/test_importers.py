import gzip
import json
import random
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from fabrique.accounts.models import AuditEvent
from fabrique.core.importing import InvalidSource
from fabrique.core.models import DataSource
from fabrique.territories.importers import (
    SHIPPED_DIR,
    import_territories,
    is_loaded,
    shipped_manifest,
)
from fabrique.territories.models import (
    EPCI,
    BassinEmploi,
    Commune,
    Departement,
    Region,
    ZoneEmploi,
)
from tests.territories.conftest import shipped_records, write_json, write_moselle_source

pytestmark = pytest.mark.django_db

MOSELLE_COMMUNES = 725
MOSELLE_EPCI = 23


def nothing_written() -> bool:
    return not (
        Region.objects.exists()
        or Departement.objects.exists()
        or Commune.objects.exists()
        or EPCI.objects.exists()
        or DataSource.objects.exists()
        or AuditEvent.objects.filter(model="territories.import").exists()
    )


def test_import_dry_run_reports_and_writes_nothing():
    report = import_territories(wet_run=False, departements={"57"})

    assert report.wet_run is False
    assert report.count("regions").created == 26
    assert report.count("departements").created == 109
    assert report.count("communes").created == MOSELLE_COMMUNES
    assert report.count("epci").created == MOSELLE_EPCI
    assert nothing_written()
    assert is_loaded() is False


def test_import_wet_run_loads_moselle(moselle):
    forbach = Commune.objects.select_related(
        "departement__region", "epci", "zone_emploi", "bassin"
    ).get(insee_code="57227")

    assert moselle.count("communes").created == MOSELLE_COMMUNES
    assert Commune.objects.count() == MOSELLE_COMMUNES
    assert Region.objects.count() == 26
    assert Departement.objects.count() == 109
    assert EPCI.objects.count() == MOSELLE_EPCI
    assert forbach.name == "Forbach"
    assert forbach.epci.name == "CA de Forbach Porte de France"
    assert forbach.epci.siren == "245700372"
    assert forbach.epci.kind == EPCI.Kind.CA
    assert forbach.latitude == pytest.approx(49.19, abs=0.01)
    assert forbach.longitude == pytest.approx(6.89, abs=0.01)
    assert forbach.population == 20493
    assert forbach.postal_codes == "57600"
    assert (forbach.departement.code, forbach.departement.name) == ("57", "Moselle")
    assert (forbach.departement.region.code, forbach.departement.region.name) == (
        "44",
        "Grand Est",
    )
    assert (forbach.zone_emploi.code, forbach.zone_emploi.name) == ("4408", "Forbach")
    assert (forbach.bassin.code, forbach.bassin.name) == ("4432", "BASSIN HOUILLER")
    assert forbach.bassin.region.code == "44"
    assert forbach.search_name == "forbach"


def test_import_wet_run_records_source_and_audit_event(moselle):
    source = DataSource.objects.get(name="territories")
    event = AuditEvent.objects.get(model="territories.import")

    assert source.version == shipped_manifest()["version"]
    assert source.counts["communes"]["created"] == MOSELLE_COMMUNES
    assert source.counts["files"]["communes.json"] == shipped_manifest()["files"]["communes.json"]
    assert event.action == "create"
    assert event.after["communes"] == {"created": MOSELLE_COMMUNES}
    assert is_loaded() is True


def test_import_links_only_zones_and_bassins_of_the_departement(moselle):
    zones = set(ZoneEmploi.objects.values_list("code", flat=True))
    linked = set(Commune.objects.values_list("zone_emploi__code", flat=True))

    assert zones == linked
    assert not Commune.objects.filter(zone_emploi__isnull=True).exists()
    assert not Commune.objects.filter(bassin__isnull=True).exists()
    assert BassinEmploi.objects.count() == moselle.count("bassins").created
    assert not Commune.objects.filter(latitude__isnull=True).exists()


def test_import_second_wet_run_changes_nothing(moselle):
    again = import_territories(wet_run=True, departements={"57"})

    assert again.total("created") == 0
    assert again.total("updated") == 0
    assert again.total("obsolete") == 0
    assert again.count("communes").unchanged == MOSELLE_COMMUNES


def test_import_marks_a_commune_gone_from_the_source_obsolete(moselle, tmp_path):
    source = write_moselle_source(tmp_path / "cog", without={"57227"})

    report = import_territories([source], wet_run=True, departements={"57"})

    assert report.count("communes").obsolete == 1
    assert report.count("communes").updated == 0
    assert Commune.objects.get(insee_code="57227").obsolete is True
    assert Commune.objects.filter(obsolete=False).count() == MOSELLE_COMMUNES - 1
    assert Commune.objects.count() == MOSELLE_COMMUNES


def test_import_revives_an_obsolete_commune_back_in_the_source(moselle, tmp_path):
    import_territories(
        [write_moselle_source(tmp_path / "cog", without={"57227"})],
        wet_run=True,
        departements={"57"},
    )

    report = import_territories(wet_run=True, departements={"57"})

    assert report.count("communes").updated == 1
    assert Commune.objects.get(insee_code="57227").obsolete is False


def test_import_accepts_official_uncompressed_files_and_knows_their_version(tmp_path):
    for name in ("regions.json", "departements.json", "communes.json", "epci.json"):
        with gzip.open(SHIPPED_DIR / f"{name}.gz") as compressed:
            (tmp_path / name).write_bytes(compressed.read())

    report = import_territories(
        [tmp_path / "regions.json", tmp_path], wet_run=False, departements={"57"}
    )

    assert report.version == shipped_manifest()["version"]
    assert report.count("communes").created == MOSELLE_COMMUNES
    assert any("communes-centres.json" in problem for problem in report.problems)


# --- refused input ----------------------------------------------------------------------------


@pytest.fixture
def source_dir(tmp_path):
    """A small valid source: the COG cut down to Moselle."""
    return write_moselle_source(tmp_path / "cog")


def truncate_json(directory):
    text = (directory / "communes.json").read_text(encoding="utf-8")
    (directory / "communes.json").write_text(text[:5000], encoding="utf-8")


def random_binary(directory):
    (directory / "epci.json").write_bytes(random.Random(7).randbytes(4096))


def empty_file(directory):
    (directory / "regions.json").write_bytes(b"")


def truncated_gzip(directory):
    data = gzip.compress((directory / "communes.json").read_bytes())
    (directory / "communes.json").unlink()
    (directory / "communes.json.gz").write_bytes(data[: len(data) // 2])


def csv_without_columns(directory):
    (directory / "ze2020_commune_cog2025.csv").write_text(
        "codgeo,libgeo\n57227,Forbach\n", encoding="utf-8"
    )


def csv_short_row(directory):
    (directory / "bassins_bmo_2024_communes.csv").write_text(
        "reg,dep,code_commune_insee,code_bassin_BMO,lib_bassin_BMO\n"
        "44,57,57227,4432,BASSIN HOUILLER\n"
        "44,57,57001\n",
        encoding="utf-8",
    )


def record_without_name(directory):
    communes = json.loads((directory / "communes.json").read_text(encoding="utf-8"))
    del communes[1]["nom"]
    write_json(directory / "communes.json", communes)


def epci_with_unknown_member(directory):
    epcis = json.loads((directory / "epci.json").read_text(encoding="utf-8"))
    epcis[0]["membres"].append({"code": "99999", "nom": "Nowhere"})
    write_json(directory / "epci.json", epcis)


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (truncate_json, "communes.json, line 1, column 5001: not valid JSON"),
        (random_binary, "epci.json, line "),
        (empty_file, "regions.json: the file is empty"),
        (truncated_gzip, "communes.json.gz: not a valid gzip file"),
        (csv_without_columns, "ze2020_commune_cog2025.csv, line 1: missing columns: ze2020"),
        (csv_short_row, "bassins_bmo_2024_communes.csv, line 3: expected 5 fields, found 3"),
        (record_without_name, "communes.json, record 2 (code "),
        (epci_with_unknown_member, "member commune 99999 is not in the communes file"),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_import_refuses_bad_input_and_writes_nothing(source_dir, spoil, expected):
    spoil(source_dir)

    with pytest.raises(InvalidSource) as refusal:
        import_territories([source_dir], wet_run=True)

    assert expected in str(refusal.value)
    assert nothing_written()


def test_import_refusal_of_binary_file_says_why(source_dir):
    random_binary(source_dir)

    with pytest.raises(InvalidSource, match="not UTF-8 text"):
        import_territories([source_dir], wet_run=True)


def test_import_refusal_of_a_record_names_the_field(source_dir):
    record_without_name(source_dir)

    with pytest.raises(InvalidSource, match="“nom” is missing or not a text"):
        import_territories([source_dir], wet_run=True)


def test_import_refuses_an_unknown_file_name(tmp_path):
    path = tmp_path / "communes.xlsx"
    path.write_bytes(b"PK")

    with pytest.raises(InvalidSource, match=r"communes\.xlsx: not a recognised file name"):
        import_territories([path], wet_run=True)


def test_import_refuses_a_source_without_communes(tmp_path):
    shutil.copy(SHIPPED_DIR / "regions.json.gz", tmp_path)
    shutil.copy(SHIPPED_DIR / "departements.json.gz", tmp_path)

    with pytest.raises(InvalidSource, match=r"missing communes\.json"):
        import_territories([tmp_path], wet_run=True)


def test_import_refuses_an_unknown_departement():
    with pytest.raises(InvalidSource, match="unknown départements: 00"):
        import_territories(wet_run=True, departements={"00"})
    assert nothing_written()


def test_shipped_files_are_the_official_content_compressed():
    manifest = shipped_manifest()

    assert sorted(manifest["files"]) == sorted(
        path.name.removesuffix(".gz") for path in SHIPPED_DIR.glob("*.gz")
    )
    assert len(shipped_records("regions.json")) == 26


def test_import_of_all_france_is_complete_and_idempotent():
    first = import_territories(wet_run=True)
    again = import_territories(wet_run=False)

    assert first.count("communes").created == 34969
    assert first.count("epci").created == 1255
    assert first.count("zones_emploi").created == 306
    assert first.count("bassins").created == 404
    assert Commune.objects.filter(latitude__isnull=True).count() == 94  # overseas collectivities
    assert again.total("created") + again.total("updated") + again.total("obsolete") == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_wet_runs_import_once(on_postgres):
    def run():
        try:
            return import_territories(wet_run=True, departements={"57"})
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(lambda _: run(), range(2)))

    created = sorted(report.count("communes").created for report in reports)
    assert created == [0, MOSELLE_COMMUNES]
    assert Commune.objects.count() == MOSELLE_COMMUNES


def test_import_restricted_to_a_departement_leaves_the_others_alone(tmp_path):
    import_territories(wet_run=True, departements={"57", "54"})
    source = write_moselle_source(tmp_path / "cog", without={"57227"})

    report = import_territories([source], wet_run=True, departements={"57"})

    assert report.count("communes").obsolete == 1
    assert report.count("epci").obsolete == 0
    assert not Commune.objects.filter(obsolete=True, departement__code="54").exists()
    assert not EPCI.objects.filter(obsolete=True).exists()

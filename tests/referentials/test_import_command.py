"""The référentiel importers through ``fabrique import`` and as a whole."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fabrique.core import importing
from fabrique.referentials import importers
from fabrique.referentials.models import NafActivity, Occupation, Scheme

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import", *args, "--no-progress", stdout=out)
    return out.getvalue()


def test_every_referential_importer_is_registered():
    available = importing.importers()

    assert {"rome", "esco", "rncp", "formacode", "naf", "referentials"} <= set(available)


def test_import_command_dry_run_prints_the_counts_and_writes_nothing(rome_source):
    output = run("rome", str(rome_source))

    assert output.splitlines()[0] == "rome v460"
    assert "occupations                  3          0          0          0" in output
    assert "Dry run" in output
    assert not Occupation.objects.exists()


def test_import_command_wet_run_writes(rome_source):
    output = run("rome", str(rome_source), "--wet-run")

    assert "Written in one transaction" in output
    assert Occupation.objects.filter(scheme=Scheme.ROME).count() == 3


def test_import_command_names_the_file_line_and_column_of_a_refused_source(tmp_path):
    path = tmp_path / "formacode_codes_from_rncp_2026_02_01.csv"
    path.write_text("formacode_code,formacode_libelle,nb_fiches\nabc,Froid,1\n", "utf-8")

    with pytest.raises(CommandError) as error:
        run("formacode", str(path), "--wet-run")

    assert str(error.value) == (
        "Nothing was imported.\nformacode_codes_from_rncp_2026_02_01.csv, line 2, "
        "column formacode_code: not a Formacode: 'abc'"
    )


def test_import_command_passes_the_source_version(esco_source, tmp_path):
    renamed = esco_source.rename(tmp_path / "download")

    output = run("esco", str(renamed), "--source-version", "v1.1.1")

    assert output.splitlines()[0] == "esco v1.1.1"


def test_all_referentials_refuse_paths(tmp_path):
    with pytest.raises(CommandError, match="imports the shipped data only"):
        run("referentials", str(tmp_path))


def test_missing_sources_include_those_that_link_to_a_missing_one():
    importers.import_referential("naf", wet_run=True)

    assert importers.missing() == ["formacode", "rome", "esco", "rncp"]
    assert NafActivity.objects.count() == 1728


def test_missing_sources_reimport_rome_when_naf_arrives_later(rome_source):
    importers.import_referential("rome", [rome_source], wet_run=True)

    names = importers.missing()

    assert names == ["naf", "formacode", "rome", "esco", "rncp"]

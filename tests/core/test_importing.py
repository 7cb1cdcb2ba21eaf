import gzip
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fabrique.core import importing
from fabrique.core.importing import Counts, ImportReport
from fabrique.territories.models import Commune
from tests.territories.conftest import write_moselle_source

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import", *args, "--no-progress", stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def echo_importer():
    """A registered importer that reports the paths and options it was given."""
    seen = {}

    def runner(paths, *, wet_run, progress, options):
        seen.update(paths=paths, wet_run=wet_run, options=options)
        progress(1, 1, "done")
        report = ImportReport(name="echo", version="v1", wet_run=wet_run)
        report.counts["things"] = Counts(created=len(paths))
        return report

    importing.register("echo", help="Echo for tests", runner=runner)
    yield seen
    importing._registry.pop("echo")


def test_registry_discovers_the_territories_importer():
    assert "territories" in importing.importers()
    assert importing.get("territories").help.startswith("Official geography")


def test_registry_refuses_a_second_runner_under_the_same_name(echo_importer):
    with pytest.raises(ValueError, match="already registered"):
        importing.register("echo", help="other", runner=lambda *a, **k: None)


def test_import_command_without_name_lists_importers():
    output = run()

    assert "territories" in output
    assert "Official geography" in output


def test_import_command_refuses_an_unknown_name_and_lists_the_known_ones():
    with pytest.raises(
        CommandError, match=r"Unknown importer 'nope'. Known importers: .*territories"
    ):
        run("nope")


def test_import_command_passes_paths_and_wet_run_to_the_runner(echo_importer):
    output = run("echo", "a.csv", "b.csv", "--wet-run")

    assert echo_importer["paths"] == [Path("a.csv"), Path("b.csv")]
    assert echo_importer["wet_run"] is True
    assert "things" in output
    assert "Written in one transaction" in output


def test_import_command_dry_runs_by_default_and_writes_nothing():
    output = run("territories", "--departement", "57")

    assert "Dry run" in output
    assert "communes" in output
    assert "725" in output
    assert not Commune.objects.exists()


def test_import_command_wet_run_writes_then_changes_nothing():
    first = run("territories", "--departement", "57", "--wet-run")
    second = run("territories", "--departement", "57", "--wet-run")

    assert Commune.objects.count() == 725
    assert "Written in one transaction" in first
    communes_line = next(line for line in second.splitlines() if line.startswith("communes"))
    assert communes_line.split() == ["communes", "0", "0", "725", "0"]


def test_import_command_refuses_a_bad_file_with_its_name(tmp_path):
    source = write_moselle_source(tmp_path)
    (source / "regions.json").write_text("[{", encoding="utf-8")

    with pytest.raises(CommandError, match=r"regions\.json, line 1, column 3: not valid JSON"):
        run("territories", str(source), "--wet-run")
    assert not Commune.objects.exists()


def test_import_command_refuses_an_incomplete_source(tmp_path):
    (tmp_path / "regions.json").write_text("[]", encoding="utf-8")

    with pytest.raises(CommandError, match=r"missing departements\.json, communes\.json"):
        run("territories", str(tmp_path / "regions.json"))


def test_import_report_table_and_totals():
    report = ImportReport(name="x")
    report.counts["a"] = Counts(created=2, updated=1)
    report.counts["b"] = Counts(created=3, obsolete=4)

    assert report.total("created") == 5
    assert report.table().splitlines()[1].split() == ["a", "2", "1", "0", "0"]
    assert report.as_dict()["b"] == {"created": 3, "updated": 0, "unchanged": 0, "obsolete": 4}


def test_read_text_reads_plain_and_gzipped_files_alike(tmp_path):
    (tmp_path / "a.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    (tmp_path / "b.csv.gz").write_bytes(gzip.compress("\ufeffx,y\n1,2\n".encode()))

    plain = importing.read_text(tmp_path / "a.csv")
    compressed = importing.read_text(tmp_path / "b.csv.gz")

    assert plain.text == compressed.text == "x,y\n1,2\n"
    assert compressed.name == "b.csv.gz"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "a.csv: the file is empty"),
        (b"x,y\n\xff\xfe\n", "a.csv, line 2: not UTF-8 text"),
        (b"x,y\n1,\x002\n", "a.csv, line 2: contains NUL bytes"),
        (b"\x1f\x8b\x08\x00broken", "a.csv: not a valid gzip file"),
    ],
)
def test_read_text_refuses_what_is_not_text(tmp_path, content, message):
    (tmp_path / "a.csv").write_bytes(content)

    with pytest.raises(importing.InvalidSource) as refusal:
        importing.read_text(tmp_path / "a.csv")

    assert str(refusal.value).startswith(message)


def test_csv_rows_checks_columns_and_reports_every_bad_line():
    source = importing.SourceFile(name="a.csv", text="x,y,z\n1,2,3\n4,5\n6,7,8,9\n", sha256="")

    with pytest.raises(importing.InvalidSource) as refusal:
        list(importing.csv_rows(source, ("x", "z")))

    assert str(refusal.value).splitlines() == [
        "a.csv, line 3: expected 3 fields, found 2",
        "a.csv, line 4: expected 3 fields, found 4",
    ]


def test_import_command_reports_progress_on_stderr():
    out, err = io.StringIO(), io.StringIO()

    call_command("import", "territories", "--departement", "57", stdout=out, stderr=err)

    assert "Reading communes.json.gz" in err.getvalue()
    assert "Dry run" in out.getvalue()

"""Fixtures of the territories tests: the shipped geography, whole or cut down to a few files."""

import functools
import gzip
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from fabrique.territories.importers import SHIPPED_DIR, import_territories


@pytest.fixture(autouse=True)
def in_english():
    """The tests read English messages, whatever catalogues the project ships."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    """The test client, asking for pages in English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@functools.cache
def shipped_records(name: str) -> tuple:
    """The records of a shipped JSON file (read once per test session)."""
    return tuple(json.loads(gzip.decompress((SHIPPED_DIR / f"{name}.gz").read_bytes())))


def write_json(path: Path, records) -> Path:
    path.write_text(json.dumps(list(records), ensure_ascii=False), encoding="utf-8")
    return path


def write_moselle_source(directory: Path, *, without: set[str] = frozenset()) -> Path:
    """The COG files cut down to the communes of Moselle (57), minus ``without``, plain JSON.

    EPCI keep only their Moselle members, so that the files are consistent.
    """
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("regions.json", "departements.json"):
        with gzip.open(SHIPPED_DIR / f"{name}.gz") as compressed:
            (directory / name).write_bytes(compressed.read())
    communes = [
        record
        for record in shipped_records("communes.json")
        if record.get("departement") == "57" and record["code"] not in without
    ]
    codes = {record["code"] for record in communes if record["type"] == "commune-actuelle"}
    write_json(directory / "communes.json", communes)
    epcis = []
    for epci in shipped_records("epci.json"):
        members = [member for member in epci["membres"] if member["code"] in codes]
        if members:
            epcis.append({**epci, "membres": members})
    write_json(directory / "epci.json", epcis)
    return directory


@pytest.fixture
def moselle(db):
    """The shipped geography imported for Moselle only; returns the report."""
    return import_territories(wet_run=True, departements={"57"})

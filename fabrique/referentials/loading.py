"""Load ROME 4.0 from the files shipped under ``fabrique/data/rome/``, for the demo and the
tests: ``load_rome_core()`` runs the ROME import (``fabrique import rome --wet-run``) and
returns its counts in a flat dictionary.

Attribution: "France Travail – ROME" (Licence Ouverte 2.0), see ``data/rome/SOURCE.md``.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from pathlib import Path

from fabrique.core.models import DataSource
from fabrique.core.progress import ProgressCallback, no_progress
from fabrique.referentials.models import Occupation, Scheme
from fabrique.referentials.sources import rome

SOURCE_NAME = rome.NAME
ROME_VERSION = rome.shipped_dir().name  # v460
KIND_SAVOIR_FAIRE = rome.KIND_SAVOIR_FAIRE
KIND_SAVOIR_ETRE = rome.KIND_SAVOIR_ETRE
KIND_SAVOIR = rome.KIND_SAVOIR
CORE_ITEM = rome.CORE_ITEM


def rome_dir(version: str = ROME_VERSION) -> Path:
    return rome.shipped_dir().parent / version


def read_rome_file(name: str, *, version: str = ROME_VERSION) -> Iterator[dict[str, str]]:
    """Rows of one shipped ROME file, e.g. ``read_rome_file("referentiel_code_rome")``."""
    path = rome_dir(version) / f"unix_{name}_{version}_utf8.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def rome_loaded(*, version: str = ROME_VERSION) -> bool:
    """Whether this version of ROME is in the database."""
    return (
        DataSource.objects.filter(name=SOURCE_NAME, version=version).exists()
        and Occupation.objects.filter(scheme=Scheme.ROME).exists()
    )


def load_rome_core(*, progress: ProgressCallback = no_progress) -> dict[str, int]:
    """Load or refresh the shipped ROME (a wet run of the ROME import).

    Idempotent: a second run changes nothing and reports zero creations and updates.
    Returns counts: totals in the source (``occupations``, ``skills``, ``links``: fiche →
    skill links) and what changed (``occupations_created``, ``skills_obsoleted``,
    ``links_deleted``...).
    """
    from fabrique.referentials.importers import import_referential

    report = import_referential(SOURCE_NAME, wet_run=True, progress=progress)
    counts: dict[str, int] = {}
    for key, label in (
        ("occupations", "occupations"),
        ("skills", "skills"),
        ("links", "fiche skills"),
    ):
        changes = report.count(label)
        counts[key] = changes.created + changes.updated + changes.unchanged
        counts[f"{key}_created"] = changes.created
        counts[f"{key}_updated"] = changes.updated
        counts[f"{key}_{'deleted' if key == 'links' else 'obsoleted'}"] = changes.obsolete
    return counts

"""Load the core of ROME 4.0 (fiches, compétences, savoirs and their links) from the files
shipped under ``fabrique/data/rome/``.

This is the fast, idempotent core that the demo and the tests need: it upserts on the ROME
codes with bulk operations, marks rows that left the source as obsolete, and records the
version in ``DataSource``. The full ``fabrique import rome`` command (appellations, texts,
mobilities, version upgrades with a dry run) builds on it.

Attribution: "France Travail – ROME" (Licence Ouverte 2.0), see ``data/rome/SOURCE.md``.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Model

from fabrique.core import audit
from fabrique.core.models import DataSource
from fabrique.core.progress import ProgressCallback, no_progress
from fabrique.referentials.models import Occupation, OccupationSkill, Scheme, Skill

ROME_VERSION = "v460"
SOURCE_NAME = "rome"
BATCH_SIZE = 2000

# Skill.kind values for ROME items.
KIND_SAVOIR_FAIRE = "savoir-faire"
KIND_SAVOIR_ETRE = "savoir-être"
KIND_SAVOIR = "savoir"
_COMPETENCE_KINDS = {
    "Savoir-faire": KIND_SAVOIR_FAIRE,
    "Savoir-être professionnel": KIND_SAVOIR_ETRE,
}
# Block 5 of a fiche ("Compétences") and its rubriques: savoir-faire, savoir-être, savoirs.
SKILLS_BLOCK = "5"
SKILL_RUBRIQUES = {"1", "2", "3"}
# unix_coherence_item.coeur_metier value that marks an item as the core of the occupation.
CORE_ITEM = "Principale"


def rome_dir(version: str = ROME_VERSION) -> Path:
    return Path(settings.DATA_DIR) / "rome" / version


def read_rome_file(name: str, *, version: str = ROME_VERSION) -> Iterator[dict[str, str]]:
    """Rows of one shipped ROME file, e.g. ``read_rome_file("referentiel_code_rome")``."""
    path = rome_dir(version) / f"unix_{name}_{version}_utf8.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def rome_loaded(*, version: str = ROME_VERSION) -> bool:
    """Whether this version of the ROME core is in the database."""
    return (
        DataSource.objects.filter(name=SOURCE_NAME, version=version).exists()
        and Occupation.objects.filter(scheme=Scheme.ROME).exists()
    )


def _read_occupations() -> dict[str, dict[str, object]]:
    return {
        row["code_rome"]: {"label": row["libelle_rome"].strip()}
        for row in read_rome_file("referentiel_code_rome")
    }


def _read_skills() -> dict[str, dict[str, object]]:
    skills: dict[str, dict[str, object]] = {}
    for row in read_rome_file("referentiel_competence"):
        kind = _COMPETENCE_KINDS.get(row["cat_comp"], row["cat_comp"].strip().lower())
        skills[row["code_ogr"]] = {"label": row["libelle_competence"].strip(), "kind": kind}
    for row in read_rome_file("referentiel_savoir"):
        skills[row["code_ogr_savoir"]] = {
            "label": row["libelle_savoir"].strip(),
            "kind": KIND_SAVOIR,
        }
    return skills


def _read_links() -> dict[tuple[str, str], bool]:
    core = {
        (row["code_rome"], row["code_ogr"])
        for row in read_rome_file("coherence_item")
        if row["coeur_metier"] == CORE_ITEM
    }
    return {
        (row["code_rome"], row["code_ogr"]): (row["code_rome"], row["code_ogr"]) in core
        for row in read_rome_file("liens_rome_referentiels")
        if row["code_compo_bloc"] == SKILLS_BLOCK and row["code_rubrique"] in SKILL_RUBRIQUES
    }


def _upsert_coded(
    model: type[Occupation] | type[Skill], wanted: dict[str, dict[str, object]], *, version: str
) -> tuple[dict[str, int], dict[str, int]]:
    """Create, update or mark obsolete the ROME rows of ``model``; return code → id and counts."""
    fields = ["version", "obsolete", *next(iter(wanted.values())).keys()]
    existing = {obj.code: obj for obj in model.objects.filter(scheme=Scheme.ROME)}
    to_create, to_update = [], []
    for code in sorted(wanted):
        values = {**wanted[code], "version": version, "obsolete": False}
        obj = existing.get(code)
        if obj is None:
            to_create.append(model(scheme=Scheme.ROME, code=code, **values))
        elif any(getattr(obj, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            to_update.append(obj)
    gone = [
        obj for code, obj in sorted(existing.items()) if code not in wanted and not obj.obsolete
    ]
    for obj in gone:
        obj.obsolete = True
    model.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    model.objects.bulk_update(to_update + gone, fields, batch_size=BATCH_SIZE)
    ids = dict(model.objects.filter(scheme=Scheme.ROME).values_list("code", "id"))
    counts = {"created": len(to_create), "updated": len(to_update), "obsoleted": len(gone)}
    return ids, counts


def _insert_links(rows: list[tuple[int, int, bool]]) -> None:
    """Insert link rows with ``executemany``: ten times faster than ``bulk_create`` here."""
    if not rows:
        return
    connection = connections[router.db_for_write(OccupationSkill)]
    quote = connection.ops.quote_name
    table = quote(OccupationSkill._meta.db_table)
    columns = ", ".join(quote(name) for name in ("occupation_id", "skill_id", "essential"))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10 * BATCH_SIZE):
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s)",
                rows[start : start + 10 * BATCH_SIZE],
            )


def _sync_links(
    wanted: dict[tuple[str, str], bool], occupation_ids: dict[str, int], skill_ids: dict[str, int]
) -> dict[str, int]:
    wanted_ids = {
        (occupation_ids[rome], skill_ids[ogr]): essential
        for (rome, ogr), essential in wanted.items()
        if rome in occupation_ids and ogr in skill_ids
    }
    rome_skills = set(skill_ids.values())
    existing = {  # links between ROME fiches and ROME items only
        (occupation_id, skill_id): (pk, essential)
        for pk, occupation_id, skill_id, essential in OccupationSkill.objects.filter(
            occupation__scheme=Scheme.ROME
        ).values_list("pk", "occupation_id", "skill_id", "essential")
        if skill_id in rome_skills
    }
    to_create = [
        (occupation_id, skill_id, essential)
        for (occupation_id, skill_id), essential in sorted(wanted_ids.items())
        if (occupation_id, skill_id) not in existing
    ]
    flips: dict[bool, list[int]] = {True: [], False: []}
    stale: list[int] = []
    for key, (pk, essential) in existing.items():
        if key not in wanted_ids:
            stale.append(pk)
        elif wanted_ids[key] != essential:
            flips[wanted_ids[key]].append(pk)
    _insert_links(to_create)
    for essential, pks in flips.items():
        for start in range(0, len(pks), BATCH_SIZE):
            OccupationSkill.objects.filter(pk__in=pks[start : start + BATCH_SIZE]).update(
                essential=essential
            )
    for start in range(0, len(stale), BATCH_SIZE):
        OccupationSkill.objects.filter(pk__in=stale[start : start + BATCH_SIZE]).delete()
    return {
        "created": len(to_create),
        "updated": len(flips[True]) + len(flips[False]),
        "deleted": len(stale),
    }


def _analyze(*models: type[Model]) -> None:
    """Refresh PostgreSQL's statistics after a bulk load: without them, the next queries are
    planned for empty tables (a nested loop over every fiche × skill pair took minutes)."""
    connection = connections[router.db_for_write(models[0])]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
        cursor.execute(f"ANALYZE {tables}")


def load_rome_core(*, progress: ProgressCallback = no_progress) -> dict[str, int]:
    """Load or refresh the ROME fiches, compétences, savoirs and fiche → item links.

    Idempotent: a second run changes nothing and reports zero creations and updates.
    Returns counts: totals (``occupations``, ``skills``, ``links``) and what changed.
    """
    steps = 4
    progress(0, steps, "ROME: reading the files")
    occupations = _read_occupations()
    skills = _read_skills()
    links = _read_links()
    with transaction.atomic():
        progress(1, steps, "ROME: fiches")
        occupation_ids, occupation_counts = _upsert_coded(
            Occupation, occupations, version=ROME_VERSION
        )
        progress(2, steps, "ROME: compétences and savoirs")
        skill_ids, skill_counts = _upsert_coded(Skill, skills, version=ROME_VERSION)
        _analyze(Occupation, Skill)
        progress(3, steps, "ROME: fiche → compétence links")
        link_counts = _sync_links(links, occupation_ids, skill_ids)
        counts = {
            "occupations": len(occupations),
            "skills": len(skills),
            "links": len(links),
            **{f"occupations_{key}": value for key, value in occupation_counts.items()},
            **{f"skills_{key}": value for key, value in skill_counts.items()},
            **{f"links_{key}": value for key, value in link_counts.items()},
        }
        DataSource.objects.update_or_create(
            name=SOURCE_NAME, defaults={"version": ROME_VERSION, "counts": counts}
        )
        _analyze(OccupationSkill)
        changed = sum(value for key, value in counts.items() if "_" in key)
        if changed:
            audit.record_event(
                action="create" if counts["occupations_created"] else "update",
                model="referentials.occupation",
                object_id=ROME_VERSION,
                label=f"ROME {ROME_VERSION} core loaded",
                after=counts,
            )
    progress(steps, steps, "ROME loaded")
    return counts

"""The ``territories`` import: regions, départements, communes, EPCI, zones d'emploi, BMO bassins.

``fabrique import territories [PATH ...] [--wet-run]``, or from Python::

    from fabrique.territories.importers import import_territories, is_loaded
    report = import_territories(wet_run=True, departements={"57"})

Records are keyed on the official codes (INSEE code, SIREN, zone and bassin codes). The
import first reads and checks every file (``sources.py``), then compares what the files say
with the database, then (in a wet run only) writes the differences in one transaction with
``bulk_create``/``bulk_update``. Records that disappeared from the source are marked
obsolete, never deleted. Zones d'emploi and BMO bassins are keyed on older commune codes
(COG 2025 and before): a current commune without a direct match takes the zone or bassin of
one of its former communes, and the rest is reported.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q

from fabrique.core import audit, importing
from fabrique.core.importing import Counts, ImportReport
from fabrique.core.models import DataSource
from fabrique.core.progress import ProgressCallback, no_progress
from fabrique.territories import sources
from fabrique.territories.models import (
    EPCI,
    BassinEmploi,
    Commune,
    Departement,
    Region,
    ZoneEmploi,
)
from fabrique.territories.querysets import search_key

NAME = "territories"
SHIPPED_DIR = Path(settings.DATA_DIR) / "territories"
MANIFEST = "MANIFEST.json"
BATCH_SIZE = 1000
# What is left untouched when an optional file is not given, by kind of file.
MISSING_FILE_NOTES = {
    "epci": "No epci.json given: EPCI and the communes' EPCI were left as they are.",
    "centres": "No communes-centres.json given: the communes' coordinates were left as they are.",
    "zones_emploi_communes": (
        "No ze2020_commune_*.csv given: the communes' zones d'emploi were left as they are."
    ),
    "bassins_communes": "No bassins_bmo_*_communes.csv given: BMO bassins were left as they are.",
}


def shipped_manifest() -> dict[str, Any]:
    """The version and the file digests of the data shipped with Fabrique."""
    return json.loads((SHIPPED_DIR / MANIFEST).read_text(encoding="utf-8"))


def is_loaded() -> bool:
    """Whether the geography has been imported (at least once) into this database."""
    return DataSource.objects.filter(name=NAME).exists() and Commune.objects.exists()


# --- comparing what the files say with the database -----------------------------------------


@dataclass
class Table:
    """One model, its official key, and the fields the import manages (as codes)."""

    label: str
    model: type[models.Model]
    key: str
    fields: tuple[str, ...]
    # Field -> the table it points to (its values are that table's keys, or None).
    foreign: dict[str, Table] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)  # key -> id, filled while applying
    # The existing rows that may be marked obsolete (None: all); an import restricted to
    # some départements leaves the rest of the country alone.
    scope: Q | None = None


@dataclass
class Changes:
    create: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    update: dict[int, tuple[Any, ...]] = field(default_factory=dict)  # id -> values
    unchanged: int = 0
    obsolete: list[int] = field(default_factory=list)

    def counts(self) -> Counts:
        return Counts(
            created=len(self.create),
            updated=len(self.update),
            unchanged=self.unchanged,
            obsolete=len(self.obsolete),
        )


def existing_rows(table: Table) -> dict[str, tuple[int, bool, tuple[Any, ...]]]:
    """key -> (id, obsolete, values) as they are in the database, foreign keys as codes."""
    columns = [f"{name}_id" if name in table.foreign else name for name in table.fields]
    codes = {
        name: dict(target.model.objects.values_list("id", target.key))
        for name, target in table.foreign.items()
    }
    rows = {}
    for row_id, key, obsolete, *values in table.model.objects.values_list(
        "id", table.key, "obsolete", *columns
    ):
        for position, name in enumerate(table.fields):
            if name in codes and values[position] is not None:
                values[position] = codes[name][values[position]]
        rows[key] = (row_id, obsolete, tuple(values))
    return rows


def compare(
    table: Table, wanted: Mapping[str, tuple[Any, ...]], present_in_source: Iterable[str]
) -> Changes:
    """What to create, update and mark obsolete so that the table says what the source says."""
    changes = Changes()
    existing = existing_rows(table)
    for key, values in wanted.items():
        row = existing.get(key)
        if row is None:
            changes.create[key] = values
        elif row[1] or row[2] != values:
            changes.update[row[0]] = values
        else:
            changes.unchanged += 1
    in_source = set(present_in_source)
    gone = {
        key for key, (_, obsolete, _) in existing.items() if key not in in_source and not obsolete
    }
    if gone and table.scope is not None:
        gone &= set(
            table.model.objects.filter(table.scope).values_list(table.key, flat=True).distinct()
        )
    changes.obsolete = sorted(existing[key][0] for key in gone)
    return changes


def apply(table: Table, changes: Changes, progress: Callable[[int], None]) -> None:
    """Write the changes of one table (inside the caller's transaction)."""
    ids = {name: target.ids for name, target in table.foreign.items()}
    attnames = [f"{name}_id" if name in table.foreign else name for name in table.fields]

    def field_values(values: tuple[Any, ...]) -> dict[str, Any]:
        result = {}
        for name, attname, value in zip(table.fields, attnames, values, strict=True):
            result[attname] = ids[name][value] if name in ids and value is not None else value
        return result

    new = [
        table.model(**{table.key: key, "obsolete": False, **field_values(values)})
        for key, values in changes.create.items()
    ]
    for start in range(0, len(new), BATCH_SIZE):
        table.model.objects.bulk_create(new[start : start + BATCH_SIZE])
        progress(len(new[start : start + BATCH_SIZE]))
    updated = [
        table.model(id=row_id, obsolete=False, **field_values(values))
        for row_id, values in changes.update.items()
    ]
    for start in range(0, len(updated), BATCH_SIZE):
        batch = updated[start : start + BATCH_SIZE]
        table.model.objects.bulk_update(batch, [*attnames, "obsolete"])
        progress(len(batch))
    for start in range(0, len(changes.obsolete), BATCH_SIZE):
        batch_ids = changes.obsolete[start : start + BATCH_SIZE]
        table.model.objects.filter(id__in=batch_ids).update(obsolete=True)
        progress(len(batch_ids))
    table.ids = dict(table.model.objects.values_list(table.key, "id"))


# --- what the files say -------------------------------------------------------------------------


def _mean(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    if not points:
        return None
    return (
        round(sum(p[0] for p in points) / len(points), 5),
        round(sum(p[1] for p in points) / len(points), 5),
    )


def commune_centres(geo: sources.Geography, report: ImportReport) -> dict[str, tuple[float, float]]:
    """Centre of each current commune: its own, else its former communes', else its EPCI's."""
    assert geo.centres is not None
    centres: dict[str, tuple[float, float]] = {}
    from_former = []
    for code, commune in geo.communes.items():
        if code in geo.centres:
            centres[code] = geo.centres[code]
        elif point := _mean([geo.centres[c] for c in commune.former_codes if c in geo.centres]):
            centres[code] = point
            from_former.append(code)
    from_epci = []
    for epci in (geo.epcis or {}).values():
        missing = [code for code in epci.members if code not in centres]
        point = _mean([centres[code] for code in epci.members if code in centres])
        if missing and point:
            for code in missing:
                centres[code] = point
                from_epci.append(code)
    if from_former or from_epci:
        report.problems.append(
            f"{len(from_former) + len(from_epci)} communes have no centre of their own in "
            f"communes-centres.json: placed at the centre of their former communes "
            f"({len(from_former)}) or of their EPCI ({len(from_epci)})."
        )
    return centres


def zoning_of_communes(
    geo: sources.Geography,
    mapping: dict[str, str],
    file_label: str,
    what: str,
    report: ImportReport,
) -> dict[str, str]:
    """Zone (or bassin) of each current commune, directly or through its former communes."""
    result = {}
    through_former = 0
    for code, commune in geo.communes.items():
        if code in mapping:
            result[code] = mapping[code]
            continue
        former = sorted({mapping[c] for c in commune.former_codes if c in mapping})
        if former:
            result[code] = former[0]
            through_former += 1
    unmatched = sum(1 for code in mapping if code not in geo.communes)
    without = len(geo.communes) - len(result)
    report.problems.append(
        f"{file_label}: {unmatched:,} of {len(mapping):,} commune codes are not current "
        f"communes (merged or renamed since): not linked. {through_former:,} current communes "
        f"took the {what} of a former commune; {without:,} current communes have no {what}."
    )
    return result


def build_tables(
    geo: sources.Geography,
    departements: set[str] | None,
    report: ImportReport,
) -> list[tuple[Table, dict[str, tuple[Any, ...]], set[str]]]:
    """The tables in writing order, each with the wanted rows and the keys in the source."""
    regions = Table("regions", Region, "code", ("name",))
    region_rows = {code: (name,) for code, name in geo.regions.items()}
    deps = Table("departements", Departement, "code", ("name", "region"), {"region": regions})
    dep_rows = {code: (name, region) for code, (name, region) in geo.departements.items()}
    plan = [(regions, region_rows, set(region_rows)), (deps, dep_rows, set(dep_rows))]

    selected = {
        code: commune
        for code, commune in geo.communes.items()
        if departements is None or commune.departement in departements
    }
    linked = None if departements is None else Q(communes__departement__code__in=departements)
    commune_fields: list[str] = ["name", "search_name", "departement", "population", "postal_codes"]
    foreign: dict[str, Table] = {"departement": deps}
    extra: dict[str, dict[str, Any]] = {}

    if geo.epcis is not None:
        epcis = Table(
            "epci", EPCI, "siren", ("name", "search_name", "kind", "population"), scope=linked
        )
        epci_of = {code: siren for siren, epci in geo.epcis.items() for code in epci.members}
        epci_rows = {
            siren: (epci.name, search_key(epci.name), epci.kind, epci.population)
            for siren, epci in geo.epcis.items()
            if any(code in selected for code in epci.members)
        }
        plan.append((epcis, epci_rows, set(geo.epcis)))
        commune_fields.append("epci")
        foreign["epci"] = epcis
        extra["epci"] = epci_of
        without = sum(1 for code in selected if code not in epci_of)
        if without:
            report.problems.append(f"{without:,} communes belong to no EPCI à fiscalité propre.")

    if geo.zones is not None:
        zones = Table("zones_emploi", ZoneEmploi, "code", ("name",), scope=linked)
        zone_of = {}
        if geo.zone_of is not None:
            zone_of = zoning_of_communes(
                geo, geo.zone_of, "zones d'emploi", "zone d'emploi", report
            )
            commune_fields.append("zone_emploi")
            foreign["zone_emploi"] = zones
            extra["zone_emploi"] = zone_of
        used = {zone_of[code] for code in selected if code in zone_of}
        zone_rows = {
            code: (name,)
            for code, name in geo.zones.items()
            if departements is None or code in used
        }
        plan.append((zones, zone_rows, set(geo.zones)))

    if geo.bassins is not None and geo.bassin_of is not None:
        bassins = Table(
            "bassins", BassinEmploi, "code", ("name", "region"), {"region": regions}, scope=linked
        )
        bassin_of = zoning_of_communes(geo, geo.bassin_of, "BMO bassins", "BMO bassin", report)
        used = {bassin_of[code] for code in selected if code in bassin_of}
        unknown_regions = sorted({r for _, r in geo.bassins.values() if r not in geo.regions})
        if unknown_regions:
            report.problems.append(
                f"BMO bassins: region codes {', '.join(unknown_regions)} are not in the regions "
                "file; those bassins have no region."
            )
        bassin_rows = {
            code: (name, region if region in geo.regions else None)
            for code, (name, region) in geo.bassins.items()
            if departements is None or code in used
        }
        plan.append((bassins, bassin_rows, set(geo.bassins)))
        commune_fields.append("bassin")
        foreign["bassin"] = bassins
        extra["bassin"] = bassin_of

    centres = None
    if geo.centres is not None:
        centres = commune_centres(geo, report)
        commune_fields += ["latitude", "longitude"]
        without = sum(1 for code in selected if code not in centres)
        if without:
            report.problems.append(f"{without:,} communes have no known centre (no coordinates).")

    communes = Table(
        "communes",
        Commune,
        "insee_code",
        tuple(commune_fields),
        foreign,
        scope=None if departements is None else Q(departement__code__in=departements),
    )
    commune_rows = {}
    for code, commune in selected.items():
        values: dict[str, Any] = {
            "name": commune.name,
            "search_name": search_key(commune.name)[:100],
            "departement": commune.departement,
            "population": commune.population,
            "postal_codes": " ".join(commune.postal_codes),
        }
        for name, mapping in extra.items():
            values[name] = mapping.get(code)
        if centres is not None:
            values["latitude"], values["longitude"] = centres.get(code, (None, None))
        commune_rows[code] = tuple(values[name] for name in commune_fields)
    plan.append((communes, commune_rows, set(geo.communes)))
    return plan


# --- the import -----------------------------------------------------------------------------------


def import_territories(
    paths: list[Path] | None = None,
    *,
    wet_run: bool,
    departements: set[str] | None = None,
    progress: ProgressCallback = no_progress,
    source_version: str | None = None,
) -> ImportReport:
    """Import the official geography from ``paths`` (default: the data shipped with Fabrique).

    ``departements`` restricts communes, EPCI, zones d'emploi and bassins to those that touch
    these départements (all regions and départements are still loaded). A dry run
    (``wet_run=False``) writes nothing and reports what a wet run would do.
    """
    shipped = not paths
    files = sources.find_files([SHIPPED_DIR] if shipped else list(paths or []))
    if departements is not None:
        departements = {str(code).strip().upper() for code in departements}
    report = ImportReport(name=NAME, wet_run=wet_run)
    geo = sources.read_geography(files, progress)
    if departements is not None:
        unknown = sorted(departements - set(geo.departements))
        if unknown:
            raise importing.InvalidSource(
                importing.Problem(
                    "departements.json", "", f"unknown départements: {', '.join(unknown)}"
                )
            )
    report.version = source_version or version_of(geo, shipped)

    plan = build_tables(geo, departements, report)
    report.problems += [note for kind, note in MISSING_FILE_NOTES.items() if kind not in files]
    if not wet_run:
        for table, wanted, in_source in plan:
            report.counts[table.label] = compare(table, wanted, in_source).counts()
        return report

    with transaction.atomic():
        lock_source()
        changes = []
        for table, wanted, in_source in plan:
            table_changes = compare(table, wanted, in_source)
            changes.append((table, table_changes))
            report.counts[table.label] = table_changes.counts()
        total = sum(len(c.create) + len(c.update) + len(c.obsolete) for _, c in changes)
        done = 0
        for table, table_changes in changes:

            def step(count: int, label: str = table.label) -> None:
                nonlocal done
                done += count
                progress(done, total, f"Writing {label}")

            apply(table, table_changes, step)
        progress(total, total, "Written")
        record_source(report, geo)
    return report


def lock_source() -> None:
    """Serialise wet runs: the second one waits, then finds the work done."""
    DataSource.objects.get_or_create(name=NAME, defaults={"version": ""})
    DataSource.objects.select_for_update().get(name=NAME)


def version_of(geo: sources.Geography, shipped: bool) -> str:
    manifest = shipped_manifest()
    known = manifest["files"]
    if shipped or all(known.get(name) == digest for name, digest in geo.digests.items()):
        return manifest["version"]
    return "files " + "-".join(sorted(digest[:8] for digest in geo.digests.values()))[:50]


def record_source(report: ImportReport, geo: sources.Geography) -> None:
    counts = report.as_dict()
    DataSource.objects.update_or_create(
        name=NAME,
        defaults={"version": report.version[:60], "counts": {**counts, "files": geo.digests}},
    )
    summary = {label: {k: v for k, v in c.items() if v} for label, c in counts.items()}
    audit.record_event(
        action="create",
        model="territories.import",
        label=f"Import of territories {report.version}"[:254],
        after=summary,
    )


# --- registration -------------------------------------------------------------------------------


def _run(
    paths: list[Path],
    *,
    wet_run: bool,
    progress: ProgressCallback,
    options: Mapping[str, Any],
) -> ImportReport:
    departements = options.get("departement") or None
    return import_territories(
        paths or None,
        wet_run=wet_run,
        departements=set(departements) if departements else None,
        progress=progress,
        source_version=options.get("source_version") or None,
    )


def _add_arguments(parser: Any) -> None:
    parser.add_argument(
        "--departement",
        action="append",
        metavar="CODE",
        help="territories: load only the communes, EPCI and zones of this département "
        "(repeat for several).",
    )
    parser.add_argument(
        "--source-version",
        metavar="VERSION",
        help="The version of the files given, when their names do not say it (territories: "
        "default recognised from the shipped data, else their digests; ESCO: from the folder "
        "or zip name).",
    )


importing.register(
    NAME,
    help="Official geography: regions, départements, communes, EPCI, zones d'emploi, BMO bassins.",
    runner=_run,
    add_arguments=_add_arguments,
)

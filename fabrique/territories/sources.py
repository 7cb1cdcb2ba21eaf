"""Reading and checking the official geography files, before anything is written.

The files are recognised by their official names, plain or gzip-compressed:

- ``regions.json``, ``departements.json``, ``communes.json``, ``epci.json``: the Etalab
  ``decoupage-administratif`` export of the INSEE COG and the DGCL list of EPCI;
- ``communes-centres.json``: longitude/latitude of commune centres (geo.api.gouv.fr export);
- ``ze2020_liste.csv``, ``ze2020_commune_cog2025.csv``: INSEE zones d'emploi and their communes;
- ``bassins_bmo_2024_communes.csv``: France Travail BMO bassins and their communes.

Every refused record is reported with its file, its line or record number and the reason
(``InvalidSource``). This module reads files and returns plain data; it writes nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fabrique.core.importing import (
    Checker,
    InvalidSource,
    Problem,
    SourceFile,
    count_field,
    csv_rows,
    json_records,
    read_text,
    text_field,
)

# File kind -> pattern of the official file name (without ".gz").
FILE_PATTERNS = {
    "regions": re.compile(r"regions\.json"),
    "departements": re.compile(r"departements\.json"),
    "communes": re.compile(r"communes\.json"),
    "epci": re.compile(r"epci\.json"),
    "centres": re.compile(r"communes-centres\.json"),
    "zones_emploi": re.compile(r"ze\d{4}_liste\.csv"),
    "zones_emploi_communes": re.compile(r"ze\d{4}_commune(_cog\d{4})?\.csv"),
    "bassins_communes": re.compile(r"bassins_bmo_\d{4}_communes\.csv"),
}
REQUIRED_KINDS = ("regions", "departements", "communes")

COMMUNE_CODE = re.compile(r"[0-9][0-9AB][0-9]{3}")
DEPARTEMENT_CODE = re.compile(r"[0-9]{2,3}|2A|2B")
REGION_CODE = re.compile(r"[0-9]{2,3}")
SIREN = re.compile(r"[0-9]{9}")
POSTAL_CODE = re.compile(r"[0-9]{5}")
FOUR_DIGITS = re.compile(r"[0-9]{4}")
EPCI_KINDS = {"CC", "CA", "CU", "METRO", "MET69"}


def kind_of(path: Path) -> str | None:
    """The kind of official file ``path`` is, from its name; None if not recognised."""
    name = path.name.lower()
    name = name.removesuffix(".gz")
    for kind, pattern in FILE_PATTERNS.items():
        if pattern.fullmatch(name):
            return kind
    return None


def expected_names() -> str:
    return (
        "regions.json, departements.json, communes.json, epci.json, communes-centres.json, "
        "ze2020_liste.csv, ze2020_commune_cog2025.csv, bassins_bmo_2024_communes.csv "
        "(each possibly .gz)"
    )


def find_files(paths: list[Path]) -> dict[str, Path]:
    """Files by kind, from files named one by one or from directories that contain them."""
    found: dict[str, Path] = {}
    for path in paths:
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.is_file() and kind_of(p))
        elif path.is_file():
            if kind_of(path) is None:
                raise InvalidSource(
                    Problem(
                        path.name, "", f"not a recognised file name; expected {expected_names()}"
                    )
                )
            candidates = [path]
        else:
            raise InvalidSource(Problem(str(path), "", "no such file or directory"))
        for candidate in candidates:
            kind = kind_of(candidate)
            assert kind is not None
            if kind in found and found[kind] != candidate:
                raise InvalidSource(
                    Problem(
                        candidate.name,
                        "",
                        f"two files of the same kind were given ({found[kind].name} and "
                        f"{candidate.name}); give only one",
                    )
                )
            found[kind] = candidate
    missing = [kind for kind in REQUIRED_KINDS if kind not in found]
    if missing:
        given = ", ".join(path.name for path in paths) or "(no path)"
        names = ", ".join(f"{kind}.json" for kind in missing)
        raise InvalidSource(Problem(given, "", f"missing {names} (plain or .gz)"))
    return found


# --- the files, one by one ------------------------------------------------------------------


@dataclass(frozen=True)
class CommuneRecord:
    name: str
    departement: str
    population: int | None
    postal_codes: tuple[str, ...]
    former_codes: tuple[str, ...]


@dataclass(frozen=True)
class EPCIRecord:
    name: str
    kind: str
    population: int | None
    members: tuple[str, ...]


@dataclass
class Geography:
    """Everything read from the files, keyed on the official codes."""

    regions: dict[str, str] = field(default_factory=dict)
    departements: dict[str, tuple[str, str]] = field(default_factory=dict)
    communes: dict[str, CommuneRecord] = field(default_factory=dict)
    epcis: dict[str, EPCIRecord] | None = None
    centres: dict[str, tuple[float, float]] | None = None  # code -> (latitude, longitude)
    zones: dict[str, str] | None = None  # code -> name
    zone_of: dict[str, str] | None = None  # commune code (COG 2025) -> zone code
    bassins: dict[str, tuple[str, str]] | None = None  # code -> (name, region code)
    bassin_of: dict[str, str] | None = None  # commune code (older COG) -> bassin code
    digests: dict[str, str] = field(default_factory=dict)  # file name -> sha256


def parse_regions(source: SourceFile) -> dict[str, str]:
    checker = Checker(source.name)
    regions: dict[str, str] = {}
    for where, record in json_records(source, checker):
        code = text_field(checker, where, record, "code", pattern=REGION_CODE)
        name = text_field(checker, where, record, "nom", max_length=100)
        if code and name:
            if code in regions:
                checker.add(where, f"region {code} appears twice")
            regions[code] = name
    checker.done()
    return regions


def parse_departements(source: SourceFile, regions: dict[str, str]) -> dict[str, tuple[str, str]]:
    checker = Checker(source.name)
    departements: dict[str, tuple[str, str]] = {}
    for where, record in json_records(source, checker):
        code = text_field(checker, where, record, "code", pattern=DEPARTEMENT_CODE)
        name = text_field(checker, where, record, "nom", max_length=100)
        region = text_field(checker, where, record, "region", pattern=REGION_CODE)
        if region and region not in regions:
            checker.add(where, f"region {region} is not in the regions file")
        elif code and name and region:
            if code in departements:
                checker.add(where, f"département {code} appears twice")
            departements[code] = (name, region)
    checker.done()
    return departements


def parse_communes(
    source: SourceFile, departements: dict[str, tuple[str, str]]
) -> dict[str, CommuneRecord]:
    """The current communes (``commune-actuelle``); other kinds of records are skipped."""
    checker = Checker(source.name)
    communes: dict[str, CommuneRecord] = {}
    for where, record in json_records(source, checker):
        kind = text_field(checker, where, record, "type", max_length=40)
        if kind != "commune-actuelle":
            continue
        code = text_field(checker, where, record, "code", pattern=COMMUNE_CODE)
        name = text_field(checker, where, record, "nom", max_length=100)
        departement = text_field(checker, where, record, "departement", pattern=DEPARTEMENT_CODE)
        population = count_field(checker, where, record, "population")
        postal_codes = record.get("codesPostaux", [])
        if not isinstance(postal_codes, list) or not all(
            isinstance(value, str) and POSTAL_CODE.fullmatch(value) for value in postal_codes
        ):
            checker.add(where, "“codesPostaux” is not a list of postal codes")
            postal_codes = []
        former = record.get("anciensCodes", [])
        if not isinstance(former, list) or not all(
            isinstance(value, str) and COMMUNE_CODE.fullmatch(value) for value in former
        ):
            checker.add(where, "“anciensCodes” is not a list of commune codes")
            former = []
        if departement and departement not in departements:
            checker.add(where, f"département {departement} is not in the départements file")
            continue
        if len(" ".join(postal_codes)) > 200:
            checker.add(where, "too many postal codes")
            continue
        if code and name and departement:
            if code in communes:
                checker.add(where, f"commune {code} appears twice")
            communes[code] = CommuneRecord(
                name=name,
                departement=departement,
                population=population,
                postal_codes=tuple(dict.fromkeys(postal_codes)),
                former_codes=tuple(former),
            )
    checker.done()
    if not communes:
        raise InvalidSource(Problem(source.name, "", "no record of type “commune-actuelle”"))
    return communes


def parse_epcis(source: SourceFile, communes: dict[str, CommuneRecord]) -> dict[str, EPCIRecord]:
    checker = Checker(source.name)
    epcis: dict[str, EPCIRecord] = {}
    member_of: dict[str, str] = {}
    for where, record in json_records(source, checker):
        siren = text_field(checker, where, record, "code", pattern=SIREN)
        name = text_field(checker, where, record, "nom", max_length=200)
        kind = text_field(checker, where, record, "type", max_length=5)
        if kind and kind not in EPCI_KINDS:
            checker.add(where, f"unknown kind of EPCI {kind!r}")
        population = count_field(checker, where, record, "populationMunicipale")
        members = record.get("membres")
        codes: list[str] = []
        if not isinstance(members, list):
            checker.add(where, "“membres” is missing or not a list")
        else:
            for member in members:
                code = member.get("code") if isinstance(member, dict) else None
                if not isinstance(code, str) or not COMMUNE_CODE.fullmatch(code):
                    checker.add(where, f"a member has no valid commune code ({member!r:.60})")
                elif code not in communes:
                    checker.add(where, f"member commune {code} is not in the communes file")
                elif code in member_of and member_of[code] != siren:
                    checker.add(where, f"commune {code} is also a member of EPCI {member_of[code]}")
                else:
                    member_of[code] = siren or ""
                    codes.append(code)
        if siren and name and kind in EPCI_KINDS:
            if siren in epcis:
                checker.add(where, f"EPCI {siren} appears twice")
            epcis[siren] = EPCIRecord(
                name=name, kind=kind, population=population, members=tuple(codes)
            )
    checker.done()
    return epcis


def parse_centres(source: SourceFile) -> dict[str, tuple[float, float]]:
    checker = Checker(source.name)
    centres: dict[str, tuple[float, float]] = {}
    for where, record in json_records(source, checker):
        code = text_field(checker, where, record, "code", pattern=COMMUNE_CODE)
        centre = record.get("centre")
        if centre is None or code is None:
            continue  # a few communes have no centre
        coordinates = centre.get("coordinates") if isinstance(centre, dict) else None
        if (
            not isinstance(coordinates, list)
            or len(coordinates) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in coordinates)
        ):
            checker.add(where, "“centre” is not a GeoJSON point [longitude, latitude]")
            continue
        longitude, latitude = float(coordinates[0]), float(coordinates[1])
        if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
            checker.add(where, f"coordinates out of range ({longitude}, {latitude})")
            continue
        centres[code] = (latitude, longitude)
    checker.done()
    return centres


def parse_zones(source: SourceFile) -> dict[str, str]:
    checker = Checker(source.name)
    zones: dict[str, str] = {}
    for line, row in csv_rows(source, ("ze2020", "libze2020")):
        if not FOUR_DIGITS.fullmatch(row["ze2020"]):
            checker.add(f"line {line}", f"unexpected zone code {row['ze2020']!r}")
        elif not row["libze2020"] or len(row["libze2020"]) > 100:
            checker.add(f"line {line}", "the zone name is empty or longer than 100 characters")
        else:
            zones[row["ze2020"]] = row["libze2020"]
    checker.done()
    return zones


def parse_zone_communes(source: SourceFile) -> tuple[dict[str, str], dict[str, str]]:
    """(commune code -> zone code, zone code -> zone name)."""
    checker = Checker(source.name)
    zone_of: dict[str, str] = {}
    names: dict[str, str] = {}
    for line, row in csv_rows(source, ("codgeo", "ze2020", "libze2020")):
        code, zone, name = row["codgeo"], row["ze2020"], row["libze2020"]
        if not COMMUNE_CODE.fullmatch(code):
            checker.add(f"line {line}", f"unexpected commune code {code!r}")
        elif not FOUR_DIGITS.fullmatch(zone):
            checker.add(f"line {line}", f"unexpected zone code {zone!r}")
        elif not name or len(name) > 100:
            checker.add(f"line {line}", "the zone name is empty or longer than 100 characters")
        else:
            zone_of[code] = zone
            names.setdefault(zone, name)
    checker.done()
    return zone_of, names


def parse_bassin_communes(
    source: SourceFile,
) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """(commune code -> bassin code, bassin code -> (name, region code))."""
    checker = Checker(source.name)
    bassin_of: dict[str, str] = {}
    names: dict[str, Counter[str]] = {}
    regions: dict[str, Counter[str]] = {}
    columns = ("reg", "code_commune_insee", "code_bassin_BMO", "lib_bassin_BMO")
    for line, row in csv_rows(source, columns):
        code, bassin, name = (
            row["code_commune_insee"],
            row["code_bassin_BMO"],
            row["lib_bassin_BMO"],
        )
        if not COMMUNE_CODE.fullmatch(code):
            checker.add(f"line {line}", f"unexpected commune code {code!r}")
        elif not FOUR_DIGITS.fullmatch(bassin):
            checker.add(f"line {line}", f"unexpected bassin code {bassin!r}")
        elif not name or len(name) > 100:
            checker.add(f"line {line}", "the bassin name is empty or longer than 100 characters")
        elif not REGION_CODE.fullmatch(row["reg"]):
            checker.add(f"line {line}", f"unexpected region code {row['reg']!r}")
        else:
            bassin_of[code] = bassin
            names.setdefault(bassin, Counter())[name] += 1
            regions.setdefault(bassin, Counter())[row["reg"]] += 1
    checker.done()

    def most_common(counter: Counter[str]) -> str:
        return min(counter, key=lambda value: (-counter[value], value))

    bassins = {code: (most_common(names[code]), most_common(regions[code])) for code in names}
    return bassin_of, bassins


def read_geography(files: dict[str, Path], progress: Any = None) -> Geography:
    """Read and check every file; raise ``InvalidSource`` on the first file that is refused."""
    order = [kind for kind in FILE_PATTERNS if kind in files]
    sources: dict[str, SourceFile] = {}
    geography = Geography()

    def load(kind: str) -> SourceFile:
        if progress is not None:
            progress(len(sources), len(order), f"Reading {files[kind].name}")
        source = read_text(files[kind])
        sources[kind] = source
        geography.digests[source.name.removesuffix(".gz")] = source.sha256
        return source

    geography.regions = parse_regions(load("regions"))
    geography.departements = parse_departements(load("departements"), geography.regions)
    geography.communes = parse_communes(load("communes"), geography.departements)
    if "epci" in files:
        geography.epcis = parse_epcis(load("epci"), geography.communes)
    if "centres" in files:
        geography.centres = parse_centres(load("centres"))
    if "zones_emploi_communes" in files:
        geography.zone_of, names = parse_zone_communes(load("zones_emploi_communes"))
        geography.zones = names
    if "zones_emploi" in files:
        geography.zones = {**(geography.zones or {}), **parse_zones(load("zones_emploi"))}
    if "bassins_communes" in files:
        geography.bassin_of, geography.bassins = parse_bassin_communes(load("bassins_communes"))
    if progress is not None:
        progress(len(order), len(order), "Files read")
    return geography

"""NAF rév. 2 (INSEE): sections, divisions, groupes, classes and sous-classes with their
parents, from the CSV files shipped in ``fabrique/data/naf/``:

- ``naf_rev2_libelles.csv`` (``code,libelle,niveau``): the labels of divisions to sous-classes;
- ``naf2008_5_niveaux.csv`` (``NIV5,NIV4,NIV3,NIV2,NIV1``): INSEE's five-level table, which
  gives each division its section;
- or ``naf_rev2_sous_classes_hierarchie.csv``, which has both.

Neither file has the labels of the 21 sections: they are INSEE's (NAF rév. 2, niveau 1),
written below. NAF 2025 (``naf2025_divisions.csv``) is another nomenclature: not imported.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from fabrique.core.importing import Checker, InvalidSource, Problem
from fabrique.core.progress import ProgressCallback
from fabrique.referentials.models import NafActivity
from fabrique.referentials.sources.files import InputFile, Reader, csv_records
from fabrique.referentials.sources.sync import SELF, Plan, Table

NAME = "naf"
VERSION = "rev2"
FILES = {
    "labels": re.compile(r"naf_rev2_libelles\.csv", re.IGNORECASE),
    "levels": re.compile(r"naf2008_5_niveaux\.csv", re.IGNORECASE),
    "hierarchy": re.compile(r"naf_rev2_sous_classes_hierarchie\.csv", re.IGNORECASE),
}
LEVELS = ("section", "division", "groupe", "classe", "sous-classe")
# code pattern -> level, and how to find the parent of a code of this level.
SHAPES = {
    "section": re.compile(r"[A-U]"),
    "division": re.compile(r"[0-9]{2}"),
    "groupe": re.compile(r"[0-9]{2}\.[0-9]"),
    "classe": re.compile(r"[0-9]{2}\.[0-9]{2}"),
    "sous-classe": re.compile(r"[0-9]{2}\.[0-9]{2}[A-Z]"),
}
PARENT_LENGTH = {"groupe": 2, "classe": 4, "sous-classe": 5}
# INSEE, Nomenclature d'activités française (NAF rév. 2), niveau 1: the sections.
SECTIONS = {
    "A": "Agriculture, sylviculture et pêche",
    "B": "Industries extractives",
    "C": "Industrie manufacturière",
    "D": "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné",
    "E": "Production et distribution d'eau ; assainissement, gestion des déchets et dépollution",
    "F": "Construction",
    "G": "Commerce ; réparation d'automobiles et de motocycles",
    "H": "Transports et entreposage",
    "I": "Hébergement et restauration",
    "J": "Information et communication",
    "K": "Activités financières et d'assurance",
    "L": "Activités immobilières",
    "M": "Activités spécialisées, scientifiques et techniques",
    "N": "Activités de services administratifs et de soutien",
    "O": "Administration publique",
    "P": "Enseignement",
    "Q": "Santé humaine et action sociale",
    "R": "Arts, spectacles et activités récréatives",
    "S": "Autres activités de services",
    "T": (
        "Activités des ménages en tant qu'employeurs ; activités indifférenciées des ménages en "
        "tant que producteurs de biens et services pour usage propre"
    ),
    "U": "Activités extra-territoriales",
}
HIERARCHY_COLUMNS = (
    "section", "division", "libelle_division", "groupe", "libelle_groupe", "classe",
    "libelle_classe", "sous_classe", "libelle_sous_classe",
)  # fmt: skip


def shipped_dir() -> Path:
    return Path(settings.DATA_DIR) / "naf"


def level_of(code: str) -> str | None:
    return next((level for level, shape in SHAPES.items() if shape.fullmatch(code)), None)


def read(files: list[InputFile], *, progress: ProgressCallback, version: str | None = None) -> Plan:
    found: dict[str, InputFile] = {}
    for file in files:
        for kind, pattern in FILES.items():
            if pattern.fullmatch(file.name):
                if kind in found:
                    raise InvalidSource(
                        Problem(file.where, "", f"two files of the same kind ({found[kind].where})")
                    )
                found[kind] = file
    if "hierarchy" not in found and not {"labels", "levels"} <= set(found):
        given = ", ".join(sorted({f.where for f in files})[:3]) or "(no file)"
        raise InvalidSource(
            Problem(
                given,
                "",
                "missing naf_rev2_libelles.csv and naf2008_5_niveaux.csv, or "
                "naf_rev2_sous_classes_hierarchie.csv (plain or .gz)",
            )
        )
    reader = Reader("NAF", len(found), progress)
    labels: dict[str, str] = dict(SECTIONS)
    section_of: dict[str, str] = {}  # division -> section
    codes: set[str] = set()

    def check(checker: Checker, where: str, code: str, level: str) -> bool:
        if level_of(code) != level:
            checker.add(where, f"not a NAF {level} code: {code!r}")
            return False
        return True

    if "labels" in found:
        file = found["labels"]
        checker = Checker(file.where)
        for line, row in csv_records(reader(file), ("code", "libelle", "niveau"), checker=checker):
            level = row["niveau"]
            if level not in LEVELS:
                checker.add(f"line {line}, column niveau", f"unknown level {level!r}")
            elif check(checker, f"line {line}, column code", row["code"], level):
                labels[row["code"]] = row["libelle"]
                codes.add(row["code"])
        checker.done()
    if "levels" in found:
        file = found["levels"]
        checker = Checker(file.where)
        columns = ("NIV5", "NIV4", "NIV3", "NIV2", "NIV1")
        for line, row in csv_records(reader(file), columns, checker=checker):
            path = [row[column] for column in columns]
            if all(
                check(checker, f"line {line}, column {column}", code, level)
                for column, code, level in zip(columns, path, reversed(LEVELS), strict=True)
            ):
                codes.update(path[:4])
                section_of[row["NIV2"]] = row["NIV1"]
        checker.done()
    if "hierarchy" in found:
        file = found["hierarchy"]
        checker = Checker(file.where)
        for line, row in csv_records(reader(file), HIERARCHY_COLUMNS, checker=checker):
            path = [row[level.replace("-", "_")] for level in LEVELS]
            if all(
                check(checker, f"line {line}, column {level}", code, level)
                for code, level in zip(path, LEVELS, strict=True)
            ):
                codes.update(path[1:])
                section_of[row["division"]] = row["section"]
                for level, code in zip(LEVELS[1:], path[1:], strict=True):
                    labels.setdefault(code, row[f"libelle_{level.replace('-', '_')}"])
        checker.done()
    reader.done()

    problems = []
    table = Table("NAF activities", NafActivity, ("label", "level", "parent"),
                  foreign={"parent": SELF})  # fmt: skip
    for code in sorted(codes):
        level = level_of(code)
        assert level is not None
        parent = section_of.get(code) if level == "division" else code[: PARENT_LENGTH[level]]
        if parent is None:
            problems.append(f"NAF division {code} has no section in the files given.")
        table.wanted[code] = (labels.get(code, code)[:300], level, parent)
    for section in sorted(set(section_of.values())):
        table.wanted[section] = (labels.get(section, section), "section", None)
    without = sorted(code for code in codes if code not in labels)
    if without:
        problems.append(f"{len(without)} NAF codes have no label (e.g. {', '.join(without[:5])}).")
    return Plan(NAME, version or VERSION, [table], problems=problems, files=reader.digests)

"""ESCO (European Commission): the CSV files of the classification, from folders, the
official zips ("ESCO dataset - v1.1.1 - classification - en - csv.zip", one per language,
and the relations), or the copy shipped in ``fabrique/data/esco/``.

What is imported: ISCO groups (``OccupationGroup`` of scheme ``isco``), occupations (their ISCO
group, their broader occupation as parent, descriptions, regulated and research tags),
skills and skill groups (``Skill``: skill type, reuse level, collections, descriptions; the
skill hierarchy as ``broader``), preferred, alternative and hidden labels in every language
given, and essential and optional occupation → skill relations. French labels come first;
English is required. Attribution: "This service uses the ESCO classification of the European
Commission."
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import Q

from fabrique.core.importing import Checker, InvalidSource, Problem
from fabrique.core.progress import ProgressCallback
from fabrique.referentials.models import (
    LabelKind,
    Occupation,
    OccupationGroup,
    OccupationLabel,
    OccupationSkill,
    Scheme,
    Skill,
    SkillLabel,
)
from fabrique.referentials.sources.files import (
    InputFile,
    Reader,
    Unknown,
    csv_records,
    folder,
    split_lines,
    version_key,
)
from fabrique.referentials.sources.sync import SELF, LinkSet, Plan, Table

NAME = "esco"
ISCO = "isco"
MAIN_LANGUAGE, BASE_LANGUAGE = "fr", "en"
LANG = r"_(?P<lang>[a-z]{2})"
PATTERNS = {
    "occupations": re.compile(rf"occupations{LANG}\.csv", re.IGNORECASE),
    "skills": re.compile(rf"skills{LANG}\.csv", re.IGNORECASE),
    "isco_groups": re.compile(rf"iscogroups{LANG}\.csv", re.IGNORECASE),
    "skill_groups": re.compile(rf"skillgroups{LANG}\.csv", re.IGNORECASE),
    "collection": re.compile(
        rf"(?P<collection>[a-z]+?)(skills|occupations)collection{LANG}\.csv", re.IGNORECASE
    ),
    "occupation_broader": re.compile(rf"broaderrelationsoccpillar({LANG})?\.csv", re.IGNORECASE),
    "skill_broader": re.compile(rf"broaderrelationsskillpillar({LANG})?\.csv", re.IGNORECASE),
    "relations": re.compile(rf"occupationskillrelations({LANG})?\.csv", re.IGNORECASE),
}
REQUIRED = {
    ("occupations", BASE_LANGUAGE): "occupations_en.csv",
    ("skills", BASE_LANGUAGE): "skills_en.csv",
    ("isco_groups", BASE_LANGUAGE): "ISCOGroups_en.csv",
    ("skill_groups", BASE_LANGUAGE): "skillGroups_en.csv",
    ("occupation_broader", ""): "broaderRelationsOccPillar.csv",
    ("skill_broader", ""): "broaderRelationsSkillPillar.csv",
    ("relations", ""): "occupationSkillRelations.csv",
}
CONCEPT = ("conceptUri", "preferredLabel", "altLabels", "description")
COLUMNS = {
    "occupations": (*CONCEPT, "iscoGroup", "code"),
    "skills": (*CONCEPT, "skillType", "reuseLevel"),
    "isco_groups": ("conceptUri", "code", "preferredLabel", "altLabels", "description"),
    "skill_groups": (*CONCEPT, "code"),
    "collection": ("conceptUri",),
    "occupation_broader": ("conceptType", "conceptUri", "broaderType", "broaderUri"),
    "skill_broader": ("conceptUri", "broaderUri"),
    "relations": ("occupationUri", "relationType", "skillUri"),
}
# Columns read only from English files, and columns read when a file has them.
BASE_ONLY = {"iscoGroup", "code", "skillType", "reuseLevel"}
OPTIONAL = ("hiddenLabels", "definition", "regulatedProfessionNote")
RELATION_TYPES = {"essential": True, "optional": False}
BROADER_TYPES = {"Occupation", "ISCOGroup"}
VERSION_HINT = re.compile(r"\bv(\d+(?:\.\d+)+)\b")
SKILL_GROUP_KIND = "skill group"
REGULATED = "/regulated"  # regulatedProfessionNote of a regulated profession


def shipped_dir() -> Path:
    folders = [p for p in (Path(settings.DATA_DIR) / "esco").glob("v*") if p.is_dir()]
    return max(folders, key=lambda p: version_key(p.name))


def find(files: list[InputFile]) -> dict[tuple[str, str], list[InputFile]]:
    found: dict[tuple[str, str], list[InputFile]] = defaultdict(list)
    for file in files:
        for kind, pattern in PATTERNS.items():
            match = pattern.fullmatch(file.name)
            if match:
                language = (match["lang"] or "").lower()
                if kind in {"occupation_broader", "skill_broader", "relations"}:
                    language = ""
                key = (kind, language)
                if kind != "collection" and found[key] and kind not in {
                    "occupation_broader", "skill_broader", "relations",
                }:  # fmt: skip
                    raise InvalidSource(
                        Problem(
                            file.where, "", f"two files of the same kind ({found[key][0].where})"
                        )
                    )
                found[key].append(file)
                break
    relations = {key: entries for key, entries in found.items() if not key[1]}
    for key, entries in relations.items():  # the same relations in several languages: one
        found[key] = entries[:1]
    missing = [shown for key, shown in REQUIRED.items() if key not in found]
    if missing:
        given = ", ".join(sorted({f.where for f in files})[:3]) or "(no file)"
        raise InvalidSource(Problem(given, "", f"missing {', '.join(missing)} (plain or .gz)"))
    return found


def version_of(found: dict[tuple[str, str], list[InputFile]], given: str | None) -> str:
    """The version given, else the one the folders or archives are named after (v1.1.1)."""
    if given:
        return given
    versions: dict[str, InputFile] = {}
    for entries in found.values():
        for file in entries:
            for hint in file.hints:
                for match in VERSION_HINT.finditer(hint):
                    versions.setdefault(f"v{match[1]}", file)
    if len(versions) > 1:
        (first, one), (second, other) = list(versions.items())[:2]
        raise InvalidSource(
            Problem(other.where, "", f"is of ESCO {second} while {one.where} is of {first}")
        )
    if not versions:
        where = found[("occupations", BASE_LANGUAGE)][0].where
        raise InvalidSource(
            Problem(where, "", "unknown ESCO version: give it with --source-version (e.g. v1.1.1)")
        )
    return next(iter(versions))


Concepts = dict[str, dict[str, dict[str, str]]]  # uri -> language -> row


@dataclass
class _Files:
    """The files of one ESCO version, read one by one, and the unknown codes they point at."""

    found: dict[tuple[str, str], list[InputFile]]
    reader: Reader
    languages: list[str]
    unknown: Unknown = field(default_factory=Unknown)
    folded: Callable[[str], str] = field(default_factory=folder)

    def relation_rows(
        self, kind: str, checker: Checker | None = None
    ) -> Iterator[tuple[int, dict[str, str]]]:
        file = self.found[(kind, "")][0]
        return csv_records(self.reader(file), COLUMNS[kind], checker=checker)

    def concepts(self, kind: str) -> Concepts:
        """The rows of a kind of concept in every language given."""
        result: Concepts = defaultdict(dict)
        for language in self.languages:
            base = language == BASE_LANGUAGE
            columns = tuple(c for c in COLUMNS[kind] if base or c not in BASE_ONLY)
            for file in self.found.get((kind, language), []):
                checker = Checker(file.where)
                source = self.reader(file)
                for line, row in csv_records(source, columns, optional=OPTIONAL, checker=checker):
                    if not row["conceptUri"]:
                        checker.add(f"line {line}, column conceptUri", "empty value")
                    elif base and not row["preferredLabel"]:
                        checker.add(f"line {line}, column preferredLabel", "empty value")
                    else:
                        result[row["conceptUri"]][language] = row
                checker.done()
        return result


def _names(rows: dict[str, dict[str, str]]) -> tuple[str, str]:
    """The main label (French, else English) and the English label of a concept."""
    english = rows[BASE_LANGUAGE]["preferredLabel"]
    main = rows.get(MAIN_LANGUAGE, {}).get("preferredLabel") or english
    return main[:300], english[:300]


def _text(rows: dict[str, dict[str, str]], language: str) -> str:
    row = rows.get(language, {})
    return row.get("description") or row.get("definition") or ""


def read(files: list[InputFile], *, progress: ProgressCallback, version: str | None = None) -> Plan:
    """Read and check every file, and say what the database should hold."""
    found = find(files)
    languages = sorted(
        {lang for _, lang in found if lang}, key=lambda l_: (l_ != BASE_LANGUAGE, l_)
    )
    reader = Reader("ESCO", sum(len(entries) for entries in found.values()), progress)
    esco = _Files(found, reader, languages)
    collections = read_collections(esco)
    groups, occupation_parent = read_isco_groups(esco)
    occupations, occupation_labels = read_occupations(esco, groups, occupation_parent, collections)
    skills, skill_labels, broader = read_skills(esco, collections)
    relations = read_relations(esco, occupations, skills)
    reader.done()
    plan = Plan(NAME, version_of(found, version), [
        groups, occupations, occupation_labels, skills, broader, skill_labels, relations,
    ])  # fmt: skip
    plan.problems += esco.unknown.messages()
    plan.files = reader.digests
    plan.notes = {"languages": languages}
    return plan


def read_collections(esco: _Files) -> dict[str, set[str]]:
    """uri -> the collections it belongs to (digital, green, language, transversal...)."""
    collections: dict[str, set[str]] = defaultdict(set)
    for (kind, _), entries in esco.found.items():
        if kind != "collection":
            continue
        for file in entries:
            name = PATTERNS["collection"].fullmatch(file.name)["collection"].lower()  # type: ignore[index]
            for _, row in csv_records(esco.reader(file), COLUMNS["collection"]):
                collections[row["conceptUri"]].add(name)
    return collections


def read_isco_groups(esco: _Files) -> tuple[Table, dict[str, str]]:
    """ISCO groups with their parents, and the broader occupation of each occupation."""
    isco_rows = esco.concepts("isco_groups")
    groups = Table("ISCO groups", OccupationGroup, ("label", "label_en", "parent"),
                   scope={"scheme": ISCO}, foreign={"parent": SELF})  # fmt: skip
    isco_code = {
        uri: rows[BASE_LANGUAGE]["code"] for uri, rows in isco_rows.items() if BASE_LANGUAGE in rows
    }
    isco_parent: dict[str, str] = {}
    occupation_parent: dict[str, str] = {}
    checker = Checker(esco.found[("occupation_broader", "")][0].where)
    rows = esco.relation_rows("occupation_broader", checker)
    for line, row in rows:
        for column in ("conceptType", "broaderType"):
            if row[column] not in BROADER_TYPES:
                checker.add(
                    f"line {line}, column {column}", f"unknown concept type {row[column]!r}"
                )
        if row["conceptType"] == row["broaderType"] == "ISCOGroup":
            isco_parent.setdefault(row["conceptUri"], row["broaderUri"])
        elif row["conceptType"] == row["broaderType"] == "Occupation":
            occupation_parent.setdefault(row["conceptUri"], row["broaderUri"])
    checker.done()
    for uri, code in isco_code.items():
        groups.wanted[code] = (*_names(isco_rows[uri]), isco_code.get(isco_parent.get(uri, "")))
    return groups, occupation_parent


def read_occupations(
    esco: _Files, groups: Table, parents: dict[str, str], collections: dict[str, set[str]]
) -> tuple[Table, LinkSet]:
    occupation_rows = esco.concepts("occupations")
    occupations = Table(
        "occupations", Occupation,
        ("label", "label_en", "parent", "group", "definition", "definition_en", "source_code",
         "tags"),
        scope={"scheme": Scheme.ESCO}, foreign={"parent": SELF, "group": groups},
    )  # fmt: skip
    labels = LinkSet(
        "occupation labels", OccupationLabel, ("occupation", "language", "kind", "text"),
        {"occupation": occupations}, ("folded",), Q(occupation__scheme=Scheme.ESCO, code=""),
    )  # fmt: skip
    for uri, rows in occupation_rows.items():
        if BASE_LANGUAGE not in rows:
            esco.unknown.add("occupations: concepts without English labels", uri)
            continue
        base = rows[BASE_LANGUAGE]
        group = base["iscoGroup"] if base["iscoGroup"] in groups.wanted else None
        if base["iscoGroup"] and group is None:
            esco.unknown.add("occupations_en: ISCO groups", base["iscoGroup"])
        parent = parents.get(uri)
        tags = ["regulated"] if base.get("regulatedProfessionNote", "").endswith(REGULATED) else []
        tags += sorted(collections.get(uri, ()))
        occupations.wanted[uri] = (
            *_names(rows), parent if parent in occupation_rows else None, group,
            _text(rows, MAIN_LANGUAGE), _text(rows, BASE_LANGUAGE), base["code"][:40], tags,
        )  # fmt: skip
        add_labels(labels, uri, rows, esco.folded)
    return occupations, labels


def read_skills(esco: _Files, collections: dict[str, set[str]]) -> tuple[Table, LinkSet, LinkSet]:
    """Skills and skill groups, their labels, and the skill hierarchy."""
    skills = Table(
        "skills", Skill,
        ("label", "label_en", "kind", "category", "description", "description_en", "collections",
         "source_code"),
        scope={"scheme": Scheme.ESCO},
    )  # fmt: skip
    labels = LinkSet(
        "skill labels", SkillLabel, ("skill", "language", "kind", "text"), {"skill": skills},
        ("folded",), Q(skill__scheme=Scheme.ESCO),
    )  # fmt: skip
    for kind in ("skills", "skill_groups"):
        for uri, rows in esco.concepts(kind).items():
            if BASE_LANGUAGE not in rows:
                esco.unknown.add(f"{kind}: concepts without English labels", uri)
                continue
            base, is_skill = rows[BASE_LANGUAGE], kind == "skills"
            skills.wanted[uri] = (
                *_names(rows),
                base["skillType"] if is_skill else SKILL_GROUP_KIND,
                base["reuseLevel"] if is_skill else "",
                _text(rows, MAIN_LANGUAGE), _text(rows, BASE_LANGUAGE),
                sorted(collections.get(uri, ())),
                "" if is_skill else base["code"][:40],
            )  # fmt: skip
            add_labels(labels, uri, rows, esco.folded)
    broader = LinkSet(
        "skill hierarchy", Skill.broader.through, ("from_skill", "to_skill"),
        {"from_skill": skills, "to_skill": skills}, scope=Q(from_skill__scheme=Scheme.ESCO),
    )  # fmt: skip
    rows = esco.relation_rows("skill_broader")
    for _, row in rows:
        concept, parent = row["conceptUri"], row["broaderUri"]
        if concept in skills.wanted and parent in skills.wanted:
            broader.wanted[concept, parent] = ()
        else:
            missing = concept if parent in skills.wanted else parent
            esco.unknown.add("broaderRelationsSkillPillar: skills", missing)
    return skills, labels, broader


def read_relations(esco: _Files, occupations: Table, skills: Table) -> LinkSet:
    """Essential and optional occupation → skill relations."""
    relations = LinkSet(
        "occupation skills", OccupationSkill, ("occupation", "skill"),
        {"occupation": occupations, "skill": skills}, ("essential",),
        Q(occupation__scheme=Scheme.ESCO, skill__scheme=Scheme.ESCO),
    )  # fmt: skip
    checker = Checker(esco.found[("relations", "")][0].where)
    rows = esco.relation_rows("relations", checker)
    for line, row in rows:
        essential = RELATION_TYPES.get(row["relationType"])
        if essential is None:
            checker.add(
                f"line {line}, column relationType",
                f"unknown relation type {row['relationType']!r} (expected essential or optional)",
            )
        elif row["occupationUri"] not in occupations.wanted:
            esco.unknown.add("occupationSkillRelations: occupations", row["occupationUri"])
        elif row["skillUri"] not in skills.wanted:
            esco.unknown.add("occupationSkillRelations: skills", row["skillUri"])
        else:
            key = (row["occupationUri"], row["skillUri"])
            relations.wanted[key] = (relations.wanted.get(key, (False,))[0] or essential,)
    checker.done()
    return relations


def add_labels(
    links: LinkSet, uri: str, rows: dict[str, dict[str, str]], folded: Callable[[str], str]
) -> None:
    """The preferred, alternative and hidden labels of a concept in every language."""
    for language, row in rows.items():
        for kind, texts in (
            (LabelKind.PREFERRED, [row["preferredLabel"]]),
            (LabelKind.ALTERNATIVE, split_lines(row["altLabels"])),
            (LabelKind.HIDDEN, split_lines(row.get("hiddenLabels", ""))),
        ):
            for text in texts:
                if text:
                    text = text[:400]
                    links.wanted[uri, language, kind, text] = (folded(text),)

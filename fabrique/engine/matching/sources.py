"""Readers of the shipped référentiel files (official files, gzipped and unchanged).

Attribution: "France Travail – ROME" and the RNCP export of France compétences (Licence
Ouverte 2.0); ESCO © European Union ("This service uses the ESCO classification of the
European Commission"). See ``SOURCE.md`` next to each file.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

ROME_VERSION = "v460"
ESCO_VERSION = "v1.1.1"
RNCP_ROME_FILE = "rncp/export-2026-02-01/export_fiches_CSV_Rome_2026_02_01.csv.gz"
RNCP_BLOCS_FILE = "rncp/export-2024-01-17/export_fiches_CSV_Blocs_De_Competences_2024_01_17.csv.gz"
ROME_FILES = (
    "referentiel_code_rome",
    "referentiel_appellation",
    "referentiel_competence",
    "referentiel_savoir",
    "liens_rome_referentiels",
    "texte",
)
ESCO_FILES = (
    "en/occupations_en",
    "fr/occupations_fr",
    "en/skills_en",
    "fr/skills_fr",
    "relations/occupationSkillRelations",
)
# unix_liens_rome_referentiels: block 5 of a fiche holds its compétences and savoirs.
SKILLS_BLOCK = "5"


def read_csv(path: Path, *, delimiter: str = ",") -> Iterator[dict[str, str]]:
    csv.field_size_limit(1 << 24)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter=delimiter)


def rome_file(data_dir: Path, name: str) -> Path:
    return data_dir / "rome" / ROME_VERSION / f"unix_{name}_{ROME_VERSION}_utf8.csv.gz"


def esco_file(data_dir: Path, name: str) -> Path:
    return data_dir / "esco" / ESCO_VERSION / f"{name}.csv.gz"


def source_files(data_dir: Path) -> list[Path]:
    """Every file the matcher reads, for cache keys."""
    return [
        *(rome_file(data_dir, name) for name in ROME_FILES),
        *(esco_file(data_dir, name) for name in ESCO_FILES),
        data_dir / RNCP_ROME_FILE,
        data_dir / RNCP_BLOCS_FILE,
    ]


def content_hash(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Fiche:
    code: str
    label: str
    parent: str


@dataclass(frozen=True, slots=True)
class Skill:
    code: str
    label: str
    kind: str  # "savoir-faire", "savoir-être", "savoir" (ROME) or the ESCO skill type
    other_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rome:
    fiches: tuple[Fiche, ...]
    appellations: tuple[tuple[str, str], ...]  # (code_rome, label)
    skills: tuple[Skill, ...]
    fiche_skills: tuple[tuple[str, str], ...]  # (code_rome, code_ogr)
    texts: tuple[tuple[str, str], ...]  # (code_rome, sentence of definition or access)

    def without_appellations(self, labels: Iterable[tuple[str, str]]) -> Rome:
        left_out = set(labels)
        kept = tuple(item for item in self.appellations if item not in left_out)
        return replace(self, appellations=kept)


@dataclass(frozen=True, slots=True)
class Certification:
    number: str
    blocs: tuple[str, ...]
    rome_codes: tuple[str, ...]


@dataclass(frozen=True)
class EscoConcept:
    uri: str
    label: str  # French preferred label where there is one, else English
    labels: tuple[str, ...]  # preferred, alternative and hidden labels in French and English
    kind: str = ""


@dataclass(frozen=True)
class Esco:
    occupations: tuple[EscoConcept, ...]
    skills: tuple[EscoConcept, ...]
    occupation_skills: tuple[tuple[str, str, str], ...] = field(default=())  # (occ, kind, skill)


def read_rome(data_dir: Path) -> Rome:
    fiches = tuple(
        Fiche(row["code_rome"], row["libelle_rome"], row["code_rome_parent"] or row["code_rome"])
        for row in read_csv(rome_file(data_dir, "referentiel_code_rome"))
    )
    known = {fiche.code for fiche in fiches}
    appellations: list[tuple[str, str]] = []
    for row in read_csv(rome_file(data_dir, "referentiel_appellation")):
        if row["code_rome"] in known:
            for key in ("libelle_appellation_long", "libelle_appellation_court"):
                item = (row["code_rome"], row[key].strip())
                if item[1] and item not in appellations[-2:]:
                    appellations.append(item)
    skills = [
        Skill(row["code_ogr"], row["libelle_competence"].strip(), row["cat_comp"])
        for row in read_csv(rome_file(data_dir, "referentiel_competence"))
    ]
    skills += [
        Skill(row["code_ogr_savoir"], row["libelle_savoir"].strip(), "Savoir")
        for row in read_csv(rome_file(data_dir, "referentiel_savoir"))
    ]
    skill_codes = {skill.code for skill in skills}
    links = tuple(
        (row["code_rome"], row["code_ogr"])
        for row in read_csv(rome_file(data_dir, "liens_rome_referentiels"))
        if row["code_compo_bloc"] == SKILLS_BLOCK
        and row["code_ogr"] in skill_codes
        and row["code_rome"] in known
    )
    texts = tuple(
        (row["code_rome"], row["libelle_texte"].strip())
        for row in read_csv(rome_file(data_dir, "texte"))
        if row["code_rome"] in known and row["libelle_texte"].strip()
    )
    return Rome(fiches, tuple(appellations), tuple(skills), links, texts)


def read_certifications(data_dir: Path) -> list[Certification]:
    """RNCP certifications that have both blocs de compétences and ROME codes."""
    codes: dict[str, list[str]] = defaultdict(list)
    for row in read_csv(data_dir / RNCP_ROME_FILE, delimiter=";"):
        code = row["Codes_Rome_Code"].strip()
        if code and code not in codes[row["Numero_Fiche"]]:
            codes[row["Numero_Fiche"]].append(code)
    blocs: dict[str, list[str]] = defaultdict(list)
    for row in read_csv(data_dir / RNCP_BLOCS_FILE, delimiter=";"):
        label = row["Bloc_Competences_Libelle"].replace("''", "'").strip().rstrip(":").strip()
        if label:
            blocs[row["Numero_Fiche"]].append(label)
    return [
        Certification(number, tuple(blocs[number]), tuple(codes[number]))
        for number in sorted(blocs)
        if codes.get(number)
    ]


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").replace("|", "\n").split("\n") if part.strip()]


def _concepts(data_dir: Path, english: str, french: str) -> list[EscoConcept]:
    french_rows = {row["conceptUri"]: row for row in read_csv(esco_file(data_dir, french))}
    concepts: list[EscoConcept] = []
    for row in read_csv(esco_file(data_dir, english)):
        uri = row["conceptUri"]
        fr = french_rows.get(uri, {})
        labels: list[str] = []
        for source in (fr, row):
            for key in ("preferredLabel", "altLabels", "hiddenLabels"):
                for label in _split(source.get(key)):
                    if label not in labels:
                        labels.append(label)
        kind = row.get("skillType") or row.get("iscoGroup") or ""
        concepts.append(
            EscoConcept(uri, fr.get("preferredLabel") or row["preferredLabel"], tuple(labels), kind)
        )
    return concepts


def read_esco_titles(data_dir: Path) -> list[tuple[str, ...]]:
    """The French preferred and alternative labels of each ESCO occupation (job titles)."""
    titles: list[tuple[str, ...]] = []
    for row in read_csv(esco_file(data_dir, "fr/occupations_fr")):
        labels: list[str] = []
        for label in _split(row.get("preferredLabel")) + _split(row.get("altLabels")):
            if label not in labels:
                labels.append(label)
        if labels:
            titles.append(tuple(labels))
    return titles


def read_esco(data_dir: Path) -> Esco:
    occupations = _concepts(data_dir, "en/occupations_en", "fr/occupations_fr")
    skills = _concepts(data_dir, "en/skills_en", "fr/skills_fr")
    relations = tuple(
        (row["occupationUri"], row["relationType"], row["skillUri"])
        for row in read_csv(esco_file(data_dir, "relations/occupationSkillRelations"))
    )
    return Esco(tuple(occupations), tuple(skills), relations)

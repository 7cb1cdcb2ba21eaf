"""ROME 4.0 (France Travail): the ``unix_*_vNNN_utf8.csv`` files of "Toutes les données du
ROME", from a folder, the official zip, or the copy shipped in ``fabrique/data/rome/``.

What is imported: grands domaines and domaines professionnels (``OccupationGroup``), fiches
and their déclinaisons (``Occupation``, parent from ``code_rome_parent``) with their
definition, access texts and tags, appellations (``OccupationLabel`` with their
``code_ogr``), compétences, macro-compétences and savoirs (``Skill``, a compétence's
macro-compétence as its broader skill), fiche → item links (essential when the item is
"Principale" in ``unix_coherence_item``), contextes de travail, mobilities, and the fiches of
each NAF division when NAF is loaded. Attribution: "France Travail – ROME" (Licence Ouverte).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Q

from fabrique.core.importing import Checker, InvalidSource, Problem, SourceFile
from fabrique.core.progress import ProgressCallback
from fabrique.engine.text import fold
from fabrique.referentials.models import (
    LabelKind,
    Mobility,
    NafActivity,
    Occupation,
    OccupationGroup,
    OccupationLabel,
    OccupationSkill,
    Scheme,
    Skill,
    SkillLabel,
    WorkContext,
)
from fabrique.referentials.sources.files import (
    InputFile,
    Reader,
    Unknown,
    csv_records,
    folder,
    undouble,
    version_key,
)
from fabrique.referentials.sources.sync import SELF, LinkSet, Plan, Table

NAME = "rome"
FILE = re.compile(r"unix_(?P<kind>[a-z_]+?)_(?P<version>v\d+)_utf8\.csv", re.IGNORECASE)
VERSION_FILE = "version.txt"
# Kind of file -> the columns the import reads.
COLUMNS: dict[str, tuple[str, ...]] = {
    "referentiel_code_rome": (
        "code_rome", "code_ogr", "libelle_rome", "transition_eco", "transition_num",
        "transition_demo", "emploi_reglemente", "emploi_cadre", "code_rome_parent",
    ),
    "grand_domaine": ("code_grand_domaine", "libelle_grand_domaine"),
    "domaine_professionnel": ("code_domaine_professionnel", "libelle_domaine_professionnel"),
    "referentiel_appellation": ("code_ogr", "libelle_appellation_long", "code_rome"),
    "referentiel_competence": (
        "code_ogr", "nature", "libelle_competence", "code_ogr_macro_comp", "code_macro_comp",
        "cat_comp", "sous_cat_comp",
    ),
    "referentiel_savoir": (
        "code_ogr_savoir", "libelle_savoir", "categorie_savoir", "sous_categorie_savoir",
    ),
    "referentiel_contexte_travail": ("code_ogr", "libelle_cont_travail", "libelle_type_cont_trav"),
    "liens_rome_referentiels": ("code_rome", "code_compo_bloc", "code_rubrique", "code_ogr"),
    "coherence_item": ("code_rome", "code_ogr", "coeur_metier"),
    "texte": ("code_rome", "libelle_type_texte", "position_phrase", "libelle_texte"),
    "rubrique_mobilite": ("code_rome", "code_rome_cible", "numero_ordre"),
    "arborescence_secteur_naf": ("code_secteur_naf", "libelle_secteur_naf", "code_rome"),
}  # fmt: skip
OPTIONAL = {"referentiel_competence": ("definition",)}
OPTIONAL_KINDS = {"arborescence_secteur_naf"}
FICHE_CODE = re.compile(r"[A-Z][0-9]{4}")

# Skill.kind of ROME items.
KIND_SAVOIR_FAIRE = "savoir-faire"
KIND_SAVOIR_ETRE = "savoir-être"
KIND_SAVOIR = "savoir"
COMPETENCE_KINDS = {
    "Savoir-faire": KIND_SAVOIR_FAIRE,
    "Savoir-être professionnel": KIND_SAVOIR_ETRE,
}
# Block 5 of a fiche ("Compétences") and its rubriques: savoir-faire, savoir-être, savoirs;
# block 6: contextes de travail.
SKILLS_BLOCK, SKILL_RUBRIQUES, CONTEXTS_BLOCK = "5", {"1", "2", "3"}, "6"
CORE_ITEM = "Principale"  # unix_coherence_item.coeur_metier of an item at the core of a fiche
TEXTS = {"definition": "definition", "acces_metier": "access"}
# Occupation.tags from the columns of unix_referentiel_code_rome ("O" = yes).
ECOLOGICAL_TAGS = {
    "Emploi Vert": "green",
    "Emploi Brun": "brown",
    "Emploi stratégique pour la Transition écologique": "ecological-transition",
}
YES_TAGS = {
    "transition_num": "digital-transition",
    "transition_demo": "demographic-transition",
    "emploi_reglemente": "regulated",
    "emploi_cadre": "executive",
}


def shipped_dir() -> Path:
    """The newest ROME version shipped with Fabrique (``fabrique/data/rome/vNNN``)."""
    folders = [p for p in (Path(settings.DATA_DIR) / "rome").glob("v*") if p.is_dir()]
    return max(folders, key=lambda p: version_key(p.name))


def find(files: list[InputFile]) -> tuple[str, dict[str, InputFile], InputFile | None]:
    """The version and the files by kind; refuses a mix of versions and duplicates."""
    found: dict[str, InputFile] = {}
    versions: dict[str, InputFile] = {}
    version_file = None
    for file in files:
        if file.name.lower() == VERSION_FILE:
            version_file = file
            continue
        match = FILE.fullmatch(file.name)
        if not match:
            continue
        version = match["version"].lower()
        if versions and version not in versions:
            other = next(iter(versions))
            raise InvalidSource(
                Problem(
                    file.where,
                    "",
                    f"is of ROME version {version} while {versions[other].where} is of "
                    f"version {other}: give the files of one version",
                )
            )
        versions.setdefault(version, file)
        kind = match["kind"].lower()
        if kind in found:
            raise InvalidSource(
                Problem(file.where, "", f"two files of the same kind ({found[kind].where})")
            )
        found[kind] = file
    if not versions:
        given = ", ".join(sorted({f.where for f in files})[:5]) or "(no file)"
        raise InvalidSource(
            Problem(given, "", "no ROME file found; expected unix_*_vNNN_utf8.csv (or .gz)")
        )
    missing = [
        f"unix_{kind}_{next(iter(versions))}_utf8.csv"
        for kind in COLUMNS
        if kind not in found and kind not in OPTIONAL_KINDS
    ]
    if missing:
        where = next(iter(versions.values())).where
        raise InvalidSource(Problem(where, "", f"missing {', '.join(missing)} (plain or .gz)"))
    return next(iter(versions)), found, version_file


def check_version_file(source: SourceFile, version: str) -> None:
    match = re.search(r"num[ée]ro de version\s*:\s*(\d+)", source.text, re.IGNORECASE)
    if match and not version.endswith(match[1]):
        raise InvalidSource(
            Problem(
                source.name,
                "line 1",
                f"says version {match[1]} while the files are of version {version}",
            )
        )


@dataclass
class _Files:
    """The files of one ROME version, read one by one, and the unknown codes they point at."""

    found: dict[str, InputFile]
    reader: Reader
    unknown: Unknown = field(default_factory=Unknown)
    folded: Callable[[str], str] = field(default_factory=folder)

    def rows(
        self, kind: str, checker: Checker | None = None
    ) -> Iterator[tuple[int, dict[str, str]]]:
        source = self.reader(self.found[kind])
        columns, optional = COLUMNS[kind], OPTIONAL.get(kind, ())
        return csv_records(source, columns, optional=optional, checker=checker)

    @contextmanager
    def checked(self, kind: str) -> Iterator[tuple[Checker, Iterator[tuple[int, dict[str, str]]]]]:
        """The rows of a file and a checker that raises its problems at the end."""
        checker = Checker(self.found[kind].where)
        yield checker, self.rows(kind, checker)
        checker.done()


def _required(checker: Checker, line: int, row: dict[str, str], *names: str) -> bool:
    empty = [name for name in names if not row[name]]
    for name in empty:
        checker.add(f"line {line}, column {name}", "empty value")
    return not empty


def _number(checker: Checker, line: int, row: dict[str, str], name: str) -> int | None:
    try:
        return int(row[name] or 0)
    except ValueError:
        checker.add(f"line {line}, column {name}", "not a whole number")
        return None


def read(files: list[InputFile], *, progress: ProgressCallback, version: str | None = None) -> Plan:
    """Read and check every file, and say what the database should hold."""
    file_version, found, version_file = find(files)
    reader = Reader("ROME", len(found) + (version_file is not None), progress)
    if version_file is not None:
        check_version_file(reader(version_file), file_version)
    rome = _Files(found, reader)
    groups = read_groups(rome)
    occupations, fiches = read_fiches(rome, groups)
    appellations, occupation_labels = read_labels(rome, occupations, fiches)
    skills, broader, skill_labels = read_skills(rome)
    contexts = read_contexts(rome)
    fiche_skills, fiche_contexts = read_links(rome, occupations, fiches, skills, contexts)
    mobilities = read_mobilities(rome, occupations, fiches)
    plan = Plan(NAME, version or file_version, [
        groups, occupations, appellations, occupation_labels, skills, broader, skill_labels,
        contexts, fiche_skills, fiche_contexts, mobilities,
    ])  # fmt: skip
    if "arborescence_secteur_naf" in found:
        plan.steps.append(
            naf_links(rome.rows("arborescence_secteur_naf"), occupations, fiches, plan)
        )
    reader.done()
    plan.problems += rome.unknown.messages()
    plan.files = reader.digests
    return plan


def read_groups(rome: _Files) -> Table:
    """Grands domaines (A) and domaines professionnels (A11)."""
    groups = Table("occupation groups", OccupationGroup, ("label", "parent"),
                   scope={"scheme": NAME}, foreign={"parent": SELF})  # fmt: skip
    with rome.checked("grand_domaine") as (checker, rows):
        for line, row in rows:
            if _required(checker, line, row, "code_grand_domaine", "libelle_grand_domaine"):
                groups.wanted[row["code_grand_domaine"]] = (row["libelle_grand_domaine"], None)
    with rome.checked("domaine_professionnel") as (checker, rows):
        for line, row in rows:
            code = row["code_domaine_professionnel"]
            if _required(checker, line, row, "code_domaine_professionnel"):
                parent = code[:1] if code[:1] in groups.wanted else None
                groups.wanted[code] = (row["libelle_domaine_professionnel"], parent)
    return groups


def read_fiches(rome: _Files, groups: Table) -> tuple[Table, dict[str, dict[str, str]]]:
    """Fiches, with their parent, domaine professionnel, texts and tags."""
    occupations = Table(
        "occupations", Occupation,
        ("label", "parent", "group", "definition", "access", "source_code", "tags"),
        scope={"scheme": Scheme.ROME}, foreign={"parent": SELF, "group": groups},
    )  # fmt: skip
    fiches: dict[str, dict[str, str]] = {}
    with rome.checked("referentiel_code_rome") as (checker, rows):
        for line, row in rows:
            code = row["code_rome"]
            if not FICHE_CODE.fullmatch(code):
                checker.add(f"line {line}, column code_rome", f"not a ROME code: {code!r}")
            elif _required(checker, line, row, "libelle_rome"):
                fiches[code] = row
    texts: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    with rome.checked("texte") as (checker, rows):
        for line, row in rows:
            field_name = TEXTS.get(row["libelle_type_texte"])
            position = _number(checker, line, row, "position_phrase")
            if field_name is not None and position is not None:
                texts[row["code_rome"], field_name].append(
                    (position, undouble(row["libelle_texte"]))
                )
    for code, row in sorted(fiches.items()):
        parent = row["code_rome_parent"] or code
        if parent not in fiches:
            rome.unknown.add("unix_referentiel_code_rome: parent fiches", parent)
        tags = (
            [ECOLOGICAL_TAGS[row["transition_eco"]]]
            if row["transition_eco"] in ECOLOGICAL_TAGS
            else []
        )
        tags += [tag for column, tag in YES_TAGS.items() if row[column] == "O"]
        definition, access = (
            "\n".join(text for _, text in sorted(texts.get((code, name), [])))
            for name in ("definition", "access")
        )
        occupations.wanted[code] = (
            row["libelle_rome"],
            parent if parent != code and parent in fiches else None,
            code[:3] if code[:3] in groups.wanted else None,
            definition,
            access,
            row["code_ogr"],
            tags,
        )
    return occupations, fiches


def read_labels(
    rome: _Files, occupations: Table, fiches: dict[str, dict[str, str]]
) -> tuple[Table, LinkSet]:
    """Appellations (keyed on their code_ogr) and the fiches' own labels."""
    appellations = Table(
        "appellations", OccupationLabel, ("occupation", "language", "text", "folded"),
        scope={"kind": LabelKind.APPELLATION}, foreign={"occupation": occupations},
    )  # fmt: skip
    with rome.checked("referentiel_appellation") as (checker, rows):
        for line, row in rows:
            if not _required(checker, line, row, "code_ogr", "libelle_appellation_long"):
                continue
            if row["code_rome"] not in fiches:
                rome.unknown.add("unix_referentiel_appellation: fiches", row["code_rome"])
                continue
            text = row["libelle_appellation_long"][:400]
            appellations.wanted[row["code_ogr"]] = (row["code_rome"], "fr", text, rome.folded(text))
    labels = LinkSet(
        "occupation labels", OccupationLabel, ("occupation", "language", "kind", "text"),
        {"occupation": occupations}, ("folded",), Q(occupation__scheme=Scheme.ROME, code=""),
    )  # fmt: skip
    for code, row in fiches.items():
        key = (code, "fr", LabelKind.PREFERRED, row["libelle_rome"])
        labels.wanted[key] = (rome.folded(row["libelle_rome"]),)
    return appellations, labels


def read_skills(rome: _Files) -> tuple[Table, LinkSet, LinkSet]:
    """Compétences, macro-compétences (their broader skills) and savoirs, with labels."""
    skills = Table(
        "skills", Skill, ("label", "kind", "category", "description", "source_code"),
        scope={"scheme": Scheme.ROME},
    )  # fmt: skip
    broader = LinkSet(
        "skill hierarchy", Skill.broader.through, ("from_skill", "to_skill"),
        {"from_skill": skills, "to_skill": skills}, scope=Q(from_skill__scheme=Scheme.ROME),
    )  # fmt: skip
    macro_of: dict[str, str] = {}
    with rome.checked("referentiel_competence") as (checker, rows):
        for line, row in rows:
            if not _required(checker, line, row, "code_ogr", "libelle_competence"):
                continue
            kind = COMPETENCE_KINDS.get(row["cat_comp"], row["cat_comp"].lower())
            category = " › ".join(part for part in (row["nature"], row["sous_cat_comp"]) if part)
            skills.wanted[row["code_ogr"]] = (
                row["libelle_competence"], kind, category, row.get("definition", ""),
                row["code_macro_comp"],
            )  # fmt: skip
            if row["code_ogr_macro_comp"]:
                macro_of[row["code_ogr"]] = row["code_ogr_macro_comp"]
    with rome.checked("referentiel_savoir") as (checker, rows):
        for line, row in rows:
            code = row["code_ogr_savoir"]
            if not _required(checker, line, row, "code_ogr_savoir", "libelle_savoir"):
                continue
            if code in skills.wanted:
                checker.add(f"line {line}, column code_ogr_savoir", "also the code of a compétence")
                continue
            parts = (row["categorie_savoir"], row["sous_categorie_savoir"])
            category = " › ".join(part for part in parts if part)
            skills.wanted[code] = (row["libelle_savoir"], KIND_SAVOIR, category, "", "")
    for code, macro in macro_of.items():
        if macro in skills.wanted:
            broader.wanted[code, macro] = ()
        else:
            rome.unknown.add("unix_referentiel_competence: macro-compétences", macro)
    labels = LinkSet(
        "skill labels", SkillLabel, ("skill", "language", "kind", "text"), {"skill": skills},
        ("folded",), Q(skill__scheme=Scheme.ROME),
    )  # fmt: skip
    for code, values in skills.wanted.items():
        labels.wanted[code, "fr", LabelKind.PREFERRED, values[0]] = (rome.folded(values[0]),)
    return skills, broader, labels


def read_contexts(rome: _Files) -> Table:
    contexts = Table("work contexts", WorkContext, ("label", "category"))
    with rome.checked("referentiel_contexte_travail") as (checker, rows):
        for line, row in rows:
            if _required(checker, line, row, "code_ogr", "libelle_cont_travail"):
                contexts.wanted[row["code_ogr"]] = (
                    row["libelle_cont_travail"], row["libelle_type_cont_trav"],
                )  # fmt: skip
    return contexts


def read_links(
    rome: _Files, occupations: Table, fiches: dict[str, Any], skills: Table, contexts: Table
) -> tuple[LinkSet, LinkSet]:
    """Fiche → compétence and savoir links (essential when "Principale"), fiche → context."""
    core = {
        (row["code_rome"], row["code_ogr"])
        for _, row in rome.rows("coherence_item")
        if row["coeur_metier"] == CORE_ITEM
    }
    fiche_skills = LinkSet(
        "fiche skills", OccupationSkill, ("occupation", "skill"),
        {"occupation": occupations, "skill": skills}, ("essential",),
        Q(occupation__scheme=Scheme.ROME, skill__scheme=Scheme.ROME),
    )  # fmt: skip
    fiche_contexts = LinkSet(
        "fiche work contexts", Occupation.work_contexts.through, ("occupation", "workcontext"),
        {"occupation": occupations, "workcontext": contexts},
        scope=Q(occupation__scheme=Scheme.ROME),
    )  # fmt: skip
    for _, row in rome.rows("liens_rome_referentiels"):
        fiche, item, block = row["code_rome"], row["code_ogr"], row["code_compo_bloc"]
        if block == SKILLS_BLOCK and row["code_rubrique"] in SKILL_RUBRIQUES:
            target, what = fiche_skills, "compétences and savoirs"
            known, value = item in skills.wanted, ((fiche, item) in core,)
        elif block == CONTEXTS_BLOCK:
            target, what, known, value = fiche_contexts, "contextes", item in contexts.wanted, ()
        else:
            continue
        if fiche not in fiches:
            rome.unknown.add("unix_liens_rome_referentiels: fiches", fiche)
        elif not known:
            rome.unknown.add(f"unix_liens_rome_referentiels: {what}", item)
        else:
            target.wanted[fiche, item] = value
    return fiche_skills, fiche_contexts


def read_mobilities(rome: _Files, occupations: Table, fiches: dict[str, Any]) -> LinkSet:
    mobilities = LinkSet(
        "mobilities", Mobility, ("source", "target"),
        {"source": occupations, "target": occupations}, ("rank",),
        Q(source__scheme=Scheme.ROME),
    )  # fmt: skip
    with rome.checked("rubrique_mobilite") as (checker, rows):
        for line, row in rows:
            source, target = row["code_rome"], row["code_rome_cible"]
            rank = _number(checker, line, row, "numero_ordre")
            if source not in fiches or target not in fiches:
                missing = target if source in fiches else source
                rome.unknown.add("unix_rubrique_mobilite: fiches", missing)
            elif rank is not None:
                mobilities.wanted[source, target] = (rank,)
    return mobilities


def naf_links(rows, occupations: Table, fiches: dict[str, Any], plan: Plan) -> LinkSet:
    """The fiches of each NAF division, where the ROME sector is a NAF division by code and
    by label (accents and punctuation aside); "0" (transverse) and the rest are left out."""
    divisions = Table("NAF divisions", NafActivity, external=True, scope={"level": "division"})
    divisions.load()
    labels = dict(NafActivity.objects.filter(level="division").values_list("code", "label"))
    links = LinkSet(
        "NAF division fiches", NafActivity.occupations.through, ("nafactivity", "occupation"),
        {"nafactivity": divisions, "occupation": occupations},
        scope=Q(occupation__scheme=Scheme.ROME),
    )  # fmt: skip
    if not labels:
        plan.problems.append(
            "NAF is not loaded: the fiches of NAF divisions were left as they are "
            "(run `fabrique import naf`, then import ROME again)."
        )
        links.managed = False
        return links
    mismatched: set[str] = set()
    for _, row in rows:
        code, fiche = row["code_secteur_naf"].zfill(2), row["code_rome"]
        if code == "00" or fiche not in fiches:
            continue
        if fold(labels.get(code, "")) != fold(row["libelle_secteur_naf"]):
            mismatched.add(row["code_secteur_naf"])
            continue
        links.wanted[code, fiche] = ()
    if mismatched:
        plan.problems.append(
            f"unix_arborescence_secteur_naf: sectors {', '.join(sorted(mismatched))} do not "
            "match a NAF division by code and label; their fiches were not linked."
        )
    return links

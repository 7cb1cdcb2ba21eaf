"""RNCP and RS (France Compétences): the tables of the official export
"export-fiches-csv-AAAA-MM-JJ.zip" (``export_fiches_CSV_<Table>_AAAA_MM_JJ.csv``), from a
folder, the zip, single files, or the copy shipped in ``fabrique/data/rncp/``.

What is imported: a ``Certification`` for every fiche number seen in any table, with its
links to ROME fiches, Formacodes, NSF specialities (``NsfDomain``, created from the export's
own labels), certifiers (``Certifier``, keyed on SIRET), its collective agreements (CCN), its
blocs de compétences, and ``replaced_by`` from the Ancienne/Nouvelle table. The Standard table
(title, European level, active), when given, fills those fields. A table that is not given is
left as it is. Links to ROME fiches and Formacodes that are not loaded are reported, not
fatal. The version is the export date. Attribution: "France Compétences – RNCP/RS" (Licence
Ouverte).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

from django.conf import settings
from django.db.models import Q

from fabrique.core.importing import Checker, InvalidSource, Problem
from fabrique.core.progress import ProgressCallback
from fabrique.referentials.models import (
    Certification,
    CertificationBloc,
    CertificationKind,
    Certifier,
    Formacode,
    NsfDomain,
    Occupation,
    Scheme,
)
from fabrique.referentials.sources.files import (
    InputFile,
    Reader,
    Unknown,
    csv_records,
    undouble,
)
from fabrique.referentials.sources.sync import LinkSet, Plan, Table

NAME = "rncp"
FILE = re.compile(
    r"export_fiches_csv_(?P<table>standard|blocs_de_comp\w{1,2}tences|ccn|certificateurs|"
    r"formacode|nsf|rome|ancienne_nouvelle_certification|partenaires|voixdacc\w{1,2}s)"
    r"_(?P<date>\d{4}_\d{2}_\d{2})\.csv",
    re.IGNORECASE,
)
FICHE = "Numero_Fiche"
COLUMNS = {
    "standard": (FICHE, "Intitule", "Actif"),
    "blocs": (FICHE, "Bloc_Competences_Code", "Bloc_Competences_Libelle"),
    "ccn": (FICHE, "Ccn_1_Numero", "Ccn_1_Libelle"),
    "certificateurs": (FICHE, "Siret_Certificateur", "Nom_Certificateur"),
    "formacode": (FICHE, "Formacode_Code"),
    "nsf": (FICHE, "Nsf_Code", "Nsf_Intitule"),
    "rome": (FICHE, "Codes_Rome_Code"),
    "ancienne_nouvelle": (FICHE, "Ancienne_Certification", "Nouvelle_Certification"),
}
OPTIONAL = {
    "standard": ("Nomenclature_Europe_Niveau",),
    "ccn": ("Ccn_2_Numero", "Ccn_2_Libelle", "Ccn_3_Numero", "Ccn_3_Libelle"),
}
LINK_TABLES = ("rome", "formacode", "nsf", "certificateurs", "ccn", "ancienne_nouvelle")
FICHE_NUMBER = re.compile(r"(RNCP|RS)[0-9]+")
SIRET = re.compile(r"[0-9]{14}")
ACTIVE = {"ACTIVE": True, "INACTIVE": False, "": None}


def shipped_dir() -> Path:
    return Path(settings.DATA_DIR) / "rncp"


def table_of(name: str) -> str | None:
    match = FILE.fullmatch(name)
    if not match:
        return None
    table = match["table"].lower()
    if table.startswith("blocs"):
        return "blocs"
    if table.startswith("ancienne"):
        return "ancienne_nouvelle"
    return table if table in COLUMNS else None  # Partenaires, VoixdAccès: not imported


def find(files: list[InputFile]) -> tuple[dict[str, InputFile], dict[str, str]]:
    """The files by table and the export date of each."""
    found: dict[str, InputFile] = {}
    dates: dict[str, str] = {}
    for file in files:
        table = table_of(file.name)
        if table is None:
            continue
        if table in found:
            raise InvalidSource(
                Problem(file.where, "", f"two files of the same table ({found[table].where})")
            )
        found[table] = file
        dates[table] = FILE.fullmatch(file.name)["date"].replace("_", "-")  # type: ignore[index]
    if not found:
        given = ", ".join(sorted({f.where for f in files})[:3]) or "(no file)"
        raise InvalidSource(
            Problem(
                given, "", "no RNCP table found; expected export_fiches_CSV_<Table>_AAAA_MM_JJ.csv"
            )
        )
    return found, dates


def read(files: list[InputFile], *, progress: ProgressCallback, version: str | None = None) -> Plan:
    found, dates = find(files)
    newest = max(dates.values())
    plan = Plan(name=NAME, version=version or newest, steps=[], notes={"exports": dates})
    older = sorted(f"{table} ({date})" for table, date in dates.items() if date != newest)
    if older:
        plan.problems.append(
            f"Tables from an older export than {newest}: {', '.join(older)}; they were imported "
            "as they are."
        )
    reader = Reader("RNCP", len(found), progress)
    unknown = Unknown()
    rows: dict[str, list[tuple[int, dict[str, str]]]] = {}
    fiches: set[str] = set()
    for table in COLUMNS:
        if table not in found:
            continue
        file = found[table]
        checker = Checker(file.where)
        records = csv_records(
            reader(file), COLUMNS[table], optional=OPTIONAL.get(table, ()), delimiter=";",
            checker=checker,
        )  # fmt: skip
        kept = []
        for line, row in records:
            numbers = [row[FICHE]]
            if table == "ancienne_nouvelle":
                numbers += [row["Ancienne_Certification"], row["Nouvelle_Certification"]]
            bad = [n for n in numbers[1:] if n and not FICHE_NUMBER.fullmatch(n)]
            if not FICHE_NUMBER.fullmatch(row[FICHE]):
                checker.add(
                    f"line {line}, column {FICHE}", f"not an RNCP or RS number: {row[FICHE]!r}"
                )
            elif bad:
                checker.add(f"line {line}", f"not an RNCP or RS number: {bad[0]!r}")
            else:
                fiches.update(n for n in numbers if n)
                kept.append((line, {key: undouble(value) for key, value in row.items()}))
        checker.done()
        rows[table] = kept
    reader.done()

    certifications = certifications_table(rows, fiches, found)
    nsf = Table("NSF specialities", NsfDomain, ("label",), complete="nsf" in found)
    certifiers = Table("certifiers", Certifier, ("name",), key="siret",
                       complete="certificateurs" in found)  # fmt: skip
    blocs = Table("blocs", CertificationBloc, ("certification", "label"),
                  foreign={"certification": certifications}, complete="blocs" in found)  # fmt: skip
    rome = Table("ROME fiches", Occupation, external=True, scope={"scheme": Scheme.ROME})
    formacodes = Table("Formacodes", Formacode, external=True)
    rome.load()
    formacodes.load()

    def through(
        label: str, name: str, target: Table | None, table: str, scope: Q | None = None
    ) -> LinkSet:
        model = getattr(Certification, name).through
        columns = [f.name for f in model._meta.concrete_fields if not f.primary_key]
        foreign = {columns[0]: certifications, columns[1]: target or certifications}
        return LinkSet(
            label, model, tuple(columns), foreign, scope=scope or Q(), managed=table in found
        )

    to_rome = through("ROME links", "occupations", rome, "rome", Q(occupation__scheme=Scheme.ROME))
    to_formacodes = through("Formacode links", "formacodes", formacodes, "formacode")
    to_nsf = through("NSF links", "nsf_domains", nsf, "nsf")
    to_certifiers = through("certifier links", "certifiers", certifiers, "certificateurs")
    replaced_by = through("replacements", "replaced_by", None, "ancienne_nouvelle")

    known_rome, known_formacodes = rome.known(), formacodes.known()
    for _, row in rows.get("rome", []):
        code = row["Codes_Rome_Code"]
        if code in known_rome:
            to_rome.wanted[row[FICHE], code] = ()
        else:
            unknown.add("Rome table: ROME fiches not loaded", code)
    for _, row in rows.get("formacode", []):
        code = row["Formacode_Code"]
        if code in known_formacodes:
            to_formacodes.wanted[row[FICHE], code] = ()
        else:
            unknown.add("Formacode table: Formacodes not loaded", code)
    nsf_labels: dict[str, Counter[str]] = defaultdict(Counter)
    for _, row in rows.get("nsf", []):
        code = row["Nsf_Code"]
        if not code:
            unknown.add("Nsf table: NSF codes", code)
            continue
        label = row["Nsf_Intitule"].removeprefix(code).lstrip(" :") or code
        nsf_labels[code][label] += 1
        to_nsf.wanted[row[FICHE], code] = ()
    nsf.wanted = {code: (labels.most_common(1)[0][0][:300],) for code, labels in nsf_labels.items()}
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for _, row in rows.get("certificateurs", []):
        siret = row["Siret_Certificateur"].replace(" ", "")  # the export starts it with a TAB
        if not SIRET.fullmatch(siret):
            unknown.add("Certificateurs table: SIRET", siret)
            continue
        names[siret][row["Nom_Certificateur"]] += 1
        to_certifiers.wanted[row[FICHE], siret] = ()
    certifiers.wanted = {s: (n.most_common(1)[0][0][:300],) for s, n in names.items()}
    for _, row in rows.get("ancienne_nouvelle", []):
        fiche, old, new = row[FICHE], row["Ancienne_Certification"], row["Nouvelle_Certification"]
        if old and old != fiche:
            replaced_by.wanted[old, fiche] = ()
        if new and new != fiche:
            replaced_by.wanted[fiche, new] = ()
    checker = Checker(found["blocs"].where) if "blocs" in found else None
    for line, row in rows.get("blocs", []):
        code = row["Bloc_Competences_Code"]
        if not code or len(code) > 40:
            checker.add(f"line {line}, column Bloc_Competences_Code", f"not a bloc code: {code!r}")  # type: ignore[union-attr]
            continue
        label = row["Bloc_Competences_Libelle"].rstrip(" :").strip() or code
        blocs.wanted[code] = (row[FICHE], label)
    if checker is not None:
        checker.done()

    plan.steps = [nsf, certifiers, certifications, blocs, to_rome, to_formacodes, to_nsf,
                  to_certifiers, replaced_by]  # fmt: skip
    if not certifications.complete:
        plan.problems.append(
            "Not every table of the export was given: certifications absent from these files "
            "were left as they are (not marked obsolete)."
        )
    plan.problems += unknown.messages()
    plan.files = reader.digests
    return plan


def certifications_table(
    rows: dict[str, list[tuple[int, dict[str, str]]]], fiches: set[str], found: dict[str, InputFile]
) -> Table:
    """Every fiche seen, with the fields the given tables fill."""
    fields = ["kind"]
    agreements: dict[str, list[dict[str, str]]] = {}
    if "ccn" in found:
        fields.append("collective_agreements")
        for _, row in rows["ccn"]:
            agreements[row[FICHE]] = [
                {"code": row[f"Ccn_{n}_Numero"], "label": row.get(f"Ccn_{n}_Libelle", "")}
                for n in (1, 2, 3)
                if row.get(f"Ccn_{n}_Numero")
            ]
    standard: dict[str, tuple[str, str, bool | None]] = {}
    if "standard" in found:
        fields += ["title", "level", "active"]
        checker = Checker(found["standard"].where)
        for line, row in rows["standard"]:
            if row["Actif"].upper() not in ACTIVE:
                checker.add(f"line {line}, column Actif", f"unexpected value {row['Actif']!r}")
                continue
            level = row.get("Nomenclature_Europe_Niveau", "")[:40]
            standard[row[FICHE]] = (row["Intitule"][:1000], level, ACTIVE[row["Actif"].upper()])
        checker.done()
    complete = "standard" in found or all(table in found for table in LINK_TABLES)
    table = Table("certifications", Certification, tuple(fields), complete=complete)
    for fiche in sorted(fiches):
        values: list[object] = [
            CertificationKind.RS if fiche.startswith("RS") else CertificationKind.RNCP
        ]
        if "ccn" in found:
            values.append(agreements.get(fiche, []))
        if "standard" in found:
            values += list(standard.get(fiche, ("", "", None)))
        table.wanted[fiche] = tuple(values)
    return table

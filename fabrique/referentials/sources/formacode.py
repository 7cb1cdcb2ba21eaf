"""Formacode® (Centre Inffo), from one of two files:

- the list of the Formacodes in current use, derived from the RNCP export (shipped:
  ``fabrique/data/formacode/formacode_codes_from_rncp_AAAA_MM_JJ.csv``, columns
  ``formacode_code,formacode_libelle,nb_fiches``): codes and labels, version = export date;
- the Formacode table of an RNCP export (``export_fiches_CSV_Formacode_AAAA_MM_JJ.csv``,
  ``Numero_Fiche;Formacode_Code;Formacode_Libelle``), from which that list is derived;
- the Formacode thesaurus dump of the 8th edition, as the LHÉO reference repository has it
  (semicolon-separated, no header; 15 fields, 4 for some descriptor types): codes, labels,
  semantic fields and generic terms (``parent``). It is not shipped (its licence is unclear);
  give it as PATH. Version "v8" unless the file name or ``--source-version`` says otherwise.

Codes absent from the file are marked obsolete.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from fabrique.core.importing import Checker, InvalidSource, Problem
from fabrique.core.progress import ProgressCallback
from fabrique.referentials.models import Formacode
from fabrique.referentials.sources.files import InputFile, Reader, csv_records, plain_rows
from fabrique.referentials.sources.sync import SELF, Plan, Table

NAME = "formacode"
CANDIDATE = re.compile(r".*(formacode|fcod).*\.csv", re.IGNORECASE)
LIST_DATE = re.compile(r"(\d{4})_(\d{2})_(\d{2})")
EDITION = re.compile(r"(?<![a-z])v(\d+)(?![0-9])", re.IGNORECASE)
LIST_COLUMNS = ("formacode_code", "formacode_libelle")
EXPORT_COLUMNS = ("Formacode_Code", "Formacode_Libelle")
CODE = re.compile(r"[0-9]{5}")
THESAURUS_FIELDS = range(4, 16)  # 15 fields; 4 for the descriptor types without a record
DEFAULT_EDITION = "v8"


def shipped_dir() -> Path:
    return Path(settings.DATA_DIR) / "formacode"


def find(files: list[InputFile]) -> InputFile:
    candidates = [file for file in files if CANDIDATE.fullmatch(file.name)]
    if not candidates:
        given = ", ".join(sorted({f.where for f in files})[:3]) or "(no file)"
        raise InvalidSource(
            Problem(given, "", "no Formacode file found (a .csv whose name has Formacode or FCod)")
        )
    if len(candidates) > 1:
        names = " and ".join(file.where for file in candidates[:2])
        raise InvalidSource(Problem(candidates[1].where, "", f"give one Formacode file ({names})"))
    return candidates[0]


def read(files: list[InputFile], *, progress: ProgressCallback, version: str | None = None) -> Plan:
    file = find(files)
    reader = Reader("Formacode", 1, progress)
    source = reader(file)
    reader.done()
    first_line = source.text.split("\n", 1)[0]
    checker = Checker(file.where)
    problems = []
    if first_line.strip().lower().startswith(LIST_COLUMNS[0]):  # the list shipped
        table = Table("Formacodes", Formacode, ("label",))
        for line, row in csv_records(source, LIST_COLUMNS, checker=checker):
            code, label = row["formacode_code"], row["formacode_libelle"]
            if not CODE.fullmatch(code):
                checker.add(f"line {line}, column formacode_code", f"not a Formacode: {code!r}")
            elif not label:
                checker.add(f"line {line}, column formacode_libelle", "empty value")
            else:
                table.wanted[code] = (label[:300],)
        version = version or _dated(file)
    elif "formacode_code" in first_line.lower() and ";" in first_line:  # an RNCP export table
        table = Table("Formacodes", Formacode, ("label",))
        for line, row in csv_records(source, EXPORT_COLUMNS, delimiter=";", checker=checker):
            code, label = row["Formacode_Code"], row["Formacode_Libelle"]
            if not CODE.fullmatch(code):
                checker.add(f"line {line}, column Formacode_Code", f"not a Formacode: {code!r}")
            elif label:
                table.wanted.setdefault(code, (label[:300],))
        version = version or _dated(file)
    elif ";" in first_line and CODE.fullmatch(first_line.split(";", 1)[0].strip()):
        table = thesaurus(source, checker)
        edition = EDITION.search(file.name)
        if not version and not edition:
            problems.append(f"{file.where}: read as the {DEFAULT_EDITION} thesaurus.")
        version = version or (f"v{edition[1]}" if edition else DEFAULT_EDITION)
    else:
        raise InvalidSource(
            Problem(
                file.where,
                "line 1",
                "neither the Formacode list (header formacode_code,formacode_libelle) nor the "
                "thesaurus dump (semicolon-separated, starting with a 5-digit code)",
            )
        )
    checker.done()
    return Plan(NAME, version, [table], problems=problems, files=reader.digests)


def _dated(file: InputFile) -> str:
    """The version of a file named after its date (``..._2026_02_01.csv``)."""
    date = LIST_DATE.search(file.name)
    if not date:
        raise InvalidSource(
            Problem(file.where, "", "unknown version: give it with --source-version")
        )
    return "-".join(date.groups())


def thesaurus(source, checker: Checker) -> Table:
    """Codes, labels, semantic fields and generic terms of the thesaurus dump."""
    table = Table("Formacodes", Formacode, ("label", "field", "parent"), foreign={"parent": SELF})
    for line, fields in plain_rows(source, delimiter=";", fields=THESAURUS_FIELDS, checker=checker):
        code = fields[0]
        if not CODE.fullmatch(code):
            checker.add(f"line {line}, column 1", f"not a Formacode: {code!r}")
            continue
        label = fields[2] or fields[1]
        if not label:
            checker.add(f"line {line}, column 3", "empty label")
            continue
        generic = fields[6].split("$", 1)[0].split(" ", 1)[0] if len(fields) > 6 else ""
        table.wanted[code] = (
            (label[:1].upper() + label[1:])[:300],
            fields[4][:200] if len(fields) > 4 else "",
            generic if CODE.fullmatch(generic) else None,
        )
    for code, (label, field, parent) in table.wanted.items():
        if parent is not None and parent not in table.wanted:
            table.wanted[code] = (label, field, None)
    return table

"""Imports of outside reference data: a registry of importers and what they report.

Each app that imports outside data registers an importer in its ``importers.py``::

    from fabrique.core import importing

    def run(paths, *, wet_run, progress, options) -> importing.ImportReport: ...

    importing.register("rome", help="ROME 4.0 occupations and skills", runner=run)

The registry imports ``fabrique.<app>.importers`` of every installed app the first time it is
asked for its importers, so ``fabrique import NAME [PATH ...] [--wet-run]`` finds them all.
A runner writes nothing unless ``wet_run`` is true, then writes in one transaction; it raises
``InvalidSource`` (naming the file, the line or record, and the reason) for input it refuses.

The helpers at the end read untrusted files for importers: ``read_text`` (plain or gzip,
UTF-8, refuses empty and binary files), ``json_records`` and ``csv_rows`` (which check the
header's columns), and ``Checker``, which collects the problems of records with where they are.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import re
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.utils.module_loading import autodiscover_modules

from fabrique.core.progress import ProgressCallback

COUNT_FIELDS = ("created", "updated", "unchanged", "obsolete")


@dataclass
class Counts:
    """What an import did (or, in a dry run, would do) to one type of record."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    obsolete: int = 0


@dataclass
class ImportReport:
    """The outcome of one import: counts per record type and non-blocking problems."""

    name: str
    version: str = ""
    wet_run: bool = False
    counts: dict[str, Counts] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def count(self, record_type: str) -> Counts:
        return self.counts.setdefault(record_type, Counts())

    def total(self, what: str) -> int:
        """Sum of one count (``created``, ``updated``...) over every record type."""
        return sum(getattr(counts, what) for counts in self.counts.values())

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {record_type: asdict(counts) for record_type, counts in self.counts.items()}

    def table(self) -> str:
        """The counts as a plain-text table (one line per record type)."""
        width = max([len("record type"), *(len(name) for name in self.counts)])
        lines = [f"{'record type':<{width}}" + "".join(f"{name:>11}" for name in COUNT_FIELDS)]
        for name, counts in self.counts.items():
            values = "".join(f"{getattr(counts, what):>11,}" for what in COUNT_FIELDS)
            lines.append(f"{name:<{width}}{values}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Problem:
    """Why a source was refused: which file, where in it, and what is wrong."""

    file: str
    where: str
    reason: str

    @property
    def message(self) -> str:
        """The reason, under the name the pages' problem tables read."""
        return self.reason

    def __str__(self) -> str:
        return (
            f"{self.file}, {self.where}: {self.reason}"
            if self.where
            else f"{self.file}: {self.reason}"
        )


class InvalidSource(Exception):
    """A source file (or set of files) that cannot be imported; nothing was written."""

    def __init__(self, problems: Problem | list[Problem]) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class Runner(Protocol):
    def __call__(
        self,
        paths: list[Path],
        *,
        wet_run: bool,
        progress: ProgressCallback,
        options: Mapping[str, Any],
    ) -> ImportReport: ...


@dataclass(frozen=True)
class Importer:
    name: str
    help: str
    runner: Runner
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None


_registry: dict[str, Importer] = {}
_discovered = False


def register(
    name: str,
    help: str,
    runner: Runner,
    *,
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None,
) -> Importer:
    """Make ``runner`` available as ``fabrique import NAME``.

    ``add_arguments`` may add command-line options of this importer (prefer names that say
    which importer they belong to); their values reach the runner in ``options``.
    """
    existing = _registry.get(name)
    if existing is not None and existing.runner is not runner:
        raise ValueError(f"An importer named {name!r} is already registered.")
    importer = Importer(name=name, help=help, runner=runner, add_arguments=add_arguments)
    _registry[name] = importer
    return importer


def autodiscover() -> None:
    """Import the ``importers`` module of every installed app (once)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("importers")
        _discovered = True


def importers() -> dict[str, Importer]:
    """Every registered importer, by name (sorted)."""
    autodiscover()
    return dict(sorted(_registry.items()))


def get(name: str) -> Importer:
    """The importer called ``name``; ``KeyError`` if there is none."""
    return importers()[name]


# --- reading source files safely ---------------------------------------------------------------
# Helpers for importers: decode a file (plain or gzip), refuse empty and binary files, and
# collect the problems of records with their line or record number.

MAX_PROBLEMS = 20


@dataclass
class SourceFile:
    """The decoded text of one file, with the digest of its (uncompressed) content."""

    name: str
    text: str
    sha256: str


def read_text(path: Path) -> SourceFile:
    """The UTF-8 text of ``path``, gunzipped if it is compressed; refuses empty and binary files."""
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidSource(Problem(name, "", f"cannot be read ({error.strerror})")) from error
    if not data:
        raise InvalidSource(Problem(name, "", "the file is empty"))
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            reason = f"not a valid gzip file ({error or 'it is truncated'})"
            raise InvalidSource(Problem(name, "", reason)) from error
        if not data:
            raise InvalidSource(Problem(name, "", "the file is empty once uncompressed"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        reason = f"not UTF-8 text (byte 0x{data[error.start]:02x}): is this the right file?"
        raise InvalidSource(Problem(name, f"line {line}", reason)) from error
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InvalidSource(Problem(name, f"line {line}", "contains NUL bytes: not a text file"))
    if not text.strip():
        raise InvalidSource(Problem(name, "", "the file is empty"))
    return SourceFile(name=name, text=text, sha256=hashlib.sha256(data).hexdigest())


class Checker:
    """Collects the problems of one file and raises them all (up to a limit) at the end."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, where: str, reason: str) -> None:
        self.problems.append(Problem(self.file, where, reason))
        if len(self.problems) >= MAX_PROBLEMS:
            self.problems.append(Problem(self.file, "", f"stopped after {MAX_PROBLEMS} problems"))
            raise InvalidSource(self.problems)

    def done(self) -> None:
        if self.problems:
            raise InvalidSource(self.problems)


def read_json_records(source: SourceFile) -> list[Any]:
    try:
        value = json.loads(source.text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise InvalidSource(Problem(source.name, where, f"not valid JSON ({error.msg})")) from error
    if not isinstance(value, list):
        raise InvalidSource(Problem(source.name, "", "expected a JSON array of records"))
    if not value:
        raise InvalidSource(Problem(source.name, "", "the array of records is empty"))
    return value


def json_records(source: SourceFile, checker: Checker) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, record) for each JSON object of the array; other values are reported."""
    for number, record in enumerate(read_json_records(source), start=1):
        if not isinstance(record, dict):
            checker.add(f"record {number}", "expected an object")
            continue
        code = record.get("code")
        where = f"record {number} (code {code})" if isinstance(code, str) else f"record {number}"
        yield where, record


def text_field(
    checker: Checker,
    where: str,
    record: dict[str, Any],
    key: str,
    *,
    pattern: re.Pattern[str] | None = None,
    max_length: int = 200,
    required: bool = True,
) -> str | None:
    value = record.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        checker.add(where, f"“{key}” is missing or not a text")
        return None
    if pattern is not None and not pattern.fullmatch(value):
        checker.add(where, f"“{key}” has an unexpected value {value!r}")
        return None
    if len(value) > max_length:
        checker.add(where, f"“{key}” is longer than {max_length} characters")
        return None
    return value


def count_field(checker: Checker, where: str, record: dict[str, Any], key: str) -> int | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        checker.add(where, f"“{key}” is not a whole number of people ({value!r})")
        return None
    return value


def csv_rows(source: SourceFile, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each row, after checking that the header has ``columns``."""
    reader = csv.reader(io.StringIO(source.text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except (StopIteration, csv.Error) as error:
        raise InvalidSource(Problem(source.name, "line 1", f"no CSV header ({error})")) from error
    missing = [name for name in columns if name not in header]
    if missing:
        reason = f"missing columns: {', '.join(missing)} (found: {', '.join(header)})"
        raise InvalidSource(Problem(source.name, "line 1", reason))
    index = {name: header.index(name) for name in columns}
    checker = Checker(source.name)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            checker.add(f"line {reader.line_num}", f"not valid CSV ({error})")
            continue
        if not row or row == [""]:
            continue
        if len(row) != len(header):
            checker.add(
                f"line {reader.line_num}", f"expected {len(header)} fields, found {len(row)}"
            )
            continue
        yield reader.line_num, {name: row[position].strip() for name, position in index.items()}
    checker.done()

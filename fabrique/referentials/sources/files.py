"""Finding, decoding and parsing the files of a référentiel, before anything is written.

A source can be given as folders (searched recursively), official download zips, or single
files; each file may be plain or gzip-compressed (``.csv.gz``, as shipped in
``fabrique/data``). Every problem is reported with the file, the line and the column.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import gzip
import hashlib
import io
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from fabrique.core.importing import Checker, InvalidSource, Problem, SourceFile
from fabrique.core.progress import ProgressCallback
from fabrique.engine.text import fold

READABLE_SUFFIXES = (".csv", ".csv.gz", ".txt", ".txt.gz")
csv.field_size_limit(10_000_000)  # ESCO descriptions and label lists are long


@dataclass(frozen=True)
class InputFile:
    """One file of a source: on disk, or a member of a zip archive."""

    name: str  # the file's own name without ".gz", e.g. "occupations_en.csv"
    where: str  # how problems name it, e.g. "ESCO.zip: occupations_en.csv"
    path: Path
    member: str | None = None
    hints: tuple[str, ...] = ()  # names of the folders and archive it came from

    def data(self) -> bytes:
        try:
            if self.member is None:
                return self.path.read_bytes()
            with zipfile.ZipFile(self.path) as archive:
                return archive.read(self.member)
        except OSError as error:
            raise InvalidSource(Problem(self.where, "", f"cannot be read ({error})")) from error
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise InvalidSource(
                Problem(self.where, "", f"corrupt archive member ({error})")
            ) from error

    def read(self) -> SourceFile:
        return decode(self.where, self.data())


def decode(where: str, data: bytes) -> SourceFile:
    """The UTF-8 text of a file (gunzipped if compressed); refuses empty and binary files."""
    if not data:
        raise InvalidSource(Problem(where, "", "the file is empty"))
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            reason = f"not a valid gzip file ({error or 'it is truncated'})"
            raise InvalidSource(Problem(where, "", reason)) from error
    if data[:4] == b"PK\x03\x04":
        raise InvalidSource(Problem(where, "", "is a zip archive, not a CSV file"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        reason = f"not UTF-8 text (byte 0x{data[error.start]:02x}): is this the right file?"
        raise InvalidSource(Problem(where, f"line {line}", reason)) from error
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InvalidSource(Problem(where, f"line {line}", "contains NUL bytes: not a text file"))
    if not text.strip():
        raise InvalidSource(Problem(where, "", "the file is empty"))
    return SourceFile(name=where, text=text, sha256=hashlib.sha256(data).hexdigest())


def _readable(name: str) -> bool:
    lowered = name.lower()
    return not name.startswith(".") and lowered.endswith(READABLE_SUFFIXES)


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name; names stored without the UTF-8 flag are decoded as UTF-8 if they
    can be (France Compétences' ``Blocs_De_Compétences`` file), not as cp437."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("utf-8")
    return name


def _archive(path: Path, hints: tuple[str, ...]) -> list[InputFile]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise InvalidSource(Problem(path.name, "", f"not a valid zip file ({error})")) from error
    found = []
    for info in infos:
        name = PurePosixPath(_member_name(info))
        if info.is_dir() or "__MACOSX" in name.parts or not _readable(name.name):
            continue
        found.append(
            InputFile(
                name=name.name.removesuffix(".gz"),
                where=f"{path.name}: {name}",
                path=path,
                member=info.filename,
                hints=(*hints, path.name, *name.parts[:-1]),
            )
        )
    return found


def collect(paths: Iterable[Path]) -> list[InputFile]:
    """Every readable file under ``paths``: folders (recursively), zips and single files."""
    found: list[InputFile] = []
    for path in paths:
        if path.is_dir():
            for candidate in sorted(path.rglob("*")):
                if not candidate.is_file():
                    continue
                hints = (path.name, *candidate.relative_to(path).parts[:-1])
                if candidate.suffix.lower() == ".zip":
                    found += _archive(candidate, hints)
                elif _readable(candidate.name):
                    found.append(_on_disk(candidate, hints))
        elif path.is_file():
            if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
                found += _archive(path, (path.parent.name,))
            else:
                found.append(_on_disk(path, (path.parent.name,)))
        else:
            raise InvalidSource(Problem(str(path), "", "no such file or folder"))
    return found


def _on_disk(path: Path, hints: tuple[str, ...]) -> InputFile:
    return InputFile(name=path.name.removesuffix(".gz"), where=path.name, path=path, hints=hints)


# --- recognising files by name ------------------------------------------------------------------


def classify(
    files: Sequence[InputFile], patterns: dict[str, re.Pattern[str]], *, expected: str
) -> dict[str, list[tuple[InputFile, re.Match[str]]]]:
    """Files by kind (the first pattern whose ``fullmatch`` accepts the name).

    A file named alone (not found in a folder or archive) that matches no pattern is refused.
    """
    kinds: dict[str, list[tuple[InputFile, re.Match[str]]]] = {}
    for file in files:
        for kind, pattern in patterns.items():
            match = pattern.fullmatch(file.name)
            if match:
                kinds.setdefault(kind, []).append((file, match))
                break
    if not kinds:
        given = ", ".join(sorted({file.where for file in files})[:5]) or "(no file)"
        raise InvalidSource(
            Problem(given, "", f"no file of this source was found; expected {expected}")
        )
    return kinds


def single(
    kinds: dict[str, list[tuple[InputFile, re.Match[str]]]], kind: str
) -> tuple[InputFile, re.Match[str]] | None:
    """The one file of ``kind``, None if there is none; two files of a kind are refused."""
    entries = kinds.get(kind, [])
    if len(entries) > 1:
        names = " and ".join(file.where for file, _ in entries[:2])
        raise InvalidSource(
            Problem(entries[1][0].where, "", f"two files of the same kind were given ({names})")
        )
    return entries[0] if entries else None


def require(
    kinds: dict[str, list[tuple[InputFile, re.Match[str]]]], names: dict[str, str], given: str
) -> None:
    """Refuse a source that lacks one of the kinds in ``names`` (kind -> file name shown)."""
    missing = [shown for kind, shown in names.items() if kind not in kinds]
    if missing:
        raise InvalidSource(Problem(given, "", f"missing {', '.join(missing)} (plain or .gz)"))


# --- CSV -----------------------------------------------------------------------------------------


def csv_records(
    source: SourceFile,
    columns: Sequence[str],
    *,
    optional: Sequence[str] = (),
    delimiter: str = ",",
    checker: Checker | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) for each record, after checking the header; values are stripped.

    ``line`` is the line where the record starts (records may span several lines). A record
    with another number of fields than the header, or that is not valid CSV, is reported with
    its line; the problems of the file are raised together at the end.
    """
    reader = csv.reader(io.StringIO(source.text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except (StopIteration, csv.Error) as error:
        reason = f"no CSV header with the {delimiter!r} separator ({error})"
        raise InvalidSource(Problem(source.name, "line 1", reason)) from error
    missing = [name for name in columns if name not in header]
    if missing:
        found = ", ".join(header) if len(header) > 1 else "one column: is the separator right?"
        reason = f"missing columns: {', '.join(missing)} (found: {found})"
        raise InvalidSource(Problem(source.name, "line 1", reason))
    index = {name: header.index(name) for name in (*columns, *optional) if name in header}
    own = checker is None
    checker = checker or Checker(source.name)
    width = len(header)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            checker.add(f"line {start}", f"not valid CSV ({error})")
            continue
        if not row or row == [""]:
            continue
        if len(row) != width:
            checker.add(f"line {start}", f"expected {width} fields, found {len(row)}")
            continue
        yield start, {name: row[position].strip() for name, position in index.items()}
    if own:
        checker.done()


def plain_rows(
    source: SourceFile, *, delimiter: str, fields: range, checker: Checker
) -> Iterator[tuple[int, list[str]]]:
    """(line, fields) of a CSV file without a header whose records have ``fields`` fields."""
    reader = csv.reader(io.StringIO(source.text, newline=""), delimiter=delimiter)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            checker.add(f"line {start}", f"not valid CSV ({error})")
            continue
        if not row or row == [""]:
            continue
        if len(row) not in fields:
            expected = f"{fields.start} to {fields.stop - 1}"
            checker.add(f"line {start}", f"expected {expected} fields, found {len(row)}")
            continue
        yield start, [value.strip() for value in row]


def undouble(text: str) -> str:
    """Undo the doubled apostrophes of some official exports (``d''air`` → ``d'air``)."""
    return text.replace("''", "'") if "''" in text else text


def split_lines(value: str) -> list[str]:
    """The values of a multi-valued ESCO cell (one per line), without blanks or repeats."""
    return list(dict.fromkeys(part.strip() for part in value.splitlines() if part.strip()))


def folder() -> Callable[[str], str]:
    """``fold`` with a memory for one import (labels repeat across kinds and languages),
    cut to the length of the ``folded`` columns."""

    @functools.cache
    def folded(text: str) -> str:
        return fold(text)[:400]

    return folded


def version_key(version: str) -> tuple[int, ...]:
    """What versions are ordered by: their numbers (v460 < v461, v1.1.1 < v1.2.0,
    2024-01-17 < 2026-02-01)."""
    return tuple(int(number) for number in re.findall(r"\d+", version))


class Reader:
    """Reads the files of a source one by one, tells the progress, and keeps their digests."""

    def __init__(self, label: str, total: int, progress: ProgressCallback) -> None:
        self.label = label
        self.total = total
        self.progress = progress
        self.digests: dict[str, str] = {}

    def __call__(self, file: InputFile) -> SourceFile:
        self.progress(len(self.digests), self.total, f"{self.label}: reading {file.name}")
        source = file.read()
        self.digests[file.where] = source.sha256
        return source

    def done(self) -> None:
        self.progress(self.total, self.total, f"{self.label}: files read")


class Unknown:
    """Rows that point at codes nobody knows: counted, left out, and reported once."""

    def __init__(self) -> None:
        self.codes: dict[str, Counter[str]] = {}

    def add(self, what: str, code: str) -> None:
        self.codes.setdefault(what, Counter())[code] += 1

    def messages(self) -> list[str]:
        lines = []
        for what, codes in self.codes.items():
            examples = ", ".join(code or "(empty)" for code, _ in codes.most_common(5))
            lines.append(
                f"{what}: {codes.total():,} rows point at {len(codes):,} unknown codes "
                f"(e.g. {examples}); they were left out."
            )
        return lines

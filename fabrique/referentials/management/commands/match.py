"""``fabrique match occupations|skills --scheme rome|esco --top K``: one query per line on
standard input, one JSON line per query on standard output, in the same order.

    echo "Technicien de maintenance industrielle" | fabrique match occupations --top 3

Answers ``{"query": ..., "matches": [{"code", "label", "score", "evidence"}, ...]}``, best
first: ROME fiche codes or ESCO occupation URIs; ROME ``code_ogr`` of compétences and savoirs
or ESCO skill URIs. An empty line answers an empty list. Lines that are already waiting are
answered together (faster); each answer is flushed at once, so the command can be driven
line by line. It needs no database: the indexes come from the shipped référentiel files.
"""

from __future__ import annotations

import json
import queue
import sys
import threading
from collections.abc import Iterator
from typing import BinaryIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fabrique.referentials import matching

BATCH = 512
_END = object()


class Command(BaseCommand):
    help = "Match free text (one query per line on stdin) to occupations or skills."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["occupations", "skills"])
        parser.add_argument("--scheme", choices=list(matching.SCHEMES), default="rome")
        parser.add_argument("--top", type=int, default=10, help="answers per query (default 10)")

    def handle(self, *args: object, **options: object) -> None:
        kind = str(options["kind"])
        scheme = str(options["scheme"])
        top = int(options["top"])  # type: ignore[call-overload]
        if top < 0:
            raise CommandError("--top must not be negative")
        match = matching.occupations if kind == "occupations" else matching.skills
        stdin: BinaryIO = getattr(self, "stdin", None) or sys.stdin.buffer
        stdout = sys.stdout
        for batch in _batches(stdin):
            queries = [query for _, query in batch]
            answers = match([q for q in queries if q.strip()], scheme=scheme, top=top)
            found = iter(answers)
            for query in queries:
                matches = next(found) if query.strip() else []
                line = {
                    "query": query,
                    "matches": [
                        {
                            "code": m.code,
                            "label": m.label,
                            "score": m.score,
                            "evidence": list(m.evidence),
                        }
                        for m in matches
                    ],
                }
                stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
                stdout.flush()


def _batches(stream: BinaryIO) -> Iterator[list[tuple[int, str]]]:
    """Numbered, decoded lines in groups: the next line, and those already waiting.

    A line that is not UTF-8 stops the command, after the lines before it are answered.
    """
    lines: queue.Queue[object] = queue.Queue(maxsize=4 * BATCH)

    def read() -> None:
        for raw in stream:
            lines.put(raw)
        lines.put(_END)

    threading.Thread(target=read, daemon=True).start()
    number = 0
    finished = False
    while not finished:
        batch: list[tuple[int, str]] = []
        item = lines.get()
        while True:
            if item is _END:
                finished = True
                break
            number += 1
            assert isinstance(item, bytes)
            try:
                text = item.decode("utf-8")
            except UnicodeDecodeError as error:
                if batch:
                    yield batch
                raise CommandError(
                    f"line {number} is not valid UTF-8 (byte {error.start + 1}): "
                    "input must be UTF-8 text"
                ) from None
            batch.append((number, text.rstrip("\r\n")))
            if len(batch) >= BATCH:
                break
            try:
                item = lines.get_nowait()
            except queue.Empty:
                break
        if batch:
            yield batch

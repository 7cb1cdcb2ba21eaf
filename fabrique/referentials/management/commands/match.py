"""``fabrique match occupations|skills --scheme rome|esco --top K``: one query per line on
standard input, one JSON line per query on standard output, in the same order.

    echo "Technicien de maintenance industrielle" | fabrique match occupations --top 3

Answers ``{"query": ..., "matches": [{"code", "label", "score", "evidence"}, ...]}``, best
first: ROME fiche codes or ESCO occupation URIs; ROME ``code_ogr`` of compétences and savoirs
or ESCO skill URIs. An empty line answers an empty list. It needs no database: the indexes
come from the shipped référentiel files.

Lines that are already waiting are answered together, in groups of ``BATCH``, by as many
processes as there are CPUs to use (``--workers``; at most ``MAX_WORKERS`` unless asked), each
forked from this one once its index is loaded, so that they share it. When no more input is
waiting, every line read so far is answered and flushed: the command can be driven line by
line.
"""

from __future__ import annotations

import functools
import gc
import json
import multiprocessing
import os
import queue
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import BinaryIO, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fabrique.referentials import matching

BATCH = 256
MAX_WORKERS = 4
_END = object()


def available_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # (not on every platform)
        return os.cpu_count() or 1


class Command(BaseCommand):
    help = "Match free text (one query per line on stdin) to occupations or skills."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["occupations", "skills"])
        parser.add_argument("--scheme", choices=list(matching.SCHEMES), default="rome")
        parser.add_argument("--top", type=int, default=10, help="answers per query (default 10)")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=(
                "processes answering (default: one per CPU, at most "
                f"{MAX_WORKERS}; 1: this process only)"
            ),
        )

    def handle(self, *args: object, **options: object) -> None:
        kind = str(options["kind"])
        scheme = str(options["scheme"])
        top = int(options["top"])  # type: ignore[call-overload]
        workers = options["workers"]
        if top < 0:
            raise CommandError("--top must not be negative")
        if workers is None:
            workers = min(available_cpus(), MAX_WORKERS)
        elif not isinstance(workers, int) or workers < 1:
            raise CommandError("--workers must be at least 1")
        # Loaded (or built) before any worker starts: forked workers share it.
        matching.load(kind, scheme)  # type: ignore[arg-type]
        stdin: BinaryIO = getattr(self, "stdin", None) or sys.stdin.buffer
        answer = functools.partial(_answer, kind, scheme, top)
        write = functools.partial(_write, sys.stdout)
        chunks = _chunks(stdin)
        # (Forking a process that runs other threads is unsafe: this one then answers alone.)
        if workers == 1 or threading.active_count() > 1:
            for chunk in chunks:
                if chunk is not None:
                    write(answer(chunk))
        else:
            _in_processes(answer, chunks, workers, write)


def _answer(kind: str, scheme: str, top: int, queries: list[str]) -> str:
    """The JSON lines answering ``queries``, in order."""
    match = matching.occupations if kind == "occupations" else matching.skills
    answers = iter(match([q for q in queries if q.strip()], scheme=scheme, top=top))
    lines: list[str] = []
    for query in queries:
        matches = next(answers) if query.strip() else []
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
        lines.append(json.dumps(line, ensure_ascii=False) + "\n")
    return "".join(lines)


def _write(stream: TextIO, text: str) -> None:
    stream.write(text)
    stream.flush()


def _in_processes(
    answer: Callable[[list[str]], str],
    chunks: Iterator[list[str] | None],
    workers: int,
    write: Callable[[str], None],
) -> None:
    """Answer the chunks in ``workers`` forked processes, in order; at most two chunks per
    worker wait, and all are answered whenever the input is idle (``None``)."""
    pending: deque[Future[str]] = deque()
    gc.freeze()  # (the loaded index stays shared: the collector does not touch it in workers)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            # Forked now, before the thread that reads the input starts.
            pool.submit(int).result()
            try:
                for chunk in chunks:
                    if chunk is not None:
                        pending.append(pool.submit(answer, chunk))
                    while pending and (
                        chunk is None or pending[0].done() or len(pending) > 2 * workers
                    ):
                        write(pending.popleft().result())
            except CommandError:
                # The lines read before a bad one are answered before the error.
                while pending:
                    write(pending.popleft().result())
                raise
            while pending:
                write(pending.popleft().result())
    except BrokenProcessPool as error:
        raise CommandError(
            "a matching process stopped before answering (out of memory?): "
            "try again with --workers 1"
        ) from error
    finally:
        gc.unfreeze()


def _chunks(stream: BinaryIO) -> Iterator[list[str] | None]:
    """Decoded lines in groups of at most ``BATCH``: the next line and those already waiting;
    ``None`` before waiting for more input.

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
        if lines.empty():
            yield None
        batch: list[str] = []
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
            batch.append(text.rstrip("\r\n"))
            if len(batch) >= BATCH:
                break
            try:
                item = lines.get_nowait()
            except queue.Empty:
                break
        if batch:
            yield batch

"""``fabrique match occupations|skills --scheme rome|esco --top K``: the command line of the
text matcher, without Django.

    echo "Technicien de maintenance industrielle" | fabrique match occupations --top 3

One query per line on standard input, one JSON line per query on standard output, in the same
order: ``{"query": ..., "matches": [{"code", "label", "score", "evidence"}, ...]}``, best
first; ROME fiche codes or ESCO occupation URIs, ROME ``code_ogr`` of compétences and savoirs
or ESCO skill URIs. An empty line answers an empty list. A line that is not UTF-8 stops the
command (exit status 1) once the lines before it are answered. No database is needed: the
indexes come from the shipped référentiel files (built on first use, then kept on disk).

Lines that are already waiting are answered together, ``BATCH`` at a time, by as many
processes as there are CPUs to use (``--workers``; at most ``MAX_WORKERS`` unless asked), each
forked from this one once the index is loaded, so that they share it. Whenever no more input
is waiting, every line read so far is answered and flushed: the command can be driven line by
line.

``fabrique match prepare`` builds every index now (``make install`` runs it), so that the
first query is answered at once.

``fabrique/__main__.py`` sends ``fabrique match ...`` here before Django is imported, so that
the command starts in a fraction of a second; the Django management command ``match`` calls
the same :func:`run`.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import multiprocessing
import os
import queue
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import BinaryIO, Literal, TextIO

from fabrique.engine.arguments import whole_number
from fabrique.engine.matching import index

HELP = "Match free text (one query per line on stdin) to occupations or skills."
BATCH = 256
MAX_WORKERS = 4
_END = object()
# The matcher of this command, set before the workers are forked (they inherit it).
_matcher: index.Matcher | None = None


class MatchCommandError(Exception):
    """A refusal of the command: its one-line message and exit status."""

    def __init__(self, message: str, returncode: int = 1) -> None:
        super().__init__(message)
        self.returncode = returncode


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's arguments (shared with the Django command)."""
    parser.add_argument(
        "kind", choices=[*index.KINDS, "prepare"], help="what to match, or prepare every index"
    )
    parser.add_argument("--scheme", choices=index.SCHEMES, default="rome")
    parser.add_argument(
        "--top", type=whole_number(0), default=10, help="answers per query (default 10)"
    )
    parser.add_argument(
        "--workers",
        type=whole_number(1),
        default=None,
        help=f"processes answering (default: one per CPU, at most {MAX_WORKERS}; 1: this one)",
    )


def main(argv: Sequence[str], data_dir: Path, cache_dir: Path) -> int:
    """Run ``fabrique match`` with ``argv`` (the arguments after ``match``); the exit status."""
    command = argparse.ArgumentParser(prog="fabrique match", description=HELP)
    add_arguments(command)
    options = command.parse_args(list(argv))
    try:
        run(
            options.kind,
            options.scheme,
            top=options.top,
            workers=options.workers,
            data_dir=data_dir,
            cache_dir=cache_dir,
            stdin=sys.stdin.buffer,
            stdout=sys.stdout,
        )
    except MatchCommandError as error:
        sys.stdout.flush()
        sys.stderr.write(f"CommandError: {error}\n")
        return error.returncode
    except BrokenPipeError:
        # The reader went away (``| head``): nothing more to say, and nowhere to say it.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


def available_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # (not on every platform)
        return os.cpu_count() or 1


def run(
    kind: index.Kind | Literal["prepare"],
    scheme: index.Scheme,
    *,
    top: int,
    workers: int | None,
    data_dir: Path,
    cache_dir: Path | None,
    stdin: BinaryIO,
    stdout: TextIO,
) -> None:
    """Answer every line of ``stdin`` on ``stdout``; raises :class:`MatchCommandError` on a
    line that is not UTF-8."""
    global _matcher
    if kind == "prepare":
        prepare(data_dir, cache_dir, stdout)
        return
    # Loaded (or built) before any worker starts: forked workers share it.
    _matcher = index.load_or_build(kind, scheme, data_dir, cache_dir)
    count = min(available_cpus(), MAX_WORKERS) if workers is None else workers
    answer = functools.partial(_answer, top)
    write = functools.partial(_write, stdout)
    chunks = _chunks(stdin)
    # (Forking a process that runs other threads is unsafe: this one then answers alone.)
    if count <= 1 or threading.active_count() > 1:
        for chunk in chunks:
            if chunk is not None:
                write(answer(chunk))
    else:
        _in_processes(answer, chunks, count, write)


def prepare(data_dir: Path, cache_dir: Path | None, stdout: TextIO) -> None:
    """Build every index that is not on disk yet (or load it), saying how long each took."""
    for kind in index.KINDS:
        for scheme in index.SCHEMES:
            started = time.perf_counter()
            index.load_or_build(kind, scheme, data_dir, cache_dir)
            _write(stdout, f"{kind} ({scheme}): ready in {time.perf_counter() - started:.1f} s\n")


def _answer(top: int, queries: list[str]) -> str:
    """The JSON lines answering ``queries``, in order."""
    assert _matcher is not None
    asked = [query for query in queries if query.strip()]
    answers = iter(_matcher.match(asked, top) if asked else [])
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
    gc.freeze()  # (the loaded index stays shared: the collector leaves it alone in workers)
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
            except MatchCommandError:
                # The lines read before a bad one are answered before the error.
                while pending:
                    write(pending.popleft().result())
                raise
            while pending:
                write(pending.popleft().result())
    except BrokenProcessPool as error:
        raise MatchCommandError(
            "a matching process stopped before answering (out of memory?): "
            "try again with --workers 1"
        ) from error
    finally:
        gc.unfreeze()


def _chunks(stream: BinaryIO) -> Iterator[list[str] | None]:
    """Decoded lines in groups of at most ``BATCH``: the next line and those already waiting;
    ``None`` before waiting for more input. A line that is not UTF-8 raises
    :class:`MatchCommandError`, after the lines before it are given."""
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
                raise MatchCommandError(
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

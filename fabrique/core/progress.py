"""Progress reporting shared by imports, jobs and commands.

A progress callback takes ``(done, total, message)``. Commands print it as a bar on a
terminal; jobs store it so that pages can show it.
"""

from __future__ import annotations

import sys
import time
from typing import Protocol, TextIO


class ProgressCallback(Protocol):
    def __call__(self, done: int, total: int | None, message: str = "") -> None: ...


def no_progress(done: int, total: int | None, message: str = "") -> None:
    """A callback that ignores what it is told."""


class TerminalProgress:
    """A one-line progress bar on a terminal; plain lines when the output is not a TTY."""

    def __init__(self, stream: TextIO | None = None, *, width: int = 30, interval: float = 0.1):
        self.stream = stream or sys.stderr
        self.width = width
        self.interval = interval
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last = 0.0
        self._last_message = ""

    def __call__(self, done: int, total: int | None, message: str = "") -> None:
        now = time.monotonic()
        finished = total is not None and done >= total
        if self.tty:
            if not finished and now - self._last < self.interval:
                return
            self._last = now
            if total:
                filled = int(self.width * min(done, total) / total)
                bar = "█" * filled + "░" * (self.width - filled)
                line = f"\r{bar} {done:>9,}/{total:,} {message}"[:160]
            else:
                line = f"\r{done:>9,} {message}"[:160]
            self.stream.write(line.ljust(100))
            if finished:
                self.stream.write("\n")
            self.stream.flush()
        elif message != self._last_message or finished:
            self._last_message = message
            suffix = f" {done:,}/{total:,}" if total else ""
            self.stream.write(f"{message}{suffix}\n")
            self.stream.flush()

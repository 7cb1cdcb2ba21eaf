"""Real worker processes for the jobs tests.

A worker is another process (``fabrique worker --batch``, found next to this Python), so it
must reach the test database and only see committed rows: tests that start one use
``@pytest.mark.django_db(transaction=True)``. On PostgreSQL the worker connects to the test
database by name. On SQLite the test database must be a file, since an in-memory database
lives inside this process: the settings name a temporary file (or ``FABRIQUE_TEST_SQLITE``).
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
FABRIQUE = Path(sys.executable).with_name("fabrique")
WORKER_SETTINGS = "tests.jobs.worker_settings"
TIMEOUT = 60


def database_url() -> str:
    """A ``DATABASE_URL`` for the test database this process uses."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(params["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            pytest.fail("The SQLite test database is in memory: a worker process cannot see it.")
        return f"sqlite:///{Path(name).resolve()}"
    if connection.vendor == "postgresql":
        user = quote(params.get("USER") or "", safe="")
        password = quote(params.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = params.get("HOST") or "localhost"
        port = f":{params['PORT']}" if params.get("PORT") else ""
        return f"postgres://{credentials}{host}{port}/{quote(params['NAME'], safe='')}"
    pytest.skip(f"no worker test on {connection.vendor}")


def worker_environment() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": WORKER_SETTINGS,
        "FABRIQUE_MODE": "test",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "PYTHONWARNINGS": "ignore",
    }


class Workers:
    """Starts ``fabrique worker`` processes and makes sure none outlives the test."""

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen[str]] = []

    def start(self, *args: str, batch: bool = True) -> subprocess.Popen[str]:
        command = [str(FABRIQUE), "worker", "--no-startup-delay", "--interval", "0.1", *args]
        if batch:
            command.append("--batch")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=worker_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.processes.append(process)
        return process

    def finish(self, process: subprocess.Popen[str]) -> str:
        """Wait for a worker to exit; its output. Fails the test if it did not exit with 0."""
        out, err = process.communicate(timeout=TIMEOUT)
        assert process.returncode == 0, f"worker exited with {process.returncode}:\n{out}\n{err}"
        return out + err

    def run(self, *args: str) -> str:
        """Run one worker in batch mode until the queue is empty."""
        return self.finish(self.start(*args))

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
            process.communicate(timeout=TIMEOUT)


@pytest.fixture
def workers() -> Iterator[Workers]:
    pool = Workers()
    yield pool
    pool.stop_all()


def wait_until(predicate: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting")
        time.sleep(0.05)

"""Run the demo's web server (gunicorn) and one job worker, and watch them.

Both run as child processes with ``FABRIQUE_MODE=demo`` and the same ``DATABASE_URL`` as the
command. They are started in process groups of their own, so that a Ctrl-C in the terminal
reaches only the supervisor, which then stops each child once with SIGTERM (the worker
finishes a running job, gunicorn finishes its requests). If either child dies, the other
is stopped and ``serve`` reports which one died.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from django.conf import settings
from django.db import connections

WEB_WORKERS = 2
STOP_TIMEOUT = 40.0  # gunicorn's graceful timeout is 30 s
POLL_INTERVAL = 0.2


class PortBusy(OSError):
    pass


class ChildDied(RuntimeError):
    pass


def check_port(host: str, port: int) -> None:
    """Raise PortBusy if something already listens on host:port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortBusy(error.errno, f"{host}:{port} is already in use") from error
            raise


def is_listening(host: str, port: int) -> bool:
    target = "127.0.0.1" if host in {"0.0.0.0", ""} else "::1" if host == "::" else host
    try:
        with socket.create_connection((target, port), timeout=0.5):
            return True
    except OSError:
        return False


def database_url() -> str:
    """The DATABASE_URL of this process, spelt out for SQLite when it was the default."""
    if url := os.environ.get("DATABASE_URL"):
        return url
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    raise RuntimeError("Set DATABASE_URL so that the web server and the worker can find it.")


def child_environment() -> dict[str, str]:
    env = dict(os.environ)
    env["FABRIQUE_MODE"] = "demo"
    env["DATABASE_URL"] = database_url()
    env.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings")
    env["PYTHONUNBUFFERED"] = "1"
    return env


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None

    def start(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(self.argv, env=env, process_group=0)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def terminate(self) -> None:
        if self.running():
            assert self.process is not None
            self.process.send_signal(signal.SIGTERM)

    def wait(self, deadline: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _gunicorn_option(flag: str) -> bool:
    from gunicorn import config

    return any(flag in (setting.cli or ()) for setting in config.KNOWN_SETTINGS)


def children(host: str, port: int) -> list[Child]:
    python = sys.executable
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    web = [python, "-m", "gunicorn", "fabrique.wsgi:application", "--bind", bind]
    web += ["--workers", str(WEB_WORKERS), "--graceful-timeout", "30"]
    web += ["--access-logfile", "-", "--error-logfile", "-"]
    if _gunicorn_option("--no-control-socket"):  # no socket in ~/.gunicorn shared by demos
        web.append("--no-control-socket")
    return [Child("web server", web), Child("worker", [python, "-m", "fabrique", "worker"])]


def serve(host: str, port: int, *, on_ready: Callable[[], None] = lambda: None) -> None:
    """Run the web server and the worker until SIGINT/SIGTERM (returns) or a child dies
    (raises ChildDied after stopping the other)."""
    stop_requested: list[int] = []

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop_requested.append(signum)

    previous = {
        signum: signal.signal(signum, request_stop) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    connections.close_all()  # the children open their own
    # Static files are served from the apps in the demo; an empty STATIC_ROOT keeps
    # WhiteNoise from warning that it is missing.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    env = child_environment()
    procs = children(host, port)
    died: Child | None = None
    try:
        for child in procs:
            child.start(env)
        ready = False
        while not stop_requested:
            died = next((child for child in procs if not child.running()), None)
            if died is not None:
                break
            if not ready and is_listening(host, port):
                ready = True
                on_ready()
            time.sleep(POLL_INTERVAL)
    finally:
        for child in procs:
            child.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in procs:
            child.wait(deadline)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if died is not None and not stop_requested:
        assert died.process is not None
        raise ChildDied(
            f"The {died.name} stopped unexpectedly (exit code {died.process.returncode}); "
            "the demo was stopped."
        )

"""Serving the demo: the supervisor of the web server and the worker, then the real thing."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from fabrique.demo import serve

ROOT = Path(__file__).resolve().parents[2]


def sleeper(name: str) -> serve.Child:
    return serve.Child(name, [sys.executable, "-c", "import time; time.sleep(60)"])


@pytest.fixture(autouse=True)
def _static_root(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"


def test_when_a_child_dies_the_other_is_stopped_and_the_death_reported(monkeypatch):
    quitter = serve.Child("worker", [sys.executable, "-c", "import sys; sys.exit(3)"])
    survivor = sleeper("web server")
    monkeypatch.setattr(serve, "children", lambda host, port: [survivor, quitter])

    with pytest.raises(serve.ChildDied, match=r"The worker stopped unexpectedly \(exit code 3\)"):
        serve.serve("127.0.0.1", 1)

    assert survivor.process.returncode == -signal.SIGTERM


def test_sigterm_stops_every_child_and_returns(monkeypatch):
    children = [sleeper("web server"), sleeper("worker")]
    monkeypatch.setattr(serve, "children", lambda host, port: children)
    monkeypatch.setattr(serve, "is_listening", lambda host, port: True)
    previous = signal.getsignal(signal.SIGTERM)

    serve.serve("127.0.0.1", 1, on_ready=lambda: os.kill(os.getpid(), signal.SIGTERM))

    assert [child.process.returncode for child in children] == [-signal.SIGTERM] * 2
    assert signal.getsignal(signal.SIGTERM) is previous


def test_children_get_the_demo_mode_and_the_same_database(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////somewhere/demo.sqlite3")
    monkeypatch.setenv("FABRIQUE_MODE", "test")

    env = serve.child_environment()

    assert env["FABRIQUE_MODE"] == "demo"
    assert env["DATABASE_URL"] == "sqlite:////somewhere/demo.sqlite3"


def test_the_web_server_is_gunicorn_with_two_workers_on_the_address_given():
    web, worker = serve.children("127.0.0.1", 8123)

    assert web.argv[1:4] == ["-m", "gunicorn", "fabrique.wsgi:application"]
    assert "127.0.0.1:8123" in web.argv
    assert web.argv[web.argv.index("--workers") + 1] == "2"
    assert worker.argv[1:] == ["-m", "fabrique", "worker"]


# --- the real thing -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return 0, ""


def fabrique(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "fabrique", *args],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads child processes from /proc")
def test_fabrique_demo_serves_the_home_page_then_stops_cleanly_on_sigterm(
    tmp_path, matcher_indexes
):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "FABRIQUE_MODE", "DATABASE_URL"}
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "FABRIQUE_VAR_DIR": str(tmp_path / "var"),
    }
    # (The matcher's indexes as a demo run before this one left them: the worker has no
    # build to compete with the web server for the two cores.)
    matcher_indexes(tmp_path / "var", ("occupations", "rome"), ("skills", "rome"))
    log = tmp_path / "demo.log"
    demo = fabrique("demo", "--port", str(port), "--departements", "57,25,54", env=env, log=log)
    try:
        deadline = time.monotonic() + 240
        status, page = 0, ""
        while time.monotonic() < deadline and demo.poll() is None:
            status, page = get(f"http://127.0.0.1:{port}/")
            if status == 200:
                break
            time.sleep(0.5)
        children = children_of(demo.pid)
    finally:
        demo.send_signal(signal.SIGTERM)
        returncode = demo.wait(timeout=90)
    output = log.read_text()

    assert status == 200, output[-3000:]
    assert '<html lang="fr">' in page
    assert returncode == 0, output[-3000:]
    assert len(children) == 2
    assert not any(alive(pid) for pid in children)
    assert "Ready: http://127.0.0.1:" in output
    assert "apprenant@demo.fabrique.test" in output
    assert "Stopped." in output

    # A second run finds everything in place and builds nothing.
    again = fabrique("demo", "--no-serve", env=env, log=log)
    assert again.wait(timeout=120) == 0
    rerun = log.read_text()[len(output) :]
    assert "Loading" not in rerun
    assert "Building" not in rerun
    assert "Demo world (seed 2026, scale 1)" in rerun

    # --reset deletes the SQLite file and builds again.
    reset = fabrique(
        "demo", "--no-serve", "--reset", "--seed", "7", "--departements", "57,25,54",
        env=env, log=log,
    )  # fmt: skip
    assert reset.wait(timeout=240) == 0
    after_reset = log.read_text()[len(output) + len(rerun) :]
    assert "Deleted the SQLite database" in after_reset
    assert "Demo world (seed 7, scale 1)" in after_reset

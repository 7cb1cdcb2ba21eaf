"""The project's own rules, checked by the test suite too, so that ``make test`` fails on them:
the engine stays pure (import-linter) and the models have all their migrations."""

import os
import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import fabrique

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """A console script of the virtual environment running the tests."""
    return str(BIN / name) if (BIN / name).exists() else shutil.which(name) or name


def engine_contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = (c for c in config["contracts"] if c["source_modules"] == ["fabrique.engine"])
    return contract


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("lint-imports"), "--no-cache", "--no-logo"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_import_contracts_are_kept():
    result = lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_engine_contract_forbids_every_other_fabrique_module():
    modules = {f"fabrique.{module.name}" for module in pkgutil.iter_modules(fabrique.__path__)}

    forbidden = set(engine_contract()["forbidden_modules"])

    assert modules - {"fabrique.engine"} - forbidden == set()


def test_engine_contract_catches_an_import_of_django(tmp_path):
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copytree(
        ROOT / "fabrique", tmp_path / "fabrique", ignore=shutil.ignore_patterns("__pycache__")
    )
    (tmp_path / "fabrique" / "engine" / "leak.py").write_text("import django.db\n")

    result = lint_imports(tmp_path)

    assert result.returncode == 1
    assert "fabrique.engine.leak -> django (l.1)" in result.stdout


def test_models_and_migrations_agree(tmp_path):
    env = {
        **os.environ,
        "FABRIQUE_MODE": "test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }

    result = subprocess.run(
        [sys.executable, "-m", "fabrique", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, "Missing migrations:\n" + result.stdout + result.stderr
    assert "No changes detected" in result.stdout

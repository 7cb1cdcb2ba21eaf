"""``fabrique plan solve|check``: training plans from ``fabrique-plan/1`` scenario files.

    fabrique plan solve SCENARIO.json --output RESULT.json
    fabrique plan check SCENARIO.json RESULT.json

``solve`` writes an optimal ``fabrique-plan-result/1`` (to standard output without
``--output``). ``check`` prints every rule the result breaks, one per line, and exits 1 if
any, 0 if none. A malformed scenario or result exits 2 with a one-line message naming the
first offending record and key; nothing is written. No database is needed.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fabrique.engine.planner.result import read_result, result_to_json
from fabrique.engine.planner.scenario import Scenario, ScenarioError, read_scenario
from fabrique.engine.planner.solver import solve
from fabrique.engine.planner.validator import violations


class Command(BaseCommand):
    help = "Solve a planning scenario file, or check a result against its scenario."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        solve_parser = actions.add_parser("solve", help="compute an optimal plan")
        solve_parser.add_argument("scenario", type=Path)
        solve_parser.add_argument("--output", type=Path, help="result file (default: stdout)")
        check_parser = actions.add_parser("check", help="check a result against the rules")
        check_parser.add_argument("scenario", type=Path)
        check_parser.add_argument("result", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        scenario_path = options["scenario"]
        assert isinstance(scenario_path, Path)
        scenario = _read_scenario(scenario_path)
        if options["action"] == "solve":
            output = options.get("output")
            stats: dict[str, float] = {}
            text = result_to_json(solve(scenario, stats=stats))
            if int(str(options.get("verbosity", 1))) >= 2:
                figures = " ".join(f"{key}={value:g}" for key, value in stats.items())
                self.stderr.write(f"solver: {figures}")
            if isinstance(output, Path):
                _write_atomically(output, text)
            else:
                sys.stdout.write(text)
            return
        result_path = options["result"]
        assert isinstance(result_path, Path)
        try:
            result = read_result(_read_bytes(result_path))
        except ScenarioError as error:
            raise CommandError(f"{result_path}: {error}", returncode=2) from None
        problems = violations(scenario, result)
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} rule(s) broken", returncode=1)
        self.stdout.write("no rule broken")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"{path}: cannot be read ({error.strerror})", returncode=2) from None


def _read_scenario(path: Path) -> Scenario:
    try:
        return read_scenario(_read_bytes(path))
    except ScenarioError as error:
        message = " ".join(str(error).split())
        raise CommandError(f"{path}: {message}", returncode=2) from None


def _write_atomically(path: Path, text: str) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

"""``fabrique plan solve|check``: the command line of the planner, without Django.

    fabrique plan solve SCENARIO.json --output RESULT.json
    fabrique plan check SCENARIO.json RESULT.json

``solve`` writes an optimal ``fabrique-plan-result/1`` (to standard output without
``--output``; the file is replaced atomically, and only once the plan is complete). ``check``
prints every rule the result breaks, one per line, and exits 1 if any, 0 if none. A malformed
scenario or result exits 2 with a one-line message naming the first offending record and key;
nothing is written. No database is needed.

``fabrique/__main__.py`` sends ``fabrique plan ...`` here before Django is imported, so the
command starts in a fraction of a second; the Django management command ``plan`` calls the
same :func:`run`. numpy and OR-Tools are imported by ``solve`` only.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from fabrique.engine.planner.scenario import Scenario, ScenarioError, read_scenario

HELP = "Solve a planning scenario file, or check a result against its scenario."


class PlanCommandError(Exception):
    """A refusal of the command: its one-line message and exit status (1 or 2)."""

    def __init__(self, message: str, returncode: int) -> None:
        super().__init__(message)
        self.returncode = returncode


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``solve`` and ``check`` sub-commands (shared with the Django command)."""
    actions = parser.add_subparsers(dest="action", required=True)
    solve_parser = actions.add_parser("solve", help="compute an optimal plan")
    solve_parser.add_argument("scenario", type=Path)
    solve_parser.add_argument("--output", type=Path, help="result file (default: stdout)")
    check_parser = actions.add_parser("check", help="check a result against the rules")
    check_parser.add_argument("scenario", type=Path)
    check_parser.add_argument("result", type=Path)


def parser() -> argparse.ArgumentParser:
    command = argparse.ArgumentParser(prog="fabrique plan", description=HELP)
    command.add_argument(
        "-v",
        "--verbosity",
        type=int,
        choices=[0, 1, 2, 3],
        default=1,
        help="2 or more prints the solver's figures on standard error",
    )
    add_arguments(command)
    return command


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``fabrique plan`` with ``argv`` (the arguments after ``plan``); the exit status."""
    options = parser().parse_args(list(sys.argv[2:] if argv is None else argv))
    try:
        run(
            str(options.action),
            options.scenario,
            output=getattr(options, "output", None),
            result=getattr(options, "result", None),
            verbosity=int(options.verbosity),
            stdout=sys.stdout,
            stderr=sys.stderr,
        )
    except PlanCommandError as error:
        sys.stdout.flush()
        sys.stderr.write(f"CommandError: {error}\n")
        return error.returncode
    return 0


def run(
    action: str,
    scenario_path: Path,
    *,
    output: Path | None = None,
    result: Path | None = None,
    verbosity: int = 1,
    stdout: TextIO,
    stderr: TextIO,
) -> None:
    """``solve`` or ``check``; raises :class:`PlanCommandError` on a refusal."""
    scenario = _read_scenario(scenario_path)
    if action == "solve":
        from fabrique.engine.planner.result import result_to_json
        from fabrique.engine.planner.solver import solve

        stats: dict[str, float] = {}
        text = result_to_json(solve(scenario, stats=stats))
        if verbosity >= 2:
            figures = " ".join(
                f"{key}={int(value)}" if float(value).is_integer() else f"{key}={value:.3f}"
                for key, value in stats.items()
            )
            stderr.write(f"solver: {figures}\n")
            stderr.flush()
        if output is not None:
            _write_atomically(output, text)
        else:
            stdout.write(text)
        return
    if action != "check" or result is None:
        raise PlanCommandError(f"unknown action {action!r}", returncode=2)
    from fabrique.engine.planner.result import read_result
    from fabrique.engine.planner.validator import violations

    try:
        plan = read_result(_read_bytes(result))
    except ScenarioError as error:
        raise PlanCommandError(f"{result}: {error}", returncode=2) from None
    problems = violations(scenario, plan)
    for problem in problems:
        stdout.write(f"{problem}\n")
    if problems:
        raise PlanCommandError(f"{len(problems)} rule(s) broken", returncode=1)
    stdout.write("no rule broken\n")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise PlanCommandError(f"{path}: cannot be read ({error.strerror})", returncode=2) from None


def _read_scenario(path: Path) -> Scenario:
    try:
        return read_scenario(_read_bytes(path))
    except ScenarioError as error:
        message = " ".join(str(error).split())
        raise PlanCommandError(f"{path}: {message}", returncode=2) from None


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

"""Plan results (``fabrique-plan-result/1``): frozen records, writer and reader."""

from __future__ import annotations

import json
from dataclasses import dataclass

from fabrique.engine.planner.scenario import ScenarioError

FORMAT = "fabrique-plan-result/1"


class ResultError(ScenarioError):
    """A result document that does not follow ``fabrique-plan-result/1``."""


@dataclass(frozen=True, slots=True)
class Assignment:
    candidate: str
    session: str | None
    need: str


@dataclass(frozen=True, slots=True)
class Unfilled:
    need: str
    missing: int
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Result:
    scenario: str
    status: str
    filled: int
    demand: int
    total_cost_eur: float
    assignments: tuple[Assignment, ...]
    unfilled: tuple[Unfilled, ...]
    solve_seconds: float = 0.0


def result_to_json(result: Result) -> str:
    document = {
        "format": FORMAT,
        "scenario": result.scenario,
        "status": result.status,
        "filled": result.filled,
        "demand": result.demand,
        "total_cost_eur": round(result.total_cost_eur, 2),
        "assignments": [
            {"candidate": a.candidate, "session": a.session, "need": a.need}
            for a in result.assignments
        ],
        "unfilled": [
            {"need": u.need, "missing": u.missing, "reasons": list(u.reasons)}
            for u in result.unfilled
        ],
        "solve_seconds": round(result.solve_seconds, 3),
    }
    # The layout of the contract's example: one key per line, one record per line.
    lines = []
    for key, value in document.items():
        if isinstance(value, list):
            items = ",\n".join(f"    {_compact(item)}" for item in value)
            text = f"[\n{items}\n  ]" if value else "[]"
        else:
            text = _compact(value)
        lines.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def read_result(data: bytes | str) -> Result:
    """Parse a result document; only its shape is checked here (see ``validator``)."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise ResultError(f"result: not a JSON document: {error}") from None
    if not isinstance(document, dict):
        raise ResultError("result: the document must be a JSON object")
    if document.get("format") != FORMAT:
        raise ResultError(f'result: "format" must be "{FORMAT}"')
    try:
        assignments = tuple(
            Assignment(
                candidate=_str(item["candidate"]),
                session=None if item["session"] is None else _str(item["session"]),
                need=_str(item["need"]),
            )
            for item in _list(document["assignments"])
        )
        unfilled = tuple(
            Unfilled(
                need=_str(item["need"]),
                missing=_int(item["missing"]),
                reasons=tuple(_str(reason) for reason in _array(item["reasons"])),
            )
            for item in _list(document["unfilled"])
        )
        return Result(
            scenario=_str(document.get("scenario", "")),
            status=_str(document["status"]),
            filled=_int(document["filled"]),
            demand=_int(document["demand"]),
            total_cost_eur=_float(document["total_cost_eur"]),
            assignments=assignments,
            unfilled=unfilled,
            solve_seconds=_float(document.get("solve_seconds", 0.0)),
        )
    except KeyError as error:
        raise ResultError(f"result: key {error} is missing") from None
    except (TypeError, ValueError) as error:
        raise ResultError(f"result: {error}") from None


def _list(value: object) -> list[dict[str, object]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise TypeError("expected an array of objects")
    return value


def _array(value: object) -> list[object]:
    if not isinstance(value, list):
        raise TypeError("expected an array")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, found {json.dumps(value)}")
    return value


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, found {json.dumps(value)}")
    return value


def _float(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number, found {json.dumps(value)}")
    return float(value)

"""``fabrique plan solve|check``, run as the real command on files in a temporary directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FABRIQUE = Path(sys.executable).parent / "fabrique"

SCENARIO = {
    "format": "fabrique-plan/1",
    "name": "Moselle-Est 2027",
    "parameters": {"km_cost_eur": 0.30, "session_to_need_max_km": 60.0},
    "candidates": [
        {"id": "c-1", "lat": 49.187, "lon": 6.897, "max_travel_km": 40.0,
         "available_from": "2027-01-04", "skills": ["S-12", "S-40"], "occupations": ["O-7"]},
        {"id": "c-9", "lat": 49.1, "lon": 6.7, "max_travel_km": 10.0,
         "available_from": "2027-01-04", "occupations": ["O-2"]},
    ],
    "sessions": [
        {"id": "s-1", "lat": 49.120, "lon": 6.770, "start": "2027-02-01", "end": "2027-05-28",
         "capacity": 12, "cost_eur": 3800.0, "prerequisites": ["S-12"], "leads_to": ["O-2"]},
    ],
    "needs": [
        {"id": "n-1", "lat": 49.100, "lon": 6.700, "occupation": "O-2", "count": 3,
         "deadline": "2027-06-30"},
    ],
}  # fmt: skip


def fabrique(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FABRIQUE_MODE": "test"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [str(FABRIQUE), "plan", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture
def scenario_file(tmp_path) -> Path:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(SCENARIO), encoding="utf-8")
    return path


def test_plan_solve_writes_an_optimal_result(scenario_file, tmp_path):
    output = tmp_path / "result.json"

    run = fabrique("solve", scenario_file, "--output", output)

    assert run.returncode == 0, run.stderr
    result = json.loads(output.read_text(encoding="utf-8"))
    assert result["format"] == "fabrique-plan-result/1"
    assert result["scenario"] == "Moselle-Est 2027"
    assert (result["status"], result["filled"], result["demand"]) == ("optimal", 2, 3)
    assert sorted(result["assignments"], key=lambda a: a["candidate"]) == [
        {"candidate": "c-1", "session": "s-1", "need": "n-1"},
        {"candidate": "c-9", "session": None, "need": "n-1"},
    ]
    assert [(u["need"], u["missing"]) for u in result["unfilled"]] == [("n-1", 1)]
    assert result["unfilled"][0]["reasons"]
    assert 3800 < result["total_cost_eur"] < 3820


def test_plan_solve_without_output_prints_the_result(scenario_file):
    run = fabrique("solve", scenario_file)

    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["filled"] == 2


def test_plan_check_accepts_the_solvers_result(scenario_file, tmp_path):
    output = tmp_path / "result.json"
    fabrique("solve", scenario_file, "--output", output)

    run = fabrique("check", scenario_file, output)

    assert (run.returncode, run.stdout.strip(), run.stderr) == (0, "no rule broken", "")


def test_plan_check_prints_every_broken_rule(scenario_file, tmp_path):
    output = tmp_path / "result.json"
    fabrique("solve", scenario_file, "--output", output)
    result = json.loads(output.read_text(encoding="utf-8"))
    result["assignments"].append({"candidate": "c-1", "session": None, "need": "n-1"})
    result["total_cost_eur"] += 1
    output.write_text(json.dumps(result), encoding="utf-8")

    run = fabrique("check", scenario_file, output)

    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert any('placed directly in need "n-1" does not hold occupation O-2' in x for x in lines)
    assert 'candidate "c-1" is used 2 times (at most once)' in lines
    assert "filled is 2 but there are 3 assignments" in lines
    assert any(x.startswith("total_cost_eur is ") for x in lines)
    assert any(x.startswith('unfilled[0] (need "n-1"): ') for x in lines)
    assert "rule(s) broken" in run.stderr


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda doc: doc["sessions"][0].update(capacity=-2),
         'sessions[0] (id "s-1"): "capacity" must not be negative'),
        (lambda doc: doc["needs"][0].update(deadline="2027-02-30"),
         'needs[0] (id "n-1"): "deadline" is not a valid date'),
        (lambda doc: doc["candidates"].append(dict(doc["candidates"][0])),
         'candidates[2] (id "c-1"): "id" duplicates'),
        (lambda doc: doc.update(format="fabrique-plan/9"), 'document: "format" must be'),
        (lambda doc: doc["needs"][0].pop("count"), 'needs[0] (id "n-1"): "count" is missing'),
    ],
)  # fmt: skip
def test_plan_solve_refuses_a_malformed_scenario(tmp_path, change, expected):
    doc = json.loads(json.dumps(SCENARIO))
    change(doc)
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(doc), encoding="utf-8")
    output = tmp_path / "result.json"

    run = fabrique("solve", scenario, "--output", output)

    assert run.returncode == 2
    assert run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1
    assert expected in run.stderr
    assert not output.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenario.json"]


def test_plan_solve_refuses_what_is_not_json_and_leaves_the_output_alone(tmp_path):
    scenario = tmp_path / "scenario.json"
    scenario.write_text('{"format": "fabrique-plan/1",', encoding="utf-8")
    output = tmp_path / "result.json"
    output.write_text("previous", encoding="utf-8")

    run = fabrique("solve", scenario, "--output", output)

    assert run.returncode == 2
    assert "not a JSON document" in run.stderr
    assert output.read_text(encoding="utf-8") == "previous"


def test_plan_refuses_a_missing_file_or_a_malformed_result(scenario_file, tmp_path):
    missing = fabrique("solve", tmp_path / "nowhere.json")
    broken_result = tmp_path / "result.json"
    broken_result.write_text("[]", encoding="utf-8")
    malformed = fabrique("check", scenario_file, broken_result)

    assert (missing.returncode, malformed.returncode) == (2, 2)
    assert "cannot be read" in missing.stderr
    assert "result: the document must be a JSON object" in malformed.stderr


def test_plan_starts_without_django_and_python_m_behaves_the_same(scenario_file, tmp_path):
    output = tmp_path / "result.json"
    env = {**os.environ, "FABRIQUE_MODE": "test"}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "fabrique", "plan", "solve",
         str(scenario_file), "--output", str(output)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip

    assert run.returncode == 0, run.stderr
    imported = {line.split("|")[-1].strip() for line in run.stderr.splitlines() if "|" in line}
    assert "fabrique.engine.planner.solver" in imported
    assert not {name for name in imported if name.split(".")[0] == "django"}
    assert json.loads(output.read_text(encoding="utf-8"))["filled"] == 2
    refused = subprocess.run(
        [sys.executable, "-m", "fabrique", "plan", "solve", str(tmp_path / "nowhere.json")],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert refused.returncode == 2
    assert refused.stderr.strip().endswith(
        "nowhere.json: cannot be read (No such file or directory)"
    )


def test_the_django_command_wraps_the_same_function(scenario_file, tmp_path):
    from django.core.management import CommandError, call_command

    output = tmp_path / "result.json"
    call_command("plan", "solve", str(scenario_file), "--output", str(output))
    result = json.loads(output.read_text(encoding="utf-8"))
    assert result["filled"] == 2
    result["filled"] = 3
    output.write_text(json.dumps(result), encoding="utf-8")

    with pytest.raises(CommandError) as broken:
        call_command("plan", "check", str(scenario_file), str(output))
    with pytest.raises(CommandError) as malformed:
        call_command("plan", "check", str(scenario_file), str(tmp_path / "nowhere.json"))

    assert (broken.value.returncode, str(broken.value)) == (1, "1 rule(s) broken")
    assert malformed.value.returncode == 2

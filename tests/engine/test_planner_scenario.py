"""Reading ``fabrique-plan/1`` scenarios: a valid document, and each kind of refusal."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from fabrique.engine.planner.scenario import ScenarioError, distance_km, read_scenario


def document() -> dict[str, Any]:
    """The contract's example scenario, with one more record in each list."""
    return {
        "format": "fabrique-plan/1",
        "name": "Moselle-Est 2027",
        "parameters": {"km_cost_eur": 0.30, "session_to_need_max_km": 60.0},
        "candidates": [
            {
                "id": "c-1",
                "lat": 49.187,
                "lon": 6.897,
                "max_travel_km": 40.0,
                "available_from": "2027-01-04",
                "skills": ["S-12", "S-40"],
                "occupations": ["O-7"],
            },
            {
                "id": "c-2",
                "lat": 49.1,
                "lon": 6.7,
                "max_travel_km": 10,
                "available_from": "2027-01-04",
            },
        ],
        "sessions": [
            {
                "id": "s-1",
                "lat": 49.120,
                "lon": 6.770,
                "start": "2027-02-01",
                "end": "2027-05-28",
                "capacity": 12,
                "cost_eur": 3800.0,
                "prerequisites": ["S-12"],
                "leads_to": ["O-2"],
            },
            {
                "id": "s-2",
                "lat": 49.0,
                "lon": 6.0,
                "start": "2027-03-01",
                "end": "2027-04-30",
                "capacity": 3,
                "cost_eur": 1200,
                "leads_to": ["O-2", "O-3"],
            },
        ],
        "needs": [
            {
                "id": "n-1",
                "lat": 49.100,
                "lon": 6.700,
                "occupation": "O-2",
                "count": 5,
                "deadline": "2027-06-30",
            }
        ],
    }


def refusal(doc: dict[str, Any] | str | bytes) -> str:
    data = doc if isinstance(doc, str | bytes) else json.dumps(doc)
    with pytest.raises(ScenarioError) as caught:
        read_scenario(data)
    return str(caught.value)


def test_read_scenario_reads_the_contract_example():
    scenario = read_scenario(json.dumps(document()).encode())

    assert scenario.name == "Moselle-Est 2027"
    assert scenario.parameters.km_cost_eur == 0.30
    assert [c.id for c in scenario.candidates] == ["c-1", "c-2"]
    assert scenario.candidates[0].skills == frozenset({"S-12", "S-40"})
    assert scenario.candidates[1].skills == frozenset()
    assert scenario.candidates[1].occupations == frozenset()
    assert scenario.sessions[0].start == dt.date(2027, 2, 1)
    assert scenario.sessions[1].prerequisites == frozenset()
    assert scenario.sessions[1].cost_eur == 1200.0
    assert scenario.needs[0].count == 5
    assert scenario.demand == 5


def test_read_scenario_ignores_extra_keys():
    doc = document()
    doc["comment"] = "x"
    doc["candidates"][0]["note"] = {"anything": [1, 2]}

    assert read_scenario(json.dumps(doc)).candidates[0].id == "c-1"


def test_read_scenario_refuses_what_is_not_json():
    assert "not a JSON document" in refusal("{not json")
    assert "not a JSON document" in refusal(b"\xff\xfe\x00")
    assert "JSON object" in refusal("[1, 2]")


def test_read_scenario_refuses_a_wrong_format():
    doc = document()
    doc["format"] = "fabrique-plan/2"

    assert refusal(doc).startswith('document: "format" must be "fabrique-plan/1"')


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("parameters",), 'document: "parameters" is missing'),
        (("parameters", "km_cost_eur"), 'parameters: "km_cost_eur" is missing'),
        (("candidates",), 'document: "candidates" is missing'),
        (("candidates", 1, "available_from"), 'candidates[1] (id "c-2"): "available_from"'),
        (("sessions", 1, "leads_to"), 'sessions[1] (id "s-2"): "leads_to" is missing'),
        (("needs", 0, "deadline"), 'needs[0] (id "n-1"): "deadline" is missing'),
        (("needs", 0, "id"), 'needs[0]: "id" is missing'),
    ],
)
def test_read_scenario_refuses_a_missing_key(path, expected):
    doc = document()
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    del parent[path[-1]]

    assert refusal(doc).startswith(expected)


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (
            ("sessions", 0, "capacity"),
            "12",
            'sessions[0] (id "s-1"): "capacity" must be an integer',
        ),
        (("sessions", 0, "capacity"), 1.5, '"capacity" must be an integer'),
        (("sessions", 0, "capacity"), True, '"capacity" must be an integer'),
        (("candidates", 0, "lat"), "49.1", 'candidates[0] (id "c-1"): "lat" must be a number'),
        (("candidates", 0, "skills"), "S-12", '"skills" must be a JSON array'),
        (("candidates", 0, "skills"), [12], '"skills" must be an array of strings'),
        (("needs", 0, "occupation"), 2, 'needs[0] (id "n-1"): "occupation" must be a string'),
        (("needs", 0, "deadline"), 20270630, '"deadline" must be a date string'),
        (("candidates",), {"c-1": {}}, 'document: "candidates" must be a JSON array'),
        (("candidates", 0), "c-1", "candidates[0]: must be a JSON object"),
        (("parameters",), [], 'document: "parameters" must be a JSON object'),
        (("name",), 3, 'document: "name" must be a string'),
        (("needs", 0, "id"), "", 'needs[0]: "id" must not be empty'),
    ],
)
def test_read_scenario_refuses_a_wrong_type(path, value, expected):
    doc = document()
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value

    assert expected in refusal(doc)


@pytest.mark.parametrize("kind", ["candidates", "sessions", "needs"])
def test_read_scenario_refuses_a_duplicate_id(kind):
    doc = document()
    doc[kind].append(copy.deepcopy(doc[kind][0]))
    index = len(doc[kind]) - 1
    ident = doc[kind][0]["id"]

    assert refusal(doc) == f'{kind}[{index}] (id "{ident}"): "id" duplicates an earlier {kind} id'


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (
            ("sessions", 1, "capacity"),
            -1,
            'sessions[1] (id "s-2"): "capacity" must not be negative',
        ),
        (("needs", 0, "count"), -3, 'needs[0] (id "n-1"): "count" must not be negative'),
        (
            ("sessions", 0, "cost_eur"),
            -0.01,
            'sessions[0] (id "s-1"): "cost_eur" must not be negative',
        ),
        (
            ("candidates", 1, "max_travel_km"),
            -5,
            'candidates[1] (id "c-2"): "max_travel_km" must not be',
        ),
        (("parameters", "km_cost_eur"), -0.3, 'parameters: "km_cost_eur" must not be negative'),
        (
            ("parameters", "session_to_need_max_km"),
            -1,
            'parameters: "session_to_need_max_km" must not',
        ),
    ],
)
def test_read_scenario_refuses_a_negative_quantity(path, value, expected):
    doc = document()
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value

    assert refusal(doc).startswith(expected)


@pytest.mark.parametrize("value", ["2027-02-30", "2027-13-01", "27-01-01", "20270101", "soon"])
def test_read_scenario_refuses_a_bad_date(value):
    doc = document()
    doc["sessions"][1]["end"] = value

    message = refusal(doc)

    assert message.startswith('sessions[1] (id "s-2"): "end"')
    assert value in message


def test_read_scenario_refuses_a_session_ending_before_it_starts():
    doc = document()
    doc["sessions"][0]["end"] = "2027-01-31"

    assert refusal(doc).startswith('sessions[0] (id "s-1"): "end" (2027-01-31) is before')


@pytest.mark.parametrize(
    ("kind", "key", "value"),
    [
        ("candidates", "lat", 90.5),
        ("candidates", "lon", -180.1),
        ("sessions", "lat", -91),
        ("needs", "lon", 200),
    ],
)
def test_read_scenario_refuses_coordinates_out_of_range(kind, key, value):
    doc = document()
    doc[kind][0][key] = value

    assert refusal(doc).startswith(f'{kind}[0] (id "{doc[kind][0]["id"]}"): "{key}" must be')


def test_read_scenario_refuses_non_finite_numbers():
    text = json.dumps(document()).replace('"max_travel_km": 40.0', '"max_travel_km": NaN')

    assert refusal(text) == 'candidates[0] (id "c-1"): "max_travel_km" must be a finite number'


def test_read_scenario_names_the_first_offending_record():
    doc = document()
    doc["sessions"][1]["capacity"] = -1
    doc["needs"][0]["count"] = -1

    assert refusal(doc).startswith('sessions[1] (id "s-2")')


def test_distance_km_uses_the_contracts_sphere():
    # One degree of latitude on a sphere of radius 6371.0 km.
    assert distance_km(49.0, 6.0, 50.0, 6.0) == pytest.approx(111.19492664455873, rel=1e-12)
    assert distance_km(10.0, 20.0, 10.0, 20.0) == 0.0

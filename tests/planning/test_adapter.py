"""The planning adapter: the platform's data as a valid ``fabrique-plan/1`` document."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fabrique.engine.planner.scenario import read_scenario
from fabrique.planning import adapter
from tests import factories as f
from tests.factories_planning import planning_world

pytestmark = pytest.mark.django_db


def ids(records):
    return [record["id"] for record in records]


def test_snapshot_is_a_valid_document_of_the_territory():
    w = planning_world()

    document = adapter.snapshot(w.scenario)

    parsed = read_scenario(json.dumps(document))
    assert parsed.name == "Est 12 mois"
    assert ids(document["candidates"]) == [
        f"p-{w.alice.pk}",
        f"p-{w.bruno.pk}",
        f"p-{w.chloe.pk}",
    ]
    assert ids(document["sessions"]) == [f"s-{w.session.pk}"]
    assert ids(document["needs"]) == [f"n-{w.need.pk}"]
    assert document["parameters"] == {"km_cost_eur": 0.3, "session_to_need_max_km": 60}


def test_candidates_carry_place_radius_dates_skills_and_folded_occupations():
    w = planning_world()
    w.bruno.available_from = w.scenario.horizon_start + dt.timedelta(days=10)
    w.bruno.save()

    candidates = {c["id"]: c for c in adapter.snapshot(w.scenario)["candidates"]}

    alice, bruno, chloe = (candidates[f"p-{p.pk}"] for p in (w.alice, w.bruno, w.chloe))
    assert (alice["lat"], alice["lon"], alice["max_travel_km"]) == (49.188, 6.896, 30)
    assert alice["available_from"] == w.scenario.horizon_start.isoformat()
    assert bruno["available_from"] == (w.scenario.horizon_start + dt.timedelta(days=10)).isoformat()
    assert alice["skills"] == ["rome:900001"]
    # Chloé's current occupation is a déclinaison of H2903: folded into its fiche.
    assert chloe["occupations"] == ["rome:H2903"]
    assert chloe["skills"] == []


def test_sessions_carry_free_seats_price_prerequisites_and_target_occupations():
    w = planning_world()

    (session,) = adapter.snapshot(w.scenario)["sessions"]

    assert session["capacity"] == 2  # 3 seats, 1 taken
    assert session["cost_eur"] == 3000
    assert session["prerequisites"] == ["rome:900001"]
    assert session["leads_to"] == ["rome:H2903"]
    assert (session["start"], session["end"]) == (
        w.session.start.isoformat(),
        w.session.end.isoformat(),
    )


def test_full_cancelled_and_out_of_horizon_sessions_are_left_out():
    w = planning_world()
    f.SessionFactory(training=w.training, commune=w.forbach, full=True)
    f.SessionFactory(training=w.training, commune=w.forbach, cancelled=True)
    f.SessionFactory(
        training=w.training,
        commune=w.forbach,
        start=w.scenario.horizon_end + dt.timedelta(days=1),
        end=w.scenario.horizon_end + dt.timedelta(days=60),
    )

    assert ids(adapter.snapshot(w.scenario)["sessions"]) == [f"s-{w.session.pk}"]


def test_needs_of_projects_by_commune_count_and_place_on_the_commune_centre():
    w = planning_world()
    project = f.IndustrialProjectFactory(
        commune=w.saint_avold, territory=None, latitude=None, longitude=None
    )
    by_commune = f.HiringNeedFactory(
        project=project, occupation=w.fiche, count=2, needed_by=w.need.needed_by
    )
    outside = f.IndustrialProjectFactory(commune=w.nancy, territory=None)
    f.HiringNeedFactory(project=outside, occupation=w.fiche, needed_by=w.need.needed_by)

    needs = adapter.snapshot(w.scenario)["needs"]

    assert ids(needs) == [f"n-{w.need.pk}", f"n-{by_commune.pk}"]
    assert needs[1] == {
        "id": f"n-{by_commune.pk}",
        "lat": 49.104,
        "lon": 6.707,
        "occupation": "rome:H2903",
        "count": 2,
        "deadline": w.need.needed_by.isoformat(),
    }


def test_records_without_a_place_are_left_out_and_counted():
    w = planning_world()

    left_out = adapter.snapshot(w.scenario)["left_out"]

    assert left_out == {
        "people_without_commune": 1,  # Sans, followed by the territory's agency
        "people_without_place": 1,  # Ulysse, in a commune without coordinates
        "sessions_without_place": 1,
        "sessions_without_occupation": 1,
        "needs_without_place": 1,
    }


def test_what_if_changes_apply():
    w = planning_world()
    w.scenario.changes = [
        {"kind": "capacity", "session": w.session.pk, "capacity": 6},
        {"kind": "radius", "extra_km": 10},
        {"kind": "radius", "factor": 2},
        {"kind": "deadline", "need": w.later.pk, "deadline": w.need.needed_by.isoformat()},
        {
            "kind": "add_session",
            "training": w.training.pk,
            "commune": w.saint_avold.insee_code,
            "start": w.session.start.isoformat(),
            "end": w.session.end.isoformat(),
            "capacity": 4,
        },
        {
            "kind": "add_session",
            "training": w.training.pk,
            "lat": 49.0,
            "lon": 6.5,
            "start": w.session.start.isoformat(),
            "end": w.session.end.isoformat(),
            "capacity": 1,
        },
    ]

    document = adapter.snapshot(w.scenario)

    read_scenario(json.dumps(document))
    sessions = {s["id"]: s for s in document["sessions"]}
    assert sessions[f"s-{w.session.pk}"]["capacity"] == 5  # 6 seats, 1 taken
    assert (sessions["w-1"]["lat"], sessions["w-1"]["lon"], sessions["w-1"]["capacity"]) == (
        49.104,
        6.707,
        4,
    )
    assert sessions["w-1"]["leads_to"] == ["rome:H2903"]
    assert sessions["w-1"]["cost_eur"] == 3000
    assert (sessions["w-2"]["lat"], sessions["w-2"]["capacity"]) == (49.0, 1)
    assert {c["max_travel_km"] for c in document["candidates"]} == {80}  # (30 + 10) × 2
    # The far session of Nancy is now within reach of Forbach (70 km < 80 km).
    assert f"s-{w.far.pk}" in sessions
    needs = {n["id"]: n for n in document["needs"]}
    assert needs[f"n-{w.later.pk}"]["deadline"] == w.need.needed_by.isoformat()
    assert document["notes"] == []


def test_raising_the_capacity_of_a_full_session_brings_it_in():
    w = planning_world()
    full = f.SessionFactory(training=w.training, commune=w.forbach, full=True)
    w.scenario.changes = [{"kind": "capacity", "session": full.pk, "capacity": 4}]

    sessions = {s["id"]: s for s in adapter.snapshot(w.scenario)["sessions"]}

    assert sessions[f"s-{full.pk}"]["capacity"] == 3


def test_a_change_without_effect_is_noted():
    w = planning_world()
    w.scenario.changes = [{"kind": "capacity", "session": w.far.pk, "capacity": 20}]

    document = adapter.snapshot(w.scenario)

    assert f"s-{w.far.pk}" not in ids(document["sessions"])
    assert len(document["notes"]) == 1
    assert str(w.far.pk) in document["notes"][0]


def test_snapshot_is_deterministic_and_its_queries_do_not_grow_with_people():
    w = planning_world()
    first = adapter.snapshot(w.scenario)
    with CaptureQueriesContext(connection) as few:
        adapter.snapshot(w.scenario)
    for _ in range(10):
        someone = f.PersonFactory(commune=w.forbach, organisation=w.agency)
        f.PersonSkillFactory(person=someone, skill=w.safety)
        someone.past_occupations.set([w.fiche])
    with CaptureQueriesContext(connection) as many:
        second = adapter.snapshot(w.scenario)

    assert len(many) == len(few)
    assert json.dumps(adapter.snapshot(w.scenario)) == json.dumps(second)
    assert second["candidates"][: len(first["candidates"])] == first["candidates"]
    assert len(second["candidates"]) == len(first["candidates"]) + 10


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "teleport"}, "Change 1 (teleport): unknown kind"),
        ({"kind": "capacity", "session": 999999, "capacity": 3}, "no session number 999999"),
        ({"kind": "capacity", "session": 1, "capacity": -1}, "whole number from 0"),
        ({"kind": "radius"}, "kilometres to add, or the factor"),
        ({"kind": "radius", "factor": "x"}, "the factor must be a number"),
        ({"kind": "deadline", "need": 999999, "deadline": "2027-01-01"}, "no hiring need"),
        ({"kind": "deadline", "need": 1, "deadline": "1 janvier"}, "new deadline (YYYY-MM-DD)"),
        (
            {"kind": "add_session", "training": 999999, "start": "2027-02-01", "end": "2027-01-01"},
            "ends before it starts",
        ),
        ({"kind": "add_session", "training": 1, "commune": "00000"}, "no located commune"),
        ("capacity", "must be an object"),
    ],
)
def test_bad_changes_are_refused_with_a_message_naming_them(change, message):
    with pytest.raises(ValidationError) as error:
        adapter.validate_changes([change])

    assert any(message in text for text in error.value.messages), error.value.messages


def test_changes_are_normalised():
    w = planning_world()

    cleaned = adapter.validate_changes(
        [
            {"kind": "radius", "extra_km": "12.5"},
            {"kind": "capacity", "session": str(w.session.pk), "capacity": "8"},
            {"kind": "deadline", "need": w.need.pk, "deadline": dt.date(2030, 1, 31)},
        ]
    )

    assert cleaned == [
        {"kind": "radius", "extra_km": 12.5},
        {"kind": "capacity", "session": w.session.pk, "capacity": 8},
        {"kind": "deadline", "need": w.need.pk, "deadline": "2030-01-31"},
    ]

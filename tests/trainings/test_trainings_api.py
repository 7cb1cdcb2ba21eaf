# ruff: noqa: F811 (pytest fixtures imported from tests.trainings.catalogue_fixtures)
"""The catalogue API: searches with the catalogue's filters, details, visibility, and no
server error whatever the input (schemathesis)."""

import pytest

from fabrique.accounts.models import ApiToken
from tests.api.fuzzing import fuzz_operations
from tests.factories import (
    OccupationFactory,
    SessionFactory,
    TrainingAudienceFactory,
    TrainingFactory,
)
from tests.trainings.catalogue_fixtures import no_matcher, towns  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_matcher")]

API = "/api/v1/trainings"


def bearer(user) -> dict[str, str]:
    key = ApiToken.generate_key()
    token = ApiToken(user=user, name="test")
    token.set_key(key)
    token.save()
    return {"Authorization": f"Bearer {key}"}


def test_sessions_search_with_text_and_place(client, towns):
    near = SessionFactory(training__title="Soudage TIG")
    SessionFactory(training__title="Soudage MIG", latitude=47.2378, longitude=6.0241)
    SessionFactory(training__title="Électronique")

    response = client.get(f"{API}/sessions", {"q": "soudage", "place": "Forbach", "radius_km": 20})

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 1
    [item] = body["items"]
    assert item["id"] == near.pk
    assert item["training"]["title"] == "Soudage TIG"
    assert item["url"] == near.get_absolute_url()
    assert item["distance_km"] == pytest.approx(0.0, abs=0.1)
    assert item["seats_left"] == 10


def test_sessions_search_by_coordinates(client):
    SessionFactory(latitude=47.2378, longitude=6.0241)
    near = SessionFactory()

    body = client.get(f"{API}/sessions", {"latitude": 49.19, "longitude": 6.9}).json()

    assert [item["id"] for item in body["items"]] == [near.pk]


def test_trainings_search_by_occupation_and_audience(client):
    training = TrainingFactory()
    training.occupations.add(OccupationFactory(code="H2913"))
    TrainingAudienceFactory(training=training, audience="apprenticeship")
    TrainingFactory().occupations.add(OccupationFactory(code="H2914"))

    body = client.get(
        f"{API}/trainings", {"occupation": "H2913", "audience": "apprenticeship"}
    ).json()

    assert [item["id"] for item in body["items"]] == [training.pk]


def test_training_detail_has_its_facts_and_sessions(client):
    session = SessionFactory()
    training = session.training
    training.occupations.add(OccupationFactory(code="H2913", label="Soudeur"))
    TrainingAudienceFactory(training=training)

    body = client.get(f"{API}/trainings/{training.pk}").json()

    assert body["title"] == training.title
    assert body["audiences"] == ["job_seekers"]
    assert body["occupations"] == [
        {"code": "H2913", "label": "Soudeur", "url": "/referentiels/metiers/H2913/"}
    ]
    assert [s["id"] for s in body["sessions"]] == [session.pk]


def test_unpublished_training_answers_404_to_anonymous_and_200_to_members(client, make_member):
    session = SessionFactory(training__unpublished=True)
    member = make_member("viewer", organisation=session.training.organisation)

    assert client.get(f"{API}/trainings/{session.training.pk}").status_code == 404
    assert client.get(f"{API}/sessions/{session.pk}").status_code == 404
    assert client.get(f"{API}/sessions").json()["count"] == 0
    headers = bearer(member)
    assert client.get(f"{API}/sessions/{session.pk}", headers=headers).status_code == 200
    assert client.get(f"{API}/sessions", headers=headers).json()["count"] == 1


def test_odd_input_is_refused_not_a_server_error(client):
    assert client.get(f"{API}/sessions/{2**70}").status_code == 422
    assert client.get(f"{API}/sessions", {"q": "a\x00b"}).status_code == 422
    assert client.get(f"{API}/sessions", {"latitude": "nan", "longitude": 1}).status_code == 422
    assert client.get(f"{API}/sessions", {"modality": "teleport"}).status_code == 422


def test_trainings_api_never_answers_with_a_server_error(api_schema, towns, subtests):
    session = SessionFactory()
    known = {"pk": session.pk}

    fuzzed = fuzz_operations(api_schema, subtests, prefix=API, known=known, examples=30)

    assert fuzzed > 0

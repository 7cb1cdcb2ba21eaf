import pytest

from fabrique.accounts import actions
from fabrique.accounts.enums import Role
from fabrique.accounts.models import AuditEvent, Organisation
from tests.factories import CommuneFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def bearer(user):
    _token, key = actions.create_api_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_me_requires_a_token(client):
    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["detail"]


def test_me_with_token_lists_roles(client, make_member):
    org = OrganisationFactory(slug="iut-moselle-est")
    user = make_member(Role.TRAINER, organisation=org, email="t@example.org")

    response = client.get("/api/v1/me", **bearer(user))

    assert response.status_code == 200
    assert response.json()["memberships"] == [
        {"organisation": "iut-moselle-est", "organisation_name": org.name, "role": "trainer"}
    ]


def test_revoked_token_is_refused(client, make_member):
    user = make_member(Role.TRAINER)
    token, key = actions.create_api_token(user=user, name="t")
    actions.revoke_api_token(token=token, by=user)

    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")

    assert response.status_code == 401


def test_organisation_directory_is_paginated_and_searchable(client, db):
    OrganisationFactory(name="Plasturgie Est")
    OrganisationFactory(name="Lycée Condorcet")

    response = client.get("/api/v1/organisations", {"q": "plast"})

    body = response.json()
    assert body["count"] == 1
    assert body["items"][0]["name"] == "Plasturgie Est"


def test_unknown_organisation_is_404_json(client, db):
    response = client.get("/api/v1/organisations/nope")

    assert response.status_code == 404
    assert "nope" in response.json()["detail"]


def test_members_forbidden_outside_scope(client, make_member):
    org = OrganisationFactory()
    outsider = make_member(Role.TRAINER)

    response = client.get(f"/api/v1/organisations/{org.slug}/members", **bearer(outsider))

    assert response.status_code == 403


def test_create_organisation_as_coordinator(client, make_member):
    commune = CommuneFactory(insee_code="57227", name="Forbach")
    coordinator = make_member(Role.COORDINATOR)

    response = client.post(
        "/api/v1/organisations",
        {
            "name": "Fab Lab du Warndt",
            "slug": "fablab-warndt",
            "kind": "association",
            "commune": "57227",
        },
        content_type="application/json",
        **bearer(coordinator),
    )

    assert response.status_code == 201
    org = Organisation.objects.get(slug="fablab-warndt")
    assert org.commune == commune
    event = AuditEvent.objects.get(model="accounts.organisation", object_id=str(org.pk))
    assert (event.actor, event.source) == (coordinator, "api")


def test_create_organisation_forbidden_to_trainer(client, make_member):
    response = client.post(
        "/api/v1/organisations",
        {"name": "X", "slug": "x", "kind": "association"},
        content_type="application/json",
        **bearer(make_member(Role.TRAINER)),
    )

    assert response.status_code == 403
    assert not Organisation.objects.filter(slug="x").exists()


@pytest.mark.parametrize(
    "body",
    [
        {"name": "X", "slug": "x", "kind": "castle"},
        {"name": "X", "slug": "bad slug!", "kind": "association"},
        {"name": "X", "slug": "x", "kind": "association", "siret": "123"},
        {"slug": "x", "kind": "association"},
        # PostgreSQL cannot compare text with a NUL character: refused before any query.
        {"name": "X", "slug": "x", "kind": "association", "commune": "57\x00"},
    ],
)
def test_create_organisation_malformed_body_is_422(client, make_member, body):
    response = client.post(
        "/api/v1/organisations",
        body,
        content_type="application/json",
        **bearer(make_member(Role.COORDINATOR)),
    )

    assert response.status_code == 422
    assert response.json()["detail"]
    assert not Organisation.objects.filter(slug="x").exists()


def test_create_organisation_unknown_commune_is_422(client, make_member):
    response = client.post(
        "/api/v1/organisations",
        {"name": "X", "slug": "x", "kind": "association", "commune": "99999"},
        content_type="application/json",
        **bearer(make_member(Role.COORDINATOR)),
    )

    assert response.status_code == 422
    assert "99999" in response.json()["detail"]


def test_openapi_document_lists_the_endpoints(client, db):
    response = client.get("/api/v1/openapi.json")

    paths = response.json()["paths"]
    assert "/api/v1/me" in paths
    assert "/api/v1/organisations" in paths


@pytest.mark.parametrize("params", [{"offset": 10**30}, {"limit": 10**30}, {"limit": 0}])
def test_out_of_range_pagination_is_422(client, db, params):
    response = client.get("/api/v1/organisations", params)

    assert response.status_code == 422


def test_nul_character_in_search_is_422_not_a_crash(client, db):
    response = client.get("/api/v1/organisations", {"q": "a\x00b"})

    assert response.status_code == 422


def test_api_messages_follow_the_token_owner_language(client, make_member):
    user = make_member(Role.TRAINER, language="de")

    response = client.get("/api/v1/organisations/nope/members", **bearer(user))

    assert response.status_code == 404
    assert response.json()["detail"] == "Keine Organisation hat den Kurznamen „nope“."

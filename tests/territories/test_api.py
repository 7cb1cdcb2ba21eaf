import json

import pytest

from fabrique.accounts.enums import Role
from fabrique.accounts.models import ApiToken, AuditEvent
from fabrique.people.enums import PersonStatus
from fabrique.territories.models import IndustrialTerritory
from tests.factories import (
    CommuneFactory,
    EPCIFactory,
    IndustrialTerritoryFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/territories"


def bearer(user) -> dict[str, str]:
    token = ApiToken(user=user, name="tests")
    key = ApiToken.generate_key()
    token.set_key(key)
    token.save()
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def territory():
    forbach = EPCIFactory(siren="245700372", name="CA de Forbach Porte de France")
    CommuneFactory(
        insee_code="57227", name="Forbach", epci=forbach, population=20493, postal_codes="57600"
    )
    CommuneFactory(insee_code="57058", name="Behren-lès-Forbach", epci=forbach, population=6166)
    return IndustrialTerritoryFactory(code="moselle-est", name="Moselle-Est", epcis=[forbach])


@pytest.fixture
def coordinator(make_member, territory):
    user = make_member(Role.COORDINATOR)
    territory.coordinating_organisations.add(user.memberships.get().organisation)
    return user


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def patch(client, url, body, **headers):
    return client.patch(url, json.dumps(body), content_type="application/json", headers=headers)


def test_api_lists_territories_with_figures(client, territory):
    IndustrialTerritoryFactory(code="fensch", name="Vallée de la Fensch")

    answer = client.get(BASE, {"limit": 1}).json()

    assert answer["count"] == 2
    assert answer["items"] == [
        {
            "code": "moselle-est",
            "name": "Moselle-Est",
            "description": "",
            "epci_count": 1,
            "commune_count": 2,
            "population": 26659,
            "url": "/territoires/moselle-est/",
        }
    ]


def test_api_territory_detail_has_epci_and_figures(client, territory):
    answer = client.get(f"{BASE}/moselle-est").json()

    assert answer["epcis"] == [
        {
            "siren": "245700372",
            "name": "CA de Forbach Porte de France",
            "kind": "CC",
            "population": 20000,
            "obsolete": False,
        }
    ]
    assert answer["figures"]["population"] == 26659
    assert answer["figures"]["communes"] == 2
    assert answer["figures"]["people"] is None


def test_api_territory_detail_shows_people_to_its_coordinator(client, territory, coordinator):
    PersonFactory(commune=territory.epcis.get().communes.first(), status=PersonStatus.STUDENT)

    answer = client.get(f"{BASE}/moselle-est", headers=bearer(coordinator)).json()

    assert answer["figures"]["people"] == 1
    assert answer["figures"]["people_by_status"] == {"student": 1}


def test_api_unknown_territory_is_404_with_a_detail(client):
    response = client.get(f"{BASE}/nulle-part")

    assert response.status_code == 404
    assert response.json() == {"detail": "No industrial territory has the code “nulle-part”."}


def test_api_territory_code_with_odd_characters_is_422(client):
    response = client.get(f"{BASE}/%C3%A9t%C3%A9")

    assert response.status_code == 422


def test_api_lists_communes_of_a_territory(client, territory):
    answer = client.get(f"{BASE}/moselle-est/communes", {"q": "forbach", "limit": 10}).json()

    assert answer["count"] == 2
    assert [c["insee_code"] for c in answer["items"]] == ["57058", "57227"]
    assert answer["items"][1]["postal_codes"] == ["57600"]
    assert answer["items"][1]["epci"] == "245700372"


def test_api_communes_of_an_unknown_territory_is_404(client):
    response = client.get(f"{BASE}/nulle-part/communes")

    assert response.status_code == 404
    assert "nulle-part" in response.json()["detail"]


def test_api_searches_communes_and_epci(client, territory):
    communes = client.get(f"{BASE}/communes/search", {"q": "57600"}).json()
    epcis = client.get(f"{BASE}/epci/search", {"q": "forbach"}).json()
    commune = client.get(f"{BASE}/communes/57227").json()

    assert [c["name"] for c in communes["items"]] == ["Forbach"]
    assert [e["siren"] for e in epcis["items"]] == ["245700372"]
    assert commune["name"] == "Forbach"
    assert client.get(f"{BASE}/communes/search").status_code == 422
    assert client.get(f"{BASE}/communes/99999").status_code == 404


def test_api_pagination_refuses_out_of_range_values(client):
    assert client.get(BASE, {"offset": 10**12}).status_code == 422
    assert client.get(BASE, {"limit": 0}).status_code == 422


def test_api_create_territory_needs_authentication(client):
    response = post(client, BASE, {"code": "x", "name": "X", "epcis": ["245700372"]})

    assert response.status_code == 401


def test_api_create_territory_is_forbidden_to_non_coordinators(client, make_member, territory):
    response = post(
        client,
        BASE,
        {"code": "x", "name": "X", "epcis": ["245700372"]},
        **bearer(make_member(Role.VIEWER)),
    )

    assert response.status_code == 403
    assert response.json()["detail"] == "Only coordinators may define a territory."


def test_api_create_territory_by_a_coordinator(client, make_member, territory):
    user = make_member(Role.COORDINATOR)

    response = post(
        client,
        BASE,
        {"code": "forbach", "name": "Forbach", "description": "Bassin", "epcis": ["245700372"]},
        **bearer(user),
    )

    created = IndustrialTerritory.objects.get(code="forbach")
    assert response.status_code == 201
    assert response.json()["figures"]["communes"] == 2
    assert list(created.coordinating_organisations.all()) == [user.memberships.get().organisation]
    assert AuditEvent.objects.filter(
        model="territories.industrialterritory", action="create", actor=user, source="api"
    ).exists()


def test_api_create_territory_names_an_unknown_siren(client, coordinator, territory):
    response = post(
        client,
        BASE,
        {"code": "x", "name": "X", "epcis": ["245700372", "999999999"]},
        **bearer(coordinator),
    )

    assert response.status_code == 422
    assert response.json()["detail"] == "Unknown EPCI SIREN: 999999999."


@pytest.mark.parametrize(
    "body",
    [
        {"name": "X", "epcis": ["245700372"]},
        {"code": "x", "name": "X", "epcis": []},
        {"code": "pas un code", "name": "X", "epcis": ["245700372"]},
        {"code": "x", "name": "X", "epcis": ["24570037"]},
        {"code": "x", "name": "X\x00", "epcis": ["245700372"]},
        {"code": "x", "name": "X", "epcis": "245700372"},
    ],
)
def test_api_create_territory_refuses_malformed_bodies(client, coordinator, body):
    response = post(client, BASE, body, **bearer(coordinator))

    assert response.status_code == 422
    assert response.json()["detail"] == "The request is not valid."
    assert not IndustrialTerritory.objects.filter(code="x").exists()


def test_api_create_territory_refuses_a_taken_or_reserved_code(client, coordinator, territory):
    taken = post(
        client,
        BASE,
        {"code": "moselle-est", "name": "X", "epcis": ["245700372"]},
        **bearer(coordinator),
    )
    reserved = post(
        client,
        BASE,
        {"code": "communes", "name": "X", "epcis": ["245700372"]},
        **bearer(coordinator),
    )

    assert taken.status_code == 422
    assert taken.json()["errors"][0]["loc"] == ["body", "code"]
    assert reserved.status_code == 422
    assert "reserved" in reserved.json()["detail"]


def test_api_create_territory_refuses_unparsable_json(client, coordinator):
    response = client.post(BASE, "{", content_type="application/json", headers=bearer(coordinator))

    assert response.status_code == 400


def test_api_patch_territory_by_its_coordinator(client, coordinator, territory):
    other = EPCIFactory(siren="200067502")
    CommuneFactory(insee_code="57606", epci=other, population=15000)

    response = patch(
        client,
        f"{BASE}/moselle-est",
        {"name": "Moselle-Est industrielle", "epcis": ["245700372", "200067502"]},
        **bearer(coordinator),
    )

    territory.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["figures"]["communes"] == 3
    assert territory.name == "Moselle-Est industrielle"
    assert territory.description == ""


def test_api_patch_territory_is_forbidden_to_other_coordinators(client, make_member, territory):
    response = patch(
        client, f"{BASE}/moselle-est", {"name": "Taken"}, **bearer(make_member(Role.COORDINATOR))
    )

    assert response.status_code == 403
    territory.refresh_from_db()
    assert territory.name == "Moselle-Est"


def test_api_patch_unknown_territory_is_404(client, coordinator):
    response = patch(client, f"{BASE}/nulle-part", {"name": "X"}, **bearer(coordinator))

    assert response.status_code == 404


def test_api_patch_refuses_unknown_organisations_and_an_empty_name(client, coordinator, territory):
    unknown = patch(
        client, f"{BASE}/moselle-est", {"coordinators": ["nobody"]}, **bearer(coordinator)
    )
    empty = patch(client, f"{BASE}/moselle-est", {"name": ""}, **bearer(coordinator))

    assert unknown.status_code == 422
    assert unknown.json()["detail"] == "Unknown organisations: nobody."
    assert empty.status_code == 422


def test_api_patch_by_session_keeps_the_coordinator_among_coordinators(
    client, coordinator, territory
):
    other = OrganisationFactory()
    client.force_login(coordinator)

    response = patch(client, f"{BASE}/moselle-est", {"coordinators": [other.slug]})

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "coordinators"]

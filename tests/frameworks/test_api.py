import json

import pytest

from fabrique.accounts.models import ApiToken
from fabrique.frameworks.documents import document_of
from fabrique.frameworks.models import CompetencyFramework

pytestmark = pytest.mark.django_db

BASE = "/api/v1/frameworks"


def bearer(user) -> dict[str, str]:
    token = ApiToken(user=user, name="tests")
    key = ApiToken.generate_key()
    token.set_key(key)
    token.save()
    return {"Authorization": f"Bearer {key}"}


def post(client, path, body, user):
    return client.post(
        BASE + path, json.dumps(body), content_type="application/json", headers=bearer(user)
    )


def test_api_needs_authentication(client, published):
    response = client.get(BASE)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required: send a valid API token."}


def test_api_lists_published_frameworks_and_drafts_for_their_editors(
    client, coordinator, reader, draft
):
    for_reader = client.get(BASE, headers=bearer(reader)).json()
    for_editor = client.get(BASE, headers=bearer(coordinator)).json()

    assert for_reader["count"] == 1
    item = for_reader["items"][0]
    assert item["slug"] == "pilotage-animation"
    assert item["owner"] == {"slug": "learning-factory", "name": "Learning Factory de l'Université"}
    assert (item["current_version"], item["draft_version"]) == (1, None)
    assert item["url"] == "/cadres-de-competences/pilotage-animation/"
    assert for_editor["items"][0]["draft_version"] == 2


def test_api_framework_detail_lists_the_versions_one_may_read(client, coordinator, reader, draft):
    for_reader = client.get(f"{BASE}/pilotage-animation", headers=bearer(reader)).json()
    for_editor = client.get(f"{BASE}/pilotage-animation", headers=bearer(coordinator)).json()

    assert [(v["number"], v["status"]) for v in for_reader["versions"]] == [(1, "published")]
    assert [(v["number"], v["status"]) for v in for_editor["versions"]] == [
        (2, "draft"),
        (1, "published"),
    ]


def test_api_version_gives_the_tree(client, reader, published):
    answer = client.get(f"{BASE}/pilotage-animation/versions/1", headers=bearer(reader)).json()

    assert (answer["number"], answer["status"]) == (1, "published")
    competence = answer["blocs"][0]["competences"][0]
    assert competence["code"] == "B1.C1"
    assert competence["skills"][1] == {
        "scheme": "rome",
        "code": "124907",
        "label": "Outils de fabrication numérique",
        "suggested": False,
    }
    assert [level["rank"] for level in competence["levels"]] == [1, 2, 3]


def test_api_hides_drafts_from_non_editors_with_404(client, reader, draft):
    response = client.get(f"{BASE}/pilotage-animation/versions/2", headers=bearer(reader))

    assert response.status_code == 404
    assert response.json() == {"detail": "This competency framework has no version 2."}


def test_api_export_is_the_json_download(client, reader, published):
    answer = client.get(
        f"{BASE}/pilotage-animation/versions/1/export", headers=bearer(reader)
    ).json()

    assert answer["format"] == "fabrique-framework/1"
    assert answer["blocs"][1]["code"] == "B2"


def test_api_creates_a_framework_for_its_coordinators(client, coordinator, learning_factory):
    response = post(
        client, "", {"owner": "learning-factory", "title": "Animer un fab lab"}, coordinator
    )

    assert response.status_code == 201
    assert response.json()["slug"] == "animer-un-fab-lab"
    assert [v["status"] for v in response.json()["versions"]] == ["draft"]


def test_api_create_refusals_are_clear(client, coordinator, reader, learning_factory):
    forbidden = post(client, "", {"owner": "learning-factory", "title": "X"}, reader)
    unknown = post(client, "", {"owner": "inconnue", "title": "X"}, coordinator)
    invalid = post(client, "", {"owner": "learning-factory", "title": "X\x00"}, coordinator)
    post(client, "", {"owner": "learning-factory", "title": "X", "slug": "x"}, coordinator)
    taken = post(client, "", {"owner": "learning-factory", "title": "Y", "slug": "x"}, coordinator)

    assert forbidden.status_code == 403
    assert unknown.status_code == 422
    assert unknown.json()["detail"] == "No organisation has the short name “inconnue”."
    assert invalid.status_code == 422
    assert taken.status_code == 422
    assert taken.json()["errors"] == [{"loc": ["body", "slug"], "msg": "This short name is taken."}]


def test_api_import_round_trip(
    client, coordinator, reader, published, consortium, consortium_coordinator
):
    document = client.get(
        f"{BASE}/pilotage-animation/versions/1/export", headers=bearer(reader)
    ).json()

    response = post(
        client, "/import", {"owner": consortium.slug, "document": document}, consortium_coordinator
    )

    assert response.status_code == 201
    imported = CompetencyFramework.objects.get(slug=response.json()["framework"])
    assert document_of(imported.versions.get()).blocs == document_of(published).blocs


def test_api_import_as_a_new_version_then_publish(client, coordinator, published):
    document = client.get(
        f"{BASE}/pilotage-animation/versions/1/export", headers=bearer(coordinator)
    ).json()
    document["blocs"][0]["title"] = "Animer un fab lab"

    created = post(client, "/pilotage-animation/versions", document, coordinator)
    conflict = post(client, "/pilotage-animation/versions", document, coordinator)
    published_now = post(
        client, "/pilotage-animation/versions/2/publish", {"change_note": "Titre"}, coordinator
    )

    assert created.status_code == 201
    assert (created.json()["number"], created.json()["status"]) == (2, "draft")
    assert conflict.status_code == 409
    assert published_now.status_code == 200
    assert published_now.json()["blocs"][0]["title"] == "Animer un fab lab"
    assert list(
        published.framework.versions.order_by("number").values_list("status", flat=True)
    ) == ["retired", "published"]


def test_api_import_names_every_problem_by_path(client, coordinator, published):
    document = client.get(
        f"{BASE}/pilotage-animation/versions/1/export", headers=bearer(coordinator)
    ).json()
    document["blocs"][1]["code"] = "B1"
    document["blocs"][0]["competences"][0]["skills"].append({"scheme": "rome", "code": "999"})

    response = post(client, "/pilotage-animation/versions", document, coordinator)

    assert response.status_code == 422
    assert [(e["loc"], e["msg"]) for e in response.json()["errors"]] == [
        (
            ["body", "blocs", 1, "code"],
            "the bloc code “B1” is already used at blocs[0].code.",
        )
    ]
    document["blocs"][1]["code"] = "B2"
    unknown = post(client, "/pilotage-animation/versions", document, coordinator)
    assert [(e["loc"], e["msg"]) for e in unknown.json()["errors"]] == [
        (
            ["body", "blocs", 0, "competences", 0, "skills", 2, "code"],
            "no ROME 4.0 skill has the code “999”.",
        )
    ]
    assert published.framework.versions.count() == 1


def test_api_import_refuses_unknown_fields_and_other_formats(client, coordinator, published):
    document = client.get(
        f"{BASE}/pilotage-animation/versions/1/export", headers=bearer(coordinator)
    ).json()

    extra = post(client, "/pilotage-animation/versions", {**document, "extra": 1}, coordinator)
    other = post(
        client,
        "/pilotage-animation/versions",
        {**document, "format": "fabrique-framework/2"},
        coordinator,
    )

    assert (extra.status_code, other.status_code) == (422, 422)


def test_api_writes_are_refused_to_non_editors(client, reader, published):
    document = client.get(
        f"{BASE}/pilotage-animation/versions/1/export", headers=bearer(reader)
    ).json()

    imported = post(client, "/pilotage-animation/versions", document, reader)
    retired = post(client, "/pilotage-animation/versions/1/retire", {}, reader)

    assert (imported.status_code, retired.status_code) == (403, 403)


def test_api_retire_and_wrong_transitions(client, coordinator, published):
    again = post(
        client, "/pilotage-animation/versions/1/publish", {"change_note": "x"}, coordinator
    )
    retired = post(client, "/pilotage-animation/versions/1/retire", {"note": "fin"}, coordinator)

    assert again.status_code == 422
    assert again.json()["detail"] == "A published version cannot become published."
    assert (retired.status_code, retired.json()["status"]) == (200, "retired")

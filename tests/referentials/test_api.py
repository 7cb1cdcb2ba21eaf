"""API of the référentiels: search, details by code, analysis of a text, skill gap."""

import json

import pytest

from fabrique.accounts.enums import Role
from fabrique.accounts.models import ApiToken
from fabrique.referentials import matching
from tests.factories import (
    CertificationBlocFactory,
    CertificationFactory,
    OccupationFactory,
    OccupationLabelFactory,
    OccupationSkillFactory,
    OrganisationFactory,
    PersonFactory,
    PersonSkillFactory,
    SkillFactory,
    SkillLabelFactory,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/referentials"


def bearer(user) -> dict[str, str]:
    token = ApiToken(user=user, name="tests")
    key = ApiToken.generate_key()
    token.set_key(key)
    token.save()
    return {"Authorization": f"Bearer {key}"}


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def no_matcher(monkeypatch):
    monkeypatch.setattr(matching, "occupations", lambda texts, **options: [[] for _t in texts])
    monkeypatch.setattr(matching, "ready", lambda kind, scheme: True)
    monkeypatch.setattr(matching, "skills", lambda texts, **options: [[] for _t in texts])


@pytest.fixture
def welder():
    occupation = OccupationFactory(code="H2913", label="Soudeur / Soudeuse")
    OccupationLabelFactory(occupation=occupation, appellation=True, text="Soudeur TIG")
    for code, label, essential in [
        ("100007", "Techniques de soudage", True),
        ("1", "Meuler", False),
    ]:
        OccupationSkillFactory(
            occupation=occupation, skill=SkillFactory(code=code, label=label), essential=essential
        )
    certification = CertificationFactory(
        code="RNCP211", title="Titre professionnel soudeur", occupations=[occupation]
    )
    CertificationBlocFactory(certification=certification, code="RNCP211BC01", label="Souder")
    return occupation


@pytest.fixture
def esco_welder():
    occupation = OccupationFactory(esco=True, label="soudeur/soudeuse", label_en="welder")
    OccupationLabelFactory(occupation=occupation, english=True, text="welding operator")
    skill = SkillFactory(esco=True, label="assembler des métaux", label_en="join metals")
    SkillLabelFactory(skill=skill, english=True, text="welding")
    OccupationSkillFactory(occupation=occupation, skill=skill)
    return occupation


def test_api_searches_occupations_by_label_accents_ignored(client, welder, esco_welder, no_matcher):
    answer = client.get(f"{BASE}/occupations", {"q": "SOUDEUR", "scheme": "rome"}).json()

    assert answer["count"] == 1
    (hit,) = answer["items"]
    assert hit["code"] == "H2913"
    assert hit["url"] == "/referentiels/metiers/H2913/"
    assert hit["approximate"] is False


def test_api_search_is_paginated_and_bounded(client, welder, esco_welder, no_matcher):
    first = client.get(f"{BASE}/occupations", {"q": "soudeur", "limit": 1}).json()
    too_many = client.get(f"{BASE}/occupations", {"q": "soudeur", "limit": 100_000})

    assert first["count"] == 2
    assert len(first["items"]) == 1
    assert too_many.status_code == 422


def test_api_search_flags_approximate_results(client, welder, no_matcher):
    answer = client.get(f"{BASE}/occupations", {"q": "soudeurr"}).json()

    assert [(hit["code"], hit["approximate"]) for hit in answer["items"]] == [("H2913", True)]


def test_api_searches_skills_and_certifications(client, welder, esco_welder, no_matcher):
    skills = client.get(f"{BASE}/skills", {"q": "welding"}).json()
    certifications = client.get(f"{BASE}/certifications", {"q": "rncp211"}).json()

    assert [hit["label_en"] for hit in skills["items"]] == ["join metals"]
    assert skills["items"][0]["matched_label"] == "welding"
    assert [hit["code"] for hit in certifications["items"]] == ["RNCP211"]


def test_api_search_requires_a_query(client):
    response = client.get(f"{BASE}/occupations")

    assert response.status_code == 422


def test_api_gives_an_occupation_by_rome_code(client, welder):
    answer = client.get(f"{BASE}/occupations/H2913").json()

    assert answer["label"] == "Soudeur / Soudeuse"
    assert [label["text"] for label in answer["labels"]] == ["Soudeur TIG"]
    assert [(link["skill"]["code"], link["essential"]) for link in answer["skills"]] == [
        ("100007", True),
        ("1", False),
    ]
    assert [c["code"] for c in answer["certifications"]] == ["RNCP211"]


@pytest.mark.parametrize("form", ["uri", "uuid", "encoded"])
def test_api_gives_an_esco_occupation_by_uri_or_uuid(client, esco_welder, form):
    uri = esco_welder.code
    code = {
        "uri": uri,
        "uuid": uri.rsplit("/", 1)[-1],
        "encoded": uri.replace(":", "%3A").replace("/", "%2F"),
    }[form]

    answer = client.get(f"{BASE}/occupations/{code}").json()

    assert answer["code"] == uri
    assert answer["label_en"] == "welder"
    assert answer["skills"][0]["skill"]["label_en"] == "join metals"


def test_api_gives_a_skill_with_the_occupations_that_need_it(client, esco_welder):
    skill = esco_welder.skill_links.get().skill

    answer = client.get(f"{BASE}/skills/{skill.code}").json()

    assert answer["label_en"] == "join metals"
    assert [label["text"] for label in answer["labels"]] == ["welding"]
    assert [(o["essential"], o["occupation"]["label_en"]) for o in answer["occupations"]] == [
        (True, "welder")
    ]


def test_api_gives_a_certification_with_its_blocs(client, welder):
    answer = client.get(f"{BASE}/certifications/RNCP211").json()

    assert answer["blocs"] == [{"code": "RNCP211BC01", "label": "Souder"}]
    assert [o["code"] for o in answer["occupations"]] == ["H2913"]


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("occupations/Z9999", "No occupation has the code “Z9999”."),
        ("skills/nope", "No skill has the code “nope”."),
        ("certifications/RNCP0", "No certification has the code “RNCP0”."),
    ],
)
def test_api_answers_404_with_a_clear_detail(client, path, detail):
    client.cookies["django_language"] = "en"

    response = client.get(f"{BASE}/{path}")

    assert response.status_code == 404
    assert response.json() == {"detail": detail}


def test_api_analyse_needs_authentication(client):
    response = post(client, f"{BASE}/analyse", {"text": "soudeur"})

    assert response.status_code == 401


def test_api_analyse_returns_occupations_and_skills_with_evidence(client, make_member):
    # Real ROME codes: the matcher reads the shipped files.
    OccupationFactory(code="H2913", label="Soudeur / Soudeuse")
    SkillFactory(code="481442", label="Préparation des surfaces à souder")
    headers = bearer(make_member(Role.TRAINER))

    response = post(
        client,
        f"{BASE}/analyse",
        {"text": "Soudeur\nPréparer les surfaces à souder", "schemes": ["rome"]},
        **headers,
    )
    answer = response.json()

    assert response.status_code == 200
    assert "H2913" in [found["code"] for found in answer["occupations"]]
    (skill,) = [found for found in answer["skills"] if found["code"] == "481442"]
    assert skill["evidence"] == ["Préparation des surfaces à souder"]
    assert skill["excerpts"] == ["Préparer les surfaces à souder"]
    assert 0 < skill["score"] <= 1
    assert answer["passages"] == 2


def test_api_analyse_refuses_a_text_over_100_kb(client, make_member):
    headers = bearer(make_member(Role.TRAINER))

    response = post(client, f"{BASE}/analyse", {"text": "é" * 60_000}, **headers)

    assert response.status_code == 422


def test_api_gap_compares_a_visible_person_with_an_occupation(client, make_member, welder):
    agency = OrganisationFactory(employment_service=True)
    person = PersonFactory(organisation=agency)
    PersonSkillFactory(person=person, skill=welder.skill_links.get(essential=True).skill)
    headers = bearer(make_member(Role.VIEWER, organisation=agency))

    answer = client.get(
        f"{BASE}/gap", {"person": person.pk, "occupation": "H2913"}, headers=headers
    ).json()

    assert answer["essential_coverage"] == 1.0
    assert answer["coverage"] == pytest.approx(2 / 3, abs=1e-4)
    assert [s["code"] for s in answer["covered_essential"]] == ["100007"]
    assert [s["code"] for s in answer["missing_optional"]] == ["1"]
    assert answer["reference_occupation"]["code"] == "H2913"


def test_api_gap_hides_people_one_may_not_see(client, make_member, welder):
    outsider = PersonFactory()
    headers = bearer(make_member(Role.VIEWER))

    response = client.get(
        f"{BASE}/gap", {"person": outsider.pk, "occupation": "H2913"}, headers=headers
    )

    assert response.status_code == 404

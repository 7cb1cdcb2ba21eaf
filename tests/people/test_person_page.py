"""The person page and the personal data download: past occupations, skill sources and the
external identifier."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from fabrique.accounts.enums import Role
from fabrique.people.enums import SkillSource
from fabrique.people.models import PersonSkill
from tests.factories import OccupationFactory, OrganisationFactory, PersonFactory, SkillFactory
from tests.territories.html import text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def followed():
    agency = OrganisationFactory(employment_service=True)
    person = PersonFactory(organisation=agency, external_id="FT-0042")
    person.past_occupations.add(
        OccupationFactory(code="H2913", label="Soudage manuel"),
        OccupationFactory(code="I1304", label="Maintenance industrielle"),
    )
    PersonSkill.objects.create(
        person=person,
        skill=SkillFactory(label="Lire un plan"),
        source=SkillSource.CERTIFICATION,
    )
    PersonSkill.objects.create(
        person=person, skill=SkillFactory(label="Régler une machine"), source=SkillSource.TRAINING
    )
    return person


def test_person_page_shows_past_occupations_and_skill_sources(client, make_member, followed):
    client.force_login(make_member(Role.TRAINER, organisation=followed.organisation))

    page = text(client.get(reverse("people:detail", args=[followed.pk])).content.decode())

    assert "Past occupations H2913 Soudage manuel · I1304 Maintenance industrielle" in page
    assert "Lire un plan source: from a certification" in page
    assert "Régler une machine source: earned by a completed training" in page
    assert "External identifier FT-0042" in page


def test_person_page_without_past_occupations_says_so(client, make_member):
    person = PersonFactory()
    client.force_login(make_member(Role.TRAINER, organisation=person.organisation))

    page = text(client.get(reverse("people:detail", args=[person.pk])).content.decode())

    assert "Past occupations —" in page
    assert "External identifier" not in page


def test_viewer_does_not_see_the_external_identifier(client, make_member, followed):
    client.force_login(make_member(Role.VIEWER, organisation=followed.organisation))

    page = text(client.get(reverse("people:detail", args=[followed.pk])).content.decode())

    assert "Past occupations H2913" in page
    assert "FT-0042" not in page


def test_data_download_holds_past_occupations_and_external_id(client, make_member, followed):
    client.force_login(make_member(Role.ORGANISATION_ADMIN, organisation=followed.organisation))

    data = client.get(reverse("people:data", args=[followed.pk])).json()["person"]

    assert data["external_id"] == "FT-0042"
    assert data["past_occupations"] == [
        {"scheme": "rome", "code": "H2913", "label": "Soudage manuel"},
        {"scheme": "rome", "code": "I1304", "label": "Maintenance industrielle"},
    ]
    assert sorted(skill["source"] for skill in data["skills"]) == ["certification", "training"]

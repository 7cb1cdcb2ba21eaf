# ruff: noqa: F811 (pytest fixtures imported from tests.trainings.catalogue_fixtures)
"""Pages of the catalogue: search (list, map, calendar, HTMX fragment), a training, a
session, an organisation's offer; query counts of the list pages."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from tests.factories import (
    CertificationBlocFactory,
    CertificationFactory,
    FormacodeFactory,
    OccupationFactory,
    OrganisationFactory,
    SessionFactory,
    SkillFactory,
    TrainingAudienceFactory,
    TrainingFactory,
    TrainingFundingFactory,
    UserFactory,
)
from tests.trainings.catalogue_fixtures import no_matcher, towns  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_matcher")]

CATALOGUE = reverse("trainings:catalogue")


def session_links(html: str) -> list[str]:
    return re.findall(r'href="(/formations/sessions/\d+/)"', html)


def test_catalogue_lists_matching_sessions_earliest_first(client, towns):
    later = SessionFactory(
        training__title="Soudage TIG", start=dt.date.today() + dt.timedelta(days=90)
    )
    sooner = SessionFactory(training__title="Soudage MIG")
    SessionFactory(training__title="Électronique")

    response = client.get(CATALOGUE, {"q": "soudage", "lieu": "Forbach", "rayon": "20"})

    html = response.content.decode()
    assert session_links(html) == [sooner.get_absolute_url(), later.get_absolute_url()]
    assert "Électronique" not in html
    assert 'name="q"' in html  # the full page, with its form


def test_htmx_request_gets_the_results_fragment_only(client):
    session = SessionFactory()

    response = client.get(CATALOGUE, {"q": "maintenance"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert session_links(html) == [session.get_absolute_url()]


def test_unknown_place_is_reported(client):
    SessionFactory()

    response = client.get(CATALOGUE, {"lieu": "Atlantis"})

    assert "Atlantis" in response.content.decode()
    assert session_links(response.content.decode()) == []


def test_invalid_filters_are_ignored_not_an_error(client):
    session = SessionFactory()

    response = client.get(
        CATALOGUE, {"du": "not a date", "rayon": "9999", "modalite": "teleport", "page": "x"}
    )

    assert response.status_code == 200
    assert session_links(response.content.decode()) == [session.get_absolute_url()]


def test_map_view_draws_each_located_session_as_a_named_link(client):
    located = SessionFactory(city="Forbach")
    SessionFactory(latitude=None, longitude=None, training__remote=True)

    response = client.get(CATALOGUE, {"vue": "carte"})

    html = response.content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert re.findall(r'<a href="([^"]+)"\s+aria-label="([^"]+)"', svg) == [
        (located.get_absolute_url(), re.findall(r'aria-label="([^"]+)"', svg)[0])
    ]
    assert "Forbach" in re.findall(r'aria-label="([^"]+)"', svg)[0]
    assert "<circle" in svg


def test_calendar_view_puts_sessions_on_their_start_day(client):
    start = dt.date.today().replace(day=1) + dt.timedelta(days=40)
    session = SessionFactory(start=start)

    response = client.get(CATALOGUE, {"vue": "calendrier", "mois": start.strftime("%Y-%m")})

    html = response.content.decode()
    cell = re.search(
        rf'<span class="tr-day">{start.day}</span>(.*?)</td>', html, flags=re.DOTALL
    ).group(1)
    assert session.get_absolute_url() in cell
    assert (
        html.count('<span class="tr-day">')
        == __import__("calendar").monthrange(start.year, start.month)[1]
    )


def test_training_page_shows_its_facts_and_sessions(client):
    training = TrainingFactory(
        title="Soudage TIG",
        content="Soudage bout à bout.",
        accessibility="Locaux accessibles.",
        certification=CertificationFactory(code="RNCP211", title="Titre professionnel soudeur"),
    )
    training.certification_blocs.add(CertificationBlocFactory(certification=training.certification))
    training.formacodes.add(FormacodeFactory(code="23054", label="Soudage"))
    training.occupations.add(OccupationFactory(code="H2913", label="Soudeur / Soudeuse"))
    training.skills_taught.add(SkillFactory(code="481442", label="Préparer les surfaces"))
    training.prerequisite_skills.add(SkillFactory(code="100007", label="Lire un plan"))
    TrainingAudienceFactory(training=training)
    TrainingFundingFactory(training=training)
    session = SessionFactory(training=training, capacity=12, seats_taken=5)

    html = client.get(training.get_absolute_url()).content.decode()

    for text in (
        "Soudage bout à bout.",
        "Locaux accessibles.",
        "RNCP211",
        "23054",
        'href="/referentiels/metiers/H2913/"',
        "Préparer les surfaces",
        "Lire un plan",
        session.get_absolute_url(),
    ):
        assert text in html, text
    assert re.search(r"7\s+(places restantes|seats left)", html)


def test_unpublished_training_is_not_found_by_strangers(client, make_member):
    training = TrainingFactory(unpublished=True)
    session = SessionFactory(training=training)

    assert client.get(training.get_absolute_url()).status_code == 404
    assert client.get(session.get_absolute_url()).status_code == 404
    client.force_login(make_member("viewer", organisation=training.organisation))
    assert client.get(training.get_absolute_url()).status_code == 200
    assert client.get(session.get_absolute_url()).status_code == 200


def test_session_page_shows_place_timetable_trainers_and_the_enrolment_box(client):
    trainer = UserFactory(first_name="Camille", last_name="Formatrice")
    session = SessionFactory(timetable="Lundi au jeudi, 8 h 30 – 17 h", place_name="Atelier 4")
    session.trainers.add(trainer)

    response = client.get(session.get_absolute_url())

    html = response.content.decode()
    assert "Lundi au jeudi, 8 h 30 – 17 h" in html
    assert "Atelier 4" in html
    assert "Camille Formatrice" in html
    assert "trainings/_enrolment_box.html" in [t.name for t in response.templates]


def test_organisation_page_lists_its_visible_trainings(client):
    organisation = OrganisationFactory()
    shown = SessionFactory(training__organisation=organisation)
    TrainingFactory(organisation=organisation, unpublished=True, title="Secret")
    SessionFactory(training__title="Ailleurs")

    response = client.get(reverse("trainings:organisation", args=[organisation.slug]))

    html = response.content.decode()
    assert shown.training.title in html
    assert shown.get_absolute_url() in html
    assert "Secret" not in html
    assert "Ailleurs" not in html


def test_nav_links_to_the_catalogue(client):
    assert f'href="{CATALOGUE}"' in client.get(reverse("core:home")).content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_catalogue_list_query_count(client, django_assert_num_queries, count):
    SessionFactory.create_batch(count)

    # count + page (anonymous visitor: no membership to read).
    with django_assert_num_queries(2):
        response = client.get(CATALOGUE)

    assert len(session_links(response.content.decode())) == count


@pytest.mark.parametrize("count", [1, 3])
def test_catalogue_place_search_query_count(client, django_assert_num_queries, towns, count):
    SessionFactory.create_batch(count)

    # commune (exact name) + count + page.
    with django_assert_num_queries(3):
        response = client.get(CATALOGUE, {"lieu": "Forbach"})

    assert len(session_links(response.content.decode())) == count


@pytest.mark.parametrize("count", [1, 3])
def test_organisation_page_query_count(client, django_assert_num_queries, count):
    organisation = OrganisationFactory()
    for _ in range(count):
        SessionFactory(training__organisation=organisation)

    # organisation + count + trainings + their sessions.
    with django_assert_num_queries(4):
        response = client.get(reverse("trainings:organisation", args=[organisation.slug]))

    assert len(session_links(response.content.decode())) == count

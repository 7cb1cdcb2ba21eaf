# ruff: noqa: F811 (pytest fixtures imported from tests.trainings.catalogue_fixtures)
"""The catalogue search (``trainings.queries``): text, matcher, codes, place and radius,
dates, vocabularies, and who sees what."""

import datetime as dt

import pytest

from fabrique.engine.geo import Point
from fabrique.trainings.enums import Audience, Funding, Modality
from fabrique.trainings.queries import CatalogueQuery, search_sessions, search_trainings
from tests.factories import (
    OccupationFactory,
    SessionFactory,
    SkillFactory,
    TrainingAudienceFactory,
    TrainingFactory,
    TrainingFundingFactory,
    UserFactory,
)
from tests.trainings.catalogue_fixtures import matcher_proposes, no_matcher, towns  # noqa: F401

pytestmark = pytest.mark.django_db

ANONYMOUS = None
TODAY = dt.date.today()


def found(query: CatalogueQuery, user=ANONYMOUS) -> list:
    return list(search_sessions(query, user=user).sessions)


@pytest.fixture
def welding(towns):
    training = TrainingFactory(
        title="Soudage TIG et MIG", objectives="Réaliser des soudures d'acier inoxydable."
    )
    return SessionFactory(
        training=training,
        commune=towns["saint-avold"],
        latitude=towns["saint-avold"].latitude,
        longitude=towns["saint-avold"].longitude,
        city="Saint-Avold",
    )


@pytest.fixture
def electronics(towns):
    training = TrainingFactory(
        title="Électronique embarquée", objectives="Câbler et tester des cartes électroniques."
    )
    return SessionFactory(
        training=training,
        commune=towns["besancon"],
        latitude=towns["besancon"].latitude,
        longitude=towns["besancon"].longitude,
        city="Besançon",
    )


@pytest.mark.usefixtures("no_matcher")
def test_text_matches_title_whatever_accents_and_case(welding, electronics):
    assert found(CatalogueQuery(text="ELECTRONIQUE")) == [electronics]
    assert found(CatalogueQuery(text="soudage")) == [welding]


@pytest.mark.usefixtures("no_matcher")
def test_text_matches_objectives_and_needs_every_word(welding, electronics):
    assert found(CatalogueQuery(text="inoxydable")) == [welding]
    assert found(CatalogueQuery(text="soudage des cartes")) == []


@pytest.mark.usefixtures("no_matcher")
def test_text_ignores_common_words(welding):
    assert found(CatalogueQuery(text="le soudage de l'acier")) == [welding]


def test_text_also_finds_trainings_aimed_at_occupations_the_matcher_proposes(
    welding, electronics, matcher_proposes
):
    welder = OccupationFactory(code="H2913", label="Soudeur / Soudeuse")
    electronics.training.occupations.add(welder)
    calls = matcher_proposes("H2913")

    result = search_sessions(CatalogueQuery(text="chaudronnier soudeur"), user=ANONYMOUS)

    assert list(result.sessions) == [electronics]
    assert result.occupation_codes == ("H2913",)
    assert calls == [(["chaudronnier soudeur"], {"scheme": "rome", "top": 5})]


def test_text_search_works_without_the_matcher(welding, monkeypatch):
    from fabrique.referentials import matching

    def missing(texts, **options):
        raise FileNotFoundError("no index")

    monkeypatch.setattr(matching, "occupations", missing)

    assert found(CatalogueQuery(text="soudage")) == [welding]


def test_occupation_code_finds_its_declinaisons(welding, electronics):
    parent = OccupationFactory(code="H2913", label="Soudeur")
    variant = OccupationFactory(code="H2913-1", label="Soudeur TIG", parent=parent)
    welding.training.occupations.add(variant)

    assert found(CatalogueQuery(occupation="h2913")) == [welding]
    assert found(CatalogueQuery(occupation="H2914")) == []


def test_skill_code_finds_trainings_that_teach_it(welding, electronics):
    skill = SkillFactory(code="481442")
    electronics.training.skills_taught.add(skill)
    welding.training.prerequisite_skills.add(skill)

    assert found(CatalogueQuery(skill="481442")) == [electronics]


def test_place_and_radius_keep_sessions_within_the_distance(welding, electronics, towns):
    near_forbach = CatalogueQuery(place="forbach", radius_km=20)
    result = search_sessions(near_forbach, user=ANONYMOUS)

    assert result.commune == towns["forbach"]
    assert list(result.sessions) == [welding]
    assert 15 < result.sessions[0].distance_km < 18
    assert found(CatalogueQuery(place="57600", radius_km=10)) == []
    assert found(CatalogueQuery(place="Forbach", radius_km=300)) == [welding, electronics]


def test_radius_is_exact_not_the_bounding_box(towns):
    # North-east of Forbach: inside the 20 km box (its corner is 28 km away), 25 km away.
    corner = SessionFactory(latitude=49.188 + 0.16, longitude=6.896 + 0.245)

    assert found(CatalogueQuery(centre=Point(49.188, 6.896), radius_km=20)) == []
    assert found(CatalogueQuery(centre=Point(49.188, 6.896), radius_km=30)) == [corner]


def test_unknown_place_finds_nothing_and_says_so(welding):
    result = search_sessions(CatalogueQuery(place="Atlantis"), user=ANONYMOUS)

    assert result.place_not_found is True
    assert list(result.sessions) == []


def test_dates_modality_audience_and_funding(towns):
    soon = SessionFactory(start=TODAY + dt.timedelta(days=10))
    later = SessionFactory(start=TODAY + dt.timedelta(days=100), training__remote=True)
    SessionFactory(start=TODAY - dt.timedelta(days=5))  # started: not proposed
    TrainingAudienceFactory(training=later.training, audience=Audience.APPRENTICESHIP)
    TrainingFundingFactory(training=soon.training, funding=Funding.CPF)

    assert found(CatalogueQuery()) == [soon, later]
    assert found(CatalogueQuery(date_to=TODAY + dt.timedelta(days=30))) == [soon]
    assert found(CatalogueQuery(date_from=TODAY + dt.timedelta(days=30))) == [later]
    assert found(CatalogueQuery(modality=Modality.REMOTE)) == [later]
    assert found(CatalogueQuery(audience=Audience.APPRENTICESHIP)) == [later]
    assert found(CatalogueQuery(funding=Funding.CPF)) == [soon]


def test_cancelled_sessions_are_left_out_and_full_ones_on_request():
    open_session = SessionFactory()
    full = SessionFactory(full=True)
    SessionFactory(cancelled=True)

    assert found(CatalogueQuery()) == [open_session, full]
    assert found(CatalogueQuery(open_only=True)) == [open_session]


def test_unpublished_trainings_are_shown_to_their_organisation_only(make_member):
    hidden = SessionFactory(training__unpublished=True)
    member = make_member("viewer", organisation=hidden.training.organisation)
    admin = UserFactory(superuser=True)

    assert found(CatalogueQuery()) == []
    assert found(CatalogueQuery(), user=make_member("viewer")) == []
    assert found(CatalogueQuery(), user=member) == [hidden]
    assert found(CatalogueQuery(), user=admin) == [hidden]


@pytest.mark.usefixtures("no_matcher")
def test_search_trainings_applies_session_filters_through_their_sessions(welding, electronics):
    TrainingFactory(title="Soudage sans session")

    by_text = search_trainings(CatalogueQuery(text="soudage"), user=ANONYMOUS)
    near = search_trainings(CatalogueQuery(text="soudage", place="Forbach"), user=ANONYMOUS)

    assert {t.title for t in by_text} == {"Soudage sans session", "Soudage TIG et MIG"}
    assert list(near) == [welding.training]

# ruff: noqa: F811 (pytest fixtures imported from tests.trainings.catalogue_fixtures)
"""A person looks in French for a welding course near Forbach, filters as they type, opens the
session; and the basic accessibility audit of the catalogue pages."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.helpers import accessibility_problems, open_page
from tests.factories import SessionFactory, TrainingFactory
from tests.trainings.catalogue_fixtures import no_matcher, towns  # noqa: F401

pytestmark = pytest.mark.usefixtures("no_matcher")


def french(msgid: str) -> str:
    with translation.override("fr"):
        return translation.gettext(msgid)


@pytest.fixture
def offer(towns):
    near = SessionFactory(
        training=TrainingFactory(title="Soudage TIG et MIG"),
        city="Saint-Avold",
        latitude=towns["saint-avold"].latitude,
        longitude=towns["saint-avold"].longitude,
        timetable="Du lundi au jeudi, 8 h 30 – 16 h 30",
    )
    far = SessionFactory(
        training=TrainingFactory(title="Soudage à l'arc"),
        city="Besançon",
        latitude=towns["besancon"].latitude,
        longitude=towns["besancon"].longitude,
    )
    SessionFactory(training=TrainingFactory(title="Électronique embarquée"))
    return near, far


def test_person_finds_a_session_near_a_town_and_opens_it(page, offer, page_errors):
    near, _far = offer
    open_page(page, reverse("trainings:catalogue"))
    page.evaluate("window.stillTheSamePage = true")
    results = page.locator("#results")

    page.get_by_label(french("What")).press_sequentially("soudage", delay=30)
    expect(results.get_by_role("link", name="Soudage à l'arc")).to_be_visible()
    page.get_by_label("Où", exact=True).press_sequentially("forbach", delay=30)
    page.get_by_label(french("Within")).select_option("30")

    expect(results.get_by_role("link", name="Soudage TIG et MIG")).to_be_visible()
    expect(results.get_by_role("link", name="Soudage à l'arc")).to_have_count(0)
    expect(results).not_to_contain_text("Électronique embarquée")
    assert page.evaluate("window.stillTheSamePage") is True  # HTMX, not a new page
    assert "lieu=forbach" in page.url  # the address keeps the search

    results.get_by_role("link", name="Soudage TIG et MIG").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Soudage TIG et MIG")
    expect(page.locator("main")).to_contain_text("Du lundi au jeudi, 8 h 30 – 16 h 30")
    assert page.url.endswith(near.get_absolute_url())
    assert page_errors == []


def test_catalogue_works_without_javascript(browser, live_server, offer):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", java_script_enabled=False
    )
    try:
        page = context.new_page()
        open_page(page, reverse("trainings:catalogue"))
        page.get_by_label(french("What")).fill("soudage")
        page.get_by_label("Où", exact=True).fill("Forbach")
        with page.expect_navigation():
            page.locator("form[role=search] button[type=submit]").click()

        expect(
            page.locator("#results").get_by_role("link", name="Soudage TIG et MIG")
        ).to_be_visible()
        expect(page.locator("#results")).not_to_contain_text("Soudage à l'arc")
    finally:
        context.close()


@pytest.mark.parametrize("view", ["liste", "carte", "calendrier"])
def test_catalogue_views_pass_the_basic_accessibility_audit(page, offer, view):
    open_page(page, f"{reverse('trainings:catalogue')}?vue={view}")

    assert accessibility_problems(page) == []


def test_map_points_are_reachable_by_keyboard(page, offer):
    near, _far = offer
    open_page(page, f"{reverse('trainings:catalogue')}?vue=carte&q=soudage&lieu=Forbach")

    point = page.locator("svg a")
    expect(point).to_have_count(1)
    point.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Soudage TIG et MIG")
    assert page.url.endswith(near.get_absolute_url())


def test_training_and_session_pages_pass_the_basic_accessibility_audit(page, offer):
    near, _far = offer
    for url in (near.training.get_absolute_url(), near.get_absolute_url()):
        open_page(page, url)
        assert accessibility_problems(page) == [], url

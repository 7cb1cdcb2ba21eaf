"""A basic accessibility audit of the main pages (see helpers.accessibility_problems)."""

import pytest
from django.urls import reverse

from fabrique.accounts.enums import Role
from tests.browser.helpers import accessibility_problems, log_in, open_page
from tests.factories import CommuneFactory, IndustrialTerritoryFactory


@pytest.fixture
def territory(db):
    return IndustrialTerritoryFactory(name="Nord Franche-Comté", epcis=[CommuneFactory().epci])


@pytest.mark.parametrize(
    "url_of",
    [
        pytest.param(lambda territory: reverse("core:home"), id="home"),
        pytest.param(lambda territory: reverse("accounts:login"), id="login"),
        pytest.param(lambda territory: territory.get_absolute_url(), id="territory"),
    ],
)
def test_page_passes_the_basic_accessibility_audit(page, territory, url_of):
    open_page(page, url_of(territory))

    assert accessibility_problems(page) == []


def test_home_of_a_logged_in_coordinator_passes_the_basic_accessibility_audit(page, make_member):
    user = make_member(Role.COORDINATOR, email="sacha.leroy@example.org")
    log_in(page, email=user.email)

    open_page(page, reverse("core:home"))

    assert accessibility_problems(page) == []


def test_audit_reports_unnamed_controls_missing_alt_and_extra_headings(page):
    page.set_content(
        """<!DOCTYPE html><html><head><title>Audit</title></head><body><main>
        <h1>One</h1><h1>Two</h1>
        <img src="/logo.png">
        <input type="text" name="q">
        <button type="submit"></button>
        <label for="nowhere">Lost</label>
        </main></body></html>"""
    )

    problems = accessibility_problems(page)

    assert problems == [
        "<html> has no lang attribute",
        "2 <h1> elements instead of one",
        '<img src="/logo.png"> has no alt attribute',
        '<label for="nowhere"> names no element',
        '<img src="/logo.png"> (image) has no accessible name',
        '<input type="text" name="q"> (textbox) has no accessible name',
        '<button type="submit"> (button) has no accessible name',
    ]

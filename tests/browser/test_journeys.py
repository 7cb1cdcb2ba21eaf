"""Journeys a person takes through the pages, in a real browser."""

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from fabrique.accounts.enums import Role
from tests.browser.helpers import PASSWORD, log_in, open_page
from tests.factories import CommuneFactory, IndustrialTerritoryFactory, OrganisationFactory

# The msgids this journey relies on: the German catalogue must translate them, and only
# Fabrique's catalogue holds them (Django's own catalogues do not, so German text here proves
# that ours is compiled and used). From core/base.html, the frame of every page:
FRAME_MSGIDS = ["Territories", "Language", "Skip to content"]
# From territories/detail.html, the content of the territory page:
TERRITORY_MSGIDS = ["Industrial territories", "Key figures"]


def german(msgid: str) -> str:
    with translation.override("de"):
        return translation.gettext(msgid)


@pytest.fixture
def coordinator_territory(make_member):
    """A coordinator whose consortium coordinates one territory; returns (user, territory)."""
    consortium = OrganisationFactory(consortium=True, name="Pôle Industrie Moselle")
    user = make_member(
        Role.COORDINATOR, consortium, email="camille.martin@example.org", first_name="Camille"
    )
    territory = IndustrialTerritoryFactory(
        code="vallee-de-la-fensch",
        name="Vallée de la Fensch",
        epcis=[CommuneFactory().epci],
        coordinators=[consortium],
    )
    return user, territory


def test_coordinator_switches_to_german_and_reads_the_territory_page(
    page, coordinator_territory, page_errors
):
    user, territory = coordinator_territory
    log_in(page, email=user.email)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "fr")

    # The switcher submits its form on change (fabrique.js): no button to press.
    with page.expect_navigation():
        page.locator("#language-select").select_option("de")
    expect(html).to_have_attribute("lang", "de")

    open_page(page, territory.get_absolute_url())

    expect(html).to_have_attribute("lang", "de")
    expect(page.locator("h1")).to_contain_text(territory.name)
    expect(page.locator("#language-select")).to_have_value("de")
    for msgid in FRAME_MSGIDS + TERRITORY_MSGIDS:
        assert german(msgid) != msgid, f"the German catalogue does not translate {msgid!r}"
    for msgid in FRAME_MSGIDS:
        expect(page.locator("body")).to_contain_text(german(msgid))
    for msgid in TERRITORY_MSGIDS:
        expect(page.locator("main")).to_contain_text(german(msgid))
    assert page_errors == []


def test_keyboard_only_login(page, make_member, page_errors):
    user = make_member(Role.TRAINER, email="dominique.roux@example.org", first_name="Dominique")
    login_url = reverse("accounts:login")
    open_page(page, reverse("core:home"))

    page.keyboard.press("Tab")
    assert _focus_is(page, "a.skip-link"), "the first Tab should reach the skip link"
    _tab_to(page, f"header a[href='{login_url}']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, "input[name=username]")  # where the login page may already have put it
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    assert _focus_is(page, "input[name=password]"), "Tab should go from e-mail to password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith(reverse("core:home"))
    expect(page.locator(f"form[action='{reverse('accounts:logout')}']")).to_have_count(1)
    expect(page.locator(".account-link")).to_have_text("Dominique")
    assert page_errors == []


def test_skip_link_moves_the_focus_to_the_content(page):
    open_page(page, reverse("core:home"))

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    assert _focus_is(page, "main#main")


def _focus_is(page, selector: str) -> bool:
    return page.evaluate("(selector) => document.activeElement.matches(selector)", selector)


def _tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until the focus is on ``selector`` (no press if it is there already)."""
    for _ in range(limit):
        if _focus_is(page, selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{limit} presses of Tab never reached {selector}")

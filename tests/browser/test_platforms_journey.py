"""A start-up registers its innovation project, finds a machine across the network, books it
for the project, the platform's staff confirm, and the booking shows confirmed on the
project's page; the founder then allows the project's public showcase page, which a visitor
reads. The pages pass the basic accessibility audit, without a console error."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from fabrique.accounts.enums import Role
from fabrique.platforms.enums import BookingState, EquipmentCategory
from fabrique.platforms.models import Booking, InnovationProject
from tests.browser.helpers import accessibility_problems, log_in, open_page
from tests.factories import OrganisationFactory
from tests.factories_platforms import (
    EquipmentFactory,
    TechnicalPlatformFactory,
    at,
    next_monday,
)


@pytest.fixture
def printer():
    platform = TechnicalPlatformFactory(
        name="Plateforme Plasturgie Innovation", owner=OrganisationFactory(kind="university")
    )
    EquipmentFactory(
        platform=platform, name="Fraiseuse 3 axes", category=EquipmentCategory.CNC_MILLING
    )
    return EquipmentFactory(
        platform=platform,
        name="Imprimante SLA Form 3",
        category=EquipmentCategory.PRINTING_SLA,
        capabilities={"build volume": "145×145×185 mm", "materials": "résines"},
    )


@pytest.fixture
def founder(make_member):
    startup = OrganisationFactory(kind="company", name="Capteurs & Co")
    return make_member(Role.COMPANY_CONTACT, startup, email="amina.haddad@example.org")


@pytest.fixture
def staff(make_member, printer):
    return make_member(Role.TRAINER, printer.platform.owner, email="marc.schmitt@example.org")


def _log_out(page):
    with page.expect_navigation():
        page.locator(f"form[action='{reverse('accounts:logout')}'] button").click()


def test_a_startup_finds_a_machine_books_it_for_its_project_and_the_staff_confirm(
    page, page_errors, printer, founder, staff
):
    monday = next_monday()

    # The founder registers the project, hosted by the platform, at the prototype stage.
    log_in(page, email=founder.email)
    open_page(page, reverse("platforms:project_new"))
    form = page.locator("#project-form")
    form.locator("input[name=name]").fill("Capteur de vibrations")
    form.locator("input[name=summary]").fill("Un capteur autonome pour les machines des PME.")
    form.locator("select[name=holder_kind]").select_option("startup")
    form.locator("select[name=holder_organisation]").select_option(label="Capteurs & Co")
    form.locator("select[name=platform]").select_option(label="Plateforme Plasturgie Innovation")
    form.locator("select[name=stage]").select_option("prototype")
    assert accessibility_problems(page) == []
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    project = InnovationProject.objects.get()
    expect(page.locator("#stages-timeline [aria-current=step]")).to_have_attribute(
        "data-stage", "prototype"
    )
    assert accessibility_problems(page) == []

    # It searches the network for an SLA printer free next week.
    open_page(page, reverse("platforms:search"))
    page.locator("select[name=category]").select_option(EquipmentCategory.PRINTING_SLA)
    page.locator("input[name=start]").fill(monday.isoformat())
    page.locator("input[name=end]").fill(monday.isoformat())
    page.locator("input[name=hours]").fill("2")
    with page.expect_navigation():
        page.locator("#search-form button[type=submit]").click()
    results = page.locator("#results")
    expect(results).to_contain_text("Imprimante SLA Form 3")
    expect(results).not_to_contain_text("Fraiseuse")
    assert accessibility_problems(page) == []

    # ...opens the machine and books a slot for the project.
    with page.expect_navigation():
        results.get_by_role("link", name="Imprimante SLA Form 3").click()
    form = page.locator("#booking form")
    form.locator("input[name=day]").fill(monday.isoformat())
    form.locator("input[name=start_time]").fill("09:00")
    form.locator("input[name=end_time]").fill("11:00")
    form.locator("select[name=innovation_project]").select_option(label="Capteur de vibrations")
    form.locator("select[name=user_category]").select_option("startup")
    assert accessibility_problems(page) == []
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    booking = Booking.objects.get()
    assert (booking.user, booking.start, booking.state, booking.innovation_project) == (
        founder,
        at(monday, 9),
        BookingState.REQUESTED,
        project,
    )
    row = page.locator(f"#booking-{booking.pk}")
    expect(row).to_contain_text("Capteur de vibrations")
    expect(row.locator(".booking-state")).to_have_attribute("data-state", "requested")
    _log_out(page)

    # The platform's staff confirm it.
    log_in(page, email=staff.email)
    open_page(page, reverse("platforms:manage", args=[printer.platform.slug]))
    row = page.locator(f"#bookings-requested #booking-{booking.pk}")
    expect(row).to_contain_text("Capteur de vibrations")
    assert accessibility_problems(page) == []
    confirm_url = reverse("platforms:transition", args=[booking.pk, "confirmer"])
    with page.expect_navigation():
        row.locator(f"button[formaction='{confirm_url}']").click()
    expect(page.locator(f"#bookings-confirmed #booking-{booking.pk}")).to_have_count(1)
    _log_out(page)

    # The founder sees it confirmed, among the bookings and on the project's page.
    log_in(page, email=founder.email)
    open_page(page, reverse("platforms:mine"))
    state = page.locator(f"#booking-{booking.pk} .booking-state")
    expect(state).to_have_attribute("data-state", "confirmed")
    assert accessibility_problems(page) == []
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED
    open_page(page, project.get_absolute_url())
    state = page.locator(f"#project-booking-{booking.pk} .booking-state")
    expect(state).to_have_attribute("data-state", "confirmed")
    assert accessibility_problems(page) == []

    # ...allows the public showcase page, which a visitor then reads.
    with page.expect_navigation():
        page.locator("#showcase button[type=submit]").click()
    _log_out(page)
    open_page(page, reverse("platforms:showcase"))
    with page.expect_navigation():
        page.locator("#showcase-projects").get_by_role("link", name="Capteur de vibrations").click()
    expect(page.locator("main")).to_contain_text("Un capteur autonome pour les machines des PME.")
    expect(page.locator("#showcase-preview")).to_have_count(0)
    assert accessibility_problems(page) == []
    assert page_errors == []

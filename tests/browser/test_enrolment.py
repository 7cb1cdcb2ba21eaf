"""A learner applies for a session from its page; the training organisation accepts on its
management page; the learner finds the notification. Each of the enrolment pages passes the
basic accessibility audit, without a console error."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from fabrique.accounts.enums import Role
from fabrique.trainings.enums import EnrolmentState
from fabrique.trainings.models import Enrolment
from tests.browser.helpers import accessibility_problems, log_in, open_page
from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    SessionFactory,
    TrainingFactory,
    UserFactory,
)


@pytest.fixture
def session():
    centre = OrganisationFactory(name="Lycée Jean-Moulin", slug="lycee-jean-moulin")
    training = TrainingFactory(organisation=centre, title="Maintenance des robots industriels")
    return SessionFactory(training=training, capacity=12)


@pytest.fixture
def learner():
    user = UserFactory(email="lea.muller@example.org", first_name="Léa")
    return PersonFactory(user=user, first_name="Léa", last_name="Muller")


@pytest.fixture
def trainer(make_member, session):
    return make_member(Role.TRAINER, session.training.organisation, email="paul.weber@example.org")


def _log_out(page):
    with page.expect_navigation():
        page.locator(f"form[action='{reverse('accounts:logout')}'] button").click()


def test_learner_applies_the_organisation_accepts_the_learner_is_told(
    page, page_errors, session, learner, trainer
):
    apply_url = reverse("trainings:enrolment_apply", args=[session.pk])

    # The learner applies from the session page.
    log_in(page, email=learner.user.email)
    open_page(page, reverse("trainings:session", args=[session.pk]))
    box = page.locator("#enrolment-box")
    box.locator("textarea[name=own-note]").fill("Je me reconvertis dans la maintenance.")
    with page.expect_navigation():
        box.locator(f"form[action='{apply_url}'] button[type=submit]").click()
    enrolment = Enrolment.objects.get()
    assert (enrolment.person, enrolment.state) == (learner, EnrolmentState.REQUESTED)
    expect(page.locator(f"#enrolment-{enrolment.pk}")).to_contain_text(
        "Maintenance des robots industriels"
    )
    assert accessibility_problems(page) == []
    _log_out(page)

    # The training organisation accepts it on its management page.
    log_in(page, email=trainer.email)
    open_page(page, reverse("trainings:enrolment_manage", args=[session.pk]))
    row = page.locator(f"#enrolment-{enrolment.pk}")
    expect(row).to_contain_text("Je me reconvertis dans la maintenance.")
    assert accessibility_problems(page) == []
    accept_url = reverse("trainings:enrolment_transition", args=[enrolment.pk, "accept"])
    with page.expect_navigation():
        row.locator(f"button[formaction='{accept_url}']").click()
    enrolment.refresh_from_db()
    assert enrolment.state == EnrolmentState.ACCEPTED
    expect(page.locator("#enrolments-accepted")).to_contain_text("Léa Muller")
    _log_out(page)

    # The learner sees the notification, follows it and marks it read.
    log_in(page, email=learner.user.email)
    expect(page.locator(".notifications-link .badge")).to_contain_text("1")
    with page.expect_navigation():
        page.locator(".notifications-link").click()
    notification = learner.user.notifications.get()
    item = page.locator(f"#notification-{notification.pk}")
    expect(item).to_contain_text("Maintenance des robots industriels")
    assert accessibility_problems(page) == []
    with page.expect_navigation():
        item.locator("button[type=submit]").click()
    expect(page.locator(".notifications-link .badge")).to_have_count(0)
    with page.expect_navigation():
        page.locator(f"#notification-{notification.pk} a").click()
    expect(page.locator(f"#enrolment-{enrolment.pk}")).to_be_visible()
    assert page_errors == []

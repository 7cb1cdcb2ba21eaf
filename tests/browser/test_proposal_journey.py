"""A learner finds a plan's proposal in their space, accepts it and sees their enrolment;
the space passes the basic accessibility audit, without a console error."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from fabrique.planning import publishing
from fabrique.planning.enums import ProposalStatus
from fabrique.planning.models import Proposal
from fabrique.trainings.enums import EnrolmentState
from fabrique.trainings.models import Enrolment
from tests.browser.helpers import accessibility_problems, log_in, open_page
from tests.factories import (
    HiringNeedFactory,
    IndustrialProjectFactory,
    OccupationFactory,
    OrganisationFactory,
    PersonFactory,
    SessionFactory,
    TrainingFactory,
    UserFactory,
)
from tests.factories_planning import PlanAssignmentFactory, PlanRunFactory


@pytest.fixture
def proposal():
    user = UserFactory(email="lea.muller@example.org", first_name="Léa", last_name="Muller")
    person = PersonFactory(user=user, first_name="Léa", last_name="Muller")
    centre = OrganisationFactory(name="Lycée Jean-Moulin", slug="lycee-jean-moulin")
    session = SessionFactory(
        training=TrainingFactory(organisation=centre, title="Maintenance des robots industriels"),
        capacity=12,
    )
    need = HiringNeedFactory(
        project=IndustrialProjectFactory(public=True, company__name="Usinage de Moselle"),
        occupation=OccupationFactory(label="Technicien de maintenance"),
    )
    run = PlanRunFactory(done=True)
    assignment = PlanAssignmentFactory(
        run=run,
        person=person,
        candidate_ref=f"p-{person.pk}",
        session=session,
        session_ref=f"s-{session.pk}",
        need=need,
        need_ref=f"n-{need.pk}",
    )
    publishing.publish_run(run=run, by=UserFactory(superuser=True))
    return Proposal.objects.get(assignment=assignment)


def test_learner_accepts_a_proposal_in_their_space_and_sees_the_enrolment(
    page, page_errors, proposal
):
    log_in(page, email="lea.muller@example.org")
    open_page(page, reverse("core:home"))

    # The menu leads to the space, where the proposal waits for an answer.
    with page.expect_navigation():
        page.locator(f"header a[href='{reverse('space:home')}']").click()
    card = page.locator(f"#proposal-{proposal.pk}")
    expect(card).to_contain_text("Maintenance des robots industriels")
    expect(card).to_contain_text("Usinage de Moselle")
    assert accessibility_problems(page) == []

    with page.expect_navigation():
        card.locator("button[name=answer][value=accept]").click()

    enrolment = Enrolment.objects.get()
    assert enrolment.state == EnrolmentState.ACCEPTED
    proposal.refresh_from_db()
    assert (proposal.status, proposal.enrolment) == (ProposalStatus.ACCEPTED, enrolment)
    expect(page.locator(f"#upcoming-{enrolment.pk}")).to_contain_text(
        "Maintenance des robots industriels"
    )
    expect(page.locator(f"#enrolment-{enrolment.pk}")).to_be_visible()
    expect(page.locator(f"#proposal-{proposal.pk}")).to_have_count(0)

    # Every proposal, answered ones included, on the proposals page.
    open_page(page, reverse("space:proposals"))
    expect(page.locator(f"#proposal-{proposal.pk}")).to_contain_text(
        "Maintenance des robots industriels"
    )
    assert accessibility_problems(page) == []
    assert page_errors == []

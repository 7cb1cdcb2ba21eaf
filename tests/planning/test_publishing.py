"""Publishing a plan run: proposals to people, their answers (accepting enrols through the
training offer's own actions), and the employers' shortlists limited to consenting people."""

import datetime as dt
import json
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from fabrique.accounts.enums import Role
from fabrique.accounts.models import User
from fabrique.core.models import Notification
from fabrique.planning import publishing
from fabrique.planning.enums import ProposalStatus, RunStatus
from fabrique.planning.models import PlanRun, Proposal
from fabrique.trainings.enums import EnrolmentState
from fabrique.trainings.models import Enrolment, EnrolmentTransition
from tests.factories import (
    HiringNeedFactory,
    IndustrialProjectFactory,
    IndustrialTerritoryFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    SessionFactory,
    UserFactory,
)
from tests.factories_planning import PlanAssignmentFactory, PlanRunFactory, ScenarioFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Refusals are read in English here, whatever the catalogues say."""
    with translation.override("en"):
        yield


# --- the world -----------------------------------------------------------------------------------


@pytest.fixture
def territory():
    return IndustrialTerritoryFactory()


@pytest.fixture
def coordinator(make_member, territory):
    organisation = OrganisationFactory(consortium=True)
    territory.coordinating_organisations.add(organisation)
    return make_member(Role.COORDINATOR, organisation)


@pytest.fixture
def run(territory):
    return PlanRunFactory(scenario=ScenarioFactory(territory=territory), done=True)


@pytest.fixture
def company():
    return OrganisationFactory(company=True, name="Usinage de Moselle")


@pytest.fixture
def need(company):
    return HiringNeedFactory(project=IndustrialProjectFactory(company=company))


@pytest.fixture
def session():
    return SessionFactory(capacity=2)


def learner(**fields):
    """A person with an account."""
    return PersonFactory(user=UserFactory(), **fields)


def assign(run, person, *, need=None, session=None):
    return PlanAssignmentFactory(
        run=run,
        person=person,
        candidate_ref=f"p-{person.pk}" if person else f"p-gone-{PersonFactory().pk}",
        session=session,
        session_ref=f"s-{session.pk}" if session else "",
        need=need,
        need_ref=f"n-{need.pk}" if need else "n-0",
    )


def published(run, by, *assignments):
    publishing.publish_run(run=run, by=by)
    run.refresh_from_db()
    return [Proposal.objects.get(assignment=assignment) for assignment in assignments]


# --- publishing ----------------------------------------------------------------------------------


def test_publish_creates_proposals_for_living_people_and_notifies_those_with_an_account(
    run, coordinator, need, session, django_capture_on_commit_callbacks
):
    with_account = learner(first_name="Léa", last_name="Muller")
    without_account = PersonFactory()
    erased = learner()
    erased.anonymised_at = timezone.now()
    erased.save()
    kept = [assign(run, with_account, need=need, session=session), assign(run, without_account)]
    assign(run, erased, need=need)
    gone = assign(run, PersonFactory(), need=need)
    gone.person.delete()

    with django_capture_on_commit_callbacks(execute=True):
        proposals = publishing.publish_run(run=run, by=coordinator)

    assert sorted(p.assignment_id for p in proposals) == sorted(a.pk for a in kept)
    assert {(p.person, p.status) for p in Proposal.objects.all()} == {
        (with_account, ProposalStatus.PROPOSED),
        (without_account, ProposalStatus.PROPOSED),
    }
    run.refresh_from_db()
    assert run.published_by == coordinator
    assert run.published_at is not None
    notes = list(Notification.objects.all())
    assert [note.user for note in notes] == [with_account.user]
    proposal = Proposal.objects.get(person=with_account)
    assert notes[0].url == reverse("space:proposals") + f"#proposal-{proposal.pk}"
    assert session.training.title in notes[0].message
    assert [message.to for message in mail.outbox] == [[with_account.user.email]]


def test_publishing_tells_the_companies_staff_of_their_shortlists(
    run, coordinator, need, company, make_member
):
    contact = make_member(Role.COMPANY_CONTACT, company)
    employee_in_training = make_member(Role.LEARNER, company)
    assign(run, learner(), need=need)

    publishing.publish_run(run=run, by=coordinator)

    shortlist_url = reverse("planning:shortlist", args=[run.pk])
    assert list(Notification.objects.filter(url=shortlist_url).values_list("user", flat=True)) == [
        contact.pk
    ]
    assert not Notification.objects.filter(user=employee_in_training).exists()


def test_publish_is_refused_to_anyone_but_the_territory_coordinators(
    run, make_member, need, company
):
    assign(run, learner(), need=need)
    other_territory = OrganisationFactory(consortium=True)
    IndustrialTerritoryFactory().coordinating_organisations.add(other_territory)
    outsiders = [
        make_member(Role.COORDINATOR, other_territory),
        make_member(Role.COMPANY_CONTACT, company),
        make_member(Role.ORGANISATION_ADMIN),
        UserFactory(),
    ]
    for user in outsiders:
        with pytest.raises(PermissionDenied):
            publishing.publish_run(run=run, by=user)
    assert Proposal.objects.count() == 0
    run.refresh_from_db()
    assert run.published_at is None


def test_a_platform_admin_publishes(run, need):
    assign(run, learner(), need=need)
    admin = UserFactory(superuser=True)
    assert len(publishing.publish_run(run=run, by=admin)) == 1


@pytest.mark.parametrize("status", [RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.FAILED])
def test_an_unfinished_run_is_not_published(run, coordinator, need, status):
    run.status = status
    run.save()
    assign(run, learner(), need=need)
    with pytest.raises(ValidationError) as refused:
        publishing.publish_run(run=run, by=coordinator)
    assert refused.value.code == "not_finished"
    assert Proposal.objects.count() == 0
    run.refresh_from_db()
    assert run.published_at is None


def test_publishing_twice_is_refused_and_changes_nothing(run, coordinator, need):
    assign(run, learner(), need=need)
    publishing.publish_run(run=run, by=coordinator)
    first = run.__class__.objects.get(pk=run.pk).published_at
    with pytest.raises(ValidationError) as refused:
        publishing.publish_run(run=run, by=coordinator)
    assert refused.value.code == "already_published"
    assert "already published" in refused.value.messages[0]
    assert Proposal.objects.count() == 1
    assert run.__class__.objects.get(pk=run.pk).published_at == first


# --- answers -------------------------------------------------------------------------------------


def test_only_the_person_answers(run, coordinator, need):
    person = learner()
    (proposal,) = published(run, coordinator, assign(run, person, need=need))
    for user in [coordinator, learner().user, UserFactory(superuser=True)]:
        with pytest.raises(PermissionDenied):
            publishing.respond(proposal=proposal, accept=True, by=user)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED


def test_accepting_a_session_enrols_through_the_training_action_and_takes_a_seat(
    run, need, session
):
    admin = UserFactory(superuser=True)
    person = learner()
    (proposal,) = published(run, admin, assign(run, person, need=need, session=session))

    proposal = publishing.respond(proposal=proposal, accept=True, by=person.user)

    enrolment = Enrolment.objects.get()
    assert (enrolment.person, enrolment.session, enrolment.state) == (
        person,
        session,
        EnrolmentState.ACCEPTED,
    )
    assert proposal.enrolment == enrolment
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.responded_at is not None
    session.refresh_from_db()
    assert session.seats_taken == 1
    assert list(
        EnrolmentTransition.objects.filter(enrolment=enrolment).values_list("target", flat=True)
    ) == [EnrolmentState.REQUESTED, EnrolmentState.ACCEPTED]
    # The coordinator who published is told of the answer.
    assert Notification.objects.filter(user=admin, message__contains=str(person)).count() == 1


def test_accepting_a_full_session_puts_the_person_on_its_waiting_list(run, need):
    full = SessionFactory(capacity=1)
    admin = UserFactory(superuser=True)
    first, second = learner(), learner()
    proposals = published(
        run,
        admin,
        assign(run, first, need=need, session=full),
        assign(run, second, need=need, session=full),
    )

    publishing.respond(proposal=proposals[0], accept=True, by=first.user)
    answered = publishing.respond(proposal=proposals[1], accept=True, by=second.user)

    full.refresh_from_db()
    assert (full.seats_taken, full.status) == (1, "full")
    assert answered.enrolment.state == EnrolmentState.WAITLISTED
    assert answered.status == ProposalStatus.ACCEPTED


def test_accepting_sends_an_application_when_the_publisher_does_not_decide_for_the_session(
    run, coordinator, need, session
):
    person = learner()
    (proposal,) = published(run, coordinator, assign(run, person, need=need, session=session))

    proposal = publishing.respond(proposal=proposal, accept=True, by=person.user)

    assert proposal.enrolment.state == EnrolmentState.REQUESTED
    session.refresh_from_db()
    assert session.seats_taken == 0


def test_a_publisher_who_decides_for_the_session_enrols_directly(run, coordinator, need, session):
    MembershipFactory(
        user=coordinator, organisation=session.training.organisation, role=Role.COORDINATOR
    )
    person = learner(organisation=session.training.organisation)
    (proposal,) = published(run, coordinator, assign(run, person, need=need, session=session))

    proposal = publishing.respond(proposal=proposal, accept=True, by=person.user)

    assert proposal.enrolment.state == EnrolmentState.ACCEPTED


def test_accepting_a_direct_placement_records_the_acceptance_only(run, coordinator, need):
    person = learner()
    (proposal,) = published(run, coordinator, assign(run, person, need=need))

    proposal = publishing.respond(proposal=proposal, accept=True, by=person.user)

    assert (proposal.status, proposal.enrolment) == (ProposalStatus.ACCEPTED, None)
    assert Enrolment.objects.count() == 0


def test_declining_is_recorded_and_a_second_answer_is_refused(run, coordinator, need, session):
    person = learner()
    (proposal,) = published(run, coordinator, assign(run, person, need=need, session=session))

    proposal = publishing.respond(proposal=proposal, accept=False, by=person.user)
    assert proposal.status == ProposalStatus.DECLINED
    assert Enrolment.objects.count() == 0

    with pytest.raises(ValidationError) as refused:
        publishing.respond(proposal=proposal, accept=True, by=person.user)
    assert refused.value.code == "answered"
    assert "already answered" in refused.value.messages[0]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED
    assert Enrolment.objects.count() == 0
    assert Notification.objects.filter(user=coordinator).count() == 1


def test_a_session_closed_to_registrations_leaves_the_proposal_open(run, need):
    started = SessionFactory(start=dt.date.today() - dt.timedelta(days=1))
    admin = UserFactory(superuser=True)
    person = learner()
    (proposal,) = published(run, admin, assign(run, person, need=need, session=started))

    with pytest.raises(ValidationError):
        publishing.respond(proposal=proposal, accept=True, by=person.user)

    proposal.refresh_from_db()
    assert (proposal.status, proposal.enrolment, proposal.responded_at) == (
        ProposalStatus.PROPOSED,
        None,
        None,
    )
    assert Enrolment.objects.count() == 0


def test_an_already_enrolled_person_keeps_their_enrolment(run, need, session):
    admin = UserFactory(superuser=True)
    person = learner()
    existing = Enrolment.objects.create(session=session, person=person)
    (proposal,) = published(run, admin, assign(run, person, need=need, session=session))

    proposal = publishing.respond(proposal=proposal, accept=True, by=person.user)

    assert proposal.enrolment == existing
    assert Enrolment.objects.count() == 1


def test_a_coordinator_withdraws_an_open_proposal_and_the_person_is_told(run, coordinator, need):
    person = learner()
    (proposal,) = published(run, coordinator, assign(run, person, need=need))
    with pytest.raises(PermissionDenied):
        publishing.withdraw(proposal=proposal, by=person.user)

    publishing.withdraw(proposal=proposal, by=coordinator)

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    assert Notification.objects.filter(user=person.user).count() == 2  # proposed, withdrawn
    with pytest.raises(ValidationError) as refused:
        publishing.respond(proposal=proposal, accept=True, by=person.user)
    assert "withdrawn" in refused.value.messages[0]


# --- pages: publishing and answering -------------------------------------------------------------


def test_the_publish_page_publishes_and_returns_to_the_run(client, run, coordinator, need):
    assign(run, learner(), need=need)
    client.force_login(coordinator)

    response = client.post(reverse("planning:run_publish", args=[run.pk]))

    assert response.status_code == 302
    assert response.url == reverse("planning:run", args=[run.pk])
    assert Proposal.objects.count() == 1


def test_the_publish_page_hides_runs_from_outsiders(client, run, need, company, make_member):
    assign(run, learner(), need=need)
    client.force_login(make_member(Role.COMPANY_CONTACT, company))
    response = client.post(reverse("planning:run_publish", args=[run.pk]))
    assert response.status_code == 404
    assert Proposal.objects.count() == 0


def test_the_answer_page_refuses_other_people_and_bad_answers(client, run, coordinator, need):
    person = learner()
    (proposal,) = published(run, coordinator, assign(run, person, need=need))
    url = reverse("planning:proposal_respond", args=[proposal.pk])

    client.force_login(learner().user)
    assert client.post(url, {"answer": "accept"}).status_code == 404

    client.force_login(person.user)
    response = client.post(url, {"answer": "maybe"}, follow=True)
    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED
    assert client.get(url).status_code == 405


def test_the_person_downloads_their_proposals_with_their_data(client, run, coordinator, need):
    person = learner()
    published(run, coordinator, assign(run, person, need=need))
    client.force_login(person.user)

    response = client.get(reverse("people:data", args=[person.pk]))

    data = json.loads(response.content)
    assert [(p["plan"], p["status"]) for p in data["proposals"]] == [
        (run.scenario.name, ProposalStatus.PROPOSED)
    ]


# --- shortlists ----------------------------------------------------------------------------------


@pytest.fixture
def shortlisted(run, coordinator, need, session):
    """A consenting person and one who did not consent, both assigned to ``need``."""
    yes = learner(first_name="Camille", last_name="Consent", consent_to_employers=True)
    no = learner(first_name="Nadia", last_name="Refus", consent_to_employers=False)
    published(
        run,
        coordinator,
        assign(run, yes, need=need, session=session),
        assign(run, no, need=need, session=session),
    )
    return yes, no


def _names(run, user):
    return {
        (item.need.pk, entry.name)
        for item in publishing.shortlists(run, user)
        for entry in item.entries
    }


def test_a_shortlist_shows_only_people_who_consented(
    run, need, session, company, make_member, shortlisted
):
    yes, _no = shortlisted
    member = make_member(Role.COMPANY_CONTACT, company)

    (item,) = publishing.shortlists(run, member)

    assert item.need == need
    assert [
        (e.name, e.commune, e.session, e.session_end, e.available_from, e.status)
        for e in item.entries
    ] == [
        (
            str(yes),
            yes.commune.name,
            str(session),
            session.end,
            session.end,
            ProposalStatus.PROPOSED,
        )
    ]


def test_a_withdrawn_consent_removes_the_person_at_once(
    run, need, company, make_member, shortlisted
):
    yes, _no = shortlisted
    member = make_member(Role.COMPANY_CONTACT, company)
    yes.consent_to_employers = False
    yes.save()
    assert _names(run, member) == set()


def test_people_who_declined_leave_the_shortlist(run, need, company, make_member, shortlisted):
    yes, _no = shortlisted
    member = make_member(Role.COMPANY_CONTACT, company)
    publishing.respond(proposal=yes.proposals.get(), accept=False, by=yes.user)
    assert _names(run, member) == set()


def test_shortlists_are_seen_by_the_company_and_the_coordinators_only(
    run, coordinator, need, company, make_member, shortlisted
):
    yes, _no = shortlisted
    other_company = make_member(Role.COMPANY_CONTACT, OrganisationFactory(company=True))
    learner_of_company = make_member(Role.LEARNER, company)
    assert _names(run, coordinator) == {(need.pk, str(yes))}
    assert _names(run, make_member(Role.VIEWER, company)) == {(need.pk, str(yes))}
    for user in [other_company, learner_of_company, yes.user, UserFactory()]:
        assert not publishing.can_view_shortlists(user, run)
        assert publishing.shortlists(run, user) == []


def test_a_company_sees_only_its_own_needs(run, coordinator, need, company, make_member):
    other_need = HiringNeedFactory()
    mine = learner(consent_to_employers=True)
    theirs = learner(consent_to_employers=True)
    published(run, coordinator, assign(run, mine, need=need), assign(run, theirs, need=other_need))
    member = make_member(Role.COMPANY_CONTACT, company)
    assert _names(run, member) == {(need.pk, str(mine))}
    assert _names(run, coordinator) == {(need.pk, str(mine)), (other_need.pk, str(theirs))}


def test_an_unpublished_run_has_no_shortlist(run, coordinator, need, company, make_member):
    assign(run, learner(consent_to_employers=True), need=need)
    member = make_member(Role.COMPANY_CONTACT, company)
    for user in [coordinator, member]:
        assert not publishing.can_view_shortlists(user, run)


def test_the_shortlist_page_shows_consenting_people_only(
    client, run, company, make_member, shortlisted
):
    yes, no = shortlisted
    client.force_login(make_member(Role.COMPANY_CONTACT, company))

    page = client.get(reverse("planning:shortlist", args=[run.pk])).content.decode()

    assert str(yes) in page
    assert yes.commune.name in page
    assert str(no) not in page
    assert no.last_name not in page
    assert yes.email not in page  # only what an employer needs


def test_the_shortlist_page_is_hidden_from_outsiders(client, run, shortlisted, make_member):
    client.force_login(make_member(Role.COMPANY_CONTACT, OrganisationFactory(company=True)))
    assert client.get(reverse("planning:shortlist", args=[run.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("planning:shortlist", args=[run.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("people", [1, 3])
def test_the_shortlist_page_query_count_does_not_grow_with_people(
    client,
    run,
    coordinator,
    need,
    session,
    company,
    make_member,
    people,
    django_assert_num_queries,
):
    assignments = [
        assign(run, learner(consent_to_employers=True), need=need, session=session)
        for _ in range(people)
    ]
    published(run, coordinator, *assignments)
    member = make_member(Role.COMPANY_CONTACT, company)
    client.force_login(member)
    url = reverse("planning:shortlist", args=[run.pk])
    client.get(url)  # session and caches warm
    with django_assert_num_queries(QUERIES_SHORTLIST_PAGE):
        response = client.get(url)
    assert response.content.decode().count("<tr>") == people + 1


QUERIES_SHORTLIST_PAGE = 13


# --- concurrency (PostgreSQL) --------------------------------------------------------------------


def _together(work, arguments):
    """``work(argument)`` in one thread per argument, released at once; the outcomes."""
    barrier = threading.Barrier(len(arguments))
    outcomes: list[object] = []
    lock = threading.Lock()

    def run(argument):
        try:
            barrier.wait(timeout=30)
            outcome = work(argument)
        except BaseException as error:  # reported by the test
            outcome = error
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_publications_publish_once(on_postgres, run, coordinator, need):
    for _ in range(3):
        assign(run, learner(), need=need)

    outcomes = _together(
        lambda _: len(
            publishing.publish_run(
                run=PlanRun.objects.get(pk=run.pk), by=User.objects.get(pk=coordinator.pk)
            )
        ),
        range(5),
    )

    assert sorted(o for o in outcomes if isinstance(o, int)) == [3]
    refusals = [o for o in outcomes if isinstance(o, ValidationError)]
    assert [refusal.code for refusal in refusals] == ["already_published"] * 4
    assert Proposal.objects.count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_fill_the_seats_and_waitlist_the_rest(on_postgres, run, need):
    session = SessionFactory(capacity=3)
    admin = UserFactory(superuser=True)
    people = [learner() for _ in range(8)]
    proposals = published(run, admin, *(assign(run, p, need=need, session=session) for p in people))

    def accept(proposal):
        return publishing.respond(
            proposal=Proposal.objects.get(pk=proposal.pk),
            accept=True,
            by=User.objects.get(pk=proposal.person.user_id),
        )

    outcomes = _together(accept, proposals)

    assert all(isinstance(outcome, Proposal) for outcome in outcomes), outcomes
    session.refresh_from_db()
    assert session.seats_taken == 3
    states = sorted(Enrolment.objects.values_list("state", flat=True))
    assert states == sorted([EnrolmentState.ACCEPTED] * 3 + [EnrolmentState.WAITLISTED] * 5)

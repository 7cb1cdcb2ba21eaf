"""The person's own space: their own data only, their consents, their proposals answered
from the page."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from fabrique.accounts.enums import AuditAction, Role
from fabrique.accounts.models import AuditEvent
from fabrique.people.consents import set_consents
from fabrique.people.enums import SkillSource
from fabrique.planning import publishing
from fabrique.planning.enums import ProposalStatus
from fabrique.planning.models import Proposal
from fabrique.trainings import ical
from fabrique.trainings.enums import EnrolmentState
from fabrique.trainings.models import Enrolment
from tests.factories import (
    EnrolmentFactory,
    HiringNeedFactory,
    IndustrialProjectFactory,
    OccupationFactory,
    PersonFactory,
    PersonSkillFactory,
    SessionFactory,
    TrainingFactory,
    UserFactory,
)
from tests.factories_planning import PlanAssignmentFactory, PlanRunFactory

pytestmark = pytest.mark.django_db

HOME = "space:home"


def learner(**fields):
    return PersonFactory(user=UserFactory(), **fields)


def proposal_for(person, *, session=None, need=None, by=None):
    """A published proposal to ``person`` (published by a platform admin)."""
    need = need or HiringNeedFactory(project=IndustrialProjectFactory(public=True))
    run = PlanRunFactory(done=True)
    assignment = PlanAssignmentFactory(
        run=run,
        person=person,
        candidate_ref=f"p-{person.pk}",
        session=session,
        session_ref=f"s-{session.pk}" if session else "",
        need=need,
        need_ref=f"n-{need.pk}",
    )
    publishing.publish_run(run=run, by=by or UserFactory(superuser=True))
    return Proposal.objects.get(assignment=assignment)


def test_the_space_shows_the_logged_in_persons_own_data_only(client):
    occupation = OccupationFactory(label="Soudeur")
    past = OccupationFactory(label="Magasinier")
    me = PersonFactory(
        user=UserFactory(first_name="Léa", last_name="Muller"),
        first_name="Léa",
        last_name="Muller",
        current_occupation=occupation,
    )
    me.past_occupations.add(past)
    PersonSkillFactory(person=me, skill__label="Souder à l'arc", source=SkillSource.CERTIFICATION)
    done = EnrolmentFactory(
        person=me,
        state=EnrolmentState.COMPLETED,
        session__training=TrainingFactory(title="Soudure TIG"),
    )
    ahead = EnrolmentFactory(
        person=me,
        state=EnrolmentState.ACCEPTED,
        session__training=TrainingFactory(title="Chaudronnerie"),
    )
    other = learner(first_name="Hugo", last_name="Bernard")
    PersonSkillFactory(person=other, skill__label="Piloter un tour")
    EnrolmentFactory(person=other, session__training=TrainingFactory(title="Tournage"))
    proposal_for(other)
    client.force_login(me.user)

    page = client.get(reverse(HOME)).content.decode()

    for text in [
        "Léa Muller",
        "Soudeur",
        "Magasinier",
        "Souder à l&#x27;arc",
        "Soudure TIG",
        "Chaudronnerie",
        f'id="upcoming-{ahead.pk}"',
        f'id="enrolment-{done.pk}"',
        ical.person_feed_url(me),
        reverse("people:data", args=[me.pk]),
    ]:
        assert text in page, text
    for text in ["Hugo", "Bernard", "Piloter un tour", "Tournage", "proposal-"]:
        assert text not in page, text
    assert f'id="upcoming-{done.pk}"' not in page  # a completed training is not ahead


def test_a_user_without_a_person_record_gets_an_explanation(client):
    user = UserFactory()
    PersonFactory()  # someone else's record
    client.force_login(user)
    for name in [HOME, "space:proposals"]:
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert response.templates[0].name == "people/space_none.html"


def test_an_erased_record_is_not_shown(client):
    me = learner()
    me.anonymised_at = me.created_at
    me.save()
    client.force_login(me.user)
    response = client.get(reverse(HOME))
    assert response.templates[0].name == "people/space_none.html"


def test_the_space_needs_a_login(client):
    response = client.get(reverse(HOME))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_menu_leads_to_the_space(client):
    client.force_login(UserFactory())
    page = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse(HOME)}"' in page


def test_the_person_changes_their_consents_and_the_change_is_audited(client):
    me = learner(consent_to_employers=False, consent_to_contact=True)
    client.force_login(me.user)

    response = client.post(reverse("space:consents"), {"consent_to_employers": "on"})

    assert response.status_code == 302
    me.refresh_from_db()
    assert (me.consent_to_employers, me.consent_to_contact) == (True, False)
    event = AuditEvent.objects.filter(
        model="people.person", object_id=str(me.pk), action=AuditAction.UPDATE
    ).latest("at")
    assert event.actor == me.user
    assert event.after["consent_to_employers"] is True
    assert event.before["consent_to_employers"] is False


def test_consents_are_the_persons_own_word(make_member):
    person = learner()
    counsellor = make_member(Role.ORGANISATION_ADMIN, person.organisation)
    for user in [counsellor, UserFactory(superuser=True), learner().user]:
        with pytest.raises(PermissionDenied):
            set_consents(person=person, consent_to_employers=True, consent_to_contact=True, by=user)
    person.refresh_from_db()
    assert (person.consent_to_employers, person.consent_to_contact) == (False, False)


def test_a_withdrawn_consent_takes_the_person_off_the_shortlists_at_once(client, make_member):
    me = learner(consent_to_employers=True)
    need = HiringNeedFactory()
    proposal = proposal_for(me, need=need)
    employer = make_member(Role.COMPANY_CONTACT, need.project.company)
    run = proposal.assignment.run
    assert [e.name for s in publishing.shortlists(run, employer) for e in s.entries] == [str(me)]
    client.force_login(me.user)

    client.post(reverse("space:consents"), {"consent_to_contact": "on"})

    assert [e.name for s in publishing.shortlists(run, employer) for e in s.entries] == []


def test_the_person_accepts_a_proposal_from_the_page_and_sees_the_enrolment(client):
    me = learner()
    session = SessionFactory(capacity=5, training=TrainingFactory(title="Robotique"))
    proposal = proposal_for(me, session=session)
    client.force_login(me.user)
    page = client.get(reverse(HOME)).content.decode()
    assert f'id="proposal-{proposal.pk}"' in page
    assert 'value="accept"' in page

    response = client.post(
        reverse("planning:proposal_respond", args=[proposal.pk]),
        {"answer": "accept", "next": reverse(HOME)},
        follow=True,
    )

    enrolment = Enrolment.objects.get(person=me)
    assert enrolment.state == EnrolmentState.ACCEPTED
    proposal.refresh_from_db()
    assert (proposal.status, proposal.enrolment) == (ProposalStatus.ACCEPTED, enrolment)
    assert response.redirect_chain[-1][0] == reverse(HOME) + f"#proposal-{proposal.pk}"
    page = response.content.decode()
    assert f'id="upcoming-{enrolment.pk}"' in page
    assert f'id="enrolment-{enrolment.pk}"' in page
    assert f'id="proposal-{proposal.pk}"' not in page  # no longer awaiting an answer


def test_the_person_declines_a_proposal_from_the_proposals_page(client):
    me = learner()
    proposal = proposal_for(me, session=SessionFactory())
    client.force_login(me.user)

    response = client.post(
        reverse("planning:proposal_respond", args=[proposal.pk]),
        {"answer": "decline"},
        follow=True,
    )

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED
    assert Enrolment.objects.count() == 0
    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("space:proposals"))
    assert f'id="proposal-{proposal.pk}"' in page  # listed among the answered ones
    assert 'value="accept"' not in page


def test_a_confidential_employer_is_not_named_to_the_person(client):
    me = learner()
    need = HiringNeedFactory(project=IndustrialProjectFactory(company__name="Secret Industries"))
    proposal_for(me, need=need)
    client.force_login(me.user)
    assert "Secret Industries" not in client.get(reverse("space:proposals")).content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_the_proposals_page_query_count_does_not_grow(client, count, django_assert_num_queries):
    me = learner()
    for _ in range(count):
        proposal_for(me, session=SessionFactory())
    client.force_login(me.user)
    url = reverse("space:proposals")
    client.get(url)
    with django_assert_num_queries(QUERIES_PROPOSALS_PAGE):
        page = client.get(url).content.decode()
    assert page.count('name="answer" value="accept"') == count


QUERIES_PROPOSALS_PAGE = 5

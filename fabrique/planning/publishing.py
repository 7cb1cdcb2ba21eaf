"""Publishing a plan run: proposals to people, their answers, and shortlists for employers.

- ``publish_run``: a coordinator of the scenario's territory (or a platform admin) publishes
  a finished run once. Each assignment whose person still exists and is not anonymised
  becomes a :class:`Proposal`; each person with an account is told (in the platform and by
  e-mail).
- ``respond``: only the person themself answers, once. Accepting a proposal with a session
  enrols the person through the training offer's own actions (``trainings.actions``), which
  lock the session row, count the seats and use the waiting list when the session is full:
  ``enrol_person`` when the coordinator who published the plan also decides for that
  session's training organisation, else ``apply_for_session`` (the organisation then decides,
  as for any application; see docs/decisions/0005-enrolment-decisions.md). Accepting a direct
  placement records the acceptance. The coordinator who published the plan is told.
- ``withdraw``: a coordinator withdraws a proposal not answered yet.
- Shortlists: for a published run, per hiring need, the people assigned to it who consent to
  be proposed to employers (read live, so that a withdrawn consent removes them at once),
  shown to the members of the need's company and to the coordinators of the scenario.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fabrique.accounts.rules import STAFF_ROLES, can_view_person, organisation_ids
from fabrique.core import audit
from fabrique.core.notifications import notify
from fabrique.planning.enums import ProposalStatus, RunStatus
from fabrique.planning.models import PlanAssignment, PlanRun, Proposal
from fabrique.planning.rules import can_manage_scenario, can_view_scenario
from fabrique.trainings import actions as training_actions
from fabrique.trainings.enrolment_rules import can_decide_for_session
from fabrique.trainings.enums import ACTIVE
from fabrique.trainings.models import Enrolment

if TYPE_CHECKING:
    from fabrique.accounts.models import User
    from fabrique.needs.models import HiringNeed
    from fabrique.people.models import Person
    from fabrique.trainings.models import Session

# Shortlists show the people who have not said no (nor been withdrawn).
SHORTLISTED_STATUSES = (ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED)


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _space_url(proposal: Proposal) -> str:
    return reverse("space:proposals") + f"#proposal-{proposal.pk}"


def describe(assignment: PlanAssignment) -> str:
    """What an assignment proposes, in one sentence, in the current language."""
    need = assignment.need
    occupation = need.occupation.label if need is not None else _("a job")
    if assignment.session is not None:
        return _("the session %(session)s, towards a job as %(occupation)s") % {
            "session": assignment.session,
            "occupation": occupation,
        }
    return _("a job as %(occupation)s") % {"occupation": occupation}


# --- publishing --------------------------------------------------------------------------------


@transaction.atomic
def publish_run(*, run: PlanRun, by: User) -> list[Proposal]:
    """Publish a finished run: one proposal per assignment of a living person, each person
    with an account told. Refused for anyone but the scenario's coordinators (and platform
    admins), for an unfinished run and for a run already published."""
    run = (
        PlanRun.objects.select_for_update(of=("self",))
        .select_related("scenario__territory")
        .get(pk=run.pk)
    )
    if not can_manage_scenario(by, run.scenario):
        raise PermissionDenied(_("Only the coordinators of the territory publish its plans."))
    if run.published_at is not None:
        raise ValidationError(
            _("This plan was already published on %(date)s.")
            % {"date": timezone.localtime(run.published_at).strftime("%d/%m/%Y %H:%M")},
            code="already_published",
        )
    if run.status != RunStatus.DONE:
        raise ValidationError(
            _("Only a finished plan can be published (this one is %(status)s).")
            % {"status": run.get_status_display()},
            code="not_finished",
        )
    assignments = (
        run.assignments.filter(person__isnull=False, person__anonymised_at__isnull=True)
        .select_related("person__user", "session__training", "need__occupation", "need__project")
        .order_by("pk")
    )
    proposals: list[Proposal] = []
    with audit.acting_as(by):
        for assignment in assignments:
            proposal = Proposal(assignment=assignment, person=assignment.person)
            proposal.full_clean()
            proposal.save()
            proposals.append(proposal)
            user = assignment.person.user
            if user is not None and user.is_active:
                notify(
                    users=[user],
                    message=lambda assignment=assignment: (
                        _("A plan proposes you %(what)s. Accept or decline it in your space.")
                        % {"what": describe(assignment)}
                    ),
                    url=_space_url(proposal),
                )
        run.published_at = timezone.now()
        run.published_by = by
        run.save(update_fields=["published_at", "published_by"])
        _tell_companies(run)
    return proposals


def _tell_companies(run: PlanRun) -> None:
    """The staff of the companies whose needs the run plans for hear of their shortlists."""
    from fabrique.accounts.models import User

    companies = run.assignments.filter(need__isnull=False).values("need__project__company_id")
    staff = User.objects.filter(
        is_active=True,
        memberships__organisation_id__in=companies,
        memberships__role__in=STAFF_ROLES,
    ).distinct()
    notify(
        users=staff,
        message=lambda: (
            _("The plan “%(scenario)s” is published: see the shortlists for your hiring needs.")
            % {"scenario": run.scenario}
        ),
        url=reverse("planning:shortlist", args=[run.pk]),
    )


# --- answers -----------------------------------------------------------------------------------


def _answered_message(proposal: Proposal) -> str:
    if proposal.status == ProposalStatus.WITHDRAWN:
        return _("This proposal was withdrawn: it can no longer be answered.")
    return _("You already answered this proposal (%(status)s).") % {
        "status": proposal.get_status_display()
    }


def _enrol(proposal: Proposal, session: Session, by: User) -> Enrolment:
    """The person's enrolment in the proposed session, through the training offer's actions."""
    person = proposal.person
    existing = (
        Enrolment.objects.filter(session=session, person=person, state__in=ACTIVE)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    publisher = proposal.assignment.run.published_by
    note = _("Accepted the proposal of the plan “%(scenario)s”.") % {
        "scenario": proposal.assignment.run.scenario
    }
    if (
        _authenticated(publisher)
        and can_decide_for_session(publisher, session)
        and can_view_person(publisher, person)
    ):
        return training_actions.enrol_person(
            session=session, person=person, by=publisher, note=note
        )
    return training_actions.apply_for_session(session=session, person=person, by=by, note=note)


@transaction.atomic
def respond(*, proposal: Proposal, accept: bool, by: User) -> Proposal:
    """The person accepts or declines a proposal, once."""
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related(
            "person",
            "assignment__run__scenario",
            "assignment__run__published_by",
            "assignment__session__training",
            "assignment__need__occupation",
        )
        .get(pk=proposal.pk)
    )
    person = proposal.person
    if not _authenticated(by) or person.user_id != by.pk or person.anonymised_at is not None:
        raise PermissionDenied(_("Only the person a proposal is made to may answer it."))
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError(_answered_message(proposal), code="answered")
    assignment = proposal.assignment
    with audit.acting_as(by):
        if accept:
            if assignment.session_ref and assignment.session is None:
                raise ValidationError(
                    _(
                        "The session of this proposal is not on the platform (any more): "
                        "it cannot be accepted."
                    ),
                    code="no_session",
                )
            if assignment.session is not None:
                proposal.enrolment = _enrol(proposal, assignment.session, by)
            proposal.status = ProposalStatus.ACCEPTED
        else:
            proposal.status = ProposalStatus.DECLINED
        proposal.responded_at = timezone.now()
        proposal.save(update_fields=["status", "enrolment", "responded_at"])
        publisher = assignment.run.published_by
        if publisher is not None and publisher.is_active:
            accepted = proposal.status == ProposalStatus.ACCEPTED
            notify(
                users=[publisher],
                message=lambda: (
                    (
                        _("%(person)s accepts %(what)s.")
                        if accepted
                        else _("%(person)s declines %(what)s.")
                    )
                    % {"person": person, "what": describe(assignment)}
                ),
                url=reverse("planning:shortlist", args=[assignment.run_id]),
            )
    return proposal


@transaction.atomic
def withdraw(*, proposal: Proposal, by: User) -> Proposal:
    """A coordinator of the scenario withdraws a proposal not answered yet; the person is
    told. An accepted enrolment stays: it belongs to the training offer."""
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related(
            "person__user",
            "assignment__run__scenario__territory",
            "assignment__session",
            "assignment__need__occupation",
        )
        .get(pk=proposal.pk)
    )
    if not can_manage_scenario(by, proposal.assignment.run.scenario):
        raise PermissionDenied(_("Only the coordinators of the territory withdraw proposals."))
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError(
            _("This proposal is %(status)s: it can no longer be withdrawn.")
            % {"status": proposal.get_status_display()},
            code="answered",
        )
    with audit.acting_as(by):
        proposal.status = ProposalStatus.WITHDRAWN
        proposal.responded_at = timezone.now()
        proposal.save(update_fields=["status", "responded_at"])
        user = proposal.person.user
        if user is not None and user.is_active:
            assignment = proposal.assignment
            notify(
                users=[user],
                message=lambda: (
                    _("The proposal of %(what)s was withdrawn.") % {"what": describe(assignment)}
                ),
                url=_space_url(proposal),
            )
    return proposal


# --- shortlists for employers ------------------------------------------------------------------


@dataclass(frozen=True)
class ShortlistEntry:
    """Only what an employer needs to know of a shortlisted person."""

    name: str
    commune: str
    session: str
    session_end: datetime.date | None
    available_from: datetime.date | None
    status: str
    status_label: str


@dataclass(frozen=True)
class NeedShortlist:
    need: HiringNeed
    entries: list[ShortlistEntry]


def _company_ids(user: User) -> set[int]:
    return organisation_ids(user, *STAFF_ROLES)


def can_view_shortlists(user: User, run: PlanRun) -> bool:
    """A published run's shortlists are seen by the coordinators of its scenario and by the
    staff of a company one of whose needs the run plans for."""
    if not _authenticated(user) or run.published_at is None:
        return False
    if can_view_scenario(user, run.scenario):
        return True
    companies = _company_ids(user)
    return (
        bool(companies) and run.assignments.filter(need__project__company_id__in=companies).exists()
    )


def _availability(assignment: PlanAssignment, person: Person) -> datetime.date | None:
    if assignment.session is not None:
        return assignment.session.end
    return person.available_from


def shortlists(run: PlanRun, user: User) -> list[NeedShortlist]:
    """Per hiring need the reader may see, the consenting people the plan assigns to it."""
    if not can_view_shortlists(user, run):
        return []
    assignments = run.assignments.filter(need__isnull=False).select_related(
        "need__occupation", "need__project__company"
    )
    if not can_view_scenario(user, run.scenario):
        assignments = assignments.filter(need__project__company_id__in=_company_ids(user))
    needs: dict[int, HiringNeed] = {}
    for assignment in assignments.order_by("need__needed_by", "need_id"):
        if assignment.need is not None:
            needs.setdefault(assignment.need.pk, assignment.need)
    shortlisted = (
        run.assignments.filter(
            need_id__in=needs,
            person__consent_to_employers=True,
            person__anonymised_at__isnull=True,
            proposal__status__in=SHORTLISTED_STATUSES,
        )
        .select_related("person__commune", "session__training", "proposal")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    entries: dict[int, list[ShortlistEntry]] = {pk: [] for pk in needs}
    for assignment in shortlisted:
        person = assignment.person
        if person is None or assignment.need_id is None:  # excluded by the query
            continue
        proposal = assignment.proposal
        entries[assignment.need_id].append(
            ShortlistEntry(
                name=str(person),
                commune=person.commune.name if person.commune else "",
                session=str(assignment.session) if assignment.session else "",
                session_end=assignment.session.end if assignment.session else None,
                available_from=_availability(assignment, person),
                status=proposal.status,
                status_label=proposal.get_status_display(),
            )
        )
    return [NeedShortlist(need=need, entries=entries[pk]) for pk, need in needs.items()]


# --- the person's records ----------------------------------------------------------------------


def proposal_records(person: Person) -> list[dict[str, Any]]:
    """A person's proposals, JSON-ready, for their personal data download."""
    proposals = person.proposals.select_related(
        "assignment__run__scenario", "assignment__session", "assignment__need__occupation"
    ).order_by("created_at", "pk")
    return [
        {
            "plan": str(proposal.assignment.run.scenario),
            "session": str(proposal.assignment.session) if proposal.assignment.session else None,
            "occupation": (
                proposal.assignment.need.occupation.label if proposal.assignment.need else None
            ),
            "status": proposal.status,
            "created_at": proposal.created_at.isoformat(),
            "responded_at": proposal.responded_at.isoformat() if proposal.responded_at else None,
            "enrolment": proposal.enrolment_id,
        }
        for proposal in proposals
    ]

"""Pages of a published plan: publishing a run, answering a proposal, withdrawing one, and
the employers' shortlists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabrique.core.errors import NotFound
from fabrique.planning import publishing
from fabrique.planning.enums import ProposalStatus
from fabrique.planning.models import PlanRun, Proposal
from fabrique.planning.rules import can_manage_scenario, can_view_run

ANSWERS = {"accept": True, "decline": False}


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _run_or_404(pk: int) -> PlanRun:
    run = PlanRun.objects.select_related("scenario__territory").filter(pk=pk).first()
    if run is None:
        raise NotFound(_("No plan has this number."))
    return run


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@login_required
@require_POST
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(pk)
    if not can_view_run(request.user, run):
        raise NotFound(_("No plan has this number."))
    try:
        proposals = publishing.publish_run(run=run, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("The plan is published: %(count)s proposals sent.") % {"count": len(proposals)},
        )
    return redirect(reverse("planning:run", args=[run.pk]))


def _own_proposal(request: HttpRequest, pk: int) -> Proposal:
    proposal = Proposal.objects.select_related("person").filter(pk=pk).first()
    # Someone else's proposal is answered like one that does not exist.
    if proposal is None or proposal.person.user_id != request.user.pk:
        raise NotFound(_("No proposal with this number is addressed to you."))
    return proposal


@login_required
@require_POST
def proposal_respond(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _own_proposal(request, pk)
    target = _next_url(request, reverse("space:proposals")) + f"#proposal-{proposal.pk}"
    answer = request.POST.get("answer", "")
    if answer not in ANSWERS:
        messages.error(request, _("Answer with “accept” or “decline”."))
        return redirect(target)
    try:
        proposal = publishing.respond(proposal=proposal, accept=ANSWERS[answer], by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(target)
    if proposal.status == ProposalStatus.DECLINED:
        messages.success(request, _("You declined the proposal."))
    elif proposal.enrolment is None:
        messages.success(request, _("You accepted the proposal."))
    else:
        messages.success(
            request,
            _("You accepted the proposal. Your enrolment in %(session)s is %(state)s.")
            % {
                "session": proposal.enrolment.session,
                "state": proposal.enrolment.get_state_display(),
            },
        )
    return redirect(target)


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = (
        Proposal.objects.select_related("assignment__run__scenario__territory")
        .filter(pk=pk)
        .first()
    )
    if proposal is None or not can_view_run(request.user, proposal.assignment.run):
        raise NotFound(_("No proposal has this number."))
    try:
        publishing.withdraw(proposal=proposal, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The proposal is withdrawn."))
    return redirect(
        _next_url(request, reverse("planning:shortlist", args=[proposal.assignment.run_id]))
    )


@login_required
def shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(pk)
    if not publishing.can_view_shortlists(request.user, run):
        raise NotFound(_("No published plan with this number is visible to you."))
    return render(
        request,
        "planning/shortlist.html",
        {
            "run": run,
            "shortlists": publishing.shortlists(run, request.user),
            "is_coordinator": can_manage_scenario(request.user, run.scenario),
        },
    )

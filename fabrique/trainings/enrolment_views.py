"""Pages of enrolments: applying for a session (for oneself or for someone one follows), the
training organisation's management page of a session's enrolments, and "my enrolments".

The enrolment box of a session page (``trainings/_enrolment_box.html``) posts to these pages.
Every write goes through ``actions``; who may do what is in ``enrolment_rules``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabrique.accounts.models import User
from fabrique.people.models import Person
from fabrique.trainings import actions, enrolment_rules, ical
from fabrique.trainings.enrolment_forms import ApplyForm, ApplyForPersonForm, ReasonForm
from fabrique.trainings.enums import TRANSITIONS, EnrolmentState, SessionStatus
from fabrique.trainings.models import Enrolment, Session
from fabrique.trainings.rules import can_view_session

E = EnrolmentState
ENROLMENTS_PER_PAGE = 25
# The order of the groups on the management page.
MANAGED_STATES = [
    E.REQUESTED,
    E.WAITLISTED,
    E.ACCEPTED,
    E.IN_TRAINING,
    E.COMPLETED,
    E.DROPPED,
    E.REFUSED,
    E.WITHDRAWN,
]


def _session_or_404(user: Any, pk: int) -> Session:
    session = get_object_or_404(
        Session.objects.select_related("training", "training__organisation"), pk=pk
    )
    if not can_view_session(user, session):
        raise Http404(_("No session has this number."))
    return session


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- applying ----------------------------------------------------------------------------------


@login_required
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply for a session, for oneself or (counsellors) for someone one follows."""
    session = _session_or_404(request.user, pk)
    user: User = request.user  # type: ignore[assignment]
    data = request.POST if request.method == "POST" else None
    own = Person.objects.filter(user=user, anonymised_at__isnull=True).exists()
    counsellor = enrolment_rules.is_counsellor(user)
    for_other = data is not None and "other-person_choice" in data
    own_form = (
        ApplyForm(None if for_other else data, session=session, user=user, prefix="own")
        if own
        else None
    )
    other_form = (
        ApplyForPersonForm(data if for_other else None, session=session, user=user, prefix="other")
        if counsellor
        else None
    )
    form = other_form if for_other else own_form
    if data is not None:
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                enrolment = form.save()
            except ValidationError as error:
                messages.error(request, _error_text(error))
            else:
                messages.success(
                    request,
                    _(
                        "The application of %(person)s is sent: the training organisation will "
                        "answer it."
                    )
                    % {"person": enrolment.person},
                )
                if for_other:
                    return redirect("trainings:enrolment_mine")
                return redirect(reverse("trainings:enrolment_mine") + f"#enrolment-{enrolment.pk}")
    return render(
        request,
        "trainings/enrolment_apply.html",
        {
            "session": session,
            "own_form": own_form,
            "other_form": other_form,
            "problem": actions.registration_problem(session),
        },
    )


# --- the training organisation ------------------------------------------------------------------


def _decided_session(request: HttpRequest, pk: int) -> Session:
    session = _session_or_404(request.user, pk)
    if not enrolment_rules.can_decide_for_session(request.user, session):  # type: ignore[arg-type]
        raise PermissionDenied
    return session


@login_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    """A session's enrolments, by state, with the decisions each one allows."""
    session = _decided_session(request, pk)
    enrolments = list(
        session.enrolments.select_related("person", "person__organisation", "requested_by")
        .prefetch_related("transitions")
        .order_by("requested_at", "pk")
    )
    started = session.start <= timezone.localdate()
    for enrolment in enrolments:
        enrolment.session = session
        enrolment.reason_id = f"reason-{enrolment.pk}"
        enrolment.last_reason = next(
            (t.reason for t in reversed(enrolment.transitions.all()) if t.reason), ""
        )
        enrolment.can_refuse = E.REFUSED in TRANSITIONS[enrolment.state]
        enrolment.can_drop = enrolment.state == E.IN_TRAINING
        enrolment.can_accept = E.ACCEPTED in TRANSITIONS[enrolment.state]
        enrolment.can_waitlist = enrolment.state == E.REQUESTED
        enrolment.can_start = enrolment.state == E.ACCEPTED and started
        enrolment.can_complete = enrolment.state == E.IN_TRAINING
    # The waiting list in its order; the others in the order they applied.
    enrolments.sort(
        key=lambda e: (
            e.waitlisted_at or e.requested_at if e.state == E.WAITLISTED else e.requested_at,
            e.pk,
        )
    )
    groups = [
        {
            "state": state,
            "label": E(state).label,
            "enrolments": [e for e in enrolments if e.state == state],
        }
        for state in MANAGED_STATES
    ]
    return render(
        request,
        "trainings/enrolment_manage.html",
        {
            "session": session,
            "groups": [group for group in groups if group["enrolments"]],
            "count": len(enrolments),
            "waitlisted": sum(1 for e in enrolments if e.state == E.WAITLISTED),
            "can_cancel": session.status != SessionStatus.CANCELLED
            and session.end >= timezone.localdate(),
        },
    )


@login_required
@require_POST
def advance_waitlist(request: HttpRequest, pk: int) -> HttpResponse:
    session = _decided_session(request, pk)
    moved = actions.advance_waitlist(session=session, by=request.user)  # type: ignore[arg-type]
    if moved:
        messages.success(
            request,
            _("Accepted from the waiting list: %(people)s.")
            % {"people": ", ".join(str(e.person) for e in moved)},
        )
    else:
        messages.warning(request, _("No seat is left, or nobody is on the waiting list."))
    return redirect("trainings:enrolment_manage", pk=session.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = _decided_session(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The reason is too long."))
        return redirect("trainings:enrolment_manage", pk=session.pk)
    try:
        actions.cancel_session(
            session=session,
            by=request.user,  # type: ignore[arg-type]
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The session is cancelled; the people enrolled are told."))
    return redirect("trainings:enrolment_manage", pk=session.pk)


# --- an enrolment's transitions -----------------------------------------------------------------

Transition = Callable[..., Enrolment]
TRANSITION_ACTIONS: dict[str, tuple[Transition, bool]] = {
    # action in the address: (the action, whether it takes a reason)
    "accept": (actions.accept_enrolment, True),
    "waitlist": (actions.waitlist_enrolment, True),
    "refuse": (actions.refuse_enrolment, True),
    "start": (actions.start_training, False),
    "complete": (actions.complete_enrolment, True),
    "drop": (actions.drop_enrolment, True),
    "withdraw": (actions.withdraw_enrolment, True),
}


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@require_POST
def transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Apply one transition to an enrolment, then go back to the page it came from."""
    if action not in TRANSITION_ACTIONS:
        raise Http404
    enrolment = get_object_or_404(
        Enrolment.objects.select_related(
            "person", "session", "session__training", "session__training__organisation"
        ),
        pk=pk,
    )
    user: User = request.user  # type: ignore[assignment]
    if not enrolment_rules.can_view_enrolment(user, enrolment):
        raise Http404(_("No enrolment has this number."))
    default = (
        reverse("trainings:enrolment_manage", args=[enrolment.session_id])
        if enrolment_rules.can_decide_enrolment(user, enrolment)
        else reverse("trainings:enrolment_mine")
    )
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The reason is too long."))
        return redirect(_next_url(request, default))
    function, takes_reason = TRANSITION_ACTIONS[action]
    kwargs: dict[str, Any] = {"enrolment": enrolment, "by": user}
    if takes_reason:
        kwargs["reason"] = form.cleaned_data["reason"]
    try:
        enrolment = function(**kwargs)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("%(person)s: %(state)s.")
            % {"person": enrolment.person, "state": enrolment.get_state_display()},
        )
    return redirect(_next_url(request, default))


# --- the person's side --------------------------------------------------------------------------


@login_required
def my_enrolments(request: HttpRequest) -> HttpResponse:
    """My own enrolments and, for counsellors, those of the people they follow."""
    user: User = request.user  # type: ignore[assignment]
    related = ("person", "session", "session__training", "session__training__organisation")
    own = list(
        Enrolment.objects.filter(person__user=user)
        .select_related(*related)
        .order_by("-session__start", "-pk")
    )
    scope = enrolment_rules.counsellor_organisation_ids(user)
    followed_page = None
    if scope is None or scope:
        followed = Enrolment.objects.exclude(person__user=user).select_related(*related)
        if scope is not None:
            followed = followed.filter(person__organisation_id__in=scope)
        followed = followed.order_by("-session__start", "person__last_name", "-pk")
        followed_page = Paginator(followed, ENROLMENTS_PER_PAGE).get_page(request.GET.get("page"))
    for enrolment in [*own, *(followed_page or [])]:
        enrolment.can_withdraw = E.WITHDRAWN in TRANSITIONS[enrolment.state]
    person = Person.objects.filter(user=user).first()
    return render(
        request,
        "trainings/enrolment_mine.html",
        {
            "own": own,
            "page": followed_page,
            "feed_url": request.build_absolute_uri(ical.person_feed_url(person)) if person else "",
        },
    )


urlpatterns: list[URLPattern] = [
    path("mes-inscriptions/", my_enrolments, name="enrolment_mine"),
    path("sessions/<int:pk>/candidature/", apply, name="enrolment_apply"),
    path("sessions/<int:pk>/inscriptions/", manage, name="enrolment_manage"),
    path(
        "sessions/<int:pk>/inscriptions/liste-d-attente/",
        advance_waitlist,
        name="enrolment_advance_waitlist",
    ),
    path("sessions/<int:pk>/annulation/", cancel, name="enrolment_cancel_session"),
    path("inscriptions/<int:pk>/<slug:action>/", transition, name="enrolment_transition"),
]

"""The person's own space: their pathway, the proposals made to them, their sessions,
their consents and their data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fabrique.accounts.models import User
from fabrique.people.consents import set_consents
from fabrique.people.models import Person, PersonSkill
from fabrique.planning.enums import ProposalStatus
from fabrique.planning.models import Proposal
from fabrique.trainings import ical
from fabrique.trainings.enums import SEAT_HOLDING, EnrolmentState
from fabrique.trainings.models import Enrolment


class ConsentForm(forms.Form):
    consent_to_employers = forms.BooleanField(
        label=gettext_lazy("I agree to be proposed to employers"),
        help_text=gettext_lazy(
            "The companies a plan prepares me for see my name, my commune, my session and "
            "when I am available."
        ),
        required=False,
    )
    consent_to_contact = forms.BooleanField(
        label=gettext_lazy("I agree to be contacted"),
        help_text=gettext_lazy("The organisations that follow me may write to me or call me."),
        required=False,
    )

    def __init__(self, *args: Any, person: Person, user: User, **kwargs: Any) -> None:
        self.person, self.user = person, user
        kwargs.setdefault(
            "initial",
            {
                "consent_to_employers": person.consent_to_employers,
                "consent_to_contact": person.consent_to_contact,
            },
        )
        super().__init__(*args, **kwargs)

    def save(self) -> Person:
        return set_consents(
            person=self.person,
            consent_to_employers=self.cleaned_data["consent_to_employers"],
            consent_to_contact=self.cleaned_data["consent_to_contact"],
            by=self.user,
        )


def _own_person(user: Any) -> Person | None:
    return (
        Person.objects.select_related("commune", "organisation", "current_occupation")
        .filter(user=user, anonymised_at__isnull=True)
        .first()
    )


def _proposals(person: Person) -> list[Proposal]:
    return list(
        person.proposals.select_related(
            "assignment__run__scenario",
            "assignment__session__training__organisation",
            "assignment__need__occupation",
            "assignment__need__project__company",
            "enrolment",
        ).order_by("-created_at", "-pk")
    )


def _no_person(request: HttpRequest) -> HttpResponse:
    return render(request, "people/space_none.html")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    person = _own_person(request.user)
    if person is None:
        return _no_person(request)
    today = timezone.localdate()
    enrolments = list(
        Enrolment.objects.filter(person=person)
        .select_related("session__training__organisation")
        .order_by("-session__start", "-pk")
    )
    upcoming = sorted(
        (
            enrolment
            for enrolment in enrolments
            if enrolment.state in SEAT_HOLDING
            and enrolment.state != EnrolmentState.COMPLETED
            and enrolment.session.end >= today
        ),
        key=lambda enrolment: (enrolment.session.start, enrolment.pk),
    )
    completed = [e for e in enrolments if e.state == EnrolmentState.COMPLETED]
    proposals = _proposals(person)
    context = {
        "person": person,
        "past_occupations": list(person.past_occupations.order_by("label")),
        "skills": list(
            PersonSkill.objects.filter(person=person)
            .select_related("skill")
            .order_by("skill__label", "pk")
        ),
        "enrolments": enrolments,
        "upcoming": upcoming,
        "completed": completed,
        "proposals": [p for p in proposals if p.status == ProposalStatus.PROPOSED],
        "answered_count": sum(1 for p in proposals if p.status != ProposalStatus.PROPOSED),
        "feed_url": request.build_absolute_uri(ical.person_feed_url(person)),
        "consent_form": ConsentForm(person=person, user=request.user),
    }
    return render(request, "people/space.html", context)


@login_required
def proposals(request: HttpRequest) -> HttpResponse:
    person = _own_person(request.user)
    if person is None:
        return _no_person(request)
    every = _proposals(person)
    return render(
        request,
        "people/space_proposals.html",
        {
            "person": person,
            "pending": [p for p in every if p.status == ProposalStatus.PROPOSED],
            "answered": [p for p in every if p.status != ProposalStatus.PROPOSED],
        },
    )


@login_required
@require_POST
def consents(request: HttpRequest) -> HttpResponse:
    person = _own_person(request.user)
    if person is None:
        return _no_person(request)
    form = ConsentForm(request.POST, person=person, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Your consents are saved."))
    else:
        messages.error(request, _("Your consents could not be read: try again."))
    return redirect("space:home")

"""Pages of the training catalogue: the search (list, map, month calendar), a training, a
session, an organisation's offer, and the iCalendar feeds.

The catalogue is public: published trainings are shown to anyone, unpublished ones only to
the members of their organisation (see ``rules.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from fabrique.accounts.models import Organisation
from fabrique.people.models import Person
from fabrique.trainings import displays, ical, queries, rules, transfer_rules
from fabrique.trainings.catalogue_forms import CALENDAR, MAP, VIEWS, CatalogueForm, parse_month
from fabrique.trainings.enums import SessionStatus
from fabrique.trainings.models import Session, Training

SESSIONS_PER_PAGE = 20
CALENDAR_SESSIONS = 500
MAX_PAGE = 10_000


def _catalogue_context(
    request: HttpRequest, form: CatalogueForm, *, organisation: Organisation | None = None
) -> dict[str, Any]:
    query = form.query(organisation_id=organisation.pk if organisation else None)
    view = form.view
    context: dict[str, Any] = {
        "form": form,
        "view": view,
        "organisation": organisation,
        "page": None,
        "map": None,
        "weeks": None,
        "month": None,
        "more_than": None,
    }
    month = None
    if view == CALENDAR:
        today = timezone.localdate()
        month = parse_month(request.GET.get("mois"), query.date_from or today)
        first, last = displays.month_bounds(month)
        query = replace(
            query,
            date_from=max(first, query.date_from) if query.date_from else first,
            date_to=min(last, query.date_to) if query.date_to else last,
        )
    result = queries.search_sessions(query, user=request.user)
    context["result"] = result
    context["located"] = query.centre is not None or result.commune is not None
    if view == MAP:
        sessions = list(result.sessions[: displays.MAP_POINTS])
        context["map"] = displays.session_map(sessions)
        context["shown"] = len(sessions)
        context["total"] = (
            result.sessions.count() if len(sessions) == displays.MAP_POINTS else len(sessions)
        )
    elif view == CALENDAR and month is not None:
        sessions = list(result.sessions[:CALENDAR_SESSIONS])
        context["weeks"] = displays.month_grid(month, sessions)
        context["month"] = month
        context["previous_month"] = displays.shift_month(month, -1)
        context["next_month"] = displays.shift_month(month, 1)
        context["shown"] = len(sessions)
        context["truncated"] = len(sessions) == CALENDAR_SESSIONS
    else:
        number = request.GET.get("page")
        number = number if number and number.isdigit() and int(number) <= MAX_PAGE else 1
        paginator = Paginator(result.sessions, SESSIONS_PER_PAGE)
        found = queries.bounded_count(result.sessions)
        paginator.count = min(found, queries.COUNT_LIMIT)  # type: ignore[misc]
        context["page"] = paginator.get_page(number)
        context["more_than"] = queries.COUNT_LIMIT if found > queries.COUNT_LIMIT else None
    context["views"] = [(value, label, value == view) for value, label in VIEWS]
    return context


def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueForm(request.GET)
    context = _catalogue_context(request, form)
    if request.htmx:
        return render(request, "trainings/catalogue.html#results", context)
    context["can_import"] = transfer_rules.can_import_offer(request.user)
    return render(request, "trainings/catalogue.html", context)


def organisation_offer(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    today = timezone.localdate()
    upcoming = Session.objects.filter(end__gte=today).exclude(status=SessionStatus.CANCELLED)
    trainings = (
        queries.trainings_visible_to(request.user)
        .filter(organisation=organisation)
        .prefetch_related(
            Prefetch("sessions", queryset=upcoming.order_by("start", "pk"), to_attr="upcoming")
        )
        .order_by("title", "pk")
    )
    page = Paginator(trainings, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "trainings/organisation.html",
        {"organisation": organisation, "page": page, "today": today},
    )


def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training = get_object_or_404(Training.objects.select_related("organisation"), pk=pk)
    if not rules.can_view_training(request.user, training):
        raise Http404(_("No training has this number."))
    training = queries.training_page(training, user=request.user)
    return render(
        request,
        "trainings/training.html",
        {
            "training": training,
            "sessions": training.sessions.all(),
            "audiences": training.audiences.all(),
            "fundings": training.fundings.all(),
        },
    )


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        Session.objects.select_related("training", "training__organisation", "commune"), pk=pk
    )
    if not rules.can_view_session(request.user, session):
        raise Http404(_("No session has this number."))
    others = (
        Session.objects.filter(training=session.training, end__gte=timezone.localdate())
        .exclude(pk=session.pk)
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("start", "pk")[:10]
    )
    return render(
        request,
        "trainings/session.html",
        {
            "session": session,
            "training": session.training,
            "trainers": session.trainers.order_by("last_name", "first_name", "pk"),
            "others": others,
        },
    )


# --- calendar feeds ---------------------------------------------------------------------------


def _ics(document: str, filename: str) -> HttpResponse:
    response = HttpResponse(document, content_type=ical.CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    return response


def organisation_ical(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    since = timezone.localdate() - dt.timedelta(days=365)
    sessions = (
        Session.objects.filter(
            training__organisation=organisation, training__published=True, end__gte=since
        )
        .select_related("training", "training__organisation")
        .order_by("start", "pk")
    )
    return _ics(ical.calendar(sessions, name=organisation.name, request=request), slug)


def session_ical(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        Session.objects.select_related("training", "training__organisation"), pk=pk
    )
    if not rules.can_view_session(request.user, session):
        raise Http404(_("No session has this number."))
    return _ics(
        ical.calendar([session], name=session.training.title, request=request), f"session-{pk}"
    )


def person_ical(request: HttpRequest, token: str) -> HttpResponse:
    person_id = ical.person_from_token(token)
    person = (
        Person.objects.filter(pk=person_id, anonymised_at__isnull=True).first()
        if person_id is not None
        else None
    )
    if person is None:
        raise Http404(_("This calendar address is not valid."))
    sessions = queries.person_sessions(person)
    name = _("Training sessions of %(person)s") % {"person": person}
    return _ics(ical.calendar(sessions, name=name, request=request), "sessions")


urlpatterns: list[URLPattern] = [
    path("", catalogue, name="catalogue"),
    path("<int:pk>/", training_detail, name="training"),
    path("sessions/<int:pk>/", session_detail, name="session"),
    path("sessions/<int:pk>/agenda.ics", session_ical, name="session_ical"),
    path("organismes/<slug:slug>/", organisation_offer, name="organisation"),
    path("organismes/<slug:slug>/agenda.ics", organisation_ical, name="organisation_ical"),
    path("agenda/<str:token>.ics", person_ical, name="person_ical"),
]

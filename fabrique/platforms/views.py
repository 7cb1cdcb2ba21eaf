"""Pages of technical platforms: the platforms and their equipment (with a week of bookings),
the network-wide search of free slots, booking, my bookings, the staff's bookings to
confirm, authorisations, and the sharing of machines between organisations.

Thin views: forms validate, ``actions`` decide and refuse with the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabrique.accounts.models import User
from fabrique.people.enums import PersonStatus
from fabrique.platforms import actions, ical, queries, rules
from fabrique.platforms import sharing as sharing_actions
from fabrique.platforms.discovery import discovery_sessions, join_discovery_session
from fabrique.platforms.enums import ACTIVE, BookingState, SharingState
from fabrique.platforms.forms import (
    AuthorisationForm,
    BookingForm,
    EquipmentDocumentForm,
    SearchForm,
    SharingRequestForm,
)
from fabrique.platforms.models import (
    Authorisation,
    Availability,
    Booking,
    Equipment,
    SharingRequest,
    TechnicalPlatform,
)
from fabrique.platforms.usage import monthly_usage, usage_csv, usage_xlsx

B = BookingState
BOOKINGS_SHOWN = 200


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _equipment_or_404(pk: int) -> Equipment:
    return get_object_or_404(
        Equipment.objects.select_related(
            "platform", "platform__owner", "platform__commune", "required_training"
        ),
        pk=pk,
    )


# --- platforms and equipment --------------------------------------------------------------------


def platform_list(request: HttpRequest) -> HttpResponse:
    platforms = (
        TechnicalPlatform.objects.select_related("owner", "commune")
        .annotate(equipment_count=Count("equipment"))
        .order_by("name", "pk")
    )
    return render(request, "platforms/platform_list.html", {"platforms": platforms})


def platform(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(
        TechnicalPlatform.objects.select_related("owner", "commune").prefetch_related("partners"),
        slug=slug,
    )
    return render(
        request,
        "platforms/platform.html",
        {
            "platform": item,
            "equipment": item.equipment.order_by("name", "pk"),
            "availabilities": item.availabilities.filter(equipment__isnull=True).order_by(
                "weekday", "start"
            ),
            "closures": item.closures.filter(
                equipment__isnull=True, last_day__gte=timezone.localdate()
            ).order_by("first_day")[:20],
            "can_manage": rules.can_manage_platform(request.user, item),  # type: ignore[arg-type]
        },
    )


def _monday(request: HttpRequest) -> dt.date:
    try:
        day = dt.date.fromisoformat(request.GET.get("semaine", ""))
    except ValueError:
        day = timezone.localdate()
    day = min(max(day, dt.date(2000, 1, 1)), dt.date(2100, 1, 1))
    return day - dt.timedelta(days=day.weekday())


def equipment(request: HttpRequest, pk: int) -> HttpResponse:
    item = _equipment_or_404(pk)
    user = request.user
    context = _equipment_context(request, item)
    if user.is_authenticated:
        context["booking_form"] = BookingForm(equipment=item, user=user)  # type: ignore[arg-type]
        if rules.can_request_sharing(user, item):  # type: ignore[arg-type]
            context["sharing_form"] = SharingRequestForm(equipment=item, user=user)  # type: ignore[arg-type]
    return render(request, "platforms/equipment.html", context)


def _opening_slots(item: Equipment) -> list[Availability]:
    own = list(item.availabilities.order_by("weekday", "start"))
    return own or list(
        item.platform.availabilities.filter(equipment__isnull=True).order_by("weekday", "start")
    )


def _equipment_context(request: HttpRequest, item: Equipment) -> dict[str, Any]:
    user = request.user
    monday = _monday(request)
    days = queries.week_bookings(item, monday)
    authorised = None
    if user.is_authenticated and item.requires_authorisation:
        authorised = actions.valid_authorisation(user, item, timezone.now()) is not None  # type: ignore[arg-type]
    return {
        "equipment": item,
        "platform": item.platform,
        "tariffs": item.tariffs.order_by("user_category", "unit"),
        "documents": item.documents.all(),
        "capabilities": sorted((item.capabilities or {}).items()),
        "week": [
            {"day": monday + dt.timedelta(days=index), "bookings": bookings}
            for index, bookings in enumerate(days)
        ],
        "previous_week": (monday - dt.timedelta(days=7)).isoformat(),
        "next_week": (monday + dt.timedelta(days=7)).isoformat(),
        "authorised": authorised,
        "opening_slots": _opening_slots(item),
        "own_slots": item.availabilities.exists(),
        "can_manage": rules.can_manage_equipment(user, item),  # type: ignore[arg-type]
        "document_form": EquipmentDocumentForm()
        if rules.can_manage_equipment(user, item)  # type: ignore[arg-type]
        else None,
        "can_validate": rules.can_validate_authorisation(user, item),  # type: ignore[arg-type]
        "booking_form": None,
        "sharing_form": None,
    }


@login_required
@require_POST
def equipment_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = _equipment_or_404(pk)
    user: User = request.user  # type: ignore[assignment]
    if not rules.can_manage_equipment(user, item):
        raise PermissionDenied
    form = EquipmentDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.add_equipment_document(
                equipment=item,
                by=user,
                title=data["title"],
                file=data.get("file") or None,
                url=data.get("url") or "",
                is_photo=data["is_photo"],
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(
                None, _error_text(error) if isinstance(error, ValidationError) else str(error)
            )
        else:
            return redirect(item.get_absolute_url() + "#documents")
    context = _equipment_context(request, item)
    context["document_form"] = form
    return render(request, "platforms/equipment.html", context, status=422)


# --- booking ------------------------------------------------------------------------------------


@login_required
def book(request: HttpRequest, pk: int) -> HttpResponse:
    item = _equipment_or_404(pk)
    user: User = request.user  # type: ignore[assignment]
    form = BookingForm(request.POST or None, equipment=item, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            booking = form.save()
        except (ValidationError, PermissionDenied) as error:
            text = _error_text(error) if isinstance(error, ValidationError) else str(error)
            form.add_error(None, text)
        else:
            messages.success(
                request,
                _("%(equipment)s is booked (%(state)s).")
                % {"equipment": item, "state": booking.get_state_display()},
            )
            return redirect(reverse("platforms:mine") + f"#booking-{booking.pk}")
    context = _equipment_context(request, item)
    context["booking_form"] = form
    status = 422 if request.method == "POST" else 200
    return render(request, "platforms/equipment.html", context, status=status)


@login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    bookings = list(
        Booking.objects.filter(Q(user=user) | Q(booked_by=user))
        .select_related("equipment", "equipment__platform")
        .order_by("-start", "-pk")[:BOOKINGS_SHOWN]
    )
    for booking in bookings:
        booking.can_cancel = booking.state in ACTIVE
    context = {"bookings": bookings, "feed_url": ical.user_feed_url(user)}
    return render(request, "platforms/my_bookings.html", context)


def equipment_feed(request: HttpRequest, pk: int) -> HttpResponse:
    """When the equipment is taken, as an iCalendar feed; names only for its staff."""
    item = _equipment_or_404(pk)
    start, end = ical.feed_window()
    bookings = (
        item.bookings.filter(
            state__in=[BookingState.REQUESTED, BookingState.CONFIRMED, BookingState.DONE],
            end__gt=start,
            start__lt=end,
        )
        .select_related("equipment__platform", "user")
        .order_by("start", "pk")
    )
    name_user = rules.can_manage_equipment(request.user, item)  # type: ignore[arg-type]
    text = ical.calendar(bookings, name=item.name, request=request, name_user=name_user)
    return HttpResponse(text, content_type=ical.CONTENT_TYPE)


def user_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A user's own bookings, for calendar applications (the address is the key)."""
    user_id = ical.user_from_token(token)
    if user_id is None or not User.objects.filter(pk=user_id, is_active=True).exists():
        raise Http404
    start, end = ical.feed_window()
    bookings = (
        Booking.objects.filter(Q(user_id=user_id) | Q(booked_by_id=user_id))
        .filter(end__gt=start, start__lt=end)
        .select_related("equipment__platform", "user")
        .order_by("start", "pk")
    )
    text = ical.calendar(bookings, name=_("My bookings"), request=request, name_user=True)
    return HttpResponse(text, content_type=ical.CONTENT_TYPE)


@login_required
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    """The platform staff's bookings: to confirm, coming, and to close."""
    item = get_object_or_404(TechnicalPlatform, slug=slug)
    if not rules.can_manage_platform(request.user, item):  # type: ignore[arg-type]
        raise PermissionDenied
    related = ("equipment", "user")
    bookings = Booking.objects.filter(equipment__platform=item).select_related(*related)
    return render(
        request,
        "platforms/manage.html",
        {
            "platform": item,
            "requested": bookings.filter(state=B.REQUESTED).order_by("start", "pk"),
            "confirmed": bookings.filter(state=B.CONFIRMED).order_by("start", "pk")[
                :BOOKINGS_SHOWN
            ],
        },
    )


TRANSITIONS = {"confirmer", "annuler", "effectuee", "absence"}


@login_required
@require_POST
def transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in TRANSITIONS:
        raise Http404
    booking = get_object_or_404(
        Booking.objects.select_related("equipment", "equipment__platform", "user"), pk=pk
    )
    user: User = request.user  # type: ignore[assignment]
    if not rules.can_view_booking(user, booking):
        raise Http404(_("No booking has this number."))
    try:
        match action:
            case "confirmer":
                booking = actions.confirm_booking(booking=booking, by=user)
            case "annuler":
                booking = actions.cancel_booking(
                    booking=booking, by=user, reason=request.POST.get("reason", "")[:2000]
                )
            case "effectuee":
                booking = actions.close_booking(booking=booking, by=user, used=True)
            case _:
                booking = actions.close_booking(booking=booking, by=user, used=False)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("%(equipment)s, %(start)s: %(state)s.")
            % {
                "equipment": booking.equipment,
                "start": timezone.localtime(booking.start).strftime("%d/%m/%Y %H:%M"),
                "state": booking.get_state_display(),
            },
        )
    if rules.can_decide_booking(user, booking):
        return redirect("platforms:manage", slug=booking.equipment.platform.slug)
    return redirect("platforms:mine")


# --- search -------------------------------------------------------------------------------------


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    matches = None
    if form.is_bound and form.is_valid():
        matches = queries.search_free_slots(form.search())
    return render(request, "platforms/search.html", {"form": form, "matches": matches})


# --- authorisations -----------------------------------------------------------------------------


@login_required
def authorisations(request: HttpRequest, pk: int) -> HttpResponse:
    item = _equipment_or_404(pk)
    user: User = request.user  # type: ignore[assignment]
    if not rules.can_validate_authorisation(user, item):
        raise PermissionDenied
    form = AuthorisationForm(request.POST or None, equipment=item, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            authorisation = form.save()
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(
                request,
                _("%(user)s may now book %(equipment)s.")
                % {"user": authorisation.user, "equipment": item},
            )
            return redirect("platforms:authorisations", pk=item.pk)
    return render(
        request,
        "platforms/authorisations.html",
        {
            "equipment": item,
            "form": form,
            "authorisations": Authorisation.objects.filter(equipment=item)
            .select_related("user", "granted_by")
            .order_by("-granted_at")[:BOOKINGS_SHOWN],
        },
    )


# --- sharing ------------------------------------------------------------------------------------


@login_required
@require_POST
def share(request: HttpRequest, pk: int) -> HttpResponse:
    item = _equipment_or_404(pk)
    shared = request.POST.get("shared") == "1"
    sharing_actions.set_shared(equipment=item, shared=shared, by=request.user)  # type: ignore[arg-type]
    messages.success(
        request,
        _("%(equipment)s is listed for sharing.") % {"equipment": item}
        if shared
        else _("%(equipment)s is no longer listed for sharing.") % {"equipment": item},
    )
    return redirect("platforms:equipment", pk=item.pk)


@login_required
def request_sharing(request: HttpRequest, pk: int) -> HttpResponse:
    item = _equipment_or_404(pk)
    user: User = request.user  # type: ignore[assignment]
    form = SharingRequestForm(request.POST or None, equipment=item, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("Your request is sent: the owner will answer it."))
            return redirect("platforms:sharing")
    context = _equipment_context(request, item)
    context["sharing_form"] = form
    status = 422 if request.method == "POST" else 200
    return render(request, "platforms/equipment.html", context, status=status)


@login_required
def sharing(request: HttpRequest) -> HttpResponse:
    """Requests I sent, and requests for the machines I run."""
    user: User = request.user  # type: ignore[assignment]
    related = ("equipment", "equipment__platform", "requester", "organisation")
    sent = SharingRequest.objects.filter(requester=user).select_related(*related)
    scope = rules.staff_organisation_ids(user)
    received = SharingRequest.objects.select_related(*related)
    if scope is not None:
        received = received.filter(equipment__platform__owner_id__in=scope)
    received = received.exclude(requester=user)
    return render(
        request,
        "platforms/sharing.html",
        {
            "sent": sent[:BOOKINGS_SHOWN],
            "received": received.order_by("-created_at", "-pk")[:BOOKINGS_SHOWN],
            "pending": SharingState.PENDING,
        },
    )


@login_required
@require_POST
def answer_sharing(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in {"accepter", "refuser"}:
        raise Http404
    item = get_object_or_404(
        SharingRequest.objects.select_related("equipment", "equipment__platform"), pk=pk
    )
    user: User = request.user  # type: ignore[assignment]
    if not rules.can_answer_sharing(user, item):
        raise PermissionDenied
    answer = request.POST.get("answer", "")[:2000]
    try:
        if action == "accepter":
            sharing_actions.accept_sharing(sharing=item, by=user, answer=answer)
            messages.success(request, _("Accepted: the booking is confirmed."))
        else:
            sharing_actions.decline_sharing(sharing=item, by=user, answer=answer)
            messages.success(request, _("Declined: the requester is told."))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("platforms:sharing")


# --- usage ---------------------------------------------------------------------------------------


@login_required
def usage(request: HttpRequest, slug: str) -> HttpResponse:
    """A month of usage per equipment, for the platform's staff; CSV for accounting."""
    item = get_object_or_404(TechnicalPlatform, slug=slug)
    if not rules.can_manage_platform(request.user, item):  # type: ignore[arg-type]
        raise PermissionDenied
    try:
        month = dt.date.fromisoformat(request.GET.get("mois", "") + "-01")
    except ValueError:
        month = timezone.localdate().replace(day=1)
    month = min(max(month, dt.date(2000, 1, 1)), dt.date(2100, 1, 1))
    rows = monthly_usage(item, month)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            usage_xlsx(item, month, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="usage-{item.slug}-{month:%Y-%m}.xlsx"'
        )
        return response
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            usage_csv(item, month, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="usage-{item.slug}-{month:%Y-%m}.csv"'
        )
        return response
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "platforms/usage.html",
        {
            "platform": item,
            "month": month,
            "rows": rows,
            "previous": f"{previous:%Y-%m}",
            "following": f"{following:%Y-%m}",
            "current": f"{month:%Y-%m}",
        },
    )


# --- discovery sessions -------------------------------------------------------------------------


def discovery(request: HttpRequest) -> HttpResponse:
    """Discovery sessions for schools and the public; any account joins one."""
    user = request.user
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(reverse("accounts:login") + f"?next={request.path}")
        session = get_object_or_404(discovery_sessions(), pk=request.POST.get("session") or 0)
        try:
            join_discovery_session(
                session=session,
                by=user,  # type: ignore[arg-type]
                status=request.POST.get("status", ""),
            )
        except (ValidationError, PermissionDenied) as error:
            text = _error_text(error) if isinstance(error, ValidationError) else str(error)
            messages.error(request, text)
        else:
            messages.success(
                request,
                _("Your application to %(session)s is sent.") % {"session": session},
            )
        return redirect("platforms:discovery")
    return render(
        request,
        "platforms/discovery.html",
        {
            "sessions": discovery_sessions()[:100],
            # Members of the public first: they are whom these sessions are for.
            "statuses": sorted(PersonStatus.choices, key=lambda c: c[0] != PersonStatus.PUBLIC),
        },
    )


urlpatterns: list[URLPattern] = [
    path("decouverte/", discovery, name="discovery"),
    path("", platform_list, name="list"),
    path("recherche/", search, name="search"),
    path("mes-reservations/", my_bookings, name="mine"),
    path("partage/", sharing, name="sharing"),
    path("partage/<int:pk>/<slug:action>/", answer_sharing, name="answer_sharing"),
    path("equipements/<int:pk>/", equipment, name="equipment"),
    path("equipements/<int:pk>/reservations.ics", equipment_feed, name="equipment_feed"),
    path("mes-reservations/<str:token>/calendrier.ics", user_feed, name="user_feed"),
    path("equipements/<int:pk>/reserver/", book, name="book"),
    path("equipements/<int:pk>/documents/", equipment_document_add, name="equipment_document_add"),
    path("equipements/<int:pk>/habilitations/", authorisations, name="authorisations"),
    path("equipements/<int:pk>/partage/", share, name="share"),
    path("equipements/<int:pk>/demande-de-partage/", request_sharing, name="request_sharing"),
    path("reservations/<int:pk>/<slug:action>/", transition, name="transition"),
    path("<slug:slug>/", platform, name="platform"),
    path("<slug:slug>/reservations/", manage, name="manage"),
    path("<slug:slug>/utilisation/", usage, name="usage"),
]

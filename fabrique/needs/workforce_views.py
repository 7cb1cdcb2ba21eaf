"""Pages of workforce snapshots: the list, an employer's latest snapshot with its expected
retirements per occupation and year beside its declared hiring needs, one snapshot, and the
retirements as CSV. Read by the employer's members, its coordinators and platform admins."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from fabrique.accounts.models import Organisation
from fabrique.engine.retirements import RETIREMENT_AGES
from fabrique.needs import queries, retirements, rules, transfer_rules
from fabrique.needs.models import WorkforceSnapshot
from fabrique.trainings.spreadsheets import CSV_CONTENT_TYPE

SNAPSHOTS_PER_PAGE = 25


@login_required
def snapshot_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.snapshot_list(request.user), SNAPSHOTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "needs/workforce_list.html",
        {"page": page, "can_import": transfer_rules.can_import(request.user)},
    )


def _snapshot_page(request: HttpRequest, snapshot: WorkforceSnapshot) -> HttpResponse:
    others = list(
        WorkforceSnapshot.objects.filter(employer_id=snapshot.employer_id)
        .order_by("-taken_on")
        .values_list("pk", "taken_on")
    )
    lines = list(
        snapshot.lines.select_related("occupation").order_by("occupation__code", "age_band")
    )
    context = {
        "snapshot": snapshot,
        "employer": snapshot.employer,
        "lines": lines,
        "table": retirements.retirement_table(snapshot),
        "snapshots": others,
        "latest": others[0][0] == snapshot.pk,
        "retirement_ages": RETIREMENT_AGES,
    }
    return render(request, "needs/workforce_snapshot.html", context)


@login_required
def employer_workforce(request: HttpRequest, slug: str) -> HttpResponse:
    """The latest snapshot of an employer."""
    employer = get_object_or_404(Organisation, slug=slug)
    if not rules.can_view_workforce(request.user, employer.pk):
        raise Http404(_("No workforce snapshot of this organisation."))
    snapshot = (
        WorkforceSnapshot.objects.select_related("employer", "commune")
        .filter(employer=employer)
        .order_by("-taken_on")
        .first()
    )
    if snapshot is None:
        raise Http404(_("No workforce snapshot of this organisation."))
    return _snapshot_page(request, snapshot)


def _snapshot_or_404(request: HttpRequest, pk: int) -> WorkforceSnapshot:
    snapshot = get_object_or_404(
        WorkforceSnapshot.objects.select_related("employer", "commune"), pk=pk
    )
    if not rules.can_view_workforce(request.user, snapshot.employer_id):
        raise Http404(_("No workforce snapshot has this number."))
    return snapshot


@login_required
def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _snapshot_page(request, _snapshot_or_404(request, pk))


@login_required
def snapshot_retirements_csv(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = _snapshot_or_404(request, pk)
    content = retirements.table_csv(retirements.retirement_table(snapshot))
    response = HttpResponse(content, content_type=CSV_CONTENT_TYPE)
    name = f"departs-retraite-{snapshot.employer.slug}-{snapshot.taken_on:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns: list[URLPattern] = [
    path("effectifs/", snapshot_list, name="workforce_list"),
    path("effectifs/releves/<int:pk>/", snapshot_detail, name="workforce_snapshot"),
    path(
        "effectifs/releves/<int:pk>/departs.csv",
        snapshot_retirements_csv,
        name="workforce_retirements_csv",
    ),
    path("effectifs/<slug:slug>/", employer_workforce, name="workforce_employer"),
]

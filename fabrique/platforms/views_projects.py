"""Pages of innovation projects: the projects one follows, a project's page (stages,
milestones, team, bookings, documents, outcomes), and the public showcase of the projects
whose holder allows it. Files are served here, after the same permission checks.

Thin views: forms validate, ``projects`` decides and refuses with the reason.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from fabrique.accounts.models import User
from fabrique.core import uploads
from fabrique.platforms import projects, rules
from fabrique.platforms.enums import BookingState, OutcomeKind, ProjectStage
from fabrique.platforms.forms_projects import (
    DocumentForm,
    MemberForm,
    MilestoneForm,
    OutcomeForm,
    ProjectForm,
    ReachedForm,
    StageForm,
)
from fabrique.platforms.models import (
    EquipmentDocument,
    InnovationProject,
    ProjectDocument,
    ProjectMember,
    ProjectMilestone,
    ProjectOutcome,
)

SHOWN = 200
USED_STATES = (BookingState.REQUESTED, BookingState.CONFIRMED, BookingState.DONE)


def _error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, PermissionDenied):
        return str(error)
    return " ".join(error.messages)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _project_or_404(request: HttpRequest, pk: int) -> InnovationProject:
    project = get_object_or_404(
        InnovationProject.objects.select_related(
            "holder_organisation", "platform", "platform__owner"
        ),
        pk=pk,
    )
    if not rules.can_view_project(_user(request), project):
        raise Http404
    return project


def _totals(outcomes: Any) -> list[dict[str, Any]]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for outcome in outcomes:
        sums[outcome.kind] += outcome.value
    return [
        {"kind": kind, "label": label, "total": sums[kind]}
        for kind, label in OutcomeKind.choices
        if kind in sums
    ]


def _timeline(project: InnovationProject) -> list[dict[str, Any]]:
    """Every stage in order, with the dates the project was at it (if ever)."""
    records = list(project.stages.order_by("started_on", "pk"))
    return [
        {
            "stage": stage,
            "label": label,
            "records": [record for record in records if record.stage == stage],
            "current": project.stage == stage,
        }
        for stage, label in ProjectStage.choices
    ]


# --- the projects one follows -------------------------------------------------------------------


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    stage = request.GET.get("etape", "")
    found = rules.projects_visible_to(user)
    if stage in ProjectStage.values:
        found = found.filter(stage=stage)
    rows = (
        InnovationProject.objects.filter(pk__in=found.values("pk"))
        .select_related("holder_organisation", "platform")
        .annotate(booking_count=Count("bookings", filter=Q(bookings__state__in=USED_STATES)))
        .order_by("name", "pk")[:SHOWN]
    )
    return render(
        request,
        "platforms/projects/list.html",
        {"projects": rows, "stages": ProjectStage.choices, "stage": stage},
    )


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ProjectForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = projects.create_project(
                by=user,
                name=data["name"],
                holder_kind=data["holder_kind"],
                holder_organisation=data["holder_organisation"],
                holder_name=data["holder_name"],
                platform=data["platform"],
                summary=data["summary"],
                description=data["description"],
                stage=data["stage"],
                started_on=data["started_on"],
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, project.name)
            return redirect(project)
    status = 422 if request.method == "POST" else 200
    return render(request, "platforms/projects/form.html", {"form": form}, status=status)


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(request, pk)
    user = _user(request)
    if not rules.can_lead_project(user, project):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, user=user, project=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            projects.update_project(
                project=project,
                by=user,
                **{field: data[field] for field in projects.EDITABLE},
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _error_text(error))
        else:
            return redirect(project)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "platforms/projects/form.html", {"form": form, "project": project}, status=status
    )


# --- a project's page ---------------------------------------------------------------------------


def _detail(
    request: HttpRequest, project: InnovationProject, status: int = 200, **forms: Any
) -> HttpResponse:
    user = _user(request)
    can_work = rules.can_work_on_project(user, project)
    can_lead = rules.can_lead_project(user, project)
    bookings = list(
        project.bookings.select_related("equipment", "equipment__platform", "user").order_by(
            "start", "pk"
        )[:SHOWN]
    )
    outcomes = list(project.outcomes.all())
    hours_used = sum(booking.hours for booking in bookings if booking.state == BookingState.DONE)
    context = {
        "project": project,
        "timeline": _timeline(project),
        "stage_records": project.stages.order_by("started_on", "pk"),
        "milestones": project.milestones.all(),
        "team": project.team.select_related("user", "organisation"),
        "bookings": bookings,
        "hours_used": hours_used,
        "documents": project.documents.all(),
        "outcomes": outcomes,
        "totals": _totals(outcomes),
        "can_work": can_work,
        "can_lead": can_lead,
        "stage_form": forms.get("stage_form") or (StageForm() if can_work else None),
        "milestone_form": forms.get("milestone_form") or (MilestoneForm() if can_work else None),
        "reached_form": ReachedForm(),
        "member_form": forms.get("member_form") or (MemberForm() if can_work else None),
        "document_form": forms.get("document_form") or (DocumentForm() if can_work else None),
        "outcome_form": forms.get("outcome_form") or (OutcomeForm() if can_work else None),
    }
    return render(request, "platforms/projects/detail.html", context, status=status)


def project(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        item = get_object_or_404(InnovationProject, pk=pk, showcase=True)
        return redirect("platforms:showcase_project", slug=item.slug)
    return _detail(request, _project_or_404(request, pk))


def _section(
    request: HttpRequest,
    pk: int,
    form_class: type,
    form_name: str,
    act: Any,
    anchor: str,
    done: str = "",
) -> HttpResponse:
    """A section's form posted: act on it, or show the page with the form's problems."""
    project = _project_or_404(request, pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            act(project, _user(request), form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
                for field, problems in error.error_dict.items():
                    target = field if field in form.fields else None
                    for problem in problems:
                        form.add_error(target, problem)
            else:
                form.add_error(None, _error_text(error))
        else:
            if done:
                messages.success(request, done)
            return redirect(project.get_absolute_url() + anchor)
    return _detail(request, project, status=422, **{form_name: form})


@login_required
@require_POST
def project_stage(request: HttpRequest, pk: int) -> HttpResponse:
    def act(project: InnovationProject, user: User, data: dict[str, Any]) -> None:
        projects.move_stage(
            project=project, by=user, stage=data["stage"], on=data["on"], note=data["note"]
        )

    return _section(request, pk, StageForm, "stage_form", act, "#stages")


@login_required
@require_POST
def project_milestone(request: HttpRequest, pk: int) -> HttpResponse:
    def act(project: InnovationProject, user: User, data: dict[str, Any]) -> None:
        projects.add_milestone(
            project=project,
            by=user,
            title=data["title"],
            stage=data["stage"],
            due_on=data["due_on"],
            note=data["note"],
        )

    return _section(request, pk, MilestoneForm, "milestone_form", act, "#milestones")


@login_required
@require_POST
def milestone_reached(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(ProjectMilestone.objects.select_related("project"), pk=pk)
    if not rules.can_view_project(_user(request), milestone.project):
        raise Http404
    form = ReachedForm(request.POST)
    if form.is_valid():
        try:
            projects.reach_milestone(
                milestone=milestone, by=_user(request), on=form.cleaned_data["on"]
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _error_text(error))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(milestone.project.get_absolute_url() + "#milestones")


@login_required
@require_POST
def project_member(request: HttpRequest, pk: int) -> HttpResponse:
    def act(project: InnovationProject, user: User, data: dict[str, Any]) -> None:
        projects.add_member(project=project, by=user, user=data["email"], role=data["role"])

    return _section(request, pk, MemberForm, "member_form", act, "#team")


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(ProjectMember.objects.select_related("project"), pk=pk)
    if not rules.can_view_project(_user(request), member.project):
        raise Http404
    try:
        projects.remove_member(member=member, by=_user(request))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    if not rules.can_view_project(_user(request), member.project):
        return redirect("platforms:projects")
    return redirect(member.project.get_absolute_url() + "#team")


@login_required
@require_POST
def project_document(request: HttpRequest, pk: int) -> HttpResponse:
    def act(project: InnovationProject, user: User, data: dict[str, Any]) -> None:
        projects.add_document(
            project=project,
            by=user,
            title=data["title"],
            file=data.get("file") or None,
            url=data.get("url") or "",
            public=data["public"],
        )

    return _section(request, pk, DocumentForm, "document_form", act, "#documents")


@login_required
@require_POST
def document_remove(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(ProjectDocument.objects.select_related("project"), pk=pk)
    if not rules.can_view_project(_user(request), document.project):
        raise Http404
    try:
        projects.remove_document(document=document, by=_user(request))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _error_text(error))
    return redirect(document.project.get_absolute_url() + "#documents")


@login_required
@require_POST
def project_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    def act(project: InnovationProject, user: User, data: dict[str, Any]) -> None:
        projects.record_outcome(
            project=project,
            by=user,
            kind=data["kind"],
            value=data["value"],
            on=data["on"],
            note=data["note"],
        )

    return _section(request, pk, OutcomeForm, "outcome_form", act, "#outcomes")


@login_required
@require_POST
def project_showcase(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(request, pk)
    try:
        projects.set_showcase(
            project=project, by=_user(request), public=request.POST.get("public") == "1"
        )
    except PermissionDenied as error:
        messages.error(request, str(error))
    return redirect(project.get_absolute_url() + "#showcase")


# --- files ------------------------------------------------------------------------------------


def project_document_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's file: for those who see the project, or anyone when it is public on a
    public showcase."""
    document = get_object_or_404(ProjectDocument.objects.select_related("project"), pk=pk)
    public = document.public and document.project.showcase
    if not public and not rules.can_view_project(_user(request), document.project):
        raise Http404
    return uploads.serve(document.file, download_name=document.title)


def equipment_document_file(request: HttpRequest, pk: int) -> HttpResponse:
    """An equipment's photo or document (equipment pages are public)."""
    document = get_object_or_404(EquipmentDocument, pk=pk)
    return uploads.serve(document.file, download_name=document.title)


# --- the public showcase ----------------------------------------------------------------------


def showcase_list(request: HttpRequest) -> HttpResponse:
    public = InnovationProject.objects.filter(showcase=True)
    stage = request.GET.get("etape", "")
    shown = public.filter(stage=stage) if stage in ProjectStage.values else public
    totals = {
        row["kind"]: row["total"]
        for row in ProjectOutcome.objects.filter(project__showcase=True)
        .values("kind")
        .annotate(total=Sum("value"))
        .order_by("kind")
    }
    return render(
        request,
        "platforms/projects/showcase_list.html",
        {
            "projects": shown.select_related("holder_organisation", "platform").order_by(
                "-updated_at", "pk"
            )[:SHOWN],
            "stages": ProjectStage.choices,
            "stage": stage,
            "totals": [
                {"label": label, "total": totals[kind]}
                for kind, label in OutcomeKind.choices
                if kind in totals
            ],
            "count": public.count(),
        },
    )


def showcase_project(request: HttpRequest, slug: str) -> HttpResponse:
    project = get_object_or_404(
        InnovationProject.objects.select_related("holder_organisation", "platform"), slug=slug
    )
    if not rules.can_see_showcase(_user(request), project):
        raise Http404
    outcomes = list(project.outcomes.all())
    used = (
        project.bookings.filter(state=BookingState.DONE)
        .values("equipment__name", "equipment__platform__name")
        .annotate(count=Count("pk"))
        .order_by("equipment__name")
    )
    return render(
        request,
        "platforms/projects/showcase.html",
        {
            "project": project,
            "timeline": _timeline(project),
            "documents": project.documents.filter(public=True),
            "totals": _totals(outcomes),
            "equipment_used": used,
            "preview": not project.showcase,
        },
    )


urlpatterns: list[URLPattern] = [
    path("projets/", project_list, name="projects"),
    path("projets/nouveau/", project_new, name="project_new"),
    path("projets/<int:pk>/", project, name="project"),
    path("projets/<int:pk>/modifier/", project_edit, name="project_edit"),
    path("projets/<int:pk>/etape/", project_stage, name="project_stage"),
    path("projets/<int:pk>/jalons/", project_milestone, name="project_milestone"),
    path("projets/jalons/<int:pk>/atteint/", milestone_reached, name="milestone_reached"),
    path("projets/<int:pk>/equipe/", project_member, name="project_member"),
    path("projets/equipe/<int:pk>/retirer/", member_remove, name="member_remove"),
    path("projets/<int:pk>/documents/", project_document, name="project_document_add"),
    path("projets/documents/<int:pk>/", project_document_file, name="project_document"),
    path("projets/documents/<int:pk>/retirer/", document_remove, name="document_remove"),
    path("projets/<int:pk>/resultats/", project_outcome, name="project_outcome"),
    path("projets/<int:pk>/vitrine/", project_showcase, name="project_showcase"),
    path("documents/<int:pk>/", equipment_document_file, name="equipment_document"),
    path("vitrine/", showcase_list, name="showcase"),
    path("vitrine/<slug:slug>/", showcase_project, name="showcase_project"),
]

"""Pages of industrial projects: the list, a project with its hiring needs and the BMO figures
of its bassin, and the forms to declare projects and needs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from fabrique.needs import actions, queries, rules
from fabrique.needs.forms import DeleteForm, NeedForm, ProjectFilterForm, ProjectForm
from fabrique.needs.models import HiringNeed, IndustrialProject
from fabrique.referentials.queries import url_code

PROJECTS_PER_PAGE = 25


def _project_or_404(request: HttpRequest, pk: int) -> IndustrialProject:
    project = get_object_or_404(
        IndustrialProject.objects.select_related("company", "commune", "territory"), pk=pk
    )
    if not rules.can_view_project(request.user, project):
        raise Http404(_("No project has this number."))
    return project


def _editable_project_or_404(request: HttpRequest, pk: int) -> IndustrialProject:
    project = _project_or_404(request, pk)
    if not rules.can_edit_project(request.user, project):
        raise PermissionDenied
    return project


def _url(project: IndustrialProject) -> str:
    return reverse("needs:project", args=[project.pk])


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    form = ProjectFilterForm(request.GET or None)
    projects = form.filter(queries.project_list(request.user))
    page = Paginator(projects, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_create": rules.can_create_project(request.user),
    }
    if request.htmx:
        return render(request, "needs/list.html#results", context)
    return render(request, "needs/list.html", context)


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project_or_404(request, pk)
    needs = list(project.needs.select_related("occupation").order_by("needed_by", "pk"))
    for need in needs:
        need.occupation_url = reverse(  # type: ignore[attr-defined]
            "referentials:occupation", args=[url_code(need.occupation)]
        )
    bassin_id = project.commune.bassin_id if project.commune else None
    context: dict[str, Any] = {
        "project": project,
        "needs": needs,
        "job_count": sum(need.count for need in needs),
        "bmo": queries.bmo_summary(bassin_id),
        "bassin": project.commune.bassin if project.commune and bassin_id else None,
        "can_edit": rules.can_edit_project(request.user, project),
    }
    return render(request, "needs/project.html", context)


def _form_page(
    request: HttpRequest,
    form: ProjectForm | NeedForm,
    *,
    title: str,
    submit: str,
    back: str,
    back_label: str,
    success: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save()
        except ValidationError:
            pass
        else:
            messages.success(request, success)
            project = saved if isinstance(saved, IndustrialProject) else saved.project
            return redirect(_url(project))
    context = {
        "form": form,
        "title": title,
        "submit": submit,
        "back": back,
        "back_label": back_label,
    }
    return render(request, "needs/form.html", context)


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    if not rules.can_create_project(request.user):
        raise PermissionDenied
    form = ProjectForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form,
        title=_("New industrial project"),
        submit=_("Create"),
        back=reverse("needs:list"),
        back_label=_("Industrial projects"),
        success=_("Project created: add its hiring needs."),
    )


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _editable_project_or_404(request, pk)
    form = ProjectForm(request.POST or None, user=request.user, project=project)
    return _form_page(
        request,
        form,
        title=_("Change %(name)s") % {"name": project.name},
        submit=_("Save"),
        back=_url(project),
        back_label=project.name,
        success=_("Saved."),
    )


@login_required
def need_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _editable_project_or_404(request, pk)
    form = NeedForm(request.POST or None, user=request.user, project=project)
    return _form_page(
        request,
        form,
        title=_("New hiring need of %(name)s") % {"name": project.name},
        submit=_("Add"),
        back=_url(project),
        back_label=project.name,
        success=_("Hiring need added."),
    )


def _need_or_404(request: HttpRequest, pk: int, need_id: int) -> HiringNeed:
    project = _editable_project_or_404(request, pk)
    need = get_object_or_404(HiringNeed.objects.select_related("occupation"), pk=need_id)
    if need.project_id != project.pk:
        raise Http404(_("This project has no such hiring need."))
    need.project = project
    return need


@login_required
def need_edit(request: HttpRequest, pk: int, need_id: int) -> HttpResponse:
    need = _need_or_404(request, pk, need_id)
    form = NeedForm(request.POST or None, user=request.user, project=need.project, need=need)
    return _form_page(
        request,
        form,
        title=_("Change a hiring need of %(name)s") % {"name": need.project.name},
        submit=_("Save"),
        back=_url(need.project),
        back_label=need.project.name,
        success=_("Saved."),
    )


@login_required
def need_delete(request: HttpRequest, pk: int, need_id: int) -> HttpResponse:
    need = _need_or_404(request, pk, need_id)
    if request.method == "POST":
        actions.delete_need(need=need, by=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Hiring need deleted."))
        return redirect(_url(need.project))
    return render(
        request, "needs/delete.html", {"need": need, "project": need.project, "form": DeleteForm()}
    )

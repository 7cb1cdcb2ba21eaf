"""Pages of planning scenarios: the list, the form, a scenario and its runs, a run's result
(with its live progress while it runs), the JSON downloads, and two runs side by side."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRefresh

from fabrique.core.errors import NotFound
from fabrique.planning import actions, queries, reasons, rules
from fabrique.planning.enums import RunStatus
from fabrique.planning.forms import ChangeForm, CompareForm, ScenarioForm
from fabrique.planning.models import PlanRun, Scenario

PAGE_SIZE = 50


def _scenario_or_404(request: HttpRequest, pk: int) -> Scenario:
    scenario = Scenario.objects.select_related("territory", "based_on").filter(pk=pk).first()
    if scenario is None or not rules.can_view_scenario(request.user, scenario):
        raise NotFound(_("No scenario has this number."))
    return scenario


def _run_or_404(request: HttpRequest, pk: int) -> PlanRun:
    run = (
        PlanRun.objects.select_related("scenario__territory", "job", "created_by")
        .filter(pk=pk)
        .first()
    )
    if run is None or not rules.can_view_run(request.user, run):
        raise NotFound(_("No plan has this number."))
    return run


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def scenario_list(request: HttpRequest) -> HttpResponse:
    scenarios = queries.scenarios_visible_to(request.user)
    page = Paginator(scenarios, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "planning/scenario_list.html",
        {"page": page, "can_create": rules.can_plan(request.user)},
    )


@login_required
def scenario_create(request: HttpRequest) -> HttpResponse:
    if not rules.can_plan(request.user):
        raise PermissionDenied
    form = ScenarioForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = actions.create_scenario(request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The scenario is created."))
            return redirect("planning:scenario", pk=scenario.pk)
    return render(
        request,
        "planning/scenario_form.html",
        {"form": form, "title": _("New planning scenario"), "scenario": None},
    )


@login_required
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario_or_404(request, pk)
    if not rules.can_manage_scenario(request.user, scenario):
        raise PermissionDenied
    form = ScenarioForm(request.POST or None, instance=scenario, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_scenario(request.user, scenario, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The scenario is saved."))
            return redirect("planning:scenario", pk=scenario.pk)
    return render(
        request,
        "planning/scenario_form.html",
        {
            "form": form,
            "title": _("Edit “%(name)s”") % {"name": scenario.name},
            "scenario": scenario,
        },
    )


def _scenario_page(
    request: HttpRequest,
    scenario: Scenario,
    change_form: ChangeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    runs = scenario.runs.select_related("job", "created_by")
    can_manage = rules.can_manage_scenario(request.user, scenario)
    return render(
        request,
        "planning/scenario.html",
        {
            "scenario": scenario,
            "changes": list(enumerate(queries.describe_changes(scenario.changes))),
            "runs": runs,
            "can_manage": can_manage,
            "change_form": change_form or (ChangeForm(scenario=scenario) if can_manage else None),
            "compare_form": CompareForm(runs=queries.finished_runs(request.user)),
        },
        status=status,
    )


@login_required
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _scenario_page(request, _scenario_or_404(request, pk))


@login_required
@require_POST
def scenario_change_add(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario_or_404(request, pk)
    if not rules.can_manage_scenario(request.user, scenario):
        raise PermissionDenied
    form = ChangeForm(request.POST, scenario=scenario)
    if form.is_valid():
        try:
            actions.add_change(request.user, scenario, form.change)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The what-if change is added."))
            return redirect(reverse("planning:scenario", args=[scenario.pk]) + "#changes")
    return _scenario_page(request, scenario, change_form=form, status=422)


@login_required
@require_POST
def scenario_change_remove(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    scenario = _scenario_or_404(request, pk)
    try:
        actions.remove_change(request.user, scenario, index)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("The what-if change is removed."))
    return redirect(reverse("planning:scenario", args=[scenario.pk]) + "#changes")


@login_required
@require_POST
def scenario_variant(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario_or_404(request, pk)
    variant = actions.create_variant(request.user, scenario)
    messages.success(
        request, _("This variant starts as a copy: add its what-if changes, then launch a run.")
    )
    return redirect("planning:scenario", pk=variant.pk)


@login_required
@require_POST
def scenario_launch(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _scenario_or_404(request, pk)
    try:
        run = actions.launch_run(request.user, scenario)
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect("planning:scenario", pk=scenario.pk)
    return redirect("planning:run", pk=run.pk)


def _publish_url(run: PlanRun) -> str:
    try:
        return reverse("planning:run_publish", args=[run.pk])
    except NoReverseMatch:  # the publishing pages are not installed
        return ""


@login_required
@never_cache
@vary_on_headers("HX-Request")
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A run's result; while it runs, its progress (the fragment alone when HTMX polls it,
    and a full reload once the run has finished)."""
    run = _run_or_404(request, pk)
    finished = run.status in (RunStatus.DONE, RunStatus.FAILED)
    if request.htmx:
        if finished:
            return HttpResponseClientRefresh()
        return render(request, "planning/run.html#progress", {"run": run})
    context: dict = {"run": run, "finished": finished}
    context["left_out"] = queries.left_out(run.document)
    context["notes"] = (run.document or {}).get("notes", [])
    context["changes"] = queries.describe_changes((run.document or {}).get("changes", []))
    if run.status == RunStatus.DONE:
        page = Paginator(queries.assignments(run), PAGE_SIZE).get_page(request.GET.get("page"))
        context |= {
            "chart": queries.per_occupation(run.document, run.result),
            "map": queries.plan_map(run.document),
            "page": page,
            "rows": queries.with_names(list(page.object_list), request.user),
            "unfilled": queries.unfilled(run),
            "publish_url": _publish_url(run) if rules.can_publish_run(request.user, run) else "",
            "other_runs": queries.finished_runs(request.user).exclude(pk=run.pk)[:50],
        }
        unfilled = list(context["unfilled"])
        occupations, sessions = reasons.names_for(item.reasons for item in unfilled)
        for item in unfilled:
            item.explained = reasons.explain(
                item.reasons, occupations=occupations, sessions=sessions
            )
        context["unfilled"] = unfilled
    return render(request, "planning/run.html", context)


def _json_download(data: object, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def run_document(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(request, pk)
    if run.document is None:
        raise NotFound(_("This plan has no scenario document."))
    return _json_download(run.document, f"plan-{run.pk}-scenario.json")


@login_required
def run_result(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(request, pk)
    if run.result is None:
        raise NotFound(_("This plan has no result yet."))
    return _json_download(run.result, f"plan-{run.pk}-result.json")


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    runs = queries.finished_runs(request.user)
    form = CompareForm(request.GET or None, runs=runs)
    context: dict = {"form": form, "comparison": None}
    if form.is_valid():
        a, b = form.cleaned_data["a"], form.cleaned_data["b"]
        context |= {"a": a, "b": b, "comparison": queries.compare(a, b)}
    status = 422 if form.is_bound and not form.is_valid() else 200
    return render(request, "planning/compare.html", context, status=status)

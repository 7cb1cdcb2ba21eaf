"""Pages that edit a draft version: its blocs, competences, levels and linked skills.

The editor page shows the whole tree with a form to add at each place. Moving and deleting
answer HTMX requests with the tree alone (a template partial) and other requests with a
redirect to the editor; adding and changing go through small form pages that show errors.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabrique.core.errors import NotFound
from fabrique.frameworks import editing, rules
from fabrique.frameworks.documents import SCHEMES, tree_of
from fabrique.frameworks.enums import VersionStatus
from fabrique.frameworks.forms import BlocForm, CompetenceForm, LevelForm, SkillSearchForm
from fabrique.frameworks.lookups import version_or_404
from fabrique.frameworks.models import Bloc, Competence, CompetenceSkill, FrameworkVersion, Level
from fabrique.frameworks.suggestions import SEARCH_RESULTS, search_skills, suggest_skills
from fabrique.referentials.models import Skill

BLOC_PREFIX = "bloc"


def _draft(request: HttpRequest, slug: str, number: int) -> FrameworkVersion:
    version = version_or_404(request.user, slug, number)
    if not rules.can_edit_framework(request.user, version.framework):
        raise PermissionDenied
    return version


def _edit_url(version: FrameworkVersion, anchor: str = "") -> str:
    url = reverse("frameworks:edit", args=[version.framework.slug, version.number])
    return f"{url}#{anchor}" if anchor else url


def _not_draft(request: HttpRequest, version: FrameworkVersion) -> HttpResponse:
    messages.info(
        request,
        _(
            "Version %(number)s is %(status)s and no longer changes: start a new version to "
            "change the framework."
        )
        % {"number": version.number, "status": version.get_status_display()},
    )
    return redirect(version)


def _bloc(version: FrameworkVersion, pk: int) -> Bloc:
    bloc = version.blocs.filter(pk=pk).first()
    if bloc is None:
        raise NotFound(_("This version has no such bloc."))
    bloc.version = version
    return bloc


def _competence(version: FrameworkVersion, pk: int) -> Competence:
    competence = version.competences.select_related("bloc").filter(pk=pk).first()
    if competence is None:
        raise NotFound(_("This version has no such competence."))
    competence.version = version
    return competence


def _level(version: FrameworkVersion, pk: int) -> Level:
    level = (
        Level.objects.select_related("competence")
        .filter(pk=pk, competence__version=version)
        .first()
    )
    if level is None:
        raise NotFound(_("This version has no such level."))
    level.competence.version = version
    return level


def _offset(request: HttpRequest) -> int:
    return editing.UP if request.POST.get("direction") == "up" else editing.DOWN


# --- the editor ---------------------------------------------------------------------------------


def _editor_context(
    request: HttpRequest, version: FrameworkVersion, errors: list[str] | None = None
) -> dict[str, Any]:
    blocs = tree_of(version)
    for bloc in blocs:
        bloc.add_form = CompetenceForm(prefix=f"bloc{bloc.pk}", bloc=bloc, user=request.user)
        for competence in bloc.competences.all():
            competence.add_form = LevelForm(
                prefix=f"competence{competence.pk}", competence=competence, user=request.user
            )
    return {
        "framework": version.framework,
        "version": version,
        "blocs": blocs,
        "bloc_form": BlocForm(prefix=BLOC_PREFIX, version=version, user=request.user),
        "errors": errors or [],
    }


@login_required
def version_edit(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = _draft(request, slug, number)
    if version.status != VersionStatus.DRAFT:
        return _not_draft(request, version)
    template = "frameworks/edit.html#tree" if request.htmx else "frameworks/edit.html"
    return render(request, template, _editor_context(request, version))


def _changed(
    request: HttpRequest, version: FrameworkVersion, change: Callable[[], Any], anchor: str = ""
) -> HttpResponse:
    """Run a change of the tree; answer HTMX with the new tree, others with a redirect."""
    errors: list[str] = []
    try:
        change()
    except ValidationError as error:
        errors = error.messages
    if request.htmx:
        return render(
            request, "frameworks/edit.html#tree", _editor_context(request, version, errors)
        )
    for message in errors:
        messages.error(request, message)
    return redirect(_edit_url(version, anchor))


def _form_page(
    request: HttpRequest,
    version: FrameworkVersion,
    form: BlocForm | CompetenceForm | LevelForm,
    *,
    title: str,
    anchor: Callable[[Any], str],
) -> HttpResponse:
    if version.status != VersionStatus.DRAFT:
        return _not_draft(request, version)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save()
        except ValidationError:
            pass
        else:
            return redirect(_edit_url(version, anchor(saved)))
    return render(
        request,
        "frameworks/item_form.html",
        {"framework": version.framework, "version": version, "form": form, "title": title},
    )


# --- blocs -------------------------------------------------------------------------------------


@login_required
def bloc_add(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = _draft(request, slug, number)
    form = BlocForm(request.POST or None, prefix=BLOC_PREFIX, version=version, user=request.user)
    return _form_page(
        request, version, form, title=_("Add a bloc"), anchor=lambda bloc: f"bloc-{bloc.pk}"
    )


@login_required
def bloc_edit(request: HttpRequest, slug: str, number: int, bloc_id: int) -> HttpResponse:
    version = _draft(request, slug, number)
    bloc = _bloc(version, bloc_id)
    form = BlocForm(request.POST or None, version=version, bloc=bloc, user=request.user)
    return _form_page(
        request,
        version,
        form,
        title=_("Change bloc %(code)s") % {"code": bloc.code},
        anchor=lambda saved: f"bloc-{saved.pk}",
    )


@login_required
@require_POST
def bloc_delete(request: HttpRequest, slug: str, number: int, bloc_id: int) -> HttpResponse:
    version = _draft(request, slug, number)
    bloc = _bloc(version, bloc_id)
    return _changed(request, version, lambda: editing.delete_bloc(bloc=bloc, by=request.user))


@login_required
@require_POST
def bloc_move(request: HttpRequest, slug: str, number: int, bloc_id: int) -> HttpResponse:
    version = _draft(request, slug, number)
    bloc = _bloc(version, bloc_id)
    offset = _offset(request)
    return _changed(
        request,
        version,
        lambda: editing.move_bloc(bloc=bloc, offset=offset, by=request.user),
        f"bloc-{bloc.pk}",
    )


# --- competences -------------------------------------------------------------------------------


@login_required
def competence_add(request: HttpRequest, slug: str, number: int, bloc_id: int) -> HttpResponse:
    version = _draft(request, slug, number)
    bloc = _bloc(version, bloc_id)
    form = CompetenceForm(
        request.POST or None, prefix=f"bloc{bloc.pk}", bloc=bloc, user=request.user
    )
    return _form_page(
        request,
        version,
        form,
        title=_("Add a competence to bloc %(code)s") % {"code": bloc.code},
        anchor=lambda competence: f"competence-{competence.pk}",
    )


@login_required
def competence_edit(
    request: HttpRequest, slug: str, number: int, competence_id: int
) -> HttpResponse:
    version = _draft(request, slug, number)
    competence = _competence(version, competence_id)
    form = CompetenceForm(
        request.POST or None, bloc=competence.bloc, competence=competence, user=request.user
    )
    return _form_page(
        request,
        version,
        form,
        title=_("Change competence %(code)s") % {"code": competence.code},
        anchor=lambda saved: f"competence-{saved.pk}",
    )


@login_required
@require_POST
def competence_delete(
    request: HttpRequest, slug: str, number: int, competence_id: int
) -> HttpResponse:
    version = _draft(request, slug, number)
    competence = _competence(version, competence_id)
    return _changed(
        request,
        version,
        lambda: editing.delete_competence(competence=competence, by=request.user),
        f"bloc-{competence.bloc_id}",
    )


@login_required
@require_POST
def competence_move(
    request: HttpRequest, slug: str, number: int, competence_id: int
) -> HttpResponse:
    version = _draft(request, slug, number)
    competence = _competence(version, competence_id)
    offset = _offset(request)
    return _changed(
        request,
        version,
        lambda: editing.move_competence(competence=competence, offset=offset, by=request.user),
        f"competence-{competence.pk}",
    )


# --- levels --------------------------------------------------------------------------------------


@login_required
def level_add(request: HttpRequest, slug: str, number: int, competence_id: int) -> HttpResponse:
    version = _draft(request, slug, number)
    competence = _competence(version, competence_id)
    form = LevelForm(
        request.POST or None,
        prefix=f"competence{competence.pk}",
        competence=competence,
        user=request.user,
    )
    return _form_page(
        request,
        version,
        form,
        title=_("Add a level to competence %(code)s") % {"code": competence.code},
        anchor=lambda level: f"competence-{competence.pk}",
    )


@login_required
def level_edit(request: HttpRequest, slug: str, number: int, level_id: int) -> HttpResponse:
    version = _draft(request, slug, number)
    level = _level(version, level_id)
    form = LevelForm(
        request.POST or None, competence=level.competence, level=level, user=request.user
    )
    return _form_page(
        request,
        version,
        form,
        title=_("Change level %(rank)s of competence %(code)s")
        % {"rank": level.rank, "code": level.competence.code},
        anchor=lambda saved: f"competence-{level.competence_id}",
    )


@login_required
@require_POST
def level_delete(request: HttpRequest, slug: str, number: int, level_id: int) -> HttpResponse:
    version = _draft(request, slug, number)
    level = _level(version, level_id)
    return _changed(
        request,
        version,
        lambda: editing.delete_level(level=level, by=request.user),
        f"competence-{level.competence_id}",
    )


@login_required
@require_POST
def level_move(request: HttpRequest, slug: str, number: int, level_id: int) -> HttpResponse:
    version = _draft(request, slug, number)
    level = _level(version, level_id)
    offset = _offset(request)
    return _changed(
        request,
        version,
        lambda: editing.move_level(level=level, offset=offset, by=request.user),
        f"competence-{level.competence_id}",
    )


# --- linked skills -------------------------------------------------------------------------------


def _skills_context(
    request: HttpRequest,
    version: FrameworkVersion,
    competence: Competence,
    errors: list[str] | None = None,
) -> dict[str, Any]:
    params = request.POST if request.method == "POST" else request.GET
    search = SkillSearchForm({"q": params.get("q", ""), "scheme": params.get("scheme", "")})
    query, scheme = search.query()
    linked = list(
        competence.skill_links.select_related("skill", "linked_by").order_by(
            "skill__scheme", "skill__label"
        )
    )
    linked_ids = {link.skill_id for link in linked}
    try:
        suggestions = suggest_skills(competence)
    except OSError:
        suggestions = None
    results = list(search_skills(query, scheme=scheme)[:SEARCH_RESULTS]) if query else []
    return {
        "framework": version.framework,
        "version": version,
        "competence": competence,
        "linked": linked,
        "suggestions": (
            [(scheme_code, suggestions.get(scheme_code, [])) for scheme_code in SCHEMES]
            if suggestions is not None
            else None
        ),
        "search": search,
        "query": query,
        "scheme": scheme,
        "results": [(skill, skill.pk in linked_ids) for skill in results],
        "errors": errors or [],
    }


@login_required
def competence_skills(
    request: HttpRequest, slug: str, number: int, competence_id: int
) -> HttpResponse:
    """Suggested skills (the matcher on the title and description), a search, the links."""
    version = _draft(request, slug, number)
    if version.status != VersionStatus.DRAFT:
        return _not_draft(request, version)
    competence = _competence(version, competence_id)
    if request.htmx and "q" in request.GET:
        context = _skills_context(request, version, competence)
        return render(request, "frameworks/skills.html#results", context)
    return render(request, "frameworks/skills.html", _skills_context(request, version, competence))


def _score(value: str) -> float | None:
    try:
        score = float(value)
    except ValueError:
        return None
    return min(max(score, 0.0), 1.0) if math.isfinite(score) else None


def _skills_changed(
    request: HttpRequest,
    version: FrameworkVersion,
    competence: Competence,
    change: Callable[[], Any],
) -> HttpResponse:
    errors: list[str] = []
    try:
        change()
    except ValidationError as error:
        errors = error.messages
    if request.htmx:
        context = _skills_context(request, version, competence, errors)
        return render(request, "frameworks/skills.html#panel", context)
    for message in errors:
        messages.error(request, message)
    url = reverse(
        "frameworks:competence_skills", args=[version.framework.slug, version.number, competence.pk]
    )
    return redirect(url)


@login_required
@require_POST
def skill_link(request: HttpRequest, slug: str, number: int, competence_id: int) -> HttpResponse:
    version = _draft(request, slug, number)
    competence = _competence(version, competence_id)
    skill_id = request.POST.get("skill", "")
    skill = (
        Skill.objects.filter(pk=int(skill_id), scheme__in=SCHEMES).first()
        if skill_id.isdigit() and len(skill_id) < 19
        else None
    )
    if skill is None:
        raise NotFound(_("No such ROME or ESCO skill."))
    suggested = request.POST.get("suggested") == "1"
    score = _score(request.POST.get("score", "")) if suggested else None
    return _skills_changed(
        request,
        version,
        competence,
        lambda: editing.link_skill(
            competence=competence, skill=skill, suggested=suggested, score=score, by=request.user
        ),
    )


@login_required
@require_POST
def skill_unlink(
    request: HttpRequest, slug: str, number: int, competence_id: int, link_id: int
) -> HttpResponse:
    version = _draft(request, slug, number)
    competence = _competence(version, competence_id)
    link = CompetenceSkill.objects.filter(pk=link_id, competence=competence).first()
    if link is None:
        raise NotFound(_("This skill is not linked to the competence."))
    link.competence = competence
    return _skills_changed(
        request, version, competence, lambda: editing.unlink_skill(link=link, by=request.user)
    )

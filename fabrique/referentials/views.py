"""Pages of the référentiels: search as you type, occupation, skill and certification pages,
the analysis of a free text, and the "suggest from text" fragment other forms embed.

The référentiels are public; analysing a text and anything about a person need an account.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from fabrique.core.errors import NotFound
from fabrique.people.queries import people_visible_to
from fabrique.referentials import analysis, queries, rules, search
from fabrique.referentials.forms import (
    AddSkillsForm,
    AnalyseForm,
    PersonChoiceForm,
    SearchForm,
    SuggestForm,
)
from fabrique.referentials.gap import skill_gap
from fabrique.referentials.models import Occupation, Scheme

RESULTS_PER_PAGE = 25
SUGGESTIONS = 12


def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    options = form.options()
    results = search.search(**options)
    paginator = Paginator(results.items, RESULTS_PER_PAGE)
    if not isinstance(results.items, list) and options["kind"] in results.counts:
        paginator.count = results.counts[options["kind"]]  # already counted
    context = {
        "form": form,
        "query": results.query,
        "kind": results.kind,
        "results": results,
        "page": paginator.get_page(request.GET.get("page")),
        "tabs": [
            (kind, label, results.counts.get(kind)) for kind, label in form.fields["type"].choices
        ],
    }
    template = "referentials/search.html#results" if request.htmx else "referentials/search.html"
    return render(request, template, context)


def occupation_detail(request: HttpRequest, code: str) -> HttpResponse:
    occupation = queries.occupation_by_code(code)
    if occupation is None:
        raise NotFound(_("No occupation has the code “%(code)s”.") % {"code": code[:200]})
    context = {"occupation": occupation, **_comparison(request, occupation)}
    if request.htmx and "personne" in request.GET:
        return render(request, "referentials/occupation.html#gap", context)
    context.update(queries.occupation_page(occupation))
    return render(request, "referentials/occupation.html", context)


def _comparison(request: HttpRequest, occupation: Occupation) -> dict[str, Any]:
    """The "compare with a person" form of the occupation page, and the gap once chosen."""
    if not request.user.is_authenticated:
        return {"compare_form": None, "gap": None}
    people = people_visible_to(request.user).filter(anonymised_at__isnull=True)
    form = PersonChoiceForm(request.GET if "personne" in request.GET else None, people=people)
    gap = None
    if form.is_bound and form.is_valid():
        person = form.cleaned_data["personne"]
        if rules.can_compare_person(request.user, person):
            gap = skill_gap(person=person, occupation=occupation)
    return {"compare_form": form, "gap": gap}


def skill_detail(request: HttpRequest, code: str) -> HttpResponse:
    skill = queries.skill_by_code(code)
    if skill is None:
        raise NotFound(_("No skill has the code “%(code)s”.") % {"code": code[:200]})
    context = {"skill": skill, **queries.skill_page(skill)}
    return render(request, "referentials/skill.html", context)


def certification_detail(request: HttpRequest, code: str) -> HttpResponse:
    certification = queries.certification_by_code(code)
    if certification is None:
        raise NotFound(_("No certification has the code “%(code)s”.") % {"code": code[:40]})
    context = {"certification": certification, **queries.certification_page(certification)}
    return render(request, "referentials/certification.html", context)


def _schemes(choice: str) -> tuple[str, ...]:
    return (choice,) if choice in (Scheme.ROME, Scheme.ESCO) else search.MATCHER_SCHEMES


@login_required
def analyse(request: HttpRequest) -> HttpResponse:
    """Paste a text, see the occupations and skills it evokes, give the ticked skills to a
    person. One form: "analyse" shows the results, "add" adds the ticked skills."""
    if not rules.can_analyse_text(request.user):
        raise PermissionDenied
    found = None
    add_form = AddSkillsForm(request.POST or None, user=request.user)
    if request.method == "POST":
        form = AnalyseForm(request.POST)
        if "add" in request.POST and add_form.is_valid():
            person = add_form.cleaned_data["person"]
            created = add_form.save()
            messages.success(
                request,
                ngettext(
                    "%(count)d skill added to %(person)s's record.",
                    "%(count)d skills added to %(person)s's record.",
                    len(created),
                )
                % {"count": len(created), "person": person},
            )
            url = reverse("people:detail", args=[person.pk])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
        if "add" not in request.POST:
            add_form = AddSkillsForm(user=request.user)
        if form.is_valid():
            found = analysis.analyse_text(
                form.cleaned_data["text"], schemes=_schemes(form.cleaned_data["scheme"])
            )
    else:
        form = AnalyseForm()
    context = {
        "form": form,
        "analysis": found,
        "add_form": add_form,
        "ticked": set(request.POST.getlist("skills")),
        "can_add": add_form.fields["person"].widget.choices[1:] != [],
    }
    template = "referentials/analyse.html#analysis" if request.htmx else "referentials/analyse.html"
    return render(request, template, context)


@login_required
@require_POST
def suggest(request: HttpRequest) -> HttpResponse:
    """The "suggest from text" fragment (see referentials/_suggest.html): skills or
    occupations evoked by ``suggest_text``, as checkboxes named ``suggest_field`` whose values
    are ``scheme:code`` tokens, for the host form to submit."""
    if not rules.can_analyse_text(request.user):
        raise PermissionDenied
    form = SuggestForm(request.POST)
    context: dict[str, Any] = {"suggestions": [], "field": "skills", "error": "", "text": ""}
    if not form.is_valid():
        context["error"] = " ".join(
            str(message) for messages_ in form.errors.values() for message in messages_
        )
        return render(request, "referentials/suggestions.html", context)
    data = form.cleaned_data
    context["field"] = data["suggest_field"] or "skills"
    context["text"] = data["suggest_text"]
    if data["suggest_text"]:
        kind = data["suggest_kind"] or search.SKILLS
        found = analysis.analyse_text(
            data["suggest_text"],
            schemes=_schemes(data["suggest_scheme"]),
            occupations=SUGGESTIONS if kind == search.OCCUPATIONS else 0,
            skills=SUGGESTIONS if kind == search.SKILLS else 0,
        )
        context["suggestions"] = found.skills if kind == search.SKILLS else found.occupations
    return render(request, "referentials/suggestions.html", context)


@login_required
@require_POST
def add_skills(request: HttpRequest) -> HttpResponse:
    """Add ticked skills (``skills``: ``scheme:code`` tokens) to ``person``'s record, then go
    back to ``next`` (the person's page by default)."""
    form = AddSkillsForm(request.POST, user=request.user)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if form.is_valid():
        person = form.cleaned_data["person"]
        created = form.save()
        messages.success(
            request,
            ngettext(
                "%(count)d skill added to %(person)s's record.",
                "%(count)d skills added to %(person)s's record.",
                len(created),
            )
            % {"count": len(created), "person": person},
        )
        return redirect(next_url or reverse("people:detail", args=[person.pk]))
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(next_url or reverse("referentials:analyse"))

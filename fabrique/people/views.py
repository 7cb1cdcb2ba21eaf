import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fabrique.accounts import rules
from fabrique.core.errors import NotFound
from fabrique.people import actions, queries
from fabrique.people.enums import PersonStatus
from fabrique.people.models import Person
from fabrique.referentials.gap import person_gap_context


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All statuses")), *PersonStatus.choices],
    )


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    form = PeopleFilterForm(request.GET or None)
    query = status = ""
    if form.is_valid():
        query, status = form.cleaned_data["q"], form.cleaned_data["status"]
    people = queries.search_people(request.user, query=query, status=status)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    template = "people/list.html#results" if request.htmx else "people/list.html"
    return render(request, template, {"form": form, "page": page})


def _visible_person(request: HttpRequest, pk: int) -> Person:
    person = (
        Person.objects.select_related("commune", "organisation", "current_occupation")
        .filter(pk=pk)
        .first()
    )
    # Someone the reader may not see is answered like someone who does not exist.
    if person is None or not rules.can_view_person(request.user, person):
        raise NotFound(_("No person with this number is visible to you."))
    return person


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _visible_person(request, pk)
    skills = person.skills.select_related("skill").order_by("skill__label")
    context = {
        "person": person,
        "skills": skills,
        "can_edit": rules.can_edit_person(request.user, person),
        **person_gap_context(person, request.GET),
    }
    if request.htmx and "metier" in request.GET:
        return render(request, "people/detail.html#gap", context)
    return render(request, "people/detail.html", context)


@login_required
def person_data(request: HttpRequest, pk: int) -> HttpResponse:
    person = _visible_person(request, pk)
    if not rules.can_edit_person(request.user, person):
        raise PermissionDenied
    data = actions.export_person_data(person=person, by=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="personne-{person.pk}.json"'
    return response


@login_required
@require_POST
def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    person = _visible_person(request, pk)
    if not rules.can_edit_person(request.user, person):
        raise PermissionDenied
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm the erasure."))
        return redirect("people:detail", pk=person.pk)
    actions.erase_person(person=person, by=request.user)
    messages.success(request, _("This person's identity has been erased."))
    return redirect("people:list")

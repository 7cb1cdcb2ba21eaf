import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fabrique.accounts import rules
from fabrique.accounts.models import Organisation
from fabrique.core.errors import NotFound
from fabrique.people import actions, queries, spreadsheets
from fabrique.people.enums import PersonStatus
from fabrique.people.forms import PeopleUploadForm
from fabrique.people.models import Person
from fabrique.planning.publishing import proposal_records
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
    if request.htmx:
        return render(request, "people/list.html#results", {"form": form, "page": page})
    context = {"form": form, "page": page, "can_import": queries.can_import_people(request.user)}
    return render(request, "people/list.html", context)


def _visible_person(request: HttpRequest, pk: int) -> Person:
    person = (
        Person.objects.select_related("commune", "organisation", "current_occupation")
        .prefetch_related("past_occupations")
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
    data["proposals"] = proposal_records(person)
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


# --- import from a spreadsheet -----------------------------------------------------------------

IMPORT_SALT = "fabrique.people.spreadsheet"
IMPORT_MAX_AGE = 60 * 60
PREVIEW_ROWS = 500


def _import_page(
    request: HttpRequest,
    form: PeopleUploadForm,
    problems: list[spreadsheets.RowProblem] | None = None,
) -> HttpResponse:
    return render(
        request,
        "people/import.html",
        {
            "form": form,
            "problems": problems or [],
            "columns": spreadsheets.COLUMN_NAMES,
        },
        status=422 if problems else 200,
    )


@login_required
def people_import(request: HttpRequest) -> HttpResponse:
    """Upload a file of people, see what would be created or updated, then confirm: nothing
    is written before the confirmation, and nothing at all when a row is refused."""
    user = request.user
    if not queries.can_import_people(user):
        raise PermissionDenied
    if request.method == "POST" and "payload" in request.POST:
        return _import_confirm(request)
    form = PeopleUploadForm(request.POST or None, request.FILES or None, user=user)
    if request.method != "POST" or not form.is_valid():
        return _import_page(request, form)
    organisation: Organisation = form.cleaned_data["organisation"]
    upload = form.cleaned_data["file"]
    try:
        records = spreadsheets.read(upload.read(), name=upload.name)
    except spreadsheets.SheetRefused as refusal:
        return _import_page(request, form, refusal.problems)
    result = actions.import_people(
        records=records, organisation=organisation, by=user, wet_run=False
    )
    if result.refused:
        return _import_page(request, form, result.problems)
    payload = {
        "user": user.pk,
        "organisation": organisation.pk,
        "records": [record.as_data() for record in records],
    }
    return render(
        request,
        "people/import_preview.html",
        {
            "organisation": organisation,
            "file_name": upload.name,
            "people": result.counts["people"],
            "skills": result.counts["skills"],
            "rows": result.rows[:PREVIEW_ROWS],
            "hidden_rows": max(len(result.rows) - PREVIEW_ROWS, 0),
            "payload": signing.dumps(payload, salt=IMPORT_SALT, compress=True),
        },
    )


def _import_confirm(request: HttpRequest) -> HttpResponse:
    user = request.user
    try:
        payload = signing.loads(request.POST["payload"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, _("This preview has expired: upload the file again."))
        return redirect("people:import")
    if payload.get("user") != user.pk:
        raise PermissionDenied
    organisation = Organisation.objects.filter(pk=payload["organisation"]).first()
    if organisation is None or not queries.can_import_people(user, organisation):
        raise PermissionDenied
    records = [spreadsheets.PersonRecord.from_data(item) for item in payload["records"]]
    result = actions.import_people(
        records=records, organisation=organisation, by=user, wet_run=True
    )
    if not result.written:
        form = PeopleUploadForm(user=user, initial={"organisation": organisation.slug})
        return _import_page(request, form, result.problems)
    people = result.counts["people"]
    messages.success(
        request,
        _(
            "Imported for %(organisation)s: %(created)s people created, %(updated)s updated, "
            "%(unchanged)s unchanged."
        )
        % {
            "organisation": organisation.name,
            "created": people.created,
            "updated": people.updated,
            "unchanged": people.unchanged,
        },
    )
    return redirect("people:import")


@login_required
def people_import_template(request: HttpRequest, file_format: str) -> HttpResponse:
    if file_format == "xlsx":
        content, content_type = spreadsheets.template_xlsx(), spreadsheets.XLSX_CONTENT_TYPE
    else:
        content, content_type = spreadsheets.template_csv(), spreadsheets.CSV_CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="modele-personnes.{file_format}"'
    return response

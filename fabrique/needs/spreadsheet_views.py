"""Pages of the hiring needs and workforce spreadsheets: upload, preview and confirm an
import; download the templates (``docs/formats/needs-spreadsheet.md``,
``docs/formats/workforce-spreadsheet.md``). Like the training spreadsheet's pages
(``trainings/spreadsheet_views.py``): nothing is written before the confirmation, and
nothing at all when a row is refused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, re_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fabrique.core.importing import Problem
from fabrique.needs import actions, imports, spreadsheets, transfer_rules, workforce_imports
from fabrique.needs.spreadsheets import Sheet
from fabrique.trainings.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE

IMPORT_MAX_AGE = 60 * 60
PREVIEW_ROWS = 500
COUNT_LABELS = {
    "projects": gettext_lazy("Industrial projects"),
    "needs": gettext_lazy("Hiring needs"),
    "snapshots": gettext_lazy("Workforce snapshots"),
    "lines": gettext_lazy("Lines (occupation × age band)"),
}


@dataclass(frozen=True)
class Kind:
    """One of the two spreadsheets and its pages."""

    name: str
    sheet: Sheet
    salt: str
    title: Any
    import_url: str
    template_url: str
    row_class: Any


NEEDS = Kind(
    "needs",
    imports.NEEDS_SHEET,
    "fabrique.needs.spreadsheet",
    gettext_lazy("Import hiring needs from a spreadsheet"),
    "needs:spreadsheet_import",
    "needs:spreadsheet_template",
    imports.NeedRow,
)
WORKFORCE = Kind(
    "workforce",
    imports.WORKFORCE_SHEET,
    "fabrique.needs.workforce_spreadsheet",
    gettext_lazy("Import workforce snapshots from a spreadsheet"),
    "needs:workforce_import",
    "needs:workforce_template",
    workforce_imports.WorkforceRow,
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("An .xlsx or .csv file, 5 MB at most."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > spreadsheets.MAX_BYTES:
            raise ValidationError(_("The file is too large (at most 5 MB)."))
        try:
            spreadsheets.file_kind(upload.name)
        except spreadsheets.SheetRefused as refusal:
            raise ValidationError(refusal.problems[0].reason) from None
        return upload


def _plan(kind: Kind, rows: list[Any]) -> Any:
    if kind is NEEDS:
        return imports.plan_needs(rows)
    return workforce_imports.plan_workforce(rows)


def _import_page(
    request: HttpRequest,
    kind: Kind,
    form: UploadForm,
    *,
    problems: list[spreadsheets.RowProblem] | None = None,
) -> HttpResponse:
    return render(
        request,
        "needs/spreadsheet_import.html",
        {
            "kind": kind.name,
            "title": kind.title,
            "form": form,
            # As ``core/_refused_file.html`` reads them: where (row, column) and message.
            "problems": [
                Problem(kind.name, problem.where, problem.reason) for problem in problems or []
            ],
            "columns": kind.sheet.names,
            "required": kind.sheet.required,
            "template_url": kind.template_url,
        },
        status=422 if problems else 200,
    )


def _import(request: HttpRequest, kind: Kind) -> HttpResponse:
    user = request.user
    if not transfer_rules.can_import(user):
        raise PermissionDenied
    if request.method == "POST" and "payload" in request.POST:
        return _confirm(request, kind)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _import_page(request, kind, form)
    upload = form.cleaned_data["file"]
    try:
        rows = spreadsheets.read(upload.read(), name=upload.name, sheet=kind.sheet)
        if kind is NEEDS:
            resolved: list[Any] = imports.resolve_needs(rows, user=user)
        else:
            resolved = workforce_imports.resolve_workforce(rows, user=user)
    except spreadsheets.SheetRefused as refusal:
        return _import_page(request, kind, form, problems=refusal.problems)
    plan = _plan(kind, resolved)
    payload = {"user": user.pk, "rows": [row.as_data() for row in resolved]}
    return render(
        request,
        f"needs/{kind.name}_preview.html",
        {
            "title": kind.title,
            "import_url": kind.import_url,
            "file_name": upload.name,
            "counts": [(COUNT_LABELS[name], count) for name, count in plan.counts.items()],
            "entries": plan.entries[:PREVIEW_ROWS],
            "hidden_rows": max(len(plan.entries) - PREVIEW_ROWS, 0),
            "payload": signing.dumps(payload, salt=kind.salt, compress=True),
        },
    )


def _confirm(request: HttpRequest, kind: Kind) -> HttpResponse:
    user = request.user
    try:
        payload = signing.loads(request.POST["payload"], salt=kind.salt, max_age=IMPORT_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, _("This preview has expired: upload the file again."))
        return redirect(kind.import_url)
    if payload.get("user") != user.pk:
        raise PermissionDenied
    rows = [kind.row_class.from_data(data) for data in payload["rows"]]
    try:
        if kind is NEEDS:
            plan: Any = actions.import_needs(rows=rows, by=user)  # type: ignore[arg-type]
        else:
            plan = actions.import_workforce(rows=rows, by=user)  # type: ignore[arg-type]
    except ValidationError as error:
        problem = spreadsheets.RowProblem(None, "", "; ".join(error.messages))
        return _import_page(request, kind, UploadForm(), problems=[problem])
    counts = plan.counts
    if kind is NEEDS:
        message = _(
            "Imported: %(projects)s projects created, %(created)s hiring needs created, "
            "%(updated)s updated, %(unchanged)s unchanged."
        ) % {
            "projects": counts["projects"].created,
            "created": counts["needs"].created,
            "updated": counts["needs"].updated,
            "unchanged": counts["needs"].unchanged,
        }
    else:
        message = _(
            "Imported: %(snapshots)s snapshots created, %(updated)s updated; %(created)s lines "
            "created, %(lines_updated)s updated, %(removed)s removed."
        ) % {
            "snapshots": counts["snapshots"].created,
            "updated": counts["snapshots"].updated,
            "created": counts["lines"].created,
            "lines_updated": counts["lines"].updated,
            "removed": counts["lines"].obsolete,
        }
    messages.success(request, message)
    return redirect(kind.import_url)


@login_required
def needs_import(request: HttpRequest) -> HttpResponse:
    """Upload a needs file, see what it changes, then confirm."""
    return _import(request, NEEDS)


@login_required
def workforce_import(request: HttpRequest) -> HttpResponse:
    """Upload a workforce file, see what it changes, then confirm."""
    return _import(request, WORKFORCE)


def _template(kind: Kind, file_format: str) -> HttpResponse:
    if file_format == "xlsx":
        response = HttpResponse(
            spreadsheets.template_xlsx(kind.sheet), content_type=XLSX_CONTENT_TYPE
        )
    else:
        response = HttpResponse(
            spreadsheets.template_csv(kind.sheet), content_type=CSV_CONTENT_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="{kind.sheet.stem}.{file_format}"'
    return response


@login_required
def needs_template(request: HttpRequest, file_format: str) -> HttpResponse:
    return _template(NEEDS, file_format)


@login_required
def workforce_template(request: HttpRequest, file_format: str) -> HttpResponse:
    return _template(WORKFORCE, file_format)


urlpatterns: list[URLPattern] = [
    path("importer/", needs_import, name="spreadsheet_import"),
    re_path(r"^modele\.(?P<file_format>xlsx|csv)$", needs_template, name="spreadsheet_template"),
    path("effectifs/importer/", workforce_import, name="workforce_import"),
    re_path(
        r"^effectifs/modele\.(?P<file_format>xlsx|csv)$",
        workforce_template,
        name="workforce_template",
    ),
]

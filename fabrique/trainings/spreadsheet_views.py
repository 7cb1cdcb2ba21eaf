"""Pages of the training spreadsheet: upload, preview and confirm an import; download the
template and the export of the catalogue (``docs/formats/training-spreadsheet.md``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, re_path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fabrique.accounts.models import Organisation
from fabrique.trainings import offer, spreadsheet_export, spreadsheets, transfer_rules
from fabrique.trainings.records import OrganisationRecord, Origin, SessionRecord, TrainingRecord

IMPORT_SALT = "fabrique.trainings.spreadsheet"
IMPORT_MAX_AGE = 60 * 60
PREVIEW_ROWS = 500
KIND_LABELS = {
    "organisations": gettext_lazy("Organisations"),
    "trainings": gettext_lazy("Trainings"),
    "sessions": gettext_lazy("Sessions"),
}


class UploadForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Training organisation"),
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        help_text=gettext_lazy("Every training of the file is imported for this organisation."),
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("An .xlsx or .csv file, one row per session, 5 MB at most."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = transfer_rules.offer_import_organisations(user)
        field = self.fields["organisation"]
        field.queryset = organisations  # type: ignore[attr-defined]
        if len(choices := list(organisations[:2])) == 1:
            field.initial = choices[0].slug

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > spreadsheets.MAX_BYTES:
            raise ValidationError(_("The file is too large (at most 5 MB)."))
        try:
            spreadsheets.file_kind(upload.name)
        except spreadsheets.SheetRefused as refusal:
            raise ValidationError(refusal.problems[0].reason) from None
        return upload


# --- records through the confirmation form -----------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value


def records_to_data(records: tuple[TrainingRecord, ...]) -> list[dict[str, Any]]:
    return [_plain(asdict(record)) for record in records]


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _origin(data: dict[str, Any] | None) -> Origin | None:
    return Origin(**data) if data else None


def records_from_data(data: list[dict[str, Any]]) -> tuple[TrainingRecord, ...]:
    records = []
    for item in data:
        sessions = tuple(
            SessionRecord(
                **{
                    **session,
                    "start": _date(session["start"]),
                    "end": _date(session["end"]),
                    "registration_deadline": _date(session["registration_deadline"]),
                    "origin": _origin(session["origin"]),
                }
            )
            for session in item["sessions"]
        )
        fields = {
            key: tuple(value) if isinstance(value, list) else value for key, value in item.items()
        }
        fields.update(
            organisation=OrganisationRecord(**item["organisation"]),
            price=Decimal(item["price"]) if item["price"] is not None else None,
            sessions=sessions,
            origin=_origin(item["origin"]),
        )
        records.append(TrainingRecord(**fields))
    return tuple(records)


# --- pages -------------------------------------------------------------------------------------


def _preview_rows(records: tuple[TrainingRecord, ...]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for record in records:
        for session in record.sessions or (None,):
            origin = (session.origin if session else None) or record.origin
            rows.append(
                {"row": origin.line if origin else None, "training": record, "session": session}
            )
    return rows


def _import_page(
    request: HttpRequest,
    form: UploadForm,
    *,
    problems: list[spreadsheets.RowProblem] | None = None,
    report: offer.OfferReport | None = None,
) -> HttpResponse:
    refused = bool(problems) or bool(report and report.refused)
    return render(
        request,
        "trainings/spreadsheet_import.html",
        {
            "form": form,
            "problems": problems or [],
            "offer_errors": report.errors if report else [],
            "refused": refused,
            "columns": spreadsheets.COLUMN_NAMES,
        },
        status=422 if refused else 200,
    )


@login_required
def spreadsheet_import(request: HttpRequest) -> HttpResponse:
    """Upload a file, see the preview and what would change, then confirm: nothing is written
    before the confirmation, and nothing at all when a row is refused."""
    user = request.user
    if not transfer_rules.can_import_offer(user):
        raise PermissionDenied
    if request.method == "POST" and "payload" in request.POST:
        return _import_confirm(request)
    form = UploadForm(request.POST or None, request.FILES or None, user=user)
    if request.method != "POST" or not form.is_valid():
        return _import_page(request, form)
    organisation: Organisation = form.cleaned_data["organisation"]
    upload = form.cleaned_data["file"]
    try:
        records = spreadsheets.read(
            upload.read(),
            name=upload.name,
            organisation=spreadsheets.organisation_record(organisation),
        )
    except spreadsheets.SheetRefused as refusal:
        return _import_page(request, form, problems=refusal.problems)
    report = offer.write_offer(records=records, by=user, wet_run=False, organisation=organisation)
    if report.refused:
        return _import_page(request, form, report=report)
    payload = {
        "user": user.pk,
        "organisation": organisation.slug,
        "records": records_to_data(records),
    }
    rows = _preview_rows(records)
    return render(
        request,
        "trainings/spreadsheet_preview.html",
        {
            "organisation": organisation,
            "file_name": upload.name,
            "report": report,
            "counts": [
                (KIND_LABELS.get(kind, kind), count) for kind, count in report.counts.items()
            ],
            "rows": rows[:PREVIEW_ROWS],
            "hidden_rows": max(len(rows) - PREVIEW_ROWS, 0),
            "payload": signing.dumps(payload, salt=IMPORT_SALT, compress=True),
        },
    )


def _import_confirm(request: HttpRequest) -> HttpResponse:
    user = request.user
    try:
        payload = signing.loads(request.POST["payload"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, _("This preview has expired: upload the file again."))
        return redirect("trainings:spreadsheet_import")
    if payload.get("user") != user.pk:
        raise PermissionDenied
    organisation = Organisation.objects.filter(slug=payload["organisation"]).first()
    if organisation is None or not transfer_rules.can_import_offer_for(user, organisation):
        raise PermissionDenied
    records = records_from_data(payload["records"])
    report = offer.write_offer(records=records, by=user, wet_run=True, organisation=organisation)
    if not report.written:
        form = UploadForm(user=user, initial={"organisation": organisation.slug})
        return _import_page(request, form, report=report)
    trainings, sessions = report.counts["trainings"], report.counts["sessions"]
    messages.success(
        request,
        _(
            "Imported for %(organisation)s: %(created)s trainings created, %(updated)s updated; "
            "%(sessions_created)s sessions created, %(sessions_updated)s updated."
        )
        % {
            "organisation": organisation.name,
            "created": trainings.created,
            "updated": trainings.updated,
            "sessions_created": sessions.created,
            "sessions_updated": sessions.updated,
        },
    )
    return redirect("trainings:spreadsheet_import")


def _download(content: bytes, file_format: str, stem: str) -> HttpResponse:
    content_type = (
        spreadsheets.XLSX_CONTENT_TYPE if file_format == "xlsx" else spreadsheets.CSV_CONTENT_TYPE
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{file_format}"'
    return response


@login_required
def spreadsheet_template(request: HttpRequest, file_format: str) -> HttpResponse:
    if file_format == "xlsx":
        content = spreadsheet_export.template_xlsx()
    else:
        content = spreadsheet_export.template_csv()
    return _download(content, file_format, "modele-catalogue-formations")


@login_required
def spreadsheet_export_view(request: HttpRequest, file_format: str) -> HttpResponse:
    """The catalogue the user reads, or one organisation's (``?organisation=slug``)."""
    organisation = None
    stem = "catalogue-formations"
    if slug := request.GET.get("organisation"):
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise Http404
        stem = f"{stem}-{organisation.slug}"
    records = spreadsheet_export.catalogue_records(request.user, organisation)
    rows = spreadsheet_export.rows_of(records)
    if file_format == "xlsx":
        content = spreadsheet_export.xlsx_bytes(rows)
    else:
        content = spreadsheet_export.csv_bytes(rows)
    return _download(content, file_format, f"{stem}-{timezone.localdate():%Y-%m-%d}")


urlpatterns: list[URLPattern] = [
    path("tableur/importer/", spreadsheet_import, name="spreadsheet_import"),
    re_path(
        r"^tableur/modele\.(?P<file_format>xlsx|csv)$",
        spreadsheet_template,
        name="spreadsheet_template",
    ),
    re_path(
        r"^tableur/export\.(?P<file_format>xlsx|csv)$",
        spreadsheet_export_view,
        name="spreadsheet_export",
    ),
]

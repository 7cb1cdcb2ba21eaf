"""LHÉO pages: upload a file, read the preview, confirm; download the offer as LHÉO.

The uploaded file is kept in ``VAR_DIR/uploads/lheo/`` between the preview and the
confirmation under a random name; the confirmation form carries that name signed with the
user's id, reads the file again and writes it with ``offer.write_offer`` (which checks
everything again, in the transaction).
"""

from __future__ import annotations

import io
import secrets
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fabrique.accounts.models import Organisation
from fabrique.core import audit
from fabrique.core.importing import InvalidSource
from fabrique.trainings import queries, transfer_rules
from fabrique.trainings.lheo.reader import LheoDocument, read_lheo
from fabrique.trainings.lheo.writer import NothingToExport, write_lheo
from fabrique.trainings.offer import OfferReport, write_offer

SALT = "fabrique.trainings.lheo.import"
MAX_AGE = 3600  # seconds between the preview and the confirmation
MAX_UPLOAD = 50 * 1024 * 1024
PREVIEW_FORMATIONS = 200


def _staging_dir() -> Path:
    return Path(settings.VAR_DIR) / "uploads" / "lheo"


class LheoImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("LHÉO file"),
        help_text=gettext_lazy("LHÉO 2.3 (or 2.2) XML, plain or gzip-compressed, 50 MB at most."),
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Import for"),
        queryset=Organisation.objects.none(),
        to_field_name="slug",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = transfer_rules.offer_import_organisations(user)  # type: ignore[attr-defined]
        if transfer_rules.can_import_named_organisations(user):
            field.required = False
            field.empty_label = gettext_lazy(  # type: ignore[attr-defined]
                "the organisations named in the file (created when unknown)"
            )
            field.help_text = gettext_lazy(
                "Leave it to the file to import a regional flow of many organisations."
            )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


def _read(data: bytes, name: str) -> tuple[LheoDocument | None, list[Any]]:
    try:
        return read_lheo(data, name=name), []
    except InvalidSource as refusal:
        return None, refusal.problems


def _preview_context(document: LheoDocument, report: OfferReport) -> dict[str, Any]:
    organisations: dict[tuple[str, str], Any] = {}
    for record in document.records:
        named = record.organisation
        organisations.setdefault((named.siret, named.name), named)
    formations = []
    for record in document.records[:PREVIEW_FORMATIONS]:
        actions: dict[str, list[Any]] = {}
        for session in record.sessions:
            actions.setdefault(session.action_code, []).append(session)
        formations.append({"record": record, "actions": sorted(actions.items())})
    return {
        "document": document,
        "report": report,
        "formations": formations,
        "more_formations": max(len(document.records) - PREVIEW_FORMATIONS, 0),
        "organisations": list(organisations.values()),
    }


@login_required
def lheo_import(request: HttpRequest) -> HttpResponse:
    """Upload an LHÉO file and see what it would do; nothing is written before confirming."""
    user = request.user
    if not transfer_rules.can_import_offer(user):
        raise PermissionDenied
    if request.method == "POST" and "payload" in request.POST:
        return _confirm(request)
    form = LheoImportForm(request.POST or None, request.FILES or None, user=user)
    context: dict[str, Any] = {"form": form, "problems": []}
    if request.method != "POST" or not form.is_valid():
        return render(request, "trainings/transfer_import.html", context)
    upload = form.cleaned_data["file"]
    organisation = form.cleaned_data["organisation"]
    data = upload.read()
    document, problems = _read(data, upload.name)
    if document is None:
        context["problems"] = problems
        return render(request, "trainings/transfer_import.html", context, status=422)
    report = write_offer(
        records=document.records, by=user, wet_run=False, organisation=organisation
    )
    context = _preview_context(document, report) | {"organisation": organisation}
    if report.refused:
        return render(request, "trainings/transfer_preview.html", context, status=422)
    token = secrets.token_hex(16)
    directory = _staging_dir()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{token}.xml").write_bytes(data)
    payload = {
        "user": user.pk,
        "token": token,
        "name": upload.name[:200],
        "organisation": organisation.slug if organisation else "",
    }
    context["payload"] = signing.dumps(payload, salt=SALT)
    return render(request, "trainings/transfer_preview.html", context)


def _confirm(request: HttpRequest) -> HttpResponse:
    user = request.user
    try:
        payload = signing.loads(request.POST["payload"], salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        messages.error(request, _("This preview has expired: upload the file again."))
        return redirect("trainings:lheo_import")
    if payload.get("user") != user.pk:
        raise PermissionDenied
    staged = _staging_dir() / f"{payload['token']}.xml"
    organisation = None
    if payload["organisation"]:
        organisation = Organisation.objects.filter(slug=payload["organisation"]).first()
        if organisation is None or not transfer_rules.can_import_offer_for(user, organisation):
            raise PermissionDenied
    elif not transfer_rules.can_import_named_organisations(user):
        raise PermissionDenied
    if not staged.is_file():
        messages.error(request, _("This preview has expired: upload the file again."))
        return redirect("trainings:lheo_import")
    document, problems = _read(staged.read_bytes(), payload["name"])
    if document is None:
        staged.unlink(missing_ok=True)
        form = LheoImportForm(user=user)
        context = {"form": form, "problems": problems}
        return render(request, "trainings/transfer_import.html", context, status=422)
    report = write_offer(records=document.records, by=user, wet_run=True, organisation=organisation)
    if report.refused:
        context = _preview_context(document, report) | {"organisation": organisation}
        return render(request, "trainings/transfer_preview.html", context, status=422)
    staged.unlink(missing_ok=True)
    counts = report.counts
    messages.success(
        request,
        _(
            "Imported: %(trainings)s training(s) created and %(updated)s updated, "
            "%(sessions)s session(s) created and %(sessions_updated)s updated."
        )
        % {
            "trainings": counts["trainings"].created,
            "updated": counts["trainings"].updated,
            "sessions": counts["sessions"].created,
            "sessions_updated": counts["sessions"].updated,
        },
    )
    return redirect("trainings:lheo_import")


def lheo_export(request: HttpRequest) -> HttpResponse:
    """The page that offers the LHÉO downloads: the whole visible offer or one organisation's."""
    visible = queries.trainings_visible_to(request.user)
    organisations = Organisation.objects.filter(
        pk__in=visible.filter(sessions__isnull=False).values("organisation_id")
    ).order_by("name")
    return render(request, "trainings/transfer_export.html", {"organisations": organisations})


def lheo_download(request: HttpRequest) -> HttpResponse:
    """The visible offer (or one organisation's, ``?organisation=SLUG``) as LHÉO 2.3."""
    trainings = queries.trainings_visible_to(request.user)
    filename = "offre-lheo.xml"
    slug = request.GET.get("organisation", "")
    if slug:
        organisation = get_object_or_404(Organisation, slug=slug)
        trainings = trainings.filter(organisation=organisation)
        filename = f"offre-lheo-{organisation.slug}.xml"
    stream = io.BytesIO()
    try:
        write_lheo(stream, trainings)
    except NothingToExport:
        messages.error(request, _("There is no training with a session to export."))
        return redirect("trainings:lheo_export")
    audit.record_event(action="export", model="trainings.offer", label=f"LHÉO export {filename}")
    response = HttpResponse(stream.getvalue(), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns: list[URLPattern] = [
    path("lheo/import/", lheo_import, name="lheo_import"),
    path("lheo/export/", lheo_export, name="lheo_export"),
    path("lheo/export/offre.xml", lheo_download, name="lheo_download"),
]

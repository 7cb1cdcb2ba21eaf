"""Pages of competency frameworks: list, creation, a framework and its versions, publishing,
retiring, new versions, downloads and import. Editing a draft's tree is in ``editor.py``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabrique.accounts.models import Organisation
from fabrique.frameworks import actions, csvformat, jsonformat, rules
from fabrique.frameworks.documents import (
    DocumentRefused,
    FrameworkDoc,
    document_of,
    resolve_skills,
    tree_of,
)
from fabrique.frameworks.enums import VersionStatus
from fabrique.frameworks.forms import (
    FrameworkDetailsForm,
    FrameworkForm,
    ImportForm,
    PublishForm,
    RetireForm,
)
from fabrique.frameworks.lookups import framework_or_404, version_or_404
from fabrique.frameworks.models import CompetencyFramework, FrameworkVersion

FRAMEWORKS_PER_PAGE = 25
IMPORT_SALT = "fabrique.frameworks.import"
IMPORT_MAX_AGE = 60 * 60


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    frameworks = (
        CompetencyFramework.objects.visible_to(request.user)
        .with_versions()
        .select_related("owner")
        .order_by("title", "pk")
    )
    page = Paginator(frameworks, FRAMEWORKS_PER_PAGE).get_page(request.GET.get("page"))
    can_create = rules.can_create_framework(request.user)
    editable = rules.editor_organisation_ids(request.user)
    for framework in page:
        framework.can_edit = editable is None or framework.owner_id in editable
    return render(
        request,
        "frameworks/list.html",
        {"page": page, "can_create": can_create},
    )


@login_required
def framework_create(request: HttpRequest) -> HttpResponse:
    if not rules.can_create_framework(request.user):
        raise PermissionDenied
    form = FrameworkForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            framework = form.save()
        except ValidationError:
            pass
        else:
            draft = framework.versions.get()
            messages.success(request, _("Framework created: add its blocs and competences."))
            return redirect(reverse("frameworks:edit", args=[framework.slug, draft.number]))
    return render(
        request,
        "frameworks/form.html",
        {
            "form": form,
            "title": _("New competency framework"),
            "submit": _("Create"),
            "back": reverse("frameworks:list"),
            "back_label": _("Competency frameworks"),
        },
    )


def _shown_version(versions: list[FrameworkVersion]) -> FrameworkVersion | None:
    """The version a framework's page shows, among those the reader may see: the published
    one, else the draft (editors only see drafts), else the latest retired one."""
    for status in (VersionStatus.PUBLISHED, VersionStatus.DRAFT):
        for version in versions:
            if version.status == status:
                return version
    return versions[0] if versions else None


def _version_page(
    request: HttpRequest, framework: CompetencyFramework, version: FrameworkVersion | None
) -> HttpResponse:
    user = request.user
    versions = list(
        FrameworkVersion.objects.visible_to(user).filter(framework=framework).order_by("-number")
    )
    if version is None:
        version = _shown_version(versions)
    can_edit = rules.can_edit_framework(user, framework)
    draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
    for v in versions:
        v.framework = framework  # for get_absolute_url without a query each
    if version is not None:
        version.framework = framework
    context: dict[str, Any] = {
        "framework": framework,
        "version": version,
        "versions": versions,
        "blocs": tree_of(version) if version is not None else [],
        "can_edit": can_edit,
        "draft": draft if can_edit else None,
        "can_start_version": can_edit
        and draft is None
        and any(v.status != VersionStatus.DRAFT for v in versions),
    }
    return render(request, "frameworks/detail.html", context)


@login_required
def framework_detail(request: HttpRequest, slug: str) -> HttpResponse:
    framework = framework_or_404(request.user, slug)
    return _version_page(request, framework, None)


@login_required
def version_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = version_or_404(request.user, slug, number)
    return _version_page(request, version.framework, version)


@login_required
def framework_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The framework's title and description."""
    framework = framework_or_404(request.user, slug)
    if not rules.can_edit_framework(request.user, framework):
        raise PermissionDenied
    form = FrameworkDetailsForm(request.POST or None, framework=framework, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except ValidationError:
            pass
        else:
            messages.success(request, _("Saved."))
            return redirect(framework)
    return render(
        request,
        "frameworks/form.html",
        {
            "form": form,
            "title": _("Title and description of %(title)s") % {"title": framework.title},
            "submit": _("Save"),
            "back": framework.get_absolute_url(),
            "back_label": framework.title,
        },
    )


# --- life of a version -------------------------------------------------------------------------


def _confirm_page(
    request: HttpRequest,
    version: FrameworkVersion,
    form: PublishForm | RetireForm,
    *,
    allowed: bool,
    success: str,
    title: str,
    submit: str,
    danger: bool = False,
) -> HttpResponse:
    if not rules.can_edit_framework(request.user, version.framework):
        raise PermissionDenied
    if not allowed:
        messages.error(
            request,
            _("Version %(number)s is %(status)s: this cannot be done.")
            % {"number": version.number, "status": version.get_status_display()},
        )
        return redirect(version)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except ValidationError:
            pass
        else:
            messages.success(request, success)
            return redirect(version.framework)
    blocs = tree_of(version)
    return render(
        request,
        "frameworks/confirm.html",
        {
            "framework": version.framework,
            "version": version,
            "form": form,
            "title": title,
            "submit": submit,
            "danger": danger,
            "bloc_count": len(blocs),
            "competence_count": sum(len(b.competences.all()) for b in blocs),
            "without_levels": [
                c.code for b in blocs for c in b.competences.all() if not c.levels.all()
            ],
        },
    )


@login_required
def version_publish(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = version_or_404(request.user, slug, number)
    form = PublishForm(request.POST or None, version=version, user=request.user)
    return _confirm_page(
        request,
        version,
        form,
        allowed=version.status == VersionStatus.DRAFT,
        success=_("Version %(number)s is published.") % {"number": number},
        title=_("Publish version %(number)s") % {"number": number},
        submit=_("Publish"),
    )


@login_required
def version_retire(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = version_or_404(request.user, slug, number)
    form = RetireForm(request.POST or None, version=version, user=request.user)
    return _confirm_page(
        request,
        version,
        form,
        allowed=version.status == VersionStatus.PUBLISHED,
        success=_("Version %(number)s is retired.") % {"number": number},
        title=_("Retire version %(number)s") % {"number": number},
        submit=_("Retire"),
        danger=True,
    )


@login_required
def version_discard(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = version_or_404(request.user, slug, number)
    if not rules.can_edit_framework(request.user, version.framework):
        raise PermissionDenied
    if request.method == "POST":
        try:
            remaining = actions.discard_draft(version=version, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(version)
        messages.success(request, _("The draft is discarded."))
        return redirect(remaining or reverse("frameworks:list"))
    if version.status != VersionStatus.DRAFT:
        return redirect(version)
    return render(
        request, "frameworks/discard.html", {"framework": version.framework, "version": version}
    )


@login_required
@require_POST
def version_new(request: HttpRequest, slug: str) -> HttpResponse:
    """“New version”: a draft copied from the published version (or the one given)."""
    framework = framework_or_404(request.user, slug)
    if not rules.can_edit_framework(request.user, framework):
        raise PermissionDenied
    source = None
    if (number := request.POST.get("from", "")).isdigit():
        source = framework.versions.filter(number=int(number)).first()
    try:
        version = actions.start_new_version(framework=framework, source=source, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(framework)
    messages.success(
        request,
        _("Version %(number)s is a new draft: change it, then publish it.")
        % {"number": version.number},
    )
    return redirect(reverse("frameworks:edit", args=[framework.slug, version.number]))


# --- downloads ---------------------------------------------------------------------------------


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def export_json(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = version_or_404(request.user, slug, number)
    content = jsonformat.dumps(document_of(version), version).encode()
    return _download(content, "application/json", f"{slug}-v{number}.json")


@login_required
def export_csv(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = version_or_404(request.user, slug, number)
    content = csvformat.encode(document_of(version))
    return _download(content, csvformat.CONTENT_TYPE, f"{slug}-v{number}.csv")


# --- import ------------------------------------------------------------------------------------


def _read_upload(form: ImportForm) -> FrameworkDoc:
    upload = form.cleaned_data["file"]
    content = upload.read()
    if form.file_format(upload.name) == "csv":
        return csvformat.parse(content, title=form.cleaned_data.get("title", ""))
    return jsonformat.parse(content)


@login_required
def framework_import(request: HttpRequest) -> HttpResponse:
    """Upload a file, read the preview, then confirm: nothing is written before."""
    user = request.user
    if not rules.can_create_framework(user):
        raise PermissionDenied
    if request.method == "POST" and "payload" in request.POST:
        return _import_confirm(request)
    form = ImportForm(request.POST or None, request.FILES or None, user=user)
    problems: list = []
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            document = _read_upload(form)
            resolve_skills(document)
        except DocumentRefused as refusal:
            problems = refusal.problems
        else:
            if target == ImportForm.NEW and not document.title:
                form.add_error("title", _("Give the new framework a title."))
                return render(request, "frameworks/import.html", {"form": form, "problems": []})
            payload = {
                "user": user.pk,
                "target": target,
                "owner": form.cleaned_data["owner"].slug if target == ImportForm.NEW else "",
                "framework": (
                    form.cleaned_data["framework"].slug if target == ImportForm.VERSION else ""
                ),
                "document": jsonformat.to_data(document),
            }
            return render(
                request,
                "frameworks/import_preview.html",
                {
                    "document": document,
                    "payload": signing.dumps(payload, salt=IMPORT_SALT, compress=True),
                    "owner": form.cleaned_data.get("owner"),
                    "framework": form.cleaned_data.get("framework"),
                    "target": target,
                },
            )
    return render(
        request,
        "frameworks/import.html",
        {"form": form, "problems": problems},
        status=422 if problems else 200,
    )


def _import_confirm(request: HttpRequest) -> HttpResponse:
    user = request.user
    try:
        payload = signing.loads(request.POST["payload"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, _("This preview has expired: upload the file again."))
        return redirect("frameworks:import")
    if payload.get("user") != user.pk:
        raise PermissionDenied
    owner = framework = None
    if payload["target"] == ImportForm.NEW:
        owner = Organisation.objects.filter(slug=payload["owner"]).first()
    else:
        framework = CompetencyFramework.objects.filter(slug=payload["framework"]).first()
    problems: list = []
    if owner is None and framework is None:
        messages.error(request, _("The organisation or framework no longer exists."))
        return redirect("frameworks:import")
    try:
        document = jsonformat.parse_data(payload["document"])
        version = actions.import_framework(
            document=document, owner=owner, framework=framework, by=user
        )
    except DocumentRefused as refusal:
        problems = refusal.problems
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("frameworks:import")
    else:
        messages.success(
            request,
            _("Imported as version %(number)s, a draft: check it, then publish it.")
            % {"number": version.number},
        )
        return redirect(reverse("frameworks:edit", args=[version.framework.slug, version.number]))
    form = ImportForm(user=user)
    return render(
        request, "frameworks/import.html", {"form": form, "problems": problems}, status=422
    )

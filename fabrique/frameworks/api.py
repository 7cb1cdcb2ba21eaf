"""API of competency frameworks (``/api/v1/frameworks``).

Anyone authenticated reads the published (and retired) versions; a framework's editors (see
``frameworks.rules``) also read its drafts, create frameworks, import documents, publish and
retire. The same actions and permissions as the pages. The ``fabrique-framework/1`` document
(docs/formats/framework.md) is what the export answers and what the imports take; the schemas
are in ``schemas.py``.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, When
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from fabrique.accounts.models import Organisation, User
from fabrique.api.pagination import BoundedLimitOffset
from fabrique.frameworks import actions, jsonformat, rules
from fabrique.frameworks.documents import DocumentRefused, Problem, document_of, tree_of
from fabrique.frameworks.enums import VersionStatus
from fabrique.frameworks.lookups import find_framework, find_version
from fabrique.frameworks.models import CompetencyFramework, FrameworkVersion
from fabrique.frameworks.schemas import (
    FrameworkDetailOut,
    FrameworkDocument,
    FrameworkIn,
    FrameworkOut,
    FrameworkSlug,
    ImportIn,
    InvalidRequest,
    Message,
    PublishIn,
    RetireIn,
    VersionNumber,
    VersionOut,
)

router = Router(tags=["frameworks"])


# --- helpers ------------------------------------------------------------------------------------


def _not_found_framework(slug: str) -> Status:
    message = _("No competency framework has the short name “%(slug)s”.") % {"slug": slug}
    return Status(404, {"detail": message})


def _not_found_version(number: int) -> Status:
    message = _("This competency framework has no version %(number)s.") % {"number": number}
    return Status(404, {"detail": message})


def _framework_out(framework: CompetencyFramework, user: User) -> dict[str, Any]:
    versions = list(framework.versions.visible_to(user).order_by("-number"))
    published = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
    draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
    return {
        "slug": framework.slug,
        "title": framework.title,
        "description": framework.description,
        "owner": framework.owner,
        "current_version": published.number if published else None,
        "published_at": published.published_at if published else None,
        "draft_version": draft.number if draft else None,
        "url": framework.get_absolute_url(),
        "versions": versions,
    }


def _version_out(version: FrameworkVersion) -> dict[str, Any]:
    return {
        "framework": version.framework.slug,
        "title": version.framework.title,
        "number": version.number,
        "status": version.status,
        "published_at": version.published_at,
        "retired_at": version.retired_at,
        "change_note": version.change_note,
        "url": version.get_absolute_url(),
        "blocs": [
            {
                "code": bloc.code,
                "title": bloc.title,
                "description": bloc.description,
                "competences": [
                    {
                        "code": c.code,
                        "title": c.title,
                        "description": c.description,
                        "skills": [
                            {
                                "scheme": link.skill.scheme,
                                "code": link.skill.code,
                                "label": link.skill.label,
                                "suggested": link.suggested,
                            }
                            for link in c.skill_links.all()
                        ],
                        "levels": list(c.levels.all()),
                    }
                    for c in bloc.competences.all()
                ],
            }
            for bloc in tree_of(version)
        ],
    }


def _invalid(error: DjangoValidationError) -> Status:
    if hasattr(error, "error_dict"):
        errors = [
            {"loc": ["body", field], "msg": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"loc": ["body"], "msg": message} for message in error.messages]
    return Status(422, {"detail": " ".join(e["msg"] for e in errors), "errors": errors})


def _refused(problems: list[Problem], prefix: tuple[str, ...]) -> Status:
    errors = [
        {"loc": ["body", *prefix, *problem.path], "msg": problem.message, "where": problem.where}
        for problem in problems
    ]
    detail = _("The document is refused: %(problems)s") % {
        "problems": "; ".join(str(problem) for problem in problems[:5])
    }
    return Status(422, {"detail": detail, "errors": errors})


def _conflict_or_invalid(error: DjangoValidationError) -> Status:
    if getattr(error, "code", None) == "draft_exists":
        return Status(409, {"detail": " ".join(error.messages)})
    return _invalid(error)


# --- reading ------------------------------------------------------------------------------------


@router.get(
    "",
    response={200: list[FrameworkOut], 401: Message, 422: InvalidRequest},
    summary="Competency frameworks: those published, and those you edit",
)
@paginate(BoundedLimitOffset)
def list_frameworks(request: HttpRequest) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    editable = rules.editor_organisation_ids(user)
    frameworks = CompetencyFramework.objects.visible_to(user).with_versions()
    if editable is None:
        frameworks = frameworks.annotate(visible_draft=F("draft_number"))
    else:
        frameworks = frameworks.annotate(
            visible_draft=Case(When(owner_id__in=editable, then=F("draft_number")), default=None)
        )
    return frameworks.select_related("owner").order_by("title", "pk")


# --- writing ------------------------------------------------------------------------------------


def _owner(slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug).first()


@router.post(
    "",
    response={
        201: FrameworkDetailOut,
        401: Message,
        403: Message,
        409: Message,
        422: InvalidRequest,
    },
    summary="Create a framework, with an empty draft as version 1 (coordinators)",
)
def create_framework(request: HttpRequest, payload: FrameworkIn) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    owner = _owner(payload.owner)
    if owner is None:
        message = _("No organisation has the short name “%(slug)s”.") % {"slug": payload.owner}
        return Status(
            422, {"detail": message, "errors": [{"loc": ["body", "owner"], "msg": message}]}
        )
    if not rules.can_edit_for(user, owner):
        return Status(
            403,
            {"detail": _("Only the coordinators of this organisation may create its frameworks.")},
        )
    try:
        with transaction.atomic():
            framework = actions.create_framework(
                owner=owner,
                title=payload.title,
                description=payload.description,
                slug=payload.slug,
                by=user,
            )
    except DjangoValidationError as error:
        return _invalid(error)
    except IntegrityError:
        return Status(409, {"detail": _("This short name is taken.")})
    return Status(201, _framework_out(framework, user))


def _document(payload: FrameworkDocument) -> Any:
    return jsonformat.parse_data(payload.model_dump(exclude_none=True))


@router.post(
    "/import",
    response={201: VersionOut, 401: Message, 403: Message, 422: InvalidRequest},
    summary="Import a fabrique-framework/1 document as a new framework (a draft)",
)
def import_new_framework(request: HttpRequest, payload: ImportIn) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    owner = _owner(payload.owner)
    if owner is None:
        message = _("No organisation has the short name “%(slug)s”.") % {"slug": payload.owner}
        return Status(
            422, {"detail": message, "errors": [{"loc": ["body", "owner"], "msg": message}]}
        )
    if not rules.can_edit_for(user, owner):
        return Status(
            403,
            {"detail": _("Only the coordinators of this organisation may create its frameworks.")},
        )
    try:
        document = _document(payload.document)
        with transaction.atomic():
            version = actions.import_framework(document=document, owner=owner, by=user)
    except DocumentRefused as refusal:
        return _refused(refusal.problems, ("document",))
    except DjangoValidationError as error:
        return _invalid(error)
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    return Status(201, _version_out(version))


# --- reading a framework (after POST /import, which "/{slug}" would shadow) --------------


@router.get(
    "/{slug}",
    response={200: FrameworkDetailOut, 401: Message, 404: Message, 422: InvalidRequest},
    summary="A competency framework and the versions you may read",
)
def get_framework(request: HttpRequest, slug: FrameworkSlug) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    framework = find_framework(user, slug)
    if framework is None:
        return _not_found_framework(slug)
    return _framework_out(framework, user)


@router.get(
    "/{slug}/versions/{number}",
    response={200: VersionOut, 401: Message, 404: Message, 422: InvalidRequest},
    summary="A version of a framework with its tree: blocs, competences, levels, skills",
)
def get_version(request: HttpRequest, slug: FrameworkSlug, number: VersionNumber) -> Any:
    version = find_version(request.auth, slug, number)
    if version is None:
        return _not_found_version(number)
    return _version_out(version)


@router.get(
    "/{slug}/versions/{number}/export",
    response={200: FrameworkDocument, 401: Message, 404: Message, 422: InvalidRequest},
    summary="A version as a fabrique-framework/1 document (the JSON download)",
)
def export_version(request: HttpRequest, slug: FrameworkSlug, number: VersionNumber) -> Any:
    version = find_version(request.auth, slug, number)
    if version is None:
        return _not_found_version(number)
    return jsonformat.to_data(document_of(version), version)


# --- writing versions ---------------------------------------------------------------------------


@router.post(
    "/{slug}/versions",
    response={
        201: VersionOut,
        401: Message,
        403: Message,
        404: Message,
        409: Message,
        422: InvalidRequest,
    },
    summary="Import a fabrique-framework/1 document as the next version of a framework (a draft)",
)
def import_version(request: HttpRequest, slug: FrameworkSlug, payload: FrameworkDocument) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    framework = find_framework(user, slug)
    if framework is None:
        return _not_found_framework(slug)
    if not rules.can_edit_framework(user, framework):
        return Status(
            403, {"detail": _("Only the framework's editors may import a new version of it.")}
        )
    try:
        document = _document(payload)
        with transaction.atomic():
            version = actions.import_framework(document=document, framework=framework, by=user)
    except DocumentRefused as refusal:
        return _refused(refusal.problems, ())
    except DjangoValidationError as error:
        return _conflict_or_invalid(error)
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    return Status(201, _version_out(version))


def _transition(request: HttpRequest, slug: str, number: int, apply: Any, forbidden: str) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    version = find_version(user, slug, number)
    if version is None:
        return _not_found_version(number)
    if not rules.can_edit_framework(user, version.framework):
        return Status(403, {"detail": forbidden})
    try:
        with transaction.atomic():
            version = apply(version, user)
    except DjangoValidationError as error:
        return _invalid(error)
    except PermissionDenied:
        return Status(403, {"detail": forbidden})
    return _version_out(version)


@router.post(
    "/{slug}/versions/{number}/publish",
    response={200: VersionOut, 401: Message, 403: Message, 404: Message, 422: InvalidRequest},
    summary="Publish a draft; the version published until now is retired (editors)",
)
def publish_version(
    request: HttpRequest, slug: FrameworkSlug, number: VersionNumber, payload: PublishIn
) -> Any:
    return _transition(
        request,
        slug,
        number,
        lambda version, user: actions.publish_version(
            version=version, change_note=payload.change_note, by=user
        ),
        _("Only the framework's editors may publish it."),
    )


@router.post(
    "/{slug}/versions/{number}/retire",
    response={200: VersionOut, 401: Message, 403: Message, 404: Message, 422: InvalidRequest},
    summary="Retire a published version (editors)",
)
def retire_version(
    request: HttpRequest, slug: FrameworkSlug, number: VersionNumber, payload: RetireIn
) -> Any:
    return _transition(
        request,
        slug,
        number,
        lambda version, user: actions.retire_version(version=version, note=payload.note, by=user),
        _("Only the framework's editors may retire a version."),
    )

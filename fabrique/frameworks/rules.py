"""Permission predicates of competency frameworks, on (user, object).

- Anyone logged in reads the published (and retired) versions of every framework.
- A framework's editors are the platform admins, the coordinators of its owner organisation,
  and the coordinators of a consortium (or network) that federates the owner organisation
  (``Organisation.partners``). They alone see its drafts, edit them, publish, start a new
  version and retire.
- Anonymous visitors see nothing: the pages send them to log in, the API answers 401.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fabrique.accounts.enums import Role
from fabrique.accounts.rules import is_platform_admin, organisation_ids
from fabrique.frameworks.enums import PUBLIC_STATUSES, VersionStatus

if TYPE_CHECKING:
    from fabrique.accounts.models import Organisation, User
    from fabrique.frameworks.models import CompetencyFramework, FrameworkVersion


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def editor_organisation_ids(user: User) -> set[int] | None:
    """Organisations whose frameworks the user edits; None means every organisation.

    The coordinator's own organisations and their partners (the members of the consortia
    they coordinate). Cached on the user object, like ``accounts.rules.roles``.
    """
    if not _authenticated(user):
        return set()
    if is_platform_admin(user):
        return None
    cached: set[int] | None = getattr(user, "_fabrique_framework_editor_ids", None)
    if cached is None:
        from fabrique.accounts.models import Organisation

        own = organisation_ids(user, Role.COORDINATOR)
        cached = set(own)
        if own:
            partners = Organisation.objects.filter(partner_of__in=own).values_list("id", flat=True)
            cached |= set(partners)
        user._fabrique_framework_editor_ids = cached  # type: ignore[union-attr]
    return set(cached)


def can_edit_for(user: User, organisation: Organisation | None) -> bool:
    """Whether the user may create and edit frameworks owned by ``organisation``."""
    if organisation is None:
        return False
    scope = editor_organisation_ids(user)
    return scope is None or organisation.pk in scope


def can_create_framework(user: User) -> bool:
    scope = editor_organisation_ids(user)
    return scope is None or bool(scope)


def can_view_framework(user: User, framework: CompetencyFramework) -> bool:
    if not _authenticated(user):
        return False
    if can_edit_framework(user, framework):
        return True
    return framework.versions.filter(status__in=PUBLIC_STATUSES).exists()


def can_edit_framework(user: User, framework: CompetencyFramework) -> bool:
    if not _authenticated(user):
        return False
    scope = editor_organisation_ids(user)
    return scope is None or framework.owner_id in scope


def can_view_version(user: User, version: FrameworkVersion) -> bool:
    if not _authenticated(user):
        return False
    return version.status in PUBLIC_STATUSES or can_edit_framework(user, version.framework)


def can_edit_version(user: User, version: FrameworkVersion) -> bool:
    """Only drafts change, and only by the framework's editors."""
    return version.status == VersionStatus.DRAFT and can_edit_framework(user, version.framework)


def can_publish_version(user: User, version: FrameworkVersion) -> bool:
    return can_edit_version(user, version)


def can_retire_version(user: User, version: FrameworkVersion) -> bool:
    return version.status == VersionStatus.PUBLISHED and can_edit_framework(user, version.framework)

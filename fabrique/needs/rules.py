"""Permission predicates of industrial projects and their hiring needs, on (user, object).

- A public project (``confidential=False``) and its needs are read by anyone logged in.
- A confidential project is read by the members of its company (any role), the coordinators
  of the consortia coordinating the project's industrial territory, the coordinators who
  oversee its company (``accounts.rules.coordinated_organisation_ids``) and platform admins.
- A project and its needs are changed by the platform admins, the organisation admins and
  company contacts of its company, and the coordinators who read it as above.
- Anonymous visitors see nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fabrique.accounts.enums import Role
from fabrique.accounts.rules import coordinated_organisation_ids, is_platform_admin

if TYPE_CHECKING:
    from fabrique.accounts.models import User
    from fabrique.needs.models import IndustrialProject

EDITOR_ROLES = (Role.ORGANISATION_ADMIN, Role.COMPANY_CONTACT)


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


@dataclass(frozen=True)
class ProjectScope:
    """The confidential projects a user reads and edits, by company and by territory."""

    read_company_ids: frozenset[int]
    edit_company_ids: frozenset[int]
    territory_ids: frozenset[int]


def project_scope(user: User | Any) -> ProjectScope | None:
    """What the user reaches among confidential projects; None means every project.

    Cached on the user object, like ``accounts.rules.roles``.
    """
    if not _authenticated(user):
        return ProjectScope(frozenset(), frozenset(), frozenset())
    if is_platform_admin(user):
        return None
    cached: ProjectScope | None = getattr(user, "_fabrique_project_scope", None)
    if cached is None:
        from fabrique.territories.models import IndustrialTerritory

        memberships = list(user.memberships.values_list("organisation_id", "role"))
        own = {organisation for organisation, _ in memberships}
        editor = {organisation for organisation, role in memberships if role in EDITOR_ROLES}
        coordinating = {
            organisation for organisation, role in memberships if role == Role.COORDINATOR
        }
        coordinated: set[int] = set()
        territories: set[int] = set()
        if coordinating:
            coordinated = coordinated_organisation_ids(user)
            territories = set(
                IndustrialTerritory.objects.filter(
                    coordinating_organisations__in=coordinating
                ).values_list("id", flat=True)
            )
        cached = ProjectScope(
            read_company_ids=frozenset(own | coordinated),
            edit_company_ids=frozenset(editor | coordinated),
            territory_ids=frozenset(territories),
        )
        user._fabrique_project_scope = cached
    return cached


def can_view_project(user: User | Any, project: IndustrialProject) -> bool:
    if not _authenticated(user):
        return False
    if not project.confidential:
        return True
    scope = project_scope(user)
    return (
        scope is None
        or project.company_id in scope.read_company_ids
        or project.territory_id in scope.territory_ids
    )


def can_edit_project(user: User | Any, project: IndustrialProject) -> bool:
    if not _authenticated(user):
        return False
    scope = project_scope(user)
    return (
        scope is None
        or project.company_id in scope.edit_company_ids
        or project.territory_id in scope.territory_ids
    )


def can_edit_for(user: User | Any, company_id: int | None) -> bool:
    """Whether the user may create and change the projects of this company."""
    if not _authenticated(user) or company_id is None:
        return False
    scope = project_scope(user)
    return scope is None or company_id in scope.edit_company_ids


def can_create_project(user: User | Any) -> bool:
    if not _authenticated(user):
        return False
    scope = project_scope(user)
    return scope is None or bool(scope.edit_company_ids)


# --- workforce snapshots -------------------------------------------------------------------
# A company's headcount by occupation and age band is read by its members (any role), the
# coordinators who oversee the company and platform admins; it is changed (imported) by its
# organisation admins and company contacts, those coordinators and platform admins.


def can_view_workforce(user: User | Any, employer_id: int | None) -> bool:
    if not _authenticated(user) or employer_id is None:
        return False
    scope = project_scope(user)
    return scope is None or employer_id in scope.read_company_ids


def can_edit_workforce(user: User | Any, employer_id: int | None) -> bool:
    return can_edit_for(user, employer_id)

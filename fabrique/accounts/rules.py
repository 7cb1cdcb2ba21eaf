"""Permission predicates on (user, object), shared by pages, the API and commands.

What a user sees and changes follows from their memberships (role × organisation):
- a platform admin (or a superuser) sees and manages everything;
- a coordinator sees the organisations and people of the industrial territories their
  organisation coordinates, and of the organisations their consortium federates;
- an organisation admin manages their organisation and its members;
- trainers, company contacts, reviewers and viewers see their own organisations' data;
- a learner sees their own record.
The organisation directory (name, kind, place) and the territories are public reference
information; members, people and the audit log are not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fabrique.accounts.enums import Role

if TYPE_CHECKING:
    from fabrique.accounts.models import Organisation, User
    from fabrique.territories.models import IndustrialTerritory

STAFF_ROLES = {
    Role.COORDINATOR,
    Role.ORGANISATION_ADMIN,
    Role.TRAINER,
    Role.COMPANY_CONTACT,
    Role.REVIEWER,
    Role.VIEWER,
}


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def roles(user: User) -> set[str]:
    """Every role the user holds, in any organisation (cached on the user object)."""
    if not _authenticated(user):
        return set()
    cached = getattr(user, "_fabrique_roles", None)
    if cached is None:
        cached = set(user.memberships.values_list("role", flat=True))
        if user.is_superuser:
            cached.add(Role.PLATFORM_ADMIN)
        user._fabrique_roles = cached
    return set(cached)


def organisation_ids(user: User, *role_set: str) -> set[int]:
    """Ids of the organisations where the user holds one of ``role_set`` (any role if empty)."""
    if not _authenticated(user):
        return set()
    memberships = user.memberships.all()
    if role_set:
        memberships = memberships.filter(role__in=role_set)
    return set(memberships.values_list("organisation_id", flat=True))


def is_platform_admin(user: User) -> bool:
    return _authenticated(user) and (user.is_superuser or Role.PLATFORM_ADMIN in roles(user))


def is_coordinator(user: User) -> bool:
    return _authenticated(user) and Role.COORDINATOR in roles(user)


def has_role(user: User, organisation: Organisation, *role_set: str) -> bool:
    if not _authenticated(user):
        return False
    memberships = user.memberships.filter(organisation=organisation)
    if role_set:
        memberships = memberships.filter(role__in=role_set)
    return memberships.exists()


def coordinated_organisation_ids(user: User) -> set[int]:
    """Organisations a coordinator oversees: those in their territories and their partners."""
    from fabrique.accounts.models import Organisation

    own = organisation_ids(user, Role.COORDINATOR)
    if not own:
        return set()
    ids = set(own)
    ids |= set(Organisation.objects.filter(partner_of__in=own).values_list("id", flat=True))
    ids |= set(
        Organisation.objects.filter(
            commune__epci__industrial_territories__coordinating_organisations__in=own
        ).values_list("id", flat=True)
    )
    return ids


def scoped_organisation_ids(user: User) -> set[int] | None:
    """Organisations whose private data the user may read; None means all of them."""
    if is_platform_admin(user):
        return None
    ids = organisation_ids(user, *STAFF_ROLES)
    return ids | coordinated_organisation_ids(user)


# --- organisations -------------------------------------------------------------------------


def can_view_organisation(user: User, organisation: Organisation) -> bool:
    return True  # the directory is public


def can_view_members(user: User, organisation: Organisation) -> bool:
    scope = scoped_organisation_ids(user)
    return _authenticated(user) and (scope is None or organisation.pk in scope)


def can_manage_organisation(user: User, organisation: Organisation) -> bool:
    return is_platform_admin(user) or has_role(user, organisation, Role.ORGANISATION_ADMIN)


def can_create_organisation(user: User) -> bool:
    return is_platform_admin(user) or is_coordinator(user)


# --- territories ---------------------------------------------------------------------------


def can_view_territory(user: User, territory: IndustrialTerritory) -> bool:
    return True  # official geography and territory definitions are public


def can_edit_territory(user: User, territory: IndustrialTerritory | None = None) -> bool:
    if is_platform_admin(user):
        return True
    own = organisation_ids(user, Role.COORDINATOR)
    if not own:
        return False
    if territory is None or territory.pk is None:
        return True  # any coordinator may define a new territory
    return territory.coordinating_organisations.filter(pk__in=own).exists()


# --- people --------------------------------------------------------------------------------


def can_view_person(user: User, person: Any) -> bool:
    if not _authenticated(user):
        return False
    if person.user_id is not None and person.user_id == user.pk:
        return True
    scope = scoped_organisation_ids(user)
    return scope is None or person.organisation_id in scope


def can_edit_person(user: User, person: Any) -> bool:
    if not _authenticated(user):
        return False
    if person.user_id is not None and person.user_id == user.pk:
        return True
    if is_platform_admin(user):
        return True
    editors = organisation_ids(user, Role.ORGANISATION_ADMIN, Role.COORDINATOR, Role.TRAINER)
    return person.organisation_id in (editors | coordinated_organisation_ids(user))


# --- audit log -----------------------------------------------------------------------------


def can_view_audit_log(user: User) -> bool:
    return is_platform_admin(user)

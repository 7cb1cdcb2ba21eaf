"""Permission predicates of the spreadsheet import, on (user, object). The catalogue's own
predicates are in ``rules.py``.

- The offer of an organisation that trains (training centre, lycée, collège, university,
  association) is imported by its organisation admins, coordinators and trainers, by the
  coordinators overseeing it (``accounts.rules.coordinated_organisation_ids``) and by the
  platform admins.
- The template and the export of the catalogue are downloaded by anyone logged in; the
  export holds the trainings the user reads (``rules.can_view_training``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from fabrique.accounts.enums import OrganisationKind, Role
from fabrique.accounts.rules import (
    coordinated_organisation_ids,
    is_platform_admin,
    organisation_ids,
)

if TYPE_CHECKING:
    from fabrique.accounts.models import Organisation, User

IMPORT_ROLES: tuple[str, ...] = tuple(
    map(str, (Role.ORGANISATION_ADMIN, Role.COORDINATOR, Role.TRAINER))
)
TRAINING_KINDS: tuple[str, ...] = tuple(
    map(
        str,
        (
            OrganisationKind.TRAINING_CENTRE,
            OrganisationKind.LYCEE,
            OrganisationKind.COLLEGE,
            OrganisationKind.UNIVERSITY,
            OrganisationKind.ASSOCIATION,
        ),
    )
)


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def offer_import_scope(user: User | Any) -> set[int] | None:
    """Organisations whose offer the user imports; None means every organisation."""
    if not _authenticated(user):
        return set()
    if is_platform_admin(user):
        return None
    return organisation_ids(user, *IMPORT_ROLES) | coordinated_organisation_ids(user)


def importable_organisations(user: User | Any) -> QuerySet[Organisation]:
    from fabrique.accounts.models import Organisation

    organisations = Organisation.objects.filter(kind__in=TRAINING_KINDS)
    scope = offer_import_scope(user)
    return organisations if scope is None else organisations.filter(pk__in=sorted(scope))


def can_import_offer(user: User | Any, organisation: Organisation) -> bool:
    if str(organisation.kind) not in TRAINING_KINDS:
        return False
    scope = offer_import_scope(user)
    return scope is None or bool(organisation.pk in scope)


def can_import_any_offer(user: User | Any) -> bool:
    return bool(importable_organisations(user).exists())

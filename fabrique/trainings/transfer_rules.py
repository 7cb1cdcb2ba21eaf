"""Who may import a training offer from a file (LHÉO or spreadsheet), and for which
organisations. One set of rules for every file format:

- a platform admin imports for any organisation, and may also import a LHÉO file for the
  organisations it names (found by SIRET or name, created as training centres when unknown);
- the organisation admins, coordinators and trainers of an organisation import its offer
  (training centres and schools, but also a company's academy);
- a coordinator also imports for the organisations they coordinate
  (``accounts.rules.coordinated_organisation_ids``).

Everything a file holds then goes under the chosen organisation. Exports follow the
catalogue's visibility (``queries.trainings_visible_to``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from fabrique.accounts.enums import Role
from fabrique.accounts.rules import (
    coordinated_organisation_ids,
    is_platform_admin,
    organisation_ids,
)

if TYPE_CHECKING:
    from fabrique.accounts.models import Organisation, User

PUBLISHER_ROLES = (Role.ORGANISATION_ADMIN, Role.COORDINATOR, Role.TRAINER)


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def offer_import_organisations(user: User | Any) -> QuerySet[Organisation]:
    """The organisations ``user`` may import a training offer for, by name."""
    from fabrique.accounts.models import Organisation

    organisations = Organisation.objects.order_by("name")
    if not _active(user):
        return organisations.none()
    if is_platform_admin(user):
        return organisations
    scope = organisation_ids(user, *PUBLISHER_ROLES) | coordinated_organisation_ids(user)
    return organisations.filter(pk__in=sorted(scope))


def can_import_offer(user: User | Any) -> bool:
    """Whether ``user`` may import a training offer for at least one organisation."""
    return _active(user) and (is_platform_admin(user) or offer_import_organisations(user).exists())


def can_import_offer_for(user: User | Any, organisation: Organisation) -> bool:
    return offer_import_organisations(user).filter(pk=organisation.pk).exists()


def can_import_named_organisations(user: User | Any) -> bool:
    """Whether ``user`` may import a file for the organisations it names (and create them)."""
    return _active(user) and is_platform_admin(user)

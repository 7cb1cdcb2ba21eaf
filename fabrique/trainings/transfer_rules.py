"""Who may import a training offer from a file, and for which organisations.

- a platform admin imports for any organisation, or for the organisations the file names
  (found by SIRET or name, created as training centres when unknown);
- a coordinator imports for one of the organisations they coordinate;
- an organisation admin or a trainer of a training organisation (training centre, lycée,
  collège, university) imports for that organisation.
Everything a file holds then goes under the chosen organisation. Exports follow the
catalogue's visibility (``queries.trainings_visible_to``).
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

TRAINING_KINDS = (
    OrganisationKind.TRAINING_CENTRE,
    OrganisationKind.LYCEE,
    OrganisationKind.COLLEGE,
    OrganisationKind.UNIVERSITY,
)
PUBLISHER_ROLES = (Role.ORGANISATION_ADMIN, Role.TRAINER)


def offer_import_organisations(user: User | Any) -> QuerySet[Organisation]:
    """The organisations ``user`` may import a training offer for."""
    from fabrique.accounts.models import Organisation

    organisations = Organisation.objects.order_by("name")
    if is_platform_admin(user):
        return organisations
    own = Organisation.objects.filter(
        pk__in=organisation_ids(user, *PUBLISHER_ROLES), kind__in=TRAINING_KINDS
    ).values_list("pk", flat=True)
    return organisations.filter(pk__in={*own, *coordinated_organisation_ids(user)})


def can_import_offer(user: User | Any) -> bool:
    return is_platform_admin(user) or offer_import_organisations(user).exists()


def can_import_offer_for(user: User | Any, organisation: Organisation) -> bool:
    return offer_import_organisations(user).filter(pk=organisation.pk).exists()


def can_import_named_organisations(user: User | Any) -> bool:
    """Whether ``user`` may import a file for the organisations it names (and create them)."""
    return is_platform_admin(user)

"""Reads of people, scoped by what the reader may see (see accounts.rules)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from fabrique.accounts import rules
from fabrique.accounts.enums import OrganisationKind, Role
from fabrique.accounts.models import Organisation
from fabrique.people.models import Person


def people_visible_to(user: Any) -> QuerySet[Person]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Person.objects.none()
    scope = rules.scoped_organisation_ids(user)
    qs = Person.objects.select_related("commune", "organisation")
    if scope is None:
        return qs
    return qs.filter(Q(organisation_id__in=scope) | Q(user=user))


def search_people(user: Any, *, query: str = "", status: str = "") -> QuerySet[Person]:
    qs = people_visible_to(user).filter(anonymised_at__isnull=True)
    if query:
        qs = qs.filter(
            Q(last_name__icontains=query)
            | Q(first_name__icontains=query)
            | Q(commune__name__icontains=query)
        )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("last_name", "first_name", "pk")


# --- who may import people from a spreadsheet --------------------------------------------------

# The organisations that follow people: the employment service's agencies, schools and
# training organisations (their learners), and companies (their apprentices and employees in
# reconversion).
FOLLOWING_KINDS = (
    OrganisationKind.EMPLOYMENT_SERVICE,
    OrganisationKind.TRAINING_CENTRE,
    OrganisationKind.LYCEE,
    OrganisationKind.UNIVERSITY,
    OrganisationKind.COMPANY,
)
IMPORTER_ROLES = (Role.ORGANISATION_ADMIN, Role.COORDINATOR, Role.TRAINER)


def people_import_organisations(user: Any) -> QuerySet[Organisation]:
    """The organisations ``user`` may import people for: platform admins, any organisation
    that follows people; otherwise those where the user may edit people (their organisation
    admins, coordinators and trainers, and the coordinators overseeing them)."""
    organisations = Organisation.objects.filter(kind__in=FOLLOWING_KINDS).order_by("name")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return organisations.none()
    if rules.is_platform_admin(user):
        return organisations
    scope = rules.organisation_ids(user, *IMPORTER_ROLES) | rules.coordinated_organisation_ids(user)
    return organisations.filter(pk__in=sorted(scope))


def can_import_people(user: Any, organisation: Organisation | None = None) -> bool:
    """Whether ``user`` may import people (for ``organisation``, or for at least one)."""
    if organisation is None and not rules.is_coordinator(user):
        # The common case in one query: a staff membership of an organisation following people.
        if rules.is_platform_admin(user):
            return True
        return bool(
            getattr(user, "is_authenticated", False)
            and user.is_active
            and user.memberships.filter(
                role__in=IMPORTER_ROLES, organisation__kind__in=FOLLOWING_KINDS
            ).exists()
        )
    organisations = people_import_organisations(user)
    if organisation is not None:
        organisations = organisations.filter(pk=organisation.pk)
    return organisations.exists()

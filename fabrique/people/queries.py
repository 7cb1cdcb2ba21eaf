"""Reads of people, scoped by what the reader may see (see accounts.rules)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from fabrique.accounts import rules
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

"""Reads of accounts data, scoped by what the reader may see."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from fabrique.accounts import rules
from fabrique.accounts.models import AuditEvent, Membership, Organisation, User


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    """The organisation directory is public: every organisation, with its commune."""
    return Organisation.objects.select_related("commune", "commune__departement")


def organisation_directory(*, query: str = "", kind: str = "") -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("commune", "commune__departement").annotate(
        member_count=Count("memberships", distinct=True)
    )
    if query:
        qs = qs.filter(name__icontains=query) | qs.filter(commune__name__icontains=query)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name")


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by(
        "user__last_name", "user__first_name", "role"
    )


def memberships_of(user: User) -> QuerySet[Membership]:
    return user.memberships.select_related("organisation", "organisation__commune").order_by(
        "organisation__name", "role"
    )


def audit_events_visible_to(user: User) -> QuerySet[AuditEvent]:
    if rules.can_view_audit_log(user):
        return AuditEvent.objects.select_related("actor")
    return AuditEvent.objects.filter(actor=user)

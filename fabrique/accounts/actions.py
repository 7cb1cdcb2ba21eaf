"""Writes on accounts: organisations, memberships, API tokens, personal data (GDPR)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fabrique.accounts import rules
from fabrique.accounts.enums import AuditAction
from fabrique.accounts.models import ApiToken, AuditEvent, Membership, Organisation, User
from fabrique.core import audit, personal_data


@transaction.atomic
def create_organisation(
    *,
    name: str,
    slug: str,
    kind: str,
    by: User,
    commune: Any = None,
    siret: str = "",
    description: str = "",
    website: str = "",
    email: str = "",
) -> Organisation:
    if not rules.can_create_organisation(by):
        raise PermissionDenied("You may not create organisations.")
    organisation = Organisation(
        name=name,
        slug=slug,
        kind=kind,
        commune=commune,
        siret=siret,
        description=description,
        website=website,
        email=email,
    )
    organisation.full_clean()
    with audit.acting_as(by):
        organisation.save()
    return organisation


@transaction.atomic
def add_membership(*, organisation: Organisation, user: User, role: str, by: User) -> Membership:
    if not rules.can_manage_organisation(by, organisation):
        raise PermissionDenied("You may not manage this organisation's members.")
    membership = Membership(organisation=organisation, user=user, role=role)
    membership.full_clean()
    with audit.acting_as(by):
        membership.save()
    return membership


@transaction.atomic
def remove_membership(*, membership: Membership, by: User) -> None:
    if not rules.can_manage_organisation(by, membership.organisation):
        raise PermissionDenied("You may not manage this organisation's members.")
    with audit.acting_as(by):
        membership.delete()


@transaction.atomic
def create_api_token(
    *, user: User, name: str, expires_at: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new personal token; the key is returned once and only its hash is kept."""
    key = ApiToken.generate_key()
    token = ApiToken(user=user, name=name, expires_at=expires_at)
    token.set_key(key)
    token.full_clean()
    with audit.acting_as(user):
        token.save()
    return token, key


@transaction.atomic
def revoke_api_token(*, token: ApiToken, by: User) -> None:
    if token.user_id != by.pk and not rules.is_platform_admin(by):
        raise PermissionDenied("You may not revoke this token.")
    token.revoked_at = timezone.now()
    with audit.acting_as(by):
        token.save(update_fields=["revoked_at"])


# --- personal data (GDPR) ------------------------------------------------------------------


def export_personal_data(*, user: User) -> dict[str, Any]:
    """Everything the platform holds about a user, as plain JSON-ready data."""
    from fabrique.people.actions import person_record
    from fabrique.people.models import Person

    data: dict[str, Any] = {
        "format": "fabrique-personal-data/1",
        "exported_at": timezone.now().isoformat(),
        "account": audit.snapshot(user),
        "memberships": [
            {
                "organisation": m.organisation.name,
                "organisation_slug": m.organisation.slug,
                "role": m.role,
                "since": m.created_at.isoformat(),
            }
            for m in user.memberships.select_related("organisation")
        ],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.key_prefix,
                "created_at": t.created_at.isoformat(),
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in user.api_tokens.all()
        ],
        "person": None,
        "actions_recorded": [
            {
                "at": e.at.isoformat(),
                "action": e.action,
                "record_type": e.model,
                "record": e.object_label,
                "source": e.source,
            }
            for e in AuditEvent.objects.filter(actor=user).order_by("at")[:10000]
        ],
    }
    data["account"].pop("password", None)
    data.update(personal_data.sections(user))
    person = Person.objects.filter(user=user).select_related("commune", "organisation").first()
    if person is not None:
        data["person"] = person_record(person)
    with audit.acting_as(user):
        audit.record_event(
            action=AuditAction.EXPORT, model="accounts.user", object_id=str(user.pk), label="GDPR"
        )
    return data


@transaction.atomic
def erase_user(*, user: User, by: User) -> None:
    """Erase a person's identity and keep what statistics need.

    The account is deactivated and stripped of name, e-mail and password; the linked person
    keeps status, year of birth, commune, skills and occupation (what the indicators count)
    but loses name, e-mail and phone. Audit events keep their content but no longer name the
    person. Nothing can be recovered afterwards.
    """
    from fabrique.people.actions import anonymise
    from fabrique.people.models import Person

    if by.pk != user.pk and not rules.is_platform_admin(by):
        raise PermissionDenied("You may not erase this account.")
    user = User.objects.select_for_update().get(pk=user.pk)
    now = timezone.now()
    with audit.acting_as(by):
        for person in Person.objects.select_for_update().filter(user=user):
            anonymise(person, now=now)
        user.api_tokens.all().delete()
        user.memberships.all().delete()
        personal_data.erase(user)
        user.email = f"erased-{user.pk}@erased.invalid"
        user.first_name = ""
        user.last_name = ""
        user.password = make_password(None)
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.erased_at = now
        user.save()
        # The log keeps that writes happened, not who the person was.
        AuditEvent.objects.filter(model="accounts.user", object_id=str(user.pk)).update(
            before=None, after=None, object_label="(erased)"
        )
        AuditEvent.objects.filter(model__in=["accounts.membership", "accounts.apitoken"]).filter(
            Q(after__user_id=user.pk) | Q(before__user_id=user.pk)
        ).update(object_label="(erased)")
        audit.record_event(
            action=AuditAction.ERASE,
            model="accounts.user",
            object_id=str(user.pk),
            label="(erased)",
        )
        AuditEvent.objects.filter(actor=user).update(actor_label="(erased)")

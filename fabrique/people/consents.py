"""A person's consents: to be proposed to employers, to be contacted.

Consent is the person's own word: only the person themself (their account) changes it.
The change is saved under a row lock and recorded in the audit log (before and after).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from fabrique.accounts.models import User
from fabrique.core import audit
from fabrique.people.models import Person


def can_change_consents(user: Any, person: Person) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and person.anonymised_at is None
        and person.user_id is not None
        and person.user_id == user.pk
    )


@transaction.atomic
def set_consents(
    *, person: Person, consent_to_employers: bool, consent_to_contact: bool, by: User
) -> Person:
    """Record the person's consents as they give them; unchanged consents write nothing."""
    if not can_change_consents(by, person):
        raise PermissionDenied(_("Only the person themself may change their consents."))
    person = Person.objects.select_for_update(of=("self",)).get(pk=person.pk)
    if (person.consent_to_employers, person.consent_to_contact) == (
        consent_to_employers,
        consent_to_contact,
    ):
        return person
    person.consent_to_employers = consent_to_employers
    person.consent_to_contact = consent_to_contact
    with audit.acting_as(by):
        person.save(update_fields=["consent_to_employers", "consent_to_contact", "updated_at"])
    return person

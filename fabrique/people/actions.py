"""Writes on people: personal data export and erasure (GDPR) for people followed by an
organisation, whether or not they have an account."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from fabrique.accounts import rules
from fabrique.accounts.enums import AuditAction
from fabrique.accounts.models import AuditEvent, User
from fabrique.core import audit
from fabrique.people.models import Person


def person_record(person: Person) -> dict[str, Any]:
    """What the platform holds on a person, JSON-ready."""
    record = audit.snapshot(person)
    record["commune_name"] = person.commune.name if person.commune else None
    record["organisation_name"] = person.organisation.name
    record["skills"] = [
        {
            "scheme": link.skill.scheme,
            "code": link.skill.code,
            "label": link.skill.label,
            "source": link.source,
            "acquired_on": link.acquired_on.isoformat() if link.acquired_on else None,
        }
        for link in person.skills.select_related("skill").order_by("skill__code")
    ]
    return record


def export_person_data(*, person: Person, by: User) -> dict[str, Any]:
    """A followed person's data, for their organisation to hand over on request."""
    if not rules.can_edit_person(by, person):
        raise PermissionDenied("You may not export this person's data.")
    data = {
        "format": "fabrique-personal-data/1",
        "exported_at": timezone.now().isoformat(),
        "person": person_record(person),
    }
    with audit.acting_as(by):
        audit.record_event(
            action=AuditAction.EXPORT, model="people.person", object_id=str(person.pk), label="GDPR"
        )
    return data


def anonymise(person: Person, *, now: datetime.datetime) -> None:
    """Strip what identifies a person; keep what statistics count (status, year of birth,
    commune, skills, occupation). The caller holds the transaction and the audit actor."""
    person.first_name = "—"
    person.last_name = f"anonyme-{person.pk}"
    person.email = ""
    person.phone = ""
    person.user = None
    person.consent_to_contact = False
    person.consent_to_employers = False
    person.anonymised_at = now
    person.save()
    AuditEvent.objects.filter(model="people.person", object_id=str(person.pk)).update(
        before=None, after=None, object_label="(erased)"
    )


@transaction.atomic
def erase_person(*, person: Person, by: User) -> None:
    """Erase a followed person's identity at their request, keeping anonymous statistics."""
    if not rules.can_edit_person(by, person):
        raise PermissionDenied("You may not erase this person's data.")
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.anonymised_at is not None:
        return
    with audit.acting_as(by):
        anonymise(person, now=timezone.now())
        audit.record_event(
            action=AuditAction.ERASE,
            model="people.person",
            object_id=str(person.pk),
            label="(erased)",
        )

"""Writes on people: personal data export and erasure (GDPR) for people followed by an
organisation, whether or not they have an account; skills added to a record."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fabrique.accounts import rules
from fabrique.accounts.enums import AuditAction
from fabrique.accounts.models import AuditEvent, User
from fabrique.core import audit
from fabrique.people.enums import SkillSource
from fabrique.people.models import Person, PersonSkill

if TYPE_CHECKING:
    from fabrique.referentials.models import Skill


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


MAX_SKILLS_ADDED = 500


@transaction.atomic
def add_person_skills(
    *,
    person: Person,
    skills: Sequence[Skill],
    source: str = SkillSource.DECLARED,
    by: User,
) -> list[PersonSkill]:
    """Add ``skills`` to a person's record with ``source``; skills already there are kept as
    they are. Returns the links created (each one recorded in the audit log)."""
    if person.anonymised_at is not None or not rules.can_edit_person(by, person):
        raise PermissionDenied("You may not add skills to this person's record.")
    if len(skills) > MAX_SKILLS_ADDED:
        raise ValidationError(f"At most {MAX_SKILLS_ADDED} skills at a time.")
    person = Person.objects.select_for_update(of=("self",)).get(pk=person.pk)
    held = set(person.skills.values_list("skill_id", flat=True))
    created: list[PersonSkill] = []
    with audit.acting_as(by):
        for skill in skills:
            if skill.pk in held:
                continue
            held.add(skill.pk)
            link = PersonSkill(person=person, skill=skill, source=source)
            link.full_clean()
            link.save()
            created.append(link)
    return created

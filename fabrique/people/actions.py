"""Writes on people: personal data export and erasure (GDPR) for people followed by an
organisation, whether or not they have an account; skills added to a record; people
imported from a spreadsheet (``import_people``)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fabrique.accounts import rules
from fabrique.accounts.enums import AuditAction
from fabrique.accounts.models import AuditEvent, User
from fabrique.core import audit
from fabrique.core.importing import Counts
from fabrique.engine.text import fold
from fabrique.people.enums import SkillSource
from fabrique.people.models import Person, PersonSkill
from fabrique.people.spreadsheets import PersonRecord, RowProblem

if TYPE_CHECKING:
    from fabrique.accounts.models import Organisation
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
    record["past_occupations"] = [
        {"scheme": occupation.scheme, "code": occupation.code, "label": occupation.label}
        for occupation in person.past_occupations.order_by("scheme", "code")
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
    person.external_id = ""
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


# --- import from a spreadsheet (employment-service batches) -------------------------------------

# The record's scalar values, by the column that holds them (None in a record: unchanged).
IMPORTED_FIELDS = {
    "nom": "last_name",
    "prenom": "first_name",
    "email": "email",
    "telephone": "phone",
    "annee_naissance": "birth_year",
    "statut": "status",
    "rayon_mobilite_km": "mobility_radius_km",
    "disponible_le": "available_from",
    "consentement_employeurs": "consent_to_employers",
    "consentement_contact": "consent_to_contact",
}


@dataclass
class PersonOutcome:
    """What the import does to the person of one row: ``create``, ``update`` or
    ``unchanged``, and the columns that change."""

    row: int
    external_id: str
    name: str
    action: str
    changes: list[str] = field(default_factory=list)


@dataclass
class PeopleImport:
    """The outcome of an import (or, before ``written``, of its dry run)."""

    counts: dict[str, Counts] = field(
        default_factory=lambda: {"people": Counts(), "skills": Counts()}
    )
    rows: list[PersonOutcome] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    written: bool = False

    @property
    def refused(self) -> bool:
        return bool(self.problems)


@dataclass
class _Planned:
    record: PersonRecord
    person: Person
    outcome: PersonOutcome
    occupation_ids: list[int]
    new_skills: list[tuple[int, str]]
    upgraded_skills: list[int]
    changed_fields: list[str] = field(default_factory=list)
    before: dict[str, Any] = field(default_factory=dict)


class _References:
    """The communes, occupations and skills the records name, and the people they update."""

    def __init__(
        self, records: Sequence[PersonRecord], organisation: Organisation, *, lock: bool
    ) -> None:
        from fabrique.referentials.models import Occupation, Scheme, Skill
        from fabrique.territories.models import Commune

        insee = {record.insee_code for record in records if record.insee_code}
        self.communes = {c.insee_code: c for c in Commune.objects.filter(insee_code__in=insee)}
        postcodes = {r.postcode for r in records if r.postcode and not r.insee_code}
        names = {r.commune_name for r in records if r.commune_name and not r.insee_code}
        query = Q(pk__in=[])
        for postcode in postcodes:
            query |= Q(postal_codes__contains=postcode)
        for name in names:
            query |= Q(name__iexact=name) | Q(name__iexact=name.replace(" ", "-"))
        self.named_communes = list(Commune.objects.filter(query)) if postcodes or names else []
        occupation_codes = {r.current_occupation for r in records if r.current_occupation}
        occupation_codes |= {code for r in records for code in r.past_occupations}
        self.occupations = dict(
            Occupation.objects.filter(scheme=Scheme.ROME, code__in=occupation_codes).values_list(
                "code", "pk"
            )
        )
        skill_codes = {code for r in records for code in (*r.skills, *r.certified_skills)}
        self.skills: dict[str, int] = {}
        self.skill_labels: dict[int, str] = {}
        for code, pk, label in Skill.objects.filter(
            Q(scheme=Scheme.ROME, code__in=[c for c in skill_codes if c.isdigit()])
            | Q(scheme=Scheme.ESCO, code__in=[c for c in skill_codes if not c.isdigit()])
        ).values_list("code", "pk", "label"):
            self.skills[code] = pk
            self.skill_labels[pk] = label
        people = Person.objects.filter(
            organisation=organisation, external_id__in=[r.external_id for r in records]
        )
        if lock:
            people = people.select_for_update(of=("self",))
        self.people = {person.external_id: person for person in people}
        ids = [person.pk for person in self.people.values()]
        self.past: dict[int, set[int]] = {pk: set() for pk in ids}
        through = Person.past_occupations.through
        for person_id, occupation_id in through.objects.filter(person_id__in=ids).values_list(
            "person_id", "occupation_id"
        ):
            self.past[person_id].add(occupation_id)
        self.held: dict[int, dict[int, str]] = {pk: {} for pk in ids}
        for person_id, skill_id, source in PersonSkill.objects.filter(
            person_id__in=ids
        ).values_list("person_id", "skill_id", "source"):
            self.held[person_id][skill_id] = source

    def commune(self, record: PersonRecord, problem: Any) -> Any:
        if record.insee_code:
            commune = self.communes.get(record.insee_code)
            if commune is None:
                problem("code_insee", _("no commune has this INSEE code."))
            elif record.commune_name and fold(record.commune_name) != fold(commune.name):
                problem("commune", _("is not the name of the commune of code_insee."))
            elif record.postcode and record.postcode not in commune.postal_codes.split():
                problem("code_postal", _("is not a postcode of the commune of code_insee."))
            return commune
        if not record.commune_name and not record.postcode:
            return None
        candidates = [
            commune
            for commune in self.named_communes
            if (not record.postcode or record.postcode in commune.postal_codes.split())
            and (not record.commune_name or fold(record.commune_name) == fold(commune.name))
        ]
        if len(candidates) == 1:
            return candidates[0]
        column = "commune" if record.commune_name else "code_postal"
        if candidates:
            problem(column, _("several communes match: give the INSEE code (code_insee)."))
        elif record.commune_name and record.postcode:
            problem(column, _("no commune has this name and postcode."))
        else:
            problem(column, _("no commune matches."))
        return None


def _plan_person(
    record: PersonRecord,
    organisation: Organisation,
    references: _References,
    result: PeopleImport,
) -> _Planned | None:
    before = len(result.problems)

    def problem(column: str, reason: str) -> None:
        result.problems.append(RowProblem(record.row, column, reason))

    values: dict[str, Any] = {
        name: getattr(record, name)
        for name in IMPORTED_FIELDS.values()
        if getattr(record, name) is not None
    }
    changes_of: dict[str, str] = {name: column for column, name in IMPORTED_FIELDS.items()}
    commune = references.commune(record, problem)
    if commune is not None:
        values["commune_id"] = commune.pk
        changes_of["commune_id"] = "code_insee" if record.insee_code else "commune"
    if record.current_occupation:
        occupation_id = references.occupations.get(record.current_occupation)
        if occupation_id is None:
            problem("metier_actuel", _("is not a known ROME code."))
        values["current_occupation_id"] = occupation_id
        changes_of["current_occupation_id"] = "metier_actuel"
    occupation_ids = []
    for position, code in enumerate(record.past_occupations, start=1):
        occupation_id = references.occupations.get(code)
        if occupation_id is None:
            problem(
                "metiers_precedents",
                _("value %(position)s of the list is not a known ROME code.")
                % {"position": position},
            )
        else:
            occupation_ids.append(occupation_id)
    skills: dict[int, str] = {}
    for column, codes, source in (
        ("competences", record.skills, SkillSource.DECLARED),
        ("competences_certification", record.certified_skills, SkillSource.CERTIFICATION),
    ):
        for position, code in enumerate(codes, start=1):
            skill_id = references.skills.get(code)
            if skill_id is None:
                problem(
                    column,
                    _("value %(position)s of the list is not a known skill.")
                    % {"position": position},
                )
            elif skills.get(skill_id) != SkillSource.CERTIFICATION:
                skills[skill_id] = source
    if len(result.problems) != before:
        return None

    person = references.people.get(record.external_id)
    changes: list[str] = []
    changed_fields: list[str] = []
    before: dict[str, Any] = {}
    if person is None:
        person = Person(organisation=organisation, external_id=record.external_id, **values)
        action = "create"
        past: set[int] = set()
        held: dict[int, str] = {}
    else:
        before = audit.snapshot(person)
        for name, value in values.items():
            if getattr(person, name) != value:
                setattr(person, name, value)
                changes.append(changes_of[name])
                changed_fields.append(name)
        past = references.past[person.pk]
        held = references.held[person.pk]
    new_occupations = [pk for pk in dict.fromkeys(occupation_ids) if pk not in past]
    new_skills = [(pk, source) for pk, source in skills.items() if pk not in held]
    upgraded = [
        pk
        for pk, source in skills.items()
        if source == SkillSource.CERTIFICATION and held.get(pk) == SkillSource.DECLARED
    ]
    if new_occupations:
        changes.append("metiers_precedents")
    if new_skills or upgraded:
        changes.append("competences")
    if person.pk is None:
        result.counts["people"].created += 1
    elif changes:
        action = "update"
        result.counts["people"].updated += 1
    else:
        action = "unchanged"
        result.counts["people"].unchanged += 1
    result.counts["skills"].created += len(new_skills)
    result.counts["skills"].updated += len(upgraded)
    outcome = PersonOutcome(
        row=record.row,
        external_id=record.external_id,
        name=f"{person.first_name} {person.last_name}",
        action=action,
        changes=[] if action == "create" else list(dict.fromkeys(changes)),
    )
    result.rows.append(outcome)
    return _Planned(
        record, person, outcome, new_occupations, new_skills, upgraded, changed_fields, before
    )


def _plan_import(
    records: Sequence[PersonRecord], organisation: Organisation, *, lock: bool
) -> tuple[PeopleImport, list[_Planned], _References]:
    result = PeopleImport()
    references = _References(records, organisation, lock=lock)
    planned = [
        plan
        for record in records
        if (plan := _plan_person(record, organisation, references, result)) is not None
    ]
    return result, planned, references


BATCH_SIZE = 500


def _check_person(plan: _Planned) -> None:
    try:
        # The related records were looked up already: do not fetch them again.
        plan.person.full_clean(
            exclude=["organisation", "commune", "current_occupation", "user"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        # The reader checked the values; this only guards against a field rule it missed.
        names = {name: column for column, name in IMPORTED_FIELDS.items()}
        problems = [
            RowProblem(plan.record.row, names.get(name, ""), _("is not a valid value."))
            for name in error.message_dict
        ]
        raise _Refused(problems) from None


def _creation_events(created: Sequence[Any], labels: Sequence[str]) -> list[AuditEvent]:
    """The audit events of records created in bulk (which bypasses the model signals): the
    same as ``core.audit`` records for a record saved alone."""
    actor = audit.current_actor()
    user = actor.user if actor is not None else None
    if user is not None and not (getattr(user, "is_authenticated", False) and user.pk):
        user = None
    return [
        AuditEvent(
            actor=user,
            actor_label=(getattr(user, "email", "") or "") if user else "",
            action=AuditAction.CREATE,
            model=record._meta.label_lower,
            object_id=str(record.pk),
            object_label=label[:254],
            before=None,
            after=audit.snapshot(record),
            source=actor.source if actor else "system",
        )
        for record, label in zip(created, labels, strict=True)
    ]


def _update_people(plans: Sequence[_Planned]) -> None:
    """Save the changed values of existing people in bulk, each change with its audit event
    (before and after of the changed fields, as ``core.audit`` records them)."""
    if not plans:
        return
    now = timezone.now()
    fields = sorted({name for plan in plans for name in plan.changed_fields} | {"updated_at"})
    for plan in plans:
        plan.person.updated_at = now
    Person.objects.bulk_update([plan.person for plan in plans], fields, batch_size=BATCH_SIZE)
    events = _creation_events([plan.person for plan in plans], [str(p.person) for p in plans])
    for event, plan in zip(events, plans, strict=True):
        after = event.after
        changed = sorted(key for key in after if plan.before.get(key) != after.get(key))
        event.action = AuditAction.UPDATE
        event.before = {key: plan.before.get(key) for key in changed}
        event.after = {key: after[key] for key in changed}
    AuditEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)


def _write_people(planned: Sequence[_Planned], skill_labels: dict[int, str]) -> None:
    """Write the planned changes in bulk, each created or changed record with its audit
    event; the rare declared skills that become certified are saved one by one."""
    changing = [plan for plan in planned if plan.outcome.action != "unchanged"]
    for plan in changing:
        _check_person(plan)
    new_people = [plan.person for plan in changing if plan.person.pk is None]
    Person.objects.bulk_create(new_people, batch_size=BATCH_SIZE)
    AuditEvent.objects.bulk_create(
        _creation_events(new_people, [str(person) for person in new_people]),
        batch_size=BATCH_SIZE,
    )
    _update_people([plan for plan in changing if plan.changed_fields])
    through = Person.past_occupations.through
    through.objects.bulk_create(
        [
            through(person_id=plan.person.pk, occupation_id=occupation_id)
            for plan in changing
            for occupation_id in plan.occupation_ids
        ],
        batch_size=BATCH_SIZE,
    )
    links = [
        PersonSkill(person=plan.person, skill_id=skill_id, source=source)
        for plan in changing
        for skill_id, source in plan.new_skills
    ]
    PersonSkill.objects.bulk_create(links, batch_size=BATCH_SIZE)
    AuditEvent.objects.bulk_create(
        _creation_events(
            links, [f"{link.person} — {skill_labels.get(link.skill_id, '')}" for link in links]
        ),
        batch_size=BATCH_SIZE,
    )
    for plan in changing:
        if not plan.upgraded_skills:
            continue
        for link in PersonSkill.objects.filter(
            person=plan.person, skill_id__in=plan.upgraded_skills
        ):
            link.source = SkillSource.CERTIFICATION
            link.save(update_fields=["source"])


class _Refused(Exception):
    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problems")


def import_people(
    *,
    records: Sequence[PersonRecord],
    organisation: Organisation,
    by: User | None,
    wet_run: bool,
) -> PeopleImport:
    """Create or update the people of ``records`` for ``organisation`` (their following
    organisation), keyed on their external identifier. Checks every row against the
    référentiels and the communes first: with any problem, nothing is written. Without
    ``wet_run``, only says what would be done. ``by`` None: the command line (the caller
    holds the audit actor)."""
    from fabrique.people.queries import FOLLOWING_KINDS, can_import_people

    if by is not None and not can_import_people(by, organisation):
        raise PermissionDenied("You may not import people for this organisation.")
    if organisation.kind not in FOLLOWING_KINDS:
        result = PeopleImport()
        result.problems.append(
            RowProblem(None, "", _("This organisation does not follow people: choose another."))
        )
        return result
    if not wet_run:
        return _plan_import(records, organisation, lock=False)[0]
    try:
        with transaction.atomic(), audit.acting_as(by):
            result, planned, references = _plan_import(records, organisation, lock=True)
            if result.refused:
                return result
            _write_people(planned, references.skill_labels)
            people = result.counts["people"]
            audit.record_event(
                action=AuditAction.UPDATE,
                model="people.person",
                label=f"spreadsheet import: {people.created} created, {people.updated} updated",
                after={
                    "organisation": organisation.pk,
                    "rows": len(records),
                    **{what: getattr(people, what) for what in ("created", "updated", "unchanged")},
                },
            )
    except _Refused as refusal:
        return PeopleImport(problems=refusal.problems)
    except IntegrityError:
        # Another import wrote the same people meanwhile; nothing of this one was kept.
        return PeopleImport(
            problems=[
                RowProblem(
                    None, "", _("Another import wrote these people at the same time: try again.")
                )
            ]
        )
    result.written = True
    return result

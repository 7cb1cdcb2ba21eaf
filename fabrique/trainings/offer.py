"""Write a training offer read from a file: THE writer behind LHÉO and spreadsheet imports.

    report = write_offer(records=document.records, by=user, wet_run=False)

``write_offer`` takes the plain records a reader produced (``records.py``) and:

1. checks the facts a file format cannot (a session ending before it starts, a negative
   number of places, coordinates out of range, text too long for its field, the same
   formation or session twice), then, against the database, seats already taken above a
   new capacity. Those are **errors**. Codes unknown to the référentiels (RNCP, RS, blocs,
   Formacode, NSF, ROME), e-mail addresses and web pages that do not read as such are
   **warnings**: the training is imported without them;
2. finds each record's organisation by SIRET, else by name (the organisation's LHÉO number
   has no field to be matched on), and creates a missing one as a training centre, saying
   so in the report; or puts every record under ``organisation`` when one is given;
3. compares with the database: a training is keyed on (organisation, code) — (organisation,
   title) when it has no code —, a session on (training, code) — (training, action code,
   start) when it has no code;
4. in a wet run, and only if there is no error, writes the differences in one transaction
   with ``bulk_create``/``bulk_update``. A file with an error writes nothing: see
   ``docs/formats/lheo.md`` for why the whole file is refused.

Sessions or trainings that a file no longer lists are left as they are.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.text import slugify

from fabrique.accounts.enums import OrganisationKind
from fabrique.accounts.models import Organisation
from fabrique.core import audit
from fabrique.core.importing import Counts
from fabrique.referentials.models import (
    Certification,
    CertificationBloc,
    Formacode,
    NsfDomain,
    Occupation,
    Scheme,
)
from fabrique.territories.models import Commune
from fabrique.trainings.enums import Audience, Funding, Level, Modality, SessionStatus
from fabrique.trainings.models import Session, Training, TrainingAudience, TrainingFunding
from fabrique.trainings.records import OrganisationRecord, SessionRecord, TrainingRecord

if TYPE_CHECKING:
    from fabrique.accounts.models import User

BATCH_SIZE = 1000
MAX_INT = 2**31 - 1
MAX_PRICE = Decimal("99999999.99")
ERROR, WARNING = "error", "warning"
KINDS = ("organisations", "trainings", "sessions")
_CERTIFICATION = re.compile(r"(RNCP|RS)[0-9]{1,8}")
_BLOC = re.compile(r"RNCP[0-9]{1,8}BC[0-9]{1,3}")
TRAINING_FIELDS = (
    "title",
    "objectives",
    "content",
    "expected_results",
    "entry_requirements",
    "level",
    "modality",
    "hours",
    "price",
    "certification_id",
    "accessibility",
    "contact_email",
    "contact_phone",
    "url",
)
SESSION_FIELDS = (
    "code",
    "action_code",
    "start",
    "end",
    "timetable",
    "registration_deadline",
    "place_name",
    "address",
    "postcode",
    "city",
    "commune_id",
    "latitude",
    "longitude",
    "capacity",
    "status",
)
# Text limits of the models, checked before anything is written.
SESSION_LIMITS = {
    "code": 64,
    "action_code": 64,
    "place_name": 200,
    "address": 250,
    "postcode": 10,
    "city": 100,
}
# Training -> the sets of linked rows: (through model, its column, the record's codes).
LINKS: dict[str, tuple[Any, str]] = {
    "formacodes": (Training.formacodes.through, "formacode_id"),
    "nsf_domains": (Training.nsf_domains.through, "nsfdomain_id"),
    "occupations": (Training.occupations.through, "occupation_id"),
    "certification_blocs": (Training.certification_blocs.through, "certificationbloc_id"),
    "audiences": (TrainingAudience, "audience"),
    "fundings": (TrainingFunding, "funding"),
}


@dataclass(frozen=True)
class OfferProblem:
    """Something wrong with one record: where it came from, what, and how serious."""

    where: str
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass
class OfferReport:
    """What ``write_offer`` did (or, in a dry run, would do), per kind of record."""

    wet_run: bool
    counts: dict[str, Counts] = field(default_factory=lambda: {kind: Counts() for kind in KINDS})
    problems: list[OfferProblem] = field(default_factory=list)
    written: bool = False
    created_organisations: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[OfferProblem]:
        return [problem for problem in self.problems if problem.severity == ERROR]

    @property
    def warnings(self) -> list[OfferProblem]:
        return [problem for problem in self.problems if problem.severity == WARNING]

    @property
    def refused(self) -> bool:
        return bool(self.errors)

    def error(self, where: str, message: str) -> None:
        self.problems.append(OfferProblem(where, message, ERROR))

    def warn(self, where: str, message: str) -> None:
        self.problems.append(OfferProblem(where, message, WARNING))


def _where(record: TrainingRecord | SessionRecord, fallback: str) -> str:
    return str(record.origin) if record.origin else fallback


# --- 1. facts that need no database ------------------------------------------------------------


@dataclass
class _Training:
    """A record once checked, with what it becomes in the database."""

    record: TrainingRecord
    where: str
    values: dict[str, Any]
    organisation_key: tuple[str, str]
    sessions: list[tuple[SessionRecord, str]] = field(default_factory=list)
    links: dict[str, set[Any]] = field(default_factory=dict)
    organisation: Organisation | None = None


def _checked_url(value: str, where: str, report: OfferReport) -> str:
    if not value:
        return ""
    url = value if "://" in value else f"https://{value}"
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        report.warn(where, f"the web page “{value}” is not a web address: left out")
        return ""
    if len(url) > 400:
        report.warn(where, "the web page is longer than 400 characters: left out")
        return ""
    return url


def _checked_email(value: str, where: str, report: OfferReport) -> str:
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        report.warn(where, f"the e-mail address “{value}” is not valid: left out")
        return ""
    return value


def _check_session(session: SessionRecord, where: str, report: OfferReport) -> bool:
    errors = len(report.errors)
    if session.end < session.start:
        report.error(where, f"the session ends ({session.end}) before it starts ({session.start})")
    if session.capacity is not None and not 0 <= session.capacity <= MAX_INT:
        report.error(where, f"the number of places ({session.capacity}) is not a count of seats")
    if (session.latitude is None) != (session.longitude is None):
        report.error(where, "a place needs both a latitude and a longitude")
    if session.latitude is not None and not -90 <= session.latitude <= 90:
        report.error(where, f"the latitude {session.latitude} is outside −90…90")
    if session.longitude is not None and not -180 <= session.longitude <= 180:
        report.error(where, f"the longitude {session.longitude} is outside −180…180")
    if session.status not in SessionStatus.values:
        report.error(where, f"unknown session status “{session.status}”")
    for name, limit in SESSION_LIMITS.items():
        if len(getattr(session, name)) > limit:
            report.error(where, f"the {name.replace('_', ' ')} is longer than {limit} characters")
    return len(report.errors) == errors


def _check_training(
    record: TrainingRecord, where: str, report: OfferReport, forced: bool
) -> _Training | None:
    errors = len(report.errors)
    organisation = record.organisation
    if not forced:
        if not organisation.name and not organisation.siret:
            report.error(where, "the organisation responsible has neither a name nor a SIRET")
        if organisation.siret and not re.fullmatch(r"[0-9]{14}", organisation.siret):
            report.error(where, f"the SIRET “{organisation.siret}” is not 14 digits")
        if len(organisation.name) > 200:
            report.error(where, "the organisation's name is longer than 200 characters")
    if not record.title:
        report.error(where, "the training has no title")
    elif len(record.title) > 255:
        report.error(where, "the title is longer than 255 characters")
    if len(record.code) > 64:
        report.error(where, "the code is longer than 64 characters")
    for value, allowed, what in (
        (record.level, Level.values, "level"),
        (record.modality, Modality.values, "modality"),
    ):
        if value not in allowed:
            report.error(where, f"unknown {what} “{value}”")
    for value in record.audiences:
        if value not in Audience.values:
            report.error(where, f"unknown audience “{value}”")
    for value in record.fundings:
        if value not in Funding.values:
            report.error(where, f"unknown funding “{value}”")
    if record.hours is not None and not 0 <= record.hours <= MAX_INT:
        report.error(where, f"the number of hours ({record.hours}) is not a duration")
    price = record.price
    if price is not None:
        if not Decimal(0) <= price <= MAX_PRICE:
            report.error(where, f"the price ({price}) is not an amount between 0 and {MAX_PRICE}")
        price = price.quantize(Decimal("0.01"))
    phone = record.contact_phone
    if len(phone) > 30:
        report.warn(where, "the contact phone is longer than 30 characters: left out")
        phone = ""
    checked = _Training(
        record=record,
        where=where,
        organisation_key=(organisation.siret, organisation.name.casefold()),
        values={
            "title": record.title,
            "objectives": record.objectives,
            "content": record.content,
            "expected_results": record.expected_results,
            "entry_requirements": record.entry_requirements,
            "level": record.level,
            "modality": record.modality,
            "hours": record.hours,
            "price": price,
            "accessibility": record.accessibility,
            "contact_email": _checked_email(record.contact_email, where, report),
            "contact_phone": phone,
            "url": _checked_url(record.url, where, report),
        },
    )
    keys: dict[tuple[str, ...], str] = {}
    for number, session in enumerate(record.sessions, start=1):
        session_where = _where(session, f"{where}, session {number}")
        if not _check_session(session, session_where, report):
            continue
        key = _session_key(session)
        if key in keys:
            report.error(session_where, f"the same session appears twice (also at {keys[key]})")
            continue
        keys[key] = session_where
        checked.sessions.append((session, session_where))
    return checked if len(report.errors) == errors else None


def _session_key(session: SessionRecord | dict[str, Any]) -> tuple[str, ...]:
    get = session.get if isinstance(session, dict) else lambda name: getattr(session, name)
    if get("code"):
        return ("code", get("code"))
    return ("start", get("action_code"), str(get("start")))


def _training_key(organisation_id: int, code: str, title: str) -> tuple[Any, ...]:
    return (organisation_id, "code", code) if code else (organisation_id, "title", title.casefold())


# --- 2. the database ---------------------------------------------------------------------------


class _Codes:
    """Référentiel codes → ids, unknown codes reported once each with where they appear."""

    def __init__(self, trainings: list[_Training]) -> None:
        records = [training.record for training in trainings]
        self.certifications = self._ids(
            Certification.objects.all(), {r.certification_code for r in records}
        )
        self.blocs = self._ids(
            CertificationBloc.objects.all(), {c for r in records for c in r.bloc_codes}
        )
        self.formacodes = self._ids(
            Formacode.objects.all(), {c for r in records for c in r.formacodes}
        )
        self.nsf = self._ids(NsfDomain.objects.all(), {c for r in records for c in r.nsf_codes})
        self.rome = self._ids(
            Occupation.objects.filter(scheme=Scheme.ROME),
            {c for r in records for c in r.rome_codes},
        )
        self.communes: dict[str, int] = {}
        insee = {s.insee_code for r in records for s in r.sessions if s.insee_code}
        for chunk in _chunks(sorted(insee)):
            self.communes |= dict(
                Commune.objects.filter(insee_code__in=chunk).values_list("insee_code", "id")
            )
        self.unknown: dict[tuple[str, str], list[str]] = defaultdict(list)

    @staticmethod
    def _ids(queryset: Any, codes: set[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in _chunks(sorted(code for code in codes if code)):
            found |= dict(queryset.filter(code__in=chunk).values_list("code", "id"))
        return found

    def resolve(
        self, what: str, table: dict[str, int], codes: Iterable[str], where: str
    ) -> set[int]:
        ids = set()
        for code in codes:
            if code in table:
                ids.add(table[code])
            else:
                self.unknown[(what, code)].append(where)
        return ids

    def report(self, report: OfferReport) -> None:
        for (what, code), places in self.unknown.items():
            others = f" and {len(places) - 1} other record(s)" if len(places) > 1 else ""
            report.warn(
                places[0],
                f"unknown {what} {code}{others}: imported without it "
                "(import the référentiel first to link it)",
            )


def _chunks(values: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, number = base, 2
    while slug in taken or Organisation.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def _resolve_organisations(
    trainings: list[_Training], report: OfferReport, organisation: Organisation | None
) -> dict[tuple[str, str], OrganisationRecord]:
    """Give each training its organisation; those to create are returned (not saved)."""
    if organisation is not None:
        warned: set[tuple[str, str]] = set()
        for training in trainings:
            training.organisation = organisation
            named = training.record.organisation
            differs = (named.siret and named.siret != organisation.siret) or (
                not named.siret
                and named.name
                and named.name.casefold() != organisation.name.casefold()
            )
            if differs and training.organisation_key not in warned:
                warned.add(training.organisation_key)
                report.warn(
                    training.where,
                    f"the file names the organisation “{named.name or named.siret}”: "
                    f"imported for {organisation.name}, as chosen",
                )
        return {}
    sirets = {t.record.organisation.siret for t in trainings if t.record.organisation.siret}
    names = {t.record.organisation.name for t in trainings if t.record.organisation.name}
    by_siret: dict[str, Organisation] = {}
    by_name: dict[str, Organisation] = {}
    for chunk in _chunks(sorted(sirets)):
        for found in Organisation.objects.filter(siret__in=chunk).order_by("pk"):
            by_siret.setdefault(found.siret, found)
    folded = Organisation.objects.annotate(folded_name=Lower("name"))
    for chunk in _chunks(sorted({name.lower() for name in names})):
        for found in folded.filter(folded_name__in=chunk).order_by("pk"):
            by_name.setdefault(found.name.lower(), found)
    missing: dict[tuple[str, str], OrganisationRecord] = {}
    for training in trainings:
        named = training.record.organisation
        found = by_siret.get(named.siret) if named.siret else None
        if found is None:
            candidate = by_name.get(named.name.lower())
            if candidate is not None and not (
                named.siret and candidate.siret and candidate.siret != named.siret
            ):
                found = candidate
        training.organisation = found
        if found is None and training.organisation_key not in missing:
            missing[training.organisation_key] = named
            label = f"{named.name} (SIRET {named.siret})" if named.siret else named.name
            report.created_organisations.append(label)
            report.warn(
                training.where,
                f"the organisation {label} is not known: it is created as a training centre",
            )
    known = {t.organisation.pk for t in trainings if t.organisation is not None}
    report.counts["organisations"].created = len(missing)
    report.counts["organisations"].unchanged = len(known)
    return missing


def _existing_links(training_ids: list[int]) -> dict[str, dict[int, set[Any]]]:
    links: dict[str, dict[int, set[Any]]] = {name: defaultdict(set) for name in LINKS}
    for name, (model, column) in LINKS.items():
        for chunk in _chunks(training_ids):
            rows = model.objects.filter(training_id__in=chunk).values_list("training_id", column)
            for training_id, value in rows:
                links[name][training_id].add(value)
    return links


@dataclass
class _Plan:
    new_organisations: dict[tuple[str, str], OrganisationRecord]
    create: list[_Training] = field(default_factory=list)
    update: list[tuple[int, _Training]] = field(default_factory=list)
    relink: list[tuple[int | None, _Training]] = field(default_factory=list)
    sessions_create: list[tuple[_Training, dict[str, Any]]] = field(default_factory=list)
    sessions_update: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    training_ids: dict[int, int] = field(default_factory=dict)  # id(_Training) -> pk


def _plan(
    trainings: list[_Training], report: OfferReport, organisation: Organisation | None
) -> _Plan:
    plan = _Plan(new_organisations=_resolve_organisations(trainings, report, organisation))
    codes = _Codes(trainings)
    for training in trainings:
        record, where = training.record, training.where
        certification = record.certification_code
        training.values["certification_id"] = None
        if certification:
            if not _CERTIFICATION.fullmatch(certification):
                report.warn(where, f"“{certification}” is not an RNCP or RS code: left out")
            else:
                found = codes.resolve("certification", codes.certifications, [certification], where)
                training.values["certification_id"] = next(iter(found), None)
        blocs = [code for code in record.bloc_codes if _BLOC.fullmatch(code)]
        training.links = {
            "formacodes": codes.resolve("Formacode", codes.formacodes, record.formacodes, where),
            "nsf_domains": codes.resolve("NSF speciality", codes.nsf, record.nsf_codes, where),
            "occupations": codes.resolve("ROME code", codes.rome, record.rome_codes, where),
            "certification_blocs": codes.resolve("bloc", codes.blocs, blocs, where),
            "audiences": set(record.audiences),
            "fundings": set(record.fundings),
        }
    codes.report(report)
    known = [t for t in trainings if t.organisation is not None]
    organisation_ids = sorted({t.organisation.pk for t in known})  # type: ignore[union-attr]
    existing: dict[tuple[Any, ...], dict[str, Any]] = {}
    for chunk in _chunks(organisation_ids):
        for row in Training.objects.filter(organisation_id__in=chunk).values(
            "id", "organisation_id", "code", *TRAINING_FIELDS
        ):
            existing.setdefault(
                _training_key(row["organisation_id"], row["code"], row["title"]), row
            )
    matched: dict[int, dict[str, Any]] = {}  # id(_Training) -> its row
    for training in known:
        key = _training_key(training.organisation.pk, training.record.code, training.record.title)  # type: ignore[union-attr]
        if key in existing:
            matched[id(training)] = existing[key]
            plan.training_ids[id(training)] = existing[key]["id"]
    links = _existing_links([row["id"] for row in matched.values()])
    sessions: dict[int, dict[tuple[str, ...], dict[str, Any]]] = defaultdict(dict)
    for chunk in _chunks([row["id"] for row in matched.values()]):
        for row in Session.objects.filter(training_id__in=chunk).values(
            "id", "training_id", "seats_taken", *SESSION_FIELDS
        ):
            sessions[row["training_id"]].setdefault(_session_key(row), row)
    counts = report.counts
    for training in trainings:
        row = matched.get(id(training))
        pk = row["id"] if row is not None else None
        if row is None:
            counts["trainings"].created += 1
            plan.create.append(training)
            plan.relink.append((None, training))
        else:
            changed_links = any(
                links[name].get(row["id"], set()) != wanted
                for name, wanted in training.links.items()
            )
            changed = any(row[name] != value for name, value in training.values.items())
            if changed:
                plan.update.append((row["id"], training))
            if changed_links:
                plan.relink.append((row["id"], training))
            if changed or changed_links:
                counts["trainings"].updated += 1
            else:
                counts["trainings"].unchanged += 1
        for session, where in training.sessions:
            values = {
                name: getattr(session, name) for name in SESSION_FIELDS if name != "commune_id"
            }
            values["commune_id"] = (
                codes.communes.get(session.insee_code) if session.insee_code else None
            )
            current = sessions[pk].get(_session_key(session)) if pk is not None else None
            if current is None:
                counts["sessions"].created += 1
                plan.sessions_create.append((training, values))
                continue
            if session.capacity is not None and session.capacity < current["seats_taken"]:
                report.error(
                    where,
                    f"{session.capacity} places is fewer than the {current['seats_taken']} "
                    "seats already taken in this session",
                )
            if any(current[name] != value for name, value in values.items()):
                counts["sessions"].updated += 1
                plan.sessions_update.append((current["id"], values))
            else:
                counts["sessions"].unchanged += 1
    return plan


# --- 3. writing ----------------------------------------------------------------------------------


def _create_organisations(plan: _Plan, trainings: list[_Training]) -> None:
    taken: set[str] = set()
    created: dict[tuple[str, str], Organisation] = {}
    for key, named in plan.new_organisations.items():
        created[key] = Organisation.objects.create(
            name=(named.name or f"SIRET {named.siret}")[:200],
            slug=_unique_slug(named.name or named.siret, taken),
            kind=OrganisationKind.TRAINING_CENTRE,
            siret=named.siret,
            email=named.email if _valid_email(named.email) else "",
            website=url if (url := _checked_url(named.url, "", OfferReport(False))) else "",
            address=" ".join(part for part in (named.postcode, named.city) if part)[:250],
        )
    for training in trainings:
        if training.organisation is None:
            training.organisation = created[training.organisation_key]


def _valid_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _apply(plan: _Plan, trainings: list[_Training]) -> None:
    _create_organisations(plan, trainings)
    new = [
        Training(organisation=t.organisation, code=t.record.code, **t.values) for t in plan.create
    ]
    for chunk in _chunks(new, BATCH_SIZE):
        Training.objects.bulk_create(chunk)
    for training, instance in zip(plan.create, new, strict=True):
        plan.training_ids[id(training)] = instance.pk
    updated = [Training(pk=pk, **training.values) for pk, training in plan.update]
    Training.objects.bulk_update(updated, list(TRAINING_FIELDS), batch_size=BATCH_SIZE)
    relinked = [pk for pk, _ in plan.relink if pk is not None]
    for name, (model, column) in LINKS.items():
        for chunk in _chunks(relinked):
            model.objects.filter(training_id__in=chunk).delete()
        rows = [
            model(training_id=pk if pk is not None else plan.training_ids[id(t)], **{column: value})
            for pk, t in plan.relink
            for value in sorted(t.links[name])
        ]
        model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    sessions = [
        Session(training_id=plan.training_ids[id(training)], **values)
        for training, values in plan.sessions_create
    ]
    Session.objects.bulk_create(sessions, batch_size=BATCH_SIZE)
    Session.objects.bulk_update(
        [Session(pk=pk, **values) for pk, values in plan.sessions_update],
        list(SESSION_FIELDS),
        batch_size=BATCH_SIZE,
    )


def write_offer(
    *,
    records: Sequence[TrainingRecord],
    by: User | None,
    wet_run: bool,
    organisation: Organisation | None = None,
) -> OfferReport:
    """Check ``records`` against the database and, in a wet run without error, write them.

    ``organisation``: put every record under this organisation (the upload of a training
    centre's member) instead of the organisation each record names.
    """
    report = OfferReport(wet_run=wet_run)
    if not records:
        report.error("", "there is no training to import")
        return report
    trainings = []
    seen: dict[tuple[Any, ...], str] = {}
    for number, record in enumerate(records, start=1):
        where = _where(record, f"record {number}")
        checked = _check_training(record, where, report, forced=organisation is not None)
        if checked is None:
            continue
        owner = None if organisation is not None else checked.organisation_key
        key = (owner, *_training_key(0, record.code, record.title)[1:])
        if key in seen:
            report.error(where, f"the same training appears twice (also at {seen[key]})")
        seen[key] = where
        trainings.append(checked)
    if report.refused or not wet_run:
        if not report.refused:
            _plan(trainings, report, organisation)
        return report
    with transaction.atomic(), audit.acting_as(by):
        if organisation is not None:
            Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        plan = _plan(trainings, report, organisation)
        if report.refused:
            return report
        _apply(plan, trainings)
        summary = {kind: vars(counts) for kind, counts in report.counts.items()}
        audit.record_event(
            action="create",
            model="trainings.offer",
            label=f"Import of a training offer ({len(records)} trainings)",
            after=summary,
        )
        report.written = True
    return report

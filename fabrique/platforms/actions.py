"""Writes of technical platforms: bookings (with every rule checked here, so that pages, the
API and imports obey it alike) and authorisations. The sharing of machines between
organisations is in ``sharing.py`` and books through ``book_equipment``.

A booking is refused, with the reason and nothing written, when it is in the past, on
equipment that is not available, without a valid authorisation when one is required, outside
the opening slots, over a closure, or over another active booking. No two active bookings of
one equipment overlap, even under concurrency (docs/decisions/0007-bookings-without-conflicts.md):

- on PostgreSQL the exclusion constraint ``booking_no_overlap`` holds it; a concurrent loser
  waits for the winner's transaction and then gets the constraint's violation, translated
  here into the same conflict as the check before it;
- on SQLite, which has no such constraint, the action first writes the equipment row: SQLite
  lets one writer at a time, so the overlap check and the insert run alone.
"""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fabrique.accounts.models import Organisation, User
from fabrique.core import audit, uploads
from fabrique.core.notifications import notify
from fabrique.engine import slots
from fabrique.platforms import rules
from fabrique.platforms.enums import (
    ACTIVE,
    AuthorisationSource,
    BookingState,
    EquipmentStatus,
    UserCategory,
    can_go,
)
from fabrique.platforms.models import (
    Authorisation,
    Availability,
    Booking,
    BookingTransition,
    Closure,
    Equipment,
    EquipmentDocument,
    InnovationProject,
)
from fabrique.trainings.enums import EnrolmentState
from fabrique.trainings.models import Enrolment

B = BookingState
TEXT_MAX_LENGTH = 2000
MAX_BOOKING = dt.timedelta(days=31)
MAX_AHEAD = dt.timedelta(days=731)
EXCLUSION_VIOLATION = "23P01"


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _clean_text(text: str, *, max_length: int = TEXT_MAX_LENGTH) -> str:
    text = text.replace("\x00", "").strip()
    if len(text) > max_length:
        raise ValidationError(
            _("At most %(count)s characters.") % {"count": max_length}, code="too_long"
        )
    return text


# --- reads the checks need ---------------------------------------------------------------------


def zone_of(equipment: Equipment) -> ZoneInfo:
    return ZoneInfo(equipment.platform.time_zone)


def weekly_slots(equipment: Equipment) -> list[slots.WeeklySlot]:
    """The equipment's own opening slots if it has any, else its platform's."""
    rows = list(
        Availability.objects.filter(platform_id=equipment.platform_id)
        .filter(Q(equipment__isnull=True) | Q(equipment_id=equipment.pk))
        .values_list("equipment_id", "weekday", "start", "end")
    )
    own = any(equipment_id is not None for equipment_id, *_rest in rows)
    return [
        slots.WeeklySlot(weekday, start, end)
        for equipment_id, weekday, start, end in rows
        if (equipment_id is not None) == own
    ]


def closures_of(equipment: Equipment, first: dt.date, last: dt.date) -> list[slots.Closure]:
    rows = Closure.objects.filter(
        Q(equipment__isnull=True) | Q(equipment=equipment),
        platform_id=equipment.platform_id,
        first_day__lte=last,
        last_day__gte=first,
    ).values_list("first_day", "last_day")
    return [slots.Closure(first_day, last_day) for first_day, last_day in rows]


def valid_authorisation(user: User, equipment: Equipment, at: dt.datetime) -> Authorisation | None:
    """The user's authorisation for ``equipment`` still valid at ``at``: not revoked, not past
    its expiry, and used within the equipment's idle limit."""
    for authorisation in Authorisation.objects.filter(
        user=user, equipment=equipment, revoked_at__isnull=True
    ).order_by("-granted_at"):
        if authorisation.expires_at is not None and authorisation.expires_at <= at:
            continue
        if equipment.idle_months:
            last_use = authorisation.last_used_at or authorisation.granted_at
            if add_months(last_use, equipment.idle_months) <= at:
                continue
        return authorisation
    return None


# --- the booking checks ------------------------------------------------------------------------


def _local(moment: dt.datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d/%m/%Y %H:%M")


def booking_problem(
    *,
    equipment: Equipment,
    user: User,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime | None = None,
    exclude: int | None = None,
) -> ValidationError | None:
    """Why ``user`` may not book ``equipment`` over [start, end), or None. The overlap is
    checked last (and held by the database under concurrency)."""
    now = now or timezone.now()
    if timezone.is_naive(start) or timezone.is_naive(end):
        return ValidationError(_("Give the start and end with their time zone."), code="naive")
    if end <= start:
        return ValidationError(_("The booking must end after it starts."), code="invalid_range")
    if end - start > MAX_BOOKING:
        return ValidationError(_("A booking lasts at most 31 days."), code="invalid_range")
    if start < now:
        return ValidationError(_("This time is in the past: book a future slot."), code="past")
    if start > now + MAX_AHEAD:
        return ValidationError(_("Bookings open at most two years ahead."), code="too_far")
    if equipment.status != EquipmentStatus.AVAILABLE:
        return ValidationError(
            _("%(equipment)s is %(status)s: it cannot be booked.")
            % {"equipment": equipment, "status": equipment.get_status_display()},
            code="unavailable",
        )
    if equipment.requires_authorisation and valid_authorisation(user, equipment, start) is None:
        return ValidationError(
            _(
                "%(user)s holds no valid authorisation for %(equipment)s: a trainer validates it "
                "after the required training or induction (authorisations expire, and lapse "
                "when unused)."
            )
            % {"user": user.get_full_name() or user.email, "equipment": equipment},
            code="authorisation",
        )
    zone = zone_of(equipment)
    wanted = slots.Interval(start, end)
    closures = closures_of(
        equipment,
        start.astimezone(zone).date(),
        (end - dt.timedelta(microseconds=1)).astimezone(zone).date(),
    )
    if closures:
        days = ", ".join(
            f"{c.first:%d/%m/%Y}"
            if c.first == c.last
            else f"{c.first:%d/%m/%Y} – {c.last:%d/%m/%Y}"
            for c in closures
        )
        return ValidationError(
            _("The platform is closed on those days (%(days)s).") % {"days": days},
            code="closure",
        )
    opened = slots.openings(weekly_slots(equipment), closures, wanted, zone)
    if not slots.covers(opened, wanted):
        return ValidationError(
            _(
                "%(start)s – %(end)s is outside the opening hours of %(platform)s: see its "
                "opening slots."
            )
            % {
                "start": _local(start, zone),
                "end": _local(end, zone),
                "platform": equipment.platform,
            },
            code="closed_hours",
        )
    clash = (
        Booking.objects.filter(
            equipment=equipment, state__in=sorted(ACTIVE), start__lt=end, end__gt=start
        )
        .exclude(pk=exclude)
        .order_by("start")
        .first()
    )
    if clash is not None:
        return conflict(equipment, clash.start, clash.end)
    return None


def conflict(
    equipment: Equipment, start: dt.datetime | None = None, end: dt.datetime | None = None
) -> ValidationError:
    if start is None or end is None:
        message = _("%(equipment)s is already booked at that time: choose another slot.") % {
            "equipment": equipment
        }
    else:
        zone = zone_of(equipment)
        message = _(
            "%(equipment)s is already booked from %(start)s to %(end)s: choose another slot."
        ) % {"equipment": equipment, "start": _local(start, zone), "end": _local(end, zone)}
    return ValidationError(message, code="conflict")


def _serialise_writers(equipment: Equipment) -> None:
    """On SQLite, take the database's write lock before checking (see the module text)."""
    if connection.vendor != "postgresql":
        Equipment.objects.filter(pk=equipment.pk).update(lock_version=F("lock_version") + 1)


def _is_exclusion_violation(error: IntegrityError) -> bool:
    cause = error.__cause__
    code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return code == EXCLUSION_VIOLATION or "booking_no_overlap" in str(error)


def _record(
    booking: Booking, source: str, target: str, *, by: User | None, reason: str = ""
) -> None:
    BookingTransition.objects.create(
        booking=booking,
        source=source,
        target=target,
        at=timezone.now(),
        by=by if by is not None and by.pk else None,
        reason=reason,
    )


def _staff(booking: Booking) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=booking.equipment.platform.owner_id,
            memberships__role__in=rules.STAFF_ROLES,
        ).distinct()
    )


# --- bookings ----------------------------------------------------------------------------------


@transaction.atomic
def book_equipment(
    *,
    equipment: Equipment,
    start: dt.datetime,
    end: dt.datetime,
    by: User,
    user: User | None = None,
    project: str = "",
    note: str = "",
    user_category: str = UserCategory.COMPANY,
    organisation: Organisation | None = None,
    confirm: bool = False,
    innovation_project: InnovationProject | None = None,
) -> Booking:
    """Book ``equipment`` over [start, end) for ``user`` (``by`` themself when left out).

    Platform staff may book for someone else and confirm at once (``confirm``); everyone
    else's booking stays requested until the staff confirm it. A booking for an innovation
    project is made by (or for) someone of its team. Every rule is checked here."""
    user = user or by
    _refuse_unless(rules.can_book(by, equipment), _("Log in to book equipment."))
    _refuse_unless(
        user.pk == by.pk or rules.can_book_for_others(by, equipment),
        _("Only the platform's staff book for someone else."),
    )
    _refuse_unless(
        not confirm or rules.can_book_for_others(by, equipment),
        _("Only the platform's staff confirm bookings."),
    )
    if user_category not in UserCategory.values:
        raise ValidationError(_("Unknown user category."), code="invalid")
    if innovation_project is not None:
        _refuse_unless(
            rules.can_book_for_project(by, innovation_project)
            or rules.can_book_for_project(user, innovation_project),
            _("Only the team of %(project)s books for it.") % {"project": innovation_project},
        )
        project = project or innovation_project.name
    _serialise_writers(equipment)
    equipment = Equipment.objects.select_related("platform").get(pk=equipment.pk)
    if problem := booking_problem(equipment=equipment, user=user, start=start, end=end):
        raise problem
    booking = Booking(
        equipment=equipment,
        user=user,
        booked_by=by,
        organisation=organisation,
        project=_clean_text(project, max_length=200),
        innovation_project=innovation_project,
        note=_clean_text(note),
        user_category=user_category,
        start=start,
        end=end,
        state=B.CONFIRMED if confirm else B.REQUESTED,
    )
    booking.full_clean(validate_constraints=False)
    with audit.acting_as(by):
        try:
            with transaction.atomic():
                booking.save()
        except IntegrityError as error:
            if _is_exclusion_violation(error):
                raise conflict(equipment) from error
            raise
        _record(booking, "", B.REQUESTED, by=by)
        if confirm:
            _record(booking, B.REQUESTED, B.CONFIRMED, by=by)
        else:
            notify(
                users=_staff(booking),
                message=lambda: (
                    _("%(user)s asks to book %(equipment)s.")
                    % {"user": user.get_full_name() or user.email, "equipment": equipment}
                ),
                url=reverse("platforms:manage", args=[equipment.platform.slug]),
            )
    return booking


def _move(booking: Booking, target: str, *, by: User, reason: str = "") -> Booking:
    locked = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
    source = locked.state
    if not can_go(source, target):
        raise ValidationError(
            _("A %(source)s booking cannot become %(target)s.")
            % {"source": B(source).label, "target": B(target).label},
            code="transition",
        )
    locked.state = target
    with audit.acting_as(by):
        locked.save(update_fields=["state", "updated_at"])
        _record(locked, source, target, by=by, reason=_clean_text(reason))
    return locked


def _tell_user(booking: Booking, text: str) -> None:
    notify(users=[booking.user], message=text, url=reverse("platforms:mine"))


@transaction.atomic
def confirm_booking(*, booking: Booking, by: User) -> Booking:
    _refuse_unless(
        rules.can_decide_booking(by, booking), _("Only the platform's staff confirm bookings.")
    )
    booking = _move(booking, B.CONFIRMED, by=by)
    _tell_user(
        booking, _("Your booking of %(equipment)s is confirmed.") % {"equipment": booking.equipment}
    )
    return booking


@transaction.atomic
def cancel_booking(*, booking: Booking, by: User, reason: str = "") -> Booking:
    _refuse_unless(
        rules.can_cancel_booking(by, booking),
        _("Only the booking's user and the platform's staff cancel it."),
    )
    booking = _move(booking, B.CANCELLED, by=by, reason=reason)
    if by.pk != booking.user_id:
        _tell_user(
            booking,
            _("Your booking of %(equipment)s is cancelled.") % {"equipment": booking.equipment},
        )
    return booking


@transaction.atomic
def close_booking(*, booking: Booking, by: User, used: bool) -> Booking:
    """After the slot: the machine was used (done) or nobody came (no-show). A use keeps the
    user's authorisation alive."""
    _refuse_unless(
        rules.can_decide_booking(by, booking), _("Only the platform's staff close bookings.")
    )
    booking = _move(booking, B.DONE if used else B.NO_SHOW, by=by)
    if used:
        Authorisation.objects.filter(
            user_id=booking.user_id, equipment_id=booking.equipment_id, revoked_at__isnull=True
        ).update(last_used_at=booking.end)
    return booking


# --- authorisations ----------------------------------------------------------------------------


@transaction.atomic
def grant_authorisation(
    *,
    equipment: Equipment,
    user: User,
    by: User,
    source: str = AuthorisationSource.INDUCTION,
    enrolment: Enrolment | None = None,
) -> Authorisation:
    """A trainer validates that ``user`` may use ``equipment``: after the platform induction,
    or after completing the training the equipment requires (``enrolment``, completed)."""
    _refuse_unless(
        rules.can_validate_authorisation(by, equipment),
        _(
            "Only the platform's trainers and those of the required training validate "
            "authorisations."
        ),
    )
    if source not in AuthorisationSource.values:
        raise ValidationError(_("Unknown source."), code="invalid")
    if source == AuthorisationSource.TRAINING:
        if equipment.required_training_id is None:
            raise ValidationError(
                _("This equipment requires no catalogue training."), code="invalid"
            )
        if enrolment is None:
            enrolment = (
                Enrolment.objects.filter(
                    person__user=user,
                    session__training_id=equipment.required_training_id,
                    state=EnrolmentState.COMPLETED,
                )
                .order_by("-updated_at")
                .first()
            )
        if (
            enrolment is None
            or enrolment.state != EnrolmentState.COMPLETED
            or enrolment.session.training_id != equipment.required_training_id
            or enrolment.person.user_id != user.pk
        ):
            raise ValidationError(
                _("%(user)s has not completed %(training)s.")
                % {
                    "user": user.get_full_name() or user.email,
                    "training": equipment.required_training,
                },
                code="not_trained",
            )
    now = timezone.now()
    authorisation = Authorisation(
        user=user,
        equipment=equipment,
        source=source,
        enrolment=enrolment,
        granted_by=by,
        granted_at=now,
        expires_at=add_months(now, equipment.authorisation_months)
        if equipment.authorisation_months
        else None,
    )
    with audit.acting_as(by):
        authorisation.save()
        notify(
            users=[user],
            message=lambda: _("You may now book %(equipment)s.") % {"equipment": equipment},
            url=equipment.get_absolute_url(),
        )
    return authorisation


@transaction.atomic
def revoke_authorisation(*, authorisation: Authorisation, by: User) -> Authorisation:
    _refuse_unless(
        rules.can_validate_authorisation(by, authorisation.equipment),
        _("Only the platform's trainers revoke authorisations."),
    )
    authorisation.revoked_at = timezone.now()
    with audit.acting_as(by):
        authorisation.save(update_fields=["revoked_at"])
    return authorisation


# --- equipment documents -----------------------------------------------------------------------


@transaction.atomic
def add_equipment_document(
    *,
    equipment: Equipment,
    by: User,
    title: str,
    file: UploadedFile | None = None,
    url: str = "",
    is_photo: bool = False,
) -> EquipmentDocument:
    """The platform's staff add a photo (an image file) or a document (a file or a link)."""
    _refuse_unless(
        rules.can_manage_equipment(by, equipment),
        _("Only the platform's staff add photos and documents."),
    )
    url = _clean_text(url, max_length=400)
    if (file is None) == (not url):
        raise ValidationError(_("Give either a file or a link."), code="file_or_link")
    if file is not None:
        uploads.check_upload(file, images_only=is_photo)
    title = _clean_text(title, max_length=200)
    if not title:
        raise ValidationError(_("Give the document a title."), code="required")
    document = EquipmentDocument(equipment=equipment, title=title, url=url, is_photo=is_photo)
    uploads.save_with_file(document, file, by=by)
    return document

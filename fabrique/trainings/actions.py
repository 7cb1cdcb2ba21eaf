"""Writes of enrolments: applying for a session, the training organisation's decisions, the
life of an enrolment until it ends, the waiting list, and cancelling a session.

Who decides (see docs/decisions/0005-enrolment-decisions.md): an application always arrives
as *requested*; the training organisation (its organisation admins, coordinators and
trainers, see ``enrolment_rules``) accepts, waitlists or refuses it. ``enrol_person`` is the
organisation enrolling someone directly: apply and accept in one step. Accepting never fails
for lack of seats: with no seat left, the enrolment goes to the waiting list instead.

Seats: ``Session.seats_taken`` counts the enrolments in a seat-holding state
(``enums.SEAT_HOLDING``); the database refuses more than ``capacity``. Every action that
may change it locks the session row first (then the enrolment), so that concurrent requests
queue up on that row and no seat is given twice. When a seat frees up before the session
starts, the first enrolment of the waiting list (by ``waitlisted_at``) takes it.

Each action checks the permission, runs in one transaction, writes an ``EnrolmentTransition``
per change of state and is recorded in the audit log (the model layer records the saves);
notifications leave by e-mail once the transaction commits.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fabrique.accounts.models import User
from fabrique.accounts.rules import can_view_person
from fabrique.core import audit
from fabrique.core.notifications import Message, notify
from fabrique.people.enums import SkillSource
from fabrique.people.models import Person, PersonSkill
from fabrique.trainings import enrolment_rules as rules
from fabrique.trainings.enums import ACTIVE, SEAT_HOLDING, EnrolmentState, SessionStatus, can_go
from fabrique.trainings.models import Enrolment, EnrolmentTransition, Session

E = EnrolmentState
REASON_MAX_LENGTH = 2000


# --- checks ------------------------------------------------------------------------------------


def registration_problem(session: Session, *, today: datetime.date | None = None) -> str | None:
    """Why nobody may apply for ``session`` now, or None when registrations are open. A full
    session is open: applications go to its waiting list."""
    today = today or timezone.localdate()
    if session.status == SessionStatus.CANCELLED:
        return _("This session is cancelled.")
    if session.status == SessionStatus.CLOSED:
        return _("Registrations for this session are closed.")
    if session.start <= today:
        return _("This session has already started.")
    if session.registration_deadline is not None and session.registration_deadline < today:
        return _("The registration deadline of this session has passed.")
    if not session.training.published:
        return _("This training is not published.")
    return None


def _refuse_unless(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _clean_text(text: str) -> str:
    text = text.replace("\x00", "").strip()
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError(
            _("At most %(count)s characters.") % {"count": REASON_MAX_LENGTH}, code="too_long"
        )
    return text


# --- locks, seats and moves --------------------------------------------------------------------


def _lock_session(session: Session) -> Session:
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("training")
        .get(pk=session.pk)
    )


def _lock_enrolment(enrolment: Enrolment) -> tuple[Session, Enrolment]:
    """The enrolment's session then the enrolment, locked in that order (always the same
    order, so that two actions never wait for each other)."""
    session = _lock_session(enrolment.session)
    locked = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=enrolment.pk)
    )
    locked.session = session
    return session, locked


def _has_seat(session: Session) -> bool:
    return session.capacity is None or session.seats_taken < session.capacity


def _sync_status(session: Session) -> None:
    """FULL when no seat is left; OPEN again when one frees up before the session starts."""
    if session.capacity is None:
        return
    if session.status == SessionStatus.OPEN and session.seats_taken >= session.capacity:
        session.status = SessionStatus.FULL
    elif (
        session.status == SessionStatus.FULL
        and session.seats_taken < session.capacity
        and session.start > timezone.localdate()
    ):
        session.status = SessionStatus.OPEN


def _count_seats(session: Session, delta: int) -> None:
    # The database refuses more seats than the capacity (session_never_over_capacity).
    session.seats_taken = max(session.seats_taken + delta, 0)
    _sync_status(session)
    session.save(update_fields=["seats_taken", "status", "updated_at"])


def _check_transition(source: str, target: str) -> None:
    if not can_go(source, target):
        raise ValidationError(
            _("A %(source)s enrolment cannot become %(target)s.")
            % {"source": E(source).label, "target": E(target).label},
            code="transition",
        )


def _move(enrolment: Enrolment, target: str, *, by: User | None, reason: str = "") -> Enrolment:
    """Move a locked enrolment to ``target`` if the transition table allows it, with a history
    row. Seats are the caller's business."""
    source = enrolment.state
    _check_transition(source, target)
    now = timezone.now()
    enrolment.state = target
    if target == E.WAITLISTED:
        enrolment.waitlisted_at = now
    enrolment.full_clean(validate_constraints=False)  # the database holds them
    enrolment.save()
    EnrolmentTransition.objects.create(
        enrolment=enrolment,
        source=source,
        target=target,
        at=now,
        by=by if by is not None and by.pk else None,
        reason=reason,
    )
    return enrolment


def _accept_or_waitlist(
    session: Session, enrolment: Enrolment, *, by: User | None, reason: str = ""
) -> Enrolment:
    if _has_seat(session):
        _move(enrolment, E.ACCEPTED, by=by, reason=reason)
        _count_seats(session, +1)
    elif enrolment.state != E.WAITLISTED:
        _move(enrolment, E.WAITLISTED, by=by, reason=reason)
    return enrolment


def _free_seat(session: Session, *, by: User | None) -> list[Enrolment]:
    _count_seats(session, -1)
    return _advance_waitlist(session, by=by)


def _advance_waitlist(session: Session, *, by: User | None) -> list[Enrolment]:
    """While seats are left and the session has not started, the waiting list moves: the
    first waitlisted enrolments are accepted and their people told."""
    moved: list[Enrolment] = []
    if session.status not in {SessionStatus.OPEN, SessionStatus.FULL}:
        return moved
    if session.start <= timezone.localdate():
        return moved
    while _has_seat(session):
        first = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("person")
            .filter(session=session, state=E.WAITLISTED)
            .order_by("waitlisted_at", "pk")
            .first()
        )
        if first is None:
            break
        first.session = session
        _move(first, E.ACCEPTED, by=by, reason=_("A seat freed up."))
        _count_seats(session, +1)
        _tell_person(
            first,
            lambda: (
                _("A seat freed up: your enrolment in %(session)s is accepted.")
                % {"session": session}
            ),
        )
        moved.append(first)
    return moved


# --- notifications -----------------------------------------------------------------------------


def _person_side(enrolment: Enrolment) -> list[User]:
    """Who hears about an enrolment: the person's account and whoever applied for them."""
    users = []
    if enrolment.person.user_id is not None:
        users.append(enrolment.person.user)
    if enrolment.requested_by_id is not None:
        users.append(enrolment.requested_by)
    return [user for user in users if user is not None and user.is_active]


def _deciders(session: Session) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=session.training.organisation_id,
            memberships__role__in=rules.DECIDER_ROLES,
        ).distinct()
    )


def _tell_person(enrolment: Enrolment, message: Message) -> None:
    notify(
        users=_person_side(enrolment),
        message=message,
        url=reverse("trainings:enrolment_mine") + f"#enrolment-{enrolment.pk}",
    )


def _tell_deciders(session: Session, message: Message) -> None:
    notify(
        users=_deciders(session),
        message=message,
        url=reverse("trainings:enrolment_manage", args=[session.pk]),
    )


# --- applying ----------------------------------------------------------------------------------


def _create(session: Session, person: Person, *, by: User, note: str) -> Enrolment:
    """A new requested enrolment in a locked session, after the registration checks."""
    if problem := registration_problem(session):
        raise ValidationError(problem, code="registration_closed")
    if person.anonymised_at is not None:
        raise ValidationError(_("This person's record is erased."), code="erased")
    if Enrolment.objects.filter(session=session, person=person, state__in=ACTIVE).exists():
        raise ValidationError(
            _("%(person)s is already enrolled in this session.") % {"person": person},
            code="already_enrolled",
        )
    enrolment = Enrolment(
        session=session,
        person=person,
        state=E.REQUESTED,
        requested_by=by if by.pk else None,
        note=_clean_text(note),
    )
    enrolment.full_clean(validate_constraints=False)  # the lock and the check above hold
    enrolment.save()
    EnrolmentTransition.objects.create(
        enrolment=enrolment,
        source="",
        target=E.REQUESTED,
        at=enrolment.requested_at,
        by=by if by.pk else None,
    )
    return enrolment


@transaction.atomic
def apply_for_session(*, session: Session, person: Person, by: User, note: str = "") -> Enrolment:
    """``person`` applies (or a counsellor applies for them); the enrolment stays requested
    until the training organisation decides. Its deciders are told."""
    _refuse_unless(
        rules.can_apply_for(by, person),
        _("You may apply only for yourself or for the people you follow."),
    )
    session = _lock_session(session)
    with audit.acting_as(by):
        enrolment = _create(session, person, by=by, note=note)
        _tell_deciders(
            session,
            lambda: (
                _("%(person)s applies for %(session)s.") % {"person": person, "session": session}
            ),
        )
        if person.user_id is not None and person.user_id != by.pk:
            _tell_person(
                enrolment,
                lambda: (
                    _("%(by)s applied for you to %(session)s.")
                    % {"by": by.get_full_name() or by.email, "session": session}
                ),
            )
    return enrolment


@transaction.atomic
def enrol_person(*, session: Session, person: Person, by: User, note: str = "") -> Enrolment:
    """The training organisation enrols ``person`` (one of the people it follows, or may
    read) directly: apply and accept in one step. With no seat left the enrolment goes to
    the waiting list; it is never an error."""
    session = _lock_session(session)
    _refuse_unless(
        rules.can_decide_for_session(by, session) and can_view_person(by, person),
        _("Only the training organisation enrols people in its sessions, among those it sees."),
    )
    with audit.acting_as(by):
        enrolment = _create(session, person, by=by, note=note)
        _accept_or_waitlist(session, enrolment, by=by)
        _tell_outcome(enrolment)
    return enrolment


def _tell_outcome(enrolment: Enrolment) -> None:
    session = enrolment.session
    if enrolment.state == E.ACCEPTED:
        _tell_person(
            enrolment,
            lambda: _("Your enrolment in %(session)s is accepted.") % {"session": session},
        )
    elif enrolment.state == E.WAITLISTED:
        _tell_person(
            enrolment,
            lambda: (
                _("The session %(session)s is full: you are on its waiting list.")
                % {"session": session}
            ),
        )


# --- the training organisation's decisions -----------------------------------------------------


def _decide(enrolment: Enrolment, by: User) -> tuple[Session, Enrolment]:
    session, enrolment = _lock_enrolment(enrolment)
    _refuse_unless(
        rules.can_decide_for_session(by, session),
        _("Only the training organisation decides on the enrolments in its sessions."),
    )
    return session, enrolment


@transaction.atomic
def accept_enrolment(*, enrolment: Enrolment, by: User, reason: str = "") -> Enrolment:
    """Accept a requested or waitlisted enrolment if a seat is left, else put it on the
    waiting list (or leave it there)."""
    session, enrolment = _decide(enrolment, by)
    if session.status in {SessionStatus.CANCELLED, SessionStatus.CLOSED}:
        raise ValidationError(
            _("The session is %(status)s.") % {"status": session.get_status_display()},
            code="registration_closed",
        )
    _check_transition(enrolment.state, E.ACCEPTED)
    before = enrolment.state
    with audit.acting_as(by):
        _accept_or_waitlist(session, enrolment, by=by, reason=_clean_text(reason))
        if enrolment.state != before:
            _tell_outcome(enrolment)
    return enrolment


@transaction.atomic
def waitlist_enrolment(*, enrolment: Enrolment, by: User, reason: str = "") -> Enrolment:
    _session, enrolment = _decide(enrolment, by)
    with audit.acting_as(by):
        _move(enrolment, E.WAITLISTED, by=by, reason=_clean_text(reason))
        _tell_outcome(enrolment)
    return enrolment


@transaction.atomic
def refuse_enrolment(*, enrolment: Enrolment, by: User, reason: str) -> Enrolment:
    """Refuse a requested or waitlisted enrolment, saying why (the person is told)."""
    session, enrolment = _decide(enrolment, by)
    reason = _clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the enrolment is refused.")})
    with audit.acting_as(by):
        _move(enrolment, E.REFUSED, by=by, reason=reason)
        _tell_person(
            enrolment,
            lambda: (
                _("Your enrolment in %(session)s is refused: %(reason)s")
                % {"session": session, "reason": reason}
            ),
        )
    return enrolment


@transaction.atomic
def start_training(*, enrolment: Enrolment, by: User) -> Enrolment:
    """The accepted person has started the training (from the session's first day)."""
    session, enrolment = _decide(enrolment, by)
    if session.start > timezone.localdate():
        raise ValidationError(_("The session has not started yet."), code="not_started")
    with audit.acting_as(by):
        return _move(enrolment, E.IN_TRAINING, by=by)


@transaction.atomic
def complete_enrolment(*, enrolment: Enrolment, by: User, reason: str = "") -> Enrolment:
    """The person completed the training: they are credited with the skills it teaches
    (source: training)."""
    session, enrolment = _decide(enrolment, by)
    with audit.acting_as(by):
        _move(enrolment, E.COMPLETED, by=by, reason=_clean_text(reason))
        _grant_skills(enrolment.person, session)
        _tell_person(
            enrolment,
            lambda: (
                _("You completed %(session)s: its skills are added to your profile.")
                % {"session": session}
            ),
        )
    return enrolment


def _grant_skills(person: Person, session: Session) -> list[PersonSkill]:
    """The training's skills on the person's record: new ones with the source *training*;
    a skill only declared until now is now earned by the training; others stay as they are.
    Equivalent to ``people.actions.add_person_skills``, which only the person's own
    organisation may call: here the training organisation vouches for the skills."""
    person = Person.objects.select_for_update(of=("self",)).get(pk=person.pk)
    held = {link.skill_id: link for link in person.skills.all()}
    today = timezone.localdate()
    changed: list[PersonSkill] = []
    for skill in session.training.skills_taught.all():
        link = held.get(skill.pk)
        if link is None:
            link = PersonSkill(
                person=person, skill=skill, source=SkillSource.TRAINING, acquired_on=today
            )
        elif link.source == SkillSource.DECLARED:
            link.source = SkillSource.TRAINING
            link.acquired_on = link.acquired_on or today
        else:
            continue
        link.full_clean(validate_constraints=False)
        link.save()
        changed.append(link)
    return changed


@transaction.atomic
def drop_enrolment(*, enrolment: Enrolment, by: User, reason: str = "") -> Enrolment:
    """The person left the training before its end; their seat is counted free again."""
    session, enrolment = _decide(enrolment, by)
    with audit.acting_as(by):
        _move(enrolment, E.DROPPED, by=by, reason=_clean_text(reason))
        _free_seat(session, by=by)
    return enrolment


# --- the person's side -------------------------------------------------------------------------


@transaction.atomic
def withdraw_enrolment(*, enrolment: Enrolment, by: User, reason: str = "") -> Enrolment:
    """The person (or a counsellor) withdraws the enrolment; a seat it held goes to the
    waiting list. The training organisation is told."""
    session, enrolment = _lock_enrolment(enrolment)
    _refuse_unless(
        rules.can_withdraw_enrolment(by, enrolment),
        _("Only the person or their counsellors may withdraw this enrolment."),
    )
    held_seat = enrolment.state in SEAT_HOLDING
    with audit.acting_as(by):
        _move(enrolment, E.WITHDRAWN, by=by, reason=_clean_text(reason))
        if held_seat:
            _free_seat(session, by=by)
        person = enrolment.person
        _tell_deciders(
            session,
            lambda: (
                _("%(person)s withdrew from %(session)s.") % {"person": person, "session": session}
            ),
        )
    return enrolment


# --- sessions ----------------------------------------------------------------------------------


@transaction.atomic
def advance_waitlist(*, session: Session, by: User) -> list[Enrolment]:
    """Give the seats left to the waiting list, first come first served (after the capacity
    grew, for example). Returns the enrolments accepted."""
    session = _lock_session(session)
    _refuse_unless(
        rules.can_decide_for_session(by, session),
        _("Only the training organisation manages the waiting list."),
    )
    with audit.acting_as(by):
        return _advance_waitlist(session, by=by)


@transaction.atomic
def cancel_session(*, session: Session, by: User, reason: str = "") -> Session:
    """Cancel a session that has not ended; everyone with a live enrolment is told. The
    enrolments keep their state, as a record of who was enrolled."""
    session = _lock_session(session)
    _refuse_unless(
        rules.can_decide_for_session(by, session),
        _("Only the training organisation cancels its sessions."),
    )
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("This session is already cancelled."), code="cancelled")
    if session.end < timezone.localdate():
        raise ValidationError(_("This session has ended."), code="ended")
    reason = _clean_text(reason)
    live = (
        Enrolment.objects.filter(session=session, state__in=ACTIVE)
        .exclude(state=E.COMPLETED)
        .select_related("person__user", "requested_by")
    )
    users = {user.pk: user for enrolment in live for user in _person_side(enrolment)}
    with audit.acting_as(by):
        session.status = SessionStatus.CANCELLED
        session.save(update_fields=["status", "updated_at"])
        notify(
            users=users.values(),
            message=lambda: (
                (
                    _("The session %(session)s is cancelled: %(reason)s")
                    if reason
                    else _("The session %(session)s is cancelled.")
                )
                % {"session": session, "reason": reason}
            ),
            url=reverse("trainings:enrolment_mine"),
        )
    return session

"""Permission predicates of enrolments, on (user, object). The catalogue's own predicates
are in ``rules.py``.

- A person applies for themself (their ``Person`` record is linked to their account); their
  counsellors apply for them: the organisation admins, coordinators and trainers of the
  organisation that follows the person, the coordinators overseeing it, platform admins
  (exactly those who may edit the person's record, ``accounts.rules.can_edit_person``).
- The training organisation decides: its organisation admins, coordinators and trainers,
  and platform admins accept, waitlist, refuse, start, complete and drop enrolments, enrol
  people directly and cancel a session.
- An enrolment is seen by the person, their counsellors and the training organisation's
  deciders. The person or a counsellor may withdraw it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from fabrique.accounts.enums import Role
from fabrique.accounts.rules import (
    can_edit_person,
    coordinated_organisation_ids,
    is_platform_admin,
    organisation_ids,
)

if TYPE_CHECKING:
    from fabrique.accounts.models import User
    from fabrique.people.models import Person
    from fabrique.trainings.models import Enrolment, Session

DECIDER_ROLES = (Role.ORGANISATION_ADMIN, Role.COORDINATOR, Role.TRAINER)
COUNSELLOR_ROLES = (Role.ORGANISATION_ADMIN, Role.COORDINATOR, Role.TRAINER)


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def decider_organisation_ids(user: User) -> set[int] | None:
    """Training organisations whose enrolments the user decides; None means all of them.
    Cached on the user object, like ``accounts.rules.roles``."""
    if not _authenticated(user):
        return set()
    if is_platform_admin(user):
        return None
    cached: set[int] | None = getattr(user, "_fabrique_enrolment_decider_ids", None)
    if cached is None:
        cached = organisation_ids(user, *DECIDER_ROLES)
        user._fabrique_enrolment_decider_ids = cached  # type: ignore[union-attr]
    return set(cached)


def counsellor_organisation_ids(user: User) -> set[int] | None:
    """Organisations whose followed people the user applies for; None means all of them."""
    if not _authenticated(user):
        return set()
    if is_platform_admin(user):
        return None
    cached: set[int] | None = getattr(user, "_fabrique_enrolment_counsellor_ids", None)
    if cached is None:
        cached = organisation_ids(user, *COUNSELLOR_ROLES) | coordinated_organisation_ids(user)
        user._fabrique_enrolment_counsellor_ids = cached  # type: ignore[union-attr]
    return set(cached)


def can_apply_for(user: User, person: Person) -> bool:
    """Whether the user may apply (and withdraw) for ``person``: themself or a counsellor."""
    if not _authenticated(user) or person.anonymised_at is not None:
        return False
    return can_edit_person(user, person)


def is_counsellor(user: User) -> bool:
    """Whether the user follows people (and so may apply for someone else)."""
    scope = counsellor_organisation_ids(user)
    return scope is None or bool(scope)


def can_decide_for_session(user: User, session: Session) -> bool:
    scope = decider_organisation_ids(user)
    return scope is None or session.training.organisation_id in scope


def can_view_enrolment(user: User, enrolment: Enrolment) -> bool:
    if not _authenticated(user):
        return False
    person = enrolment.person
    if person.user_id is not None and person.user_id == user.pk:
        return True
    counselled = counsellor_organisation_ids(user)
    if counselled is None or person.organisation_id in counselled:
        return True
    return can_decide_for_session(user, enrolment.session)


def can_withdraw_enrolment(user: User, enrolment: Enrolment) -> bool:
    return can_apply_for(user, enrolment.person)


def can_decide_enrolment(user: User, enrolment: Enrolment) -> bool:
    return can_decide_for_session(user, enrolment.session)


def enrolments_visible_to(user: User) -> QuerySet[Enrolment]:
    """The enrolments ``can_view_enrolment`` lets the user see, as one query."""
    from fabrique.trainings.models import Enrolment

    if not _authenticated(user):
        return Enrolment.objects.none()
    counselled = counsellor_organisation_ids(user)
    decided = decider_organisation_ids(user)
    if counselled is None or decided is None:
        return Enrolment.objects.all()
    return Enrolment.objects.filter(
        Q(person__user=user)
        | Q(person__organisation_id__in=counselled)
        | Q(session__training__organisation_id__in=decided)
    )

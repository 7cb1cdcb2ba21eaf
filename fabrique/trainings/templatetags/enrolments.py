"""What the enrolment box of a session page shows to the reader."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import ObjectDoesNotExist

from fabrique.trainings import enrolment_rules
from fabrique.trainings.actions import registration_problem
from fabrique.trainings.enums import ACTIVE, TRANSITIONS, EnrolmentState
from fabrique.trainings.models import Enrolment, Session

register = template.Library()


def _own_person(user: Any) -> Any:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        person = user.person
    except ObjectDoesNotExist:
        return None
    return person if person.anonymised_at is None else None


@register.simple_tag
def enrolment_box(session: Session, user: Any) -> dict[str, Any]:
    """``{% enrolment_box session user as box %}``: whether the reader may apply (for
    themself, for someone they follow), their own enrolment, and whether they manage the
    session's enrolments."""
    authenticated = bool(getattr(user, "is_authenticated", False))
    problem = registration_problem(session)
    person = _own_person(user)
    enrolment = None
    if person is not None:
        enrolment = (
            Enrolment.objects.filter(session=session, person=person)
            .order_by("-requested_at", "-pk")
            .first()
        )
    live = enrolment is not None and enrolment.state in ACTIVE
    return {
        "authenticated": authenticated,
        "problem": problem,
        "person": person,
        "enrolment": enrolment,
        "can_apply": person is not None and problem is None and not live,
        "can_apply_for_others": authenticated
        and problem is None
        and enrolment_rules.is_counsellor(user),
        "can_withdraw": enrolment is not None
        and EnrolmentState.WITHDRAWN in TRANSITIONS[enrolment.state],
        "can_manage": authenticated and enrolment_rules.can_decide_for_session(user, session),
    }

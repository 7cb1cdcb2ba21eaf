"""Discovery sessions for schools and the public (industry 4.0, AI initiation): trainings of
the training offer open to the general public (``Audience.GENERAL_PUBLIC``), that any
account may join.

An enrolment is a person's: an account with no learner record gets one at its first
discovery session, followed by the organisation giving it, holding only what the account
already says (names, e-mail) and the status the person chose. The application then goes
through the training offer's own action (``trainings.actions.apply_for_session``), with its
checks (registrations open, one live enrolment per person and session).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fabrique.accounts.models import User
from fabrique.people.enums import PersonStatus
from fabrique.people.models import Person
from fabrique.platforms.rules import authenticated
from fabrique.trainings import actions as training_actions
from fabrique.trainings.enums import Audience, SessionStatus
from fabrique.trainings.models import Enrolment, Session


def discovery_sessions() -> QuerySet[Session]:
    """Coming sessions of published trainings open to the general public."""
    return (
        Session.objects.filter(
            training__published=True,
            training__audiences__audience=Audience.GENERAL_PUBLIC,
            status__in=[SessionStatus.OPEN, SessionStatus.FULL],
            start__gt=timezone.localdate(),
        )
        .select_related("training", "training__organisation")
        .distinct()
        .order_by("start", "pk")
    )


def is_discovery(session: Session) -> bool:
    return session.training.audiences.filter(audience=Audience.GENERAL_PUBLIC).exists()


@transaction.atomic
def join_discovery_session(
    *, session: Session, by: User, status: str = PersonStatus.PUBLIC, note: str = ""
) -> Enrolment:
    """``by`` (any account) applies for a discovery session, for themself."""
    if not authenticated(by):
        raise PermissionDenied(_("Log in to join a discovery session."))
    if not is_discovery(session):
        raise PermissionDenied(_("Only sessions open to the general public are joined this way."))
    person = Person.objects.filter(user=by).first()
    if person is None:
        if status not in PersonStatus.values:
            status = PersonStatus.PUBLIC
        person = Person(
            user=by,
            first_name=by.first_name or by.email.split("@")[0],
            last_name=by.last_name,
            email=by.email,
            status=status,
            organisation=session.training.organisation,
        )
        person.save()
    return training_actions.apply_for_session(session=session, person=person, by=by, note=note)

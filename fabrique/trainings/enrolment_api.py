"""API of enrolments (``/api/v1/enrolments``): apply for a session, list the enrolments one
may see, read one with its history, and move it (accept, waitlist, refuse, start, complete,
drop, withdraw). The same actions (``actions``) and permissions (``enrolment_rules``) as the
pages: an enrolment one may not see answers 404, a move one may not make answers 403.
"""

import datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from fabrique.accounts.models import User
from fabrique.accounts.rules import can_view_person
from fabrique.api.errors import validation_errors
from fabrique.api.pagination import BoundedLimitOffset
from fabrique.api.types import Text
from fabrique.people.models import Person
from fabrique.trainings import actions, enrolment_rules
from fabrique.trainings.enums import EnrolmentState
from fabrique.trainings.models import Enrolment, Session
from fabrique.trainings.rules import can_view_session

router = Router(tags=["enrolments"])

MAX_ID = 2_000_000_000
TEXT_MAX_LENGTH = 2000
EnrolmentId = Annotated[int, Path(..., ge=1, le=MAX_ID)]
E = EnrolmentState


# --- schemas -----------------------------------------------------------------------------------


class Message(Schema):
    detail: str


class InvalidRequest(Schema):
    detail: str
    errors: list[dict[str, Any]] | None = None


class PersonRef(Schema):
    id: int
    name: str


class TransitionOut(Schema):
    source: str = Field(description="Empty for the application itself")
    target: EnrolmentState
    at: datetime.datetime
    reason: str


class EnrolmentOut(Schema):
    id: int
    session: int
    training: str
    training_organisation: str
    start: datetime.date
    end: datetime.date
    person: PersonRef
    state: EnrolmentState
    requested_at: datetime.datetime
    waitlisted_at: datetime.datetime | None = None
    note: str

    @staticmethod
    def resolve_session(enrolment: Enrolment) -> int:
        return enrolment.session_id

    @staticmethod
    def resolve_training(enrolment: Enrolment) -> str:
        return enrolment.session.training.title

    @staticmethod
    def resolve_training_organisation(enrolment: Enrolment) -> str:
        return enrolment.session.training.organisation.name

    @staticmethod
    def resolve_start(enrolment: Enrolment) -> datetime.date:
        return enrolment.session.start

    @staticmethod
    def resolve_end(enrolment: Enrolment) -> datetime.date:
        return enrolment.session.end

    @staticmethod
    def resolve_person(enrolment: Enrolment) -> dict[str, Any]:
        return {"id": enrolment.person_id, "name": str(enrolment.person)}


class EnrolmentDetailOut(EnrolmentOut):
    transitions: list[TransitionOut]

    @staticmethod
    def resolve_transitions(enrolment: Enrolment) -> list[Any]:
        return list(enrolment.transitions.order_by("at", "pk"))


class EnrolmentIn(Schema):
    session: int = Field(..., ge=1, le=MAX_ID, description="The session's number")
    person: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="The person's record (one you follow); your own record when left out",
    )
    note: Text = Field("", max_length=TEXT_MAX_LENGTH, description="Why the person applies")
    direct: bool = Field(
        False,
        description=(
            "The training organisation enrols the person directly: accepted at once, or put "
            "on the waiting list when no seat is left"
        ),
    )


class TransitionIn(Schema):
    target: EnrolmentState = Field(description="The state to move the enrolment to")
    reason: Text = Field("", max_length=TEXT_MAX_LENGTH, description="Required to refuse")


class EnrolmentFilter(Schema):
    session: int | None = Field(None, ge=1, le=MAX_ID, description="Only this session's")
    state: EnrolmentState | None = Field(None, description="Only enrolments in this state")


# --- helpers -----------------------------------------------------------------------------------

RELATED = ("person", "session", "session__training", "session__training__organisation")


def _visible(user: User) -> QuerySet[Enrolment]:
    return enrolment_rules.enrolments_visible_to(user).select_related(*RELATED)


def _invalid(error: DjangoValidationError) -> Status:
    detail, errors = validation_errors(error)
    if getattr(error, "code", None) in {"already_enrolled", "transition"}:
        return Status(409, {"detail": detail})
    return Status(422, {"detail": detail, "errors": errors})


def _bad_reference(field: str, message: str) -> Status:
    return Status(422, {"detail": message, "errors": [{"loc": ["body", field], "msg": message}]})


# --- reading -----------------------------------------------------------------------------------


@router.get(
    "",
    response={200: list[EnrolmentOut], 401: Message, 422: InvalidRequest},
    summary="Enrolments you may see: yours, those of the people you follow, your sessions'",
)
@paginate(BoundedLimitOffset)
def list_enrolments(request: HttpRequest, filters: Query[EnrolmentFilter]) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    enrolments = _visible(user)
    if filters.session is not None:
        enrolments = enrolments.filter(session_id=filters.session)
    if filters.state is not None:
        enrolments = enrolments.filter(state=filters.state)
    return enrolments.order_by("-requested_at", "-pk")


@router.get(
    "/{enrolment_id}",
    response={200: EnrolmentDetailOut, 401: Message, 404: Message, 422: InvalidRequest},
    summary="An enrolment and its history",
)
def get_enrolment(request: HttpRequest, enrolment_id: EnrolmentId) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    enrolment = _visible(user).filter(pk=enrolment_id).first()
    if enrolment is None:
        return Status(404, {"detail": _("No enrolment has this number.")})
    return enrolment


# --- writing -----------------------------------------------------------------------------------


@router.post(
    "",
    response={
        201: EnrolmentDetailOut,
        401: Message,
        403: Message,
        409: Message,
        422: InvalidRequest,
    },
    summary="Apply for a session, for yourself or for someone you follow",
)
def apply(request: HttpRequest, payload: EnrolmentIn) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    session = (
        Session.objects.select_related("training", "training__organisation")
        .filter(pk=payload.session)
        .first()
    )
    if session is None or not can_view_session(user, session):
        return _bad_reference("session", _("No session has this number."))
    if payload.person is None:
        person = Person.objects.filter(user=user).first()
        if person is None:
            return _bad_reference(
                "person", _("You have no learner record: say whom you apply for.")
            )
    else:
        person = Person.objects.filter(pk=payload.person).first()
        if person is None or not can_view_person(user, person):
            return _bad_reference("person", _("No person has this number."))
    action = actions.enrol_person if payload.direct else actions.apply_for_session
    try:
        enrolment = action(session=session, person=person, by=user, note=payload.note)
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    except DjangoValidationError as error:
        return _invalid(error)
    except IntegrityError:
        return Status(409, {"detail": _("This person is already enrolled in this session.")})
    return Status(201, _visible(user).get(pk=enrolment.pk))


@router.post(
    "/{enrolment_id}/transitions",
    response={
        200: EnrolmentDetailOut,
        401: Message,
        403: Message,
        404: Message,
        409: Message,
        422: InvalidRequest,
    },
    summary="Move an enrolment: accept, waitlist, refuse, start, complete, drop or withdraw",
    description=(
        "Accepting when no seat is left puts the enrolment on the waiting list (the answer "
        "says so in `state`). Refusing needs a reason."
    ),
)
def move_enrolment(request: HttpRequest, enrolment_id: EnrolmentId, payload: TransitionIn) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    enrolment = _visible(user).filter(pk=enrolment_id).first()
    if enrolment is None:
        return Status(404, {"detail": _("No enrolment has this number.")})
    reason = payload.reason
    try:
        match payload.target:
            case E.ACCEPTED:
                actions.accept_enrolment(enrolment=enrolment, by=user, reason=reason)
            case E.WAITLISTED:
                actions.waitlist_enrolment(enrolment=enrolment, by=user, reason=reason)
            case E.REFUSED:
                actions.refuse_enrolment(enrolment=enrolment, by=user, reason=reason)
            case E.IN_TRAINING:
                actions.start_training(enrolment=enrolment, by=user)
            case E.COMPLETED:
                actions.complete_enrolment(enrolment=enrolment, by=user, reason=reason)
            case E.DROPPED:
                actions.drop_enrolment(enrolment=enrolment, by=user, reason=reason)
            case E.WITHDRAWN:
                actions.withdraw_enrolment(enrolment=enrolment, by=user, reason=reason)
            case _:
                return Status(409, {"detail": _("An enrolment cannot go back to being requested.")})
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    except DjangoValidationError as error:
        return _invalid(error)
    return _visible(user).get(pk=enrolment.pk)

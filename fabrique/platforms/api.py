"""API of technical platforms (``/api/v1/platforms``): the network-wide free-slot search, and
bookings (create, list, move). The same actions and permissions as the pages: a booking
without the required authorisation, in the past, outside the opening hours, over a closure
or on equipment out of order answers 422 with the reason; over another booking, 409.
"""

import datetime as dt
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from fabrique.accounts.models import User
from fabrique.api.pagination import BoundedLimitOffset
from fabrique.api.types import Text
from fabrique.engine import geo
from fabrique.platforms import actions, queries, rules
from fabrique.platforms.enums import BookingState, EquipmentCategory, UserCategory
from fabrique.platforms.models import Booking, Equipment, InnovationProject

router = Router(tags=["platforms"])

MAX_ID = 2_000_000_000
BookingId = Annotated[int, Path(..., ge=1, le=MAX_ID)]
B = BookingState
YEARS = (2000, 2100)


class Message(Schema):
    detail: str


class InvalidRequest(Schema):
    detail: str
    code: str | None = None
    errors: list[dict[str, Any]] | None = None


class SlotOut(Schema):
    start: dt.datetime = Field(description="In the platform's time zone")
    end: dt.datetime = Field(description="In the platform's time zone")


class EquipmentMatchOut(Schema):
    id: int
    name: str
    category: EquipmentCategory
    platform: str
    owner: str
    distance_km: float | None = None
    requires_authorisation: bool
    shared: bool
    free: list[SlotOut]


class SearchFilter(Schema):
    start: dt.datetime = Field(..., description="Start of the window (with its time zone)")
    end: dt.datetime = Field(..., description="End of the window (at most 62 days later)")
    hours: float = Field(1.0, gt=0, le=240, description="Length of the free slot wanted")
    category: EquipmentCategory | None = None
    text: str = Field("", max_length=100, description="Words of the name or capabilities")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    radius_km: float = Field(50.0, gt=0, le=1000)
    shared_only: bool = False
    limit: int = Field(50, ge=1, le=200)


class BookingOut(Schema):
    id: int
    equipment: int
    equipment_name: str
    user: int
    start: dt.datetime
    end: dt.datetime
    state: BookingState
    project: str
    innovation_project: int | None
    user_category: UserCategory

    @staticmethod
    def resolve_equipment(booking: Booking) -> int:
        return booking.equipment_id

    @staticmethod
    def resolve_equipment_name(booking: Booking) -> str:
        return booking.equipment.name

    @staticmethod
    def resolve_user(booking: Booking) -> int:
        return booking.user_id

    @staticmethod
    def resolve_innovation_project(booking: Booking) -> int | None:
        return booking.innovation_project_id


class BookingIn(Schema):
    equipment: int = Field(..., ge=1, le=MAX_ID)
    start: dt.datetime = Field(..., description="With its time zone")
    end: dt.datetime = Field(..., description="With its time zone")
    project: Text = Field("", max_length=200)
    innovation_project: int | None = Field(
        None, ge=1, le=MAX_ID, description="An innovation project whose team you are in"
    )
    note: Text = Field("", max_length=2000)
    user_category: UserCategory = UserCategory.COMPANY
    for_user: int | None = Field(
        None, ge=1, le=MAX_ID, description="Platform staff: the account booked for"
    )
    confirm: bool = Field(False, description="Platform staff: confirm at once")


class TransitionIn(Schema):
    target: BookingState
    reason: Text = Field("", max_length=2000)


def _invalid(error: DjangoValidationError) -> Status:
    detail = " ".join(error.messages)
    code = getattr(error, "code", None)
    if code in {"conflict", "transition"}:
        return Status(409, {"detail": detail})
    return Status(422, {"detail": detail, "code": code, "errors": [{"msg": detail}]})


@router.get(
    "/equipment/search",
    response={200: list[EquipmentMatchOut], 401: Message, 422: InvalidRequest},
    summary="Equipment of the whole network with free time in a window",
)
def search_equipment(request: HttpRequest, filters: Query[SearchFilter]) -> Any:
    if filters.start.tzinfo is None or filters.end.tzinfo is None:
        return Status(422, {"detail": _("Give the start and end with their time zone.")})
    if not (
        YEARS[0] <= filters.start.year <= YEARS[1] and YEARS[0] <= filters.end.year <= YEARS[1]
    ):
        return Status(422, {"detail": _("Search between the years 2000 and 2100.")})
    centre = None
    if filters.latitude is not None and filters.longitude is not None:
        centre = geo.Point(filters.latitude, filters.longitude)
    matches = queries.search_free_slots(
        queries.Search(
            start=filters.start,
            end=filters.end,
            duration=dt.timedelta(hours=filters.hours),
            category=filters.category or "",
            text=filters.text,
            centre=centre,
            radius_km=filters.radius_km,
            shared_only=filters.shared_only,
            limit=filters.limit,
        )
    )
    return [
        {
            "id": match.equipment.pk,
            "name": match.equipment.name,
            "category": match.equipment.category,
            "platform": match.equipment.platform.name,
            "owner": match.equipment.platform.owner.name,
            "distance_km": match.distance_km,
            "requires_authorisation": match.equipment.requires_authorisation,
            "shared": match.equipment.shared,
            "free": [
                {
                    "start": slot.start.astimezone(ZoneInfo(match.equipment.platform.time_zone)),
                    "end": slot.end.astimezone(ZoneInfo(match.equipment.platform.time_zone)),
                }
                for slot in match.free[:20]
            ],
        }
        for match in matches
    ]


def _visible(user: User) -> Any:
    return rules.bookings_visible_to(user).select_related("equipment")


@router.get(
    "/bookings",
    response={200: list[BookingOut], 401: Message, 422: InvalidRequest},
    summary="Bookings you may see: yours, and your platforms'",
)
@paginate(BoundedLimitOffset)
def list_bookings(request: HttpRequest) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    return _visible(user).order_by("-start", "-pk")


@router.post(
    "/bookings",
    response={201: BookingOut, 401: Message, 403: Message, 409: Message, 422: InvalidRequest},
    summary="Book equipment (for yourself, or for someone else as platform staff)",
)
def create_booking(request: HttpRequest, payload: BookingIn) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    equipment = Equipment.objects.select_related("platform").filter(pk=payload.equipment).first()
    if equipment is None:
        return Status(422, {"detail": _("No equipment has this number.")})
    target = user
    if payload.for_user is not None and payload.for_user != user.pk:
        if not rules.can_book_for_others(user, equipment):
            return Status(403, {"detail": _("Only the platform's staff book for someone else.")})
        found = User.objects.filter(pk=payload.for_user, is_active=True).first()
        if found is None:
            return Status(422, {"detail": _("No account has this number.")})
        target = found
    project = None
    if payload.innovation_project is not None:
        project = InnovationProject.objects.filter(pk=payload.innovation_project).first()
        if project is None or not rules.can_view_project(user, project):
            return Status(422, {"detail": _("No innovation project of yours has this number.")})
    try:
        booking = actions.book_equipment(
            equipment=equipment,
            start=payload.start,
            end=payload.end,
            by=user,
            user=target,
            project=payload.project,
            innovation_project=project,
            note=payload.note,
            user_category=payload.user_category,
            confirm=payload.confirm,
        )
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    except DjangoValidationError as error:
        return _invalid(error)
    return Status(201, _visible(user).get(pk=booking.pk))


@router.post(
    "/bookings/{booking_id}/transitions",
    response={
        200: BookingOut,
        401: Message,
        403: Message,
        404: Message,
        409: Message,
        422: InvalidRequest,
    },
    summary="Confirm, cancel, or close a booking (done or no-show)",
)
def move_booking(request: HttpRequest, booking_id: BookingId, payload: TransitionIn) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    booking = _visible(user).select_related("equipment__platform").filter(pk=booking_id).first()
    if booking is None:
        return Status(404, {"detail": _("No booking has this number.")})
    try:
        match payload.target:
            case B.CONFIRMED:
                actions.confirm_booking(booking=booking, by=user)
            case B.CANCELLED:
                actions.cancel_booking(booking=booking, by=user, reason=payload.reason)
            case B.DONE:
                actions.close_booking(booking=booking, by=user, used=True)
            case B.NO_SHOW:
                actions.close_booking(booking=booking, by=user, used=False)
            case _:
                return Status(409, {"detail": _("A booking cannot go back to being requested.")})
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    except DjangoValidationError as error:
        return _invalid(error)
    return _visible(user).get(pk=booking.pk)

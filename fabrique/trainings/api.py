"""REST API of the training catalogue (``/api/v1/trainings``): search trainings and sessions
with the catalogue's filters, and read one of each.

Like the pages, it is public: published trainings answer to anyone; with a token (or a
browser session) the members of an organisation also read its unpublished trainings.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from fabrique.api.pagination import BoundedLimitOffset
from fabrique.api.types import Text
from fabrique.engine.geo import Point
from fabrique.referentials.queries import MAX_QUERY_LENGTH
from fabrique.referentials.urls import detail_url
from fabrique.trainings import queries, rules
from fabrique.trainings.enums import Audience, Funding, Modality
from fabrique.trainings.models import Session, Training

router = Router(tags=["trainings"])

MAX_ID = 2**63 - 1
Id = Annotated[int, Path(..., ge=1, le=MAX_ID)]


# --- schemas ------------------------------------------------------------------------------------


class Message(Schema):
    detail: str


class InvalidRequest(Schema):
    detail: str
    errors: list[dict[str, Any]] | None = None


class Filters(Schema):
    q: Text = Field("", max_length=MAX_QUERY_LENGTH, description="Free text (trade, skill...)")
    occupation: Text = Field("", max_length=200, description="ROME code or ESCO URI")
    skill: Text = Field("", max_length=200, description="Code of a skill taught")
    place: Text = Field(
        "", max_length=MAX_QUERY_LENGTH, description="Commune: name, postcode or INSEE code"
    )
    latitude: float | None = Field(None, ge=-90, le=90, description="Centre (with longitude)")
    longitude: float | None = Field(None, ge=-180, le=180)
    radius_km: float = Field(queries.DEFAULT_RADIUS_KM, ge=0, le=queries.MAX_RADIUS_KM)
    date_from: dt.date | None = Field(None, description="Sessions starting on or after (today)")
    date_to: dt.date | None = Field(None, description="Sessions starting on or before")
    modality: Modality | None = None
    audience: Audience | None = None
    funding: Funding | None = None
    open_only: bool = Field(False, description="Only sessions open for registration")

    def query(self) -> queries.CatalogueQuery:
        centre = None
        if self.latitude is not None and self.longitude is not None:
            centre = Point(self.latitude, self.longitude)
        return queries.CatalogueQuery(
            text=self.q,
            occupation=self.occupation,
            skill=self.skill,
            place=self.place,
            centre=centre,
            radius_km=self.radius_km,
            date_from=self.date_from,
            date_to=self.date_to,
            modality=self.modality or "",
            audience=self.audience or "",
            funding=self.funding or "",
            open_only=self.open_only,
        )


class OrganisationRef(Schema):
    slug: str
    name: str


class TrainingOut(Schema):
    id: int
    code: str
    title: str
    organisation: OrganisationRef
    modality: str
    hours: int | None
    price: Decimal | None
    published: bool
    url: str

    @staticmethod
    def resolve_url(training: Any) -> str:
        # Details are built as dicts that carry their address; lists are rows.
        if isinstance(training, dict):
            return str(training["url"])
        return str(training.get_absolute_url())


class SessionOut(Schema):
    id: int
    code: str
    action_code: str
    training: TrainingOut
    start: dt.date
    end: dt.date
    timetable: str
    registration_deadline: dt.date | None
    place_name: str
    address: str
    postcode: str
    city: str
    latitude: float | None
    longitude: float | None
    capacity: int | None
    seats_left: int | None
    status: str
    distance_km: float | None = Field(None, description="From the place searched, if any")
    url: str

    @staticmethod
    def resolve_url(session: Session) -> str:
        return session.get_absolute_url()

    @staticmethod
    def resolve_distance_km(session: Session) -> float | None:
        distance = getattr(session, "distance_km", None)
        return round(distance, 2) if distance is not None else None


class Reference(Schema):
    code: str
    label: str
    url: str | None = None


class SessionBrief(Schema):
    id: int
    start: dt.date
    end: dt.date
    city: str
    seats_left: int | None
    status: str
    url: str

    @staticmethod
    def resolve_url(session: Session) -> str:
        return session.get_absolute_url()


class TrainingDetail(TrainingOut):
    objectives: str
    content: str
    expected_results: str
    entry_requirements: str
    level: str
    accessibility: str
    contact_email: str
    contact_phone: str
    web_page: str
    audiences: list[str]
    fundings: list[str]
    certification: Reference | None
    certification_blocs: list[Reference]
    formacodes: list[Reference]
    occupations: list[Reference]
    skills_taught: list[Reference]
    prerequisite_skills: list[Reference]
    sessions: list[SessionBrief]


def _reference(row: Any, label: str, *, linked: bool = True) -> dict[str, Any]:
    return {"code": row.code, "label": label, "url": detail_url(row) if linked else None}


def _training_detail(training: Training) -> dict[str, Any]:
    certification = training.certification
    return {
        **{name: getattr(training, name) for name in TrainingOut.model_fields if name != "url"},
        "url": training.get_absolute_url(),
        **{
            name: getattr(training, name)
            for name in (
                "objectives",
                "content",
                "expected_results",
                "entry_requirements",
                "level",
                "accessibility",
                "contact_email",
                "contact_phone",
            )
        },
        "web_page": training.url,
        "audiences": [row.audience for row in training.audiences.all()],
        "fundings": [row.funding for row in training.fundings.all()],
        "certification": _reference(certification, certification.title) if certification else None,
        "certification_blocs": [
            _reference(bloc, bloc.label, linked=False)
            for bloc in training.certification_blocs.all()
        ],
        "formacodes": [_reference(f, f.label, linked=False) for f in training.formacodes.all()],
        "occupations": [_reference(o, o.label) for o in training.occupations.all()],
        "skills_taught": [_reference(s, s.label) for s in training.skills_taught.all()],
        "prerequisite_skills": [_reference(s, s.label) for s in training.prerequisite_skills.all()],
        "sessions": list(training.sessions.all()),
    }


def _caller(request: HttpRequest) -> Any:
    """The user a token names, else the browser session's (possibly anonymous) user."""
    if request.headers.get("Authorization", "").startswith("Bearer "):
        from fabrique.api.root import TokenAuth

        user = TokenAuth()(request)
        if user:
            return user
    return request.user


# --- operations ---------------------------------------------------------------------------------


@router.get(
    "/sessions",
    response={200: list[SessionOut], 422: InvalidRequest},
    auth=None,
    summary="Search sessions",
)
@paginate(BoundedLimitOffset)
def list_sessions(request: HttpRequest, filters: Query[Filters]) -> Any:
    """Sessions matching the filters, earliest first (from today unless ``date_from``)."""
    return queries.search_sessions(filters.query(), user=_caller(request)).sessions


@router.get(
    "/sessions/{pk}",
    response={200: SessionOut, 404: Message, 422: InvalidRequest},
    auth=None,
    summary="A session",
)
def get_session(request: HttpRequest, pk: Id) -> Any:
    session = (
        Session.objects.select_related("training", "training__organisation").filter(pk=pk).first()
    )
    if session is None or not rules.can_view_session(_caller(request), session):
        return Status(404, {"detail": _("No session has this number.")})
    return session


@router.get(
    "/trainings",
    response={200: list[TrainingOut], 422: InvalidRequest},
    auth=None,
    summary="Search trainings",
)
@paginate(BoundedLimitOffset)
def list_trainings(request: HttpRequest, filters: Query[Filters]) -> Any:
    """Trainings matching the filters, by title; filters on sessions (place, dates, open
    seats) keep the trainings that have at least one such session."""
    return queries.search_trainings(filters.query(), user=_caller(request))


@router.get(
    "/trainings/{pk}",
    response={200: TrainingDetail, 404: Message, 422: InvalidRequest},
    auth=None,
    summary="A training and its sessions",
)
def get_training(request: HttpRequest, pk: Id) -> Any:
    training = Training.objects.select_related("organisation").filter(pk=pk).first()
    user = _caller(request)
    if training is None or not rules.can_view_training(user, training):
        return Status(404, {"detail": _("No training has this number.")})
    return _training_detail(queries.training_page(training, user=user))

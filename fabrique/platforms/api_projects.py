"""API of innovation projects (``/api/v1/platforms/projects``): list and read the projects you
may see, start one, move it to another stage, record its outcomes.

The same actions (``platforms.projects``) and permissions (``platforms.rules``) as the pages: a
project you may not see answers 404, a write you may not make 403 with the reason, invalid
input 422 naming the field.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate

from fabrique.accounts.models import Organisation, User
from fabrique.api.errors import validation_errors
from fabrique.api.pagination import BoundedLimitOffset
from fabrique.api.types import Text
from fabrique.platforms import projects, rules
from fabrique.platforms.enums import HolderKind, OutcomeKind, ProjectStage, TeamRole
from fabrique.platforms.models import InnovationProject, TechnicalPlatform

router = Router(tags=["innovation projects"])

MAX_ID = 2_000_000_000
ProjectId = Annotated[int, Path(..., ge=1, le=MAX_ID)]
DAYS = Field(..., ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))


class Message(Schema):
    detail: str


class InvalidRequest(Schema):
    detail: str
    errors: list[dict[str, Any]] | None = None


class ProjectOut(Schema):
    id: int
    name: str
    slug: str
    holder_kind: HolderKind
    holder_organisation: int | None
    holder: str = Field(description="The holder organisation's name, or the team's")
    platform: int | None
    summary: str
    stage: ProjectStage
    showcase: bool = Field(description="Whether the public showcase page is allowed")

    @staticmethod
    def resolve_holder_organisation(project: InnovationProject) -> int | None:
        return project.holder_organisation_id

    @staticmethod
    def resolve_holder(project: InnovationProject) -> str:
        if project.holder_organisation is not None:
            return str(project.holder_organisation)
        return project.holder_name

    @staticmethod
    def resolve_platform(project: InnovationProject) -> int | None:
        return project.platform_id


class StageOut(Schema):
    stage: ProjectStage
    started_on: dt.date
    ended_on: dt.date | None
    note: str


class MilestoneOut(Schema):
    id: int
    title: str
    stage: str
    due_on: dt.date | None
    done_on: dt.date | None


class MemberOut(Schema):
    user: int
    role: TeamRole

    @staticmethod
    def resolve_user(member: Any) -> int:
        return int(member.user_id)


class OutcomeOut(Schema):
    id: int
    kind: OutcomeKind
    value: Decimal
    on: dt.date
    note: str


class ProjectDetailOut(ProjectOut):
    description: str
    stages: list[StageOut]
    milestones: list[MilestoneOut]
    team: list[MemberOut]
    outcomes: list[OutcomeOut]

    @staticmethod
    def resolve_stages(project: InnovationProject) -> list[Any]:
        return list(project.stages.order_by("started_on", "pk"))

    @staticmethod
    def resolve_milestones(project: InnovationProject) -> list[Any]:
        return list(project.milestones.all())

    @staticmethod
    def resolve_team(project: InnovationProject) -> list[Any]:
        return list(project.team.order_by("pk"))

    @staticmethod
    def resolve_outcomes(project: InnovationProject) -> list[Any]:
        return list(project.outcomes.all())


class ProjectIn(Schema):
    name: Text = Field(..., max_length=200)
    holder_kind: HolderKind
    summary: Text = Field(..., max_length=300)
    holder_organisation: int | None = Field(
        None, ge=1, le=MAX_ID, description="An organisation you belong to"
    )
    holder_name: Text = Field(
        "", max_length=200, description="Without an organisation: the team's name"
    )
    platform: int | None = Field(None, ge=1, le=MAX_ID, description="The host platform")
    description: Text = Field("", max_length=projects.TEXT_MAX_LENGTH)
    stage: ProjectStage = ProjectStage.IDEA
    started_on: dt.date | None = Field(
        None, ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31), description="Default: today"
    )


class StageIn(Schema):
    stage: ProjectStage
    on: dt.date = DAYS
    note: Text = Field("", max_length=projects.TEXT_MAX_LENGTH)


class OutcomeIn(Schema):
    kind: OutcomeKind
    value: Decimal = Field(..., gt=0, le=projects.MAX_OUTCOME, max_digits=12, decimal_places=2)
    on: dt.date = DAYS
    note: Text = Field("", max_length=300)


def _invalid(error: DjangoValidationError) -> Status:
    detail, errors = validation_errors(error)
    return Status(422, {"detail": detail, "errors": errors})


def _visible(user: User) -> Any:
    return rules.projects_visible_to(user).select_related("holder_organisation").distinct()


def _project(user: User, project_id: int) -> InnovationProject | None:
    found: InnovationProject | None = _visible(user).filter(pk=project_id).first()
    return found


def _act(user: User, project_id: int, write: Any) -> Any:
    """Run ``write`` on the project if ``user`` may see it; answer as the API does."""
    project = _project(user, project_id)
    if project is None:
        return Status(404, {"detail": _("No innovation project of yours has this number.")})
    try:
        result = write(project)
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    except DjangoValidationError as error:
        return _invalid(error)
    return Status(201, result)


@router.get(
    "",
    response={200: list[ProjectOut], 401: Message, 422: InvalidRequest},
    summary="Innovation projects you may see: your teams', your organisations', your platforms'",
)
@paginate(BoundedLimitOffset)
def list_projects(request: HttpRequest) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    return _visible(user).order_by("name", "pk")


@router.get(
    "/{project_id}",
    response={200: ProjectDetailOut, 401: Message, 404: Message, 422: InvalidRequest},
    summary="An innovation project with its stages, milestones, team and outcomes",
)
def get_project(request: HttpRequest, project_id: ProjectId) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    project = _project(user, project_id)
    if project is None:
        return Status(404, {"detail": _("No innovation project of yours has this number.")})
    return project


@router.post(
    "",
    response={201: ProjectDetailOut, 401: Message, 403: Message, 422: InvalidRequest},
    summary="Start an innovation project (you join its team as a holder)",
)
def create_project(request: HttpRequest, payload: ProjectIn) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    organisation = None
    if payload.holder_organisation is not None:
        organisation = Organisation.objects.filter(pk=payload.holder_organisation).first()
        if organisation is None:
            return Status(422, {"detail": _("No organisation has this number.")})
    platform = None
    if payload.platform is not None:
        platform = TechnicalPlatform.objects.filter(pk=payload.platform).first()
        if platform is None:
            return Status(422, {"detail": _("No platform has this number.")})
    try:
        project = projects.create_project(
            by=user,
            name=payload.name,
            holder_kind=payload.holder_kind,
            summary=payload.summary,
            holder_organisation=organisation,
            holder_name=payload.holder_name,
            platform=platform,
            description=payload.description,
            stage=payload.stage,
            started_on=payload.started_on,
        )
    except PermissionDenied as error:
        return Status(403, {"detail": str(error)})
    except DjangoValidationError as error:
        return _invalid(error)
    return Status(201, project)


@router.post(
    "/{project_id}/stages",
    response={201: StageOut, 401: Message, 403: Message, 404: Message, 422: InvalidRequest},
    summary="Move the project to a stage on a day (the current stage ends that day)",
)
def move_stage(request: HttpRequest, project_id: ProjectId, payload: StageIn) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    return _act(
        user,
        project_id,
        lambda project: projects.move_stage(
            project=project, by=user, stage=payload.stage, on=payload.on, note=payload.note
        ),
    )


@router.post(
    "/{project_id}/outcomes",
    response={201: OutcomeOut, 401: Message, 403: Message, 404: Message, 422: InvalidRequest},
    summary="Record jobs created, investment raised (€) or products launched, on a day",
)
def record_outcome(request: HttpRequest, project_id: ProjectId, payload: OutcomeIn) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    return _act(
        user,
        project_id,
        lambda project: projects.record_outcome(
            project=project,
            by=user,
            kind=payload.kind,
            value=payload.value,
            on=payload.on,
            note=payload.note,
        ),
    )

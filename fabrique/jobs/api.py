"""``/api/v1/jobs``: the caller's background jobs (every job for a platform admin)."""

from datetime import datetime

from django.http import HttpRequest
from django.tasks import TaskResultStatus
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination, paginate

from fabrique.jobs import rules
from fabrique.jobs.models import JobProgress

router = Router(tags=["jobs"])

MAX_LIMIT = 200
MAX_OFFSET = 2**31 - 1  # beyond, SQLite cannot take it (a 500 rather than a 422)


class JobPagination(LimitOffsetPagination):
    """``limit`` and ``offset``, both bounded so that any value is a valid query."""

    class Input(Schema):
        limit: int = Field(ninja_settings.PAGINATION_PER_PAGE, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


class JobOut(Schema):
    id: str
    label: str
    task: str
    status: TaskResultStatus
    done: int
    total: int | None
    percent: int | None
    message: str
    error: str
    owner: int | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    url: str

    @staticmethod
    def resolve_task(job: JobProgress) -> str:
        return job.task_path

    @staticmethod
    def resolve_owner(job: JobProgress) -> int | None:
        return job.owner_id

    @staticmethod
    def resolve_url(job: JobProgress) -> str:
        return job.get_absolute_url()


class ErrorOut(Schema):
    detail: str


@router.get("", response=list[JobOut], summary="List my jobs")
@paginate(JobPagination)
def list_jobs(request: HttpRequest):  # type: ignore[no-untyped-def]
    """The jobs the caller launched (every job for a platform admin), newest first."""
    return JobProgress.objects.visible_to(request.user)


@router.get("/{job_id}", response={200: JobOut, 404: ErrorOut}, summary="One job")
def get_job(request: HttpRequest, job_id: str):  # type: ignore[no-untyped-def]
    """A job's status and progress; 404 for a job that is not the caller's."""
    job = JobProgress.objects.filter(pk=job_id).first()
    if job is None or not rules.can_view_job(request.user, job):
        return Status(404, {"detail": _("No such job.")})
    return job

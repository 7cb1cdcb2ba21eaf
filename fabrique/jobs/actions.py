"""Writes of the jobs app: launching a job."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.tasks import Task

from fabrique.jobs.models import JobProgress

if TYPE_CHECKING:
    from fabrique.accounts.models import User


@transaction.atomic
def enqueue_job(
    *,
    task: Task,
    label: str,
    by: User | None,
    args: Sequence[Any] = (),
    kwargs: Mapping[str, Any] | None = None,
) -> JobProgress:
    """Queue ``task(*args, **kwargs)`` and the record people follow it by.

    ``label`` is the job's title on pages and in the terminal; ``by`` is who launched it (who
    sees it, and to whom its writes are attributed), None for the system. Arguments must be
    JSON-serialisable. For another queue, priority or start time, pass
    ``task.using(queue_name=..., priority=..., run_after=...)``.

    The task row and the job row are written in one transaction, so no worker can start the
    task before its record exists.
    """
    result = task.enqueue(*args, **dict(kwargs or {}))
    # Usually new; the immediate backend has already run the task and made the record.
    job = JobProgress.objects.filter(pk=result.id).first()
    if job is None:
        job = JobProgress(id=str(result.id), task_path=task.module_path, status=result.status)
    job.label = str(label)
    job.owner = by
    job.full_clean(validate_unique=False)
    job.save(force_insert=job._state.adding)
    return job

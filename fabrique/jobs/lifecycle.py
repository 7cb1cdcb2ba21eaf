"""Keeps each job's record in step with its task, whatever runs the task.

django.tasks sends ``task_started`` just before a task runs and ``task_finished`` just after
(from inside the exception handler when it failed), in the process and thread that run it:
the ``fabrique worker``, Django's ``db_worker``, or the immediate backend. On start, the job's
record is marked running (created if the task was enqueued without ``enqueue_job``), its
progress reporter becomes current (``fabrique.jobs.progress``) and the writes of the task are
attributed to whoever launched it (``acting_as(owner, source="worker")``). On finish, one UPDATE
writes the progress not written yet, the status, the finishing time and, for a failure,
"ExceptionClass: message".

These receivers never raise: a bookkeeping problem is logged and must not fail (or, for the
database worker, re-run the failure path of) the job itself.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import sys
from dataclasses import dataclass
from typing import Any

from django.tasks import TaskResult, TaskResultStatus
from django.tasks.signals import task_finished, task_started
from django.utils import timezone

from fabrique.core import audit
from fabrique.jobs import progress
from fabrique.jobs.models import JobProgress

logger = logging.getLogger(__name__)

ERROR_MAX = 4000


@dataclass
class _Run:
    reporter_token: contextvars.Token[progress.JobReporter | None]
    actor_token: contextvars.Token[audit.Actor | None] | None


_runs: dict[str, _Run] = {}


def describe_exception(exc: BaseException) -> str:
    """``"ValueError: the file has no header"``: what a page shows of a failure."""
    text = str(exc).strip()
    name = type(exc).__qualname__
    return (f"{name}: {text}" if text else name)[:ERROR_MAX]


def error_from_traceback(traceback: str, exception_class_path: str = "") -> str:
    """The last line of a formatted traceback ("module.Class: message"), as a fallback."""
    lines = [line for line in traceback.strip().splitlines() if line.strip()]
    return (lines[-1].strip() if lines else exception_class_path)[:ERROR_MAX]


def _mark_running(task_result: TaskResult) -> JobProgress:
    now = timezone.now()
    job = JobProgress.objects.select_related("owner").filter(pk=task_result.id).first()
    fields = {
        "status": TaskResultStatus.RUNNING,
        "started_at": task_result.started_at or now,
        "finished_at": None,
        "error": "",
        "done": 0,
        "total": None,
        "message": "",
        "updated_at": now,
    }
    if job is None:
        task = task_result.task
        job = JobProgress(id=task_result.id, label=task.name, task_path=task.module_path, **fields)
        job.save(force_insert=True)
    else:
        for name, value in fields.items():
            setattr(job, name, value)
        job.save(update_fields=list(fields))
    return job


def _mark_finished(
    task_result: TaskResult, exc: BaseException | None, last_progress: dict[str, Any]
) -> None:
    now = timezone.now()
    error = ""
    if task_result.status == TaskResultStatus.FAILED:
        if exc is not None:
            error = describe_exception(exc)
        elif task_result.errors:
            last = task_result.errors[-1]
            error = error_from_traceback(last.traceback, last.exception_class_path)
    JobProgress.objects.filter(pk=task_result.id).update(
        status=task_result.status,
        finished_at=task_result.finished_at or now,
        error=error,
        updated_at=now,
        **last_progress,
    )


def job_started(sender: Any, task_result: TaskResult, **kwargs: Any) -> None:
    owner = None
    try:
        owner = _mark_running(task_result).owner
    except Exception:
        logger.exception("Could not mark job %s as running.", task_result.id)
    reporter_token = progress.activate(progress.JobReporter(task_result.id))
    actor_token = None
    # A job enqueued by someone runs on their behalf; a job of the system keeps the
    # caller's actor if there is one (the immediate backend runs inside the request).
    if owner is not None or audit.current_actor() is None:
        actor_token = audit.set_actor(owner, source="worker")
    _runs[task_result.id] = _Run(reporter_token=reporter_token, actor_token=actor_token)


def job_finished(sender: Any, task_result: TaskResult, **kwargs: Any) -> None:
    exc = sys.exc_info()[1]  # sent from inside the exception handler when the task failed
    run = _runs.pop(task_result.id, None)
    last_progress: dict[str, Any] = {}
    if run is not None:
        try:
            last_progress = progress.deactivate(run.reporter_token)
        except Exception:
            logger.exception("Could not close the progress of job %s.", task_result.id)
        if run.actor_token is not None:
            with contextlib.suppress(ValueError):
                audit.reset_actor(run.actor_token)
    try:
        _mark_finished(task_result, exc, last_progress)
    except Exception:
        logger.exception("Could not record the end of job %s.", task_result.id)


def reconcile(
    *, job_id: str, status: str, finished_at: Any, traceback: str, exception_class_path: str
) -> int:
    """Copy a finished task's status if the signals could not (e.g. its code is gone)."""
    if status not in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED):
        return 0
    error = (
        error_from_traceback(traceback, exception_class_path)
        if status == TaskResultStatus.FAILED
        else ""
    )
    return (
        JobProgress.objects.filter(pk=job_id)
        .exclude(status=status)
        .update(
            status=status,
            finished_at=finished_at or timezone.now(),
            error=error,
            updated_at=timezone.now(),
        )
    )


def connect() -> None:
    task_started.connect(job_started, dispatch_uid="fabrique_jobs_started")
    task_finished.connect(job_finished, dispatch_uid="fabrique_jobs_finished")

"""How a running task reports its progress.

Inside any task (no ``takes_context`` needed), at any depth of the code it calls::

    from fabrique.jobs.progress import report

    @task
    def rebuild_index() -> int:
        for done, item in enumerate(items, start=1):
            ...
            report(done, len(items), "Indexing occupations")

Code written against ``fabrique.core.progress.ProgressCallback`` (the importers) gets a
callback bound to the current job::

    from fabrique.jobs.progress import progress_callback

    importer.runner(paths, wet_run=True, progress=progress_callback(), options={})

**Finding the current job.** When a task starts, ``fabrique.jobs.lifecycle`` (a receiver of
django.tasks' ``task_started`` and ``task_finished`` signals, so it works whatever runs the
task) puts a ``JobReporter`` for the task result id into a context variable, and takes it out
when the task ends. ``report()``, ``progress_callback()`` and ``current_job_id()`` read it.
Outside a job they do nothing (``current_job_id()`` is None), so the same code runs from a
terminal command. To report into another job, build ``JobReporter(job_id)``.

**Cheap writes.** A reporter writes at most once every ``MIN_INTERVAL`` seconds (two a
second), keeps the latest value in memory in between, and always writes the final value
(``done >= total``) and whatever is pending when the task ends. A write is one UPDATE of one
row (``done``, ``total``, ``message``, ``updated_at``).

**Not rolled back with the task.** A task may report from inside its own
``transaction.atomic()`` (imports write in one transaction). Its progress must be seen before
that transaction commits, and must stay when it rolls back. So:

- outside a transaction, the reporter writes on the task's own connection, in autocommit;
- inside one, on PostgreSQL (or any database with concurrent writers), it writes through a
  connection of its own, held by a helper thread, in autocommit with a short lock timeout;
- inside one, on SQLite, it keeps the value in memory: SQLite has a single writer, and the
  task's transaction holds the write lock (``BEGIN IMMEDIATE``) until it ends, so a second
  connection would wait for the very task that waits for it (the web process reads the file
  meanwhile, thanks to WAL). The value is written as soon as the task reports again outside
  its transaction, and at the latest with the job's final status when the task ends. On
  SQLite, a job that works in one long transaction therefore jumps from its last report
  before the transaction to its final state; on PostgreSQL, its bar moves all along.

A progress write that fails is logged and dropped: reporting never fails a job.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils import timezone

from fabrique.core.progress import ProgressCallback, no_progress

logger = logging.getLogger(__name__)

MIN_INTERVAL = 0.5  # seconds between two writes of the same job's progress
LOCK_TIMEOUT = "2s"  # how long a write on the side connection may wait for a row lock
MESSAGE_MAX = 300  # JobProgress.message max_length

_current: contextvars.ContextVar[JobReporter | None] = contextvars.ContextVar(
    "fabrique_current_job", default=None
)


class JobReporter:
    """A ``ProgressCallback`` that stores ``(done, total, message)`` on one job, throttled."""

    def __init__(
        self, job_id: str, *, interval: float = MIN_INTERVAL, using: str = DEFAULT_DB_ALIAS
    ) -> None:
        self.job_id = str(job_id)
        self.interval = interval
        self.using = using
        self._pending: dict[str, Any] | None = None
        self._last_write: float | None = None

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        done = max(0, int(done))
        total = None if total is None else max(0, int(total))
        self._pending = {"done": done, "total": total, "message": str(message)[:MESSAGE_MAX]}
        final = total is not None and done >= total
        due = self._last_write is None or time.monotonic() - self._last_write >= self.interval
        if final or due:
            self.flush()

    def take_pending(self) -> dict[str, Any]:
        """The reported value not written yet (``done``, ``total``, ``message``), forgotten."""
        pending, self._pending = self._pending, None
        return pending or {}

    def flush(self) -> None:
        """Write the pending value now, unless only the task's own transaction could."""
        if self._pending is None:
            return
        connection = connections[self.using]
        in_transaction = connection.in_atomic_block or not connection.get_autocommit()
        if in_transaction and connection.vendor == "sqlite":
            return  # the task holds SQLite's write lock: keep the value for later
        values = {**self._pending, "updated_at": timezone.now()}
        self._last_write = time.monotonic()
        try:
            if not in_transaction:
                _update(self.job_id, values, using=self.using)
            elif not _side_writer.update(self.job_id, values, using=self.using):
                # The job's row is not visible from outside this transaction: it was made in
                # it (the immediate backend runs the task inside enqueue_job's transaction).
                return
        except DatabaseError:
            logger.warning("Could not store the progress of job %s.", self.job_id, exc_info=True)
        self._pending = None


def _update(job_id: str, values: dict[str, Any], *, using: str) -> int:
    from fabrique.jobs.models import JobProgress

    return JobProgress.objects.using(using).filter(pk=job_id).update(**values)


class _SideWriter:
    """Writes through a connection of its own: Django's connections belong to a thread, so
    one helper thread holds it. Used only while the task's connection is in a transaction."""

    def __init__(self) -> None:
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._used: set[str] = set()

    def _get_executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=1, thread_name_prefix="job-progress"
                )
            return self._executor

    def update(self, job_id: str, values: dict[str, Any], *, using: str) -> int:
        """Update the job's row; how many rows were updated (0 or 1)."""
        self._used.add(using)
        return self._get_executor().submit(self._write, job_id, values, using).result()

    @staticmethod
    def _write(job_id: str, values: dict[str, Any], using: str) -> int:
        connection = connections[using]
        try:
            with transaction.atomic(using=using):
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
                return _update(job_id, values, using=using)
        except DatabaseError:
            connection.close()  # a broken connection is opened afresh next time
            raise

    def close(self) -> None:
        """Close the side connections, if any were opened (at the end of each job)."""
        if self._executor is None or not self._used:
            return
        aliases, self._used = set(self._used), set()
        self._executor.submit(lambda: [connections[alias].close() for alias in aliases]).result()


_side_writer = _SideWriter()


def activate(reporter: JobReporter) -> contextvars.Token[JobReporter | None]:
    """Make ``reporter`` the current job's (``fabrique.jobs.lifecycle`` does it)."""
    return _current.set(reporter)


def deactivate(token: contextvars.Token[JobReporter | None]) -> dict[str, Any]:
    """Forget the current job and close the side connection. Returns the progress not
    written yet, which the caller writes with the job's final status, in the same UPDATE."""
    reporter = _current.get()
    try:
        return reporter.take_pending() if reporter is not None else {}
    finally:
        _current.reset(token)
        _side_writer.close()


def current_reporter() -> JobReporter | None:
    return _current.get()


def current_job_id() -> str | None:
    """The task result id of the job running in this context, None outside a job."""
    reporter = _current.get()
    return reporter.job_id if reporter is not None else None


def report(done: int, total: int | None = None, message: str = "") -> None:
    """Report the current job's progress (``done`` of ``total``, a short message)."""
    reporter = _current.get()
    if reporter is not None:
        reporter(done, total, message)


def progress_callback() -> ProgressCallback:
    """A ``ProgressCallback`` into the current job (one that does nothing outside a job)."""
    return _current.get() or no_progress

"""``fabrique worker``: run background jobs from the database queue.

Built on django-tasks-db's worker (``db_worker``): workers claim one task at a time with
``SELECT ... FOR UPDATE SKIP LOCKED`` (an exclusive transaction on SQLite), so any number of
them, on any number of machines sharing one PostgreSQL, run each task once. What Fabrique adds
(the job's status, progress, error, and the attribution of its writes to whoever launched it)
comes from ``fabrique.jobs.lifecycle``; this worker also makes sure a job whose task could not
even be loaded is shown as failed.

    fabrique worker                   # run jobs of the "default" queue until stopped
    fabrique worker --batch           # run what is queued now, then exit
    fabrique worker --queue imports,default --interval 2

SIGTERM or SIGINT (Ctrl+C) stops it cleanly: an idle worker exits at once, a busy one
finishes its job first (a second signal stops it at once; the job is then marked failed).
"""

from __future__ import annotations

import os
import socket
from argparse import ArgumentParser, BooleanOptionalAction
from typing import Any

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from fabrique.jobs import lifecycle

DEFAULT_QUEUE = "default"
DEFAULT_BACKEND = "default"


class Worker(db_worker.Worker):
    def run_task(self, db_task_result: DBTaskResult) -> None:
        try:
            super().run_task(db_task_result)
        finally:
            # The signals have recorded the outcome, unless the task could not be loaded.
            lifecycle.reconcile(
                job_id=str(db_task_result.id),
                status=db_task_result.status,
                finished_at=db_task_result.finished_at,
                traceback=db_task_result.traceback,
                exception_class_path=db_task_result.exception_class_path,
            )


def default_worker_id() -> str:
    """Host and process, so that an operator can tell which worker ran a job."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(6)}"


class Command(db_worker.Command):
    help = "Run background jobs from the database queue. --batch runs what is queued, then exits."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--queue",
            "--queue-name",
            dest="queue_name",
            metavar="QUEUES",
            default=DEFAULT_QUEUE,
            help=(
                "Queues to run, separated by commas; '*' for every queue (default: %(default)s)."
            ),
        )
        parser.add_argument(
            "--exclude-queues",
            metavar="QUEUES",
            default="",
            help="With --queue '*': queues not to run, separated by commas.",
        )
        parser.add_argument(
            "--interval",
            metavar="SECONDS",
            type=db_worker.valid_interval,
            default=1.0,
            help="Seconds to wait before looking again when the queue is empty (default: 1).",
        )
        parser.add_argument(
            "--batch", action="store_true", help="Run the jobs queued now, then exit."
        )
        parser.add_argument(
            "--max-tasks",
            metavar="N",
            type=db_worker.valid_max_tasks,
            default=None,
            help="Exit after running this many jobs.",
        )
        parser.add_argument(
            "--backend",
            dest="backend_name",
            metavar="ALIAS",
            type=db_worker.valid_backend_name,
            default=DEFAULT_BACKEND,
            help="The task backend to run (a database backend; default: %(default)s).",
        )
        parser.add_argument(
            "--worker-id",
            metavar="ID",
            type=db_worker.validate_worker_id,
            default=None,
            help="This worker's id, unique among workers (default: host-pid-random).",
        )
        parser.add_argument(
            "--startup-delay",
            action=BooleanOptionalAction,
            default=True,
            help="Wait up to a second before starting, so that many workers do not start at "
            "once (default: on).",
        )
        parser.add_argument(
            "--reload",
            action=BooleanOptionalAction,
            default=False,
            help="Restart when the code changes (development only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        queue_names = [name.strip() for name in options["queue_name"].split(",") if name.strip()]
        if not queue_names:
            raise CommandError("--queue needs at least one queue name.")
        excluded = [name.strip() for name in options["exclude_queues"].split(",") if name.strip()]
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue '*'.")
        reload = options["reload"] and not options["batch"]
        worker = Worker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"] or default_worker_id(),
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only in the child that runs the jobs
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()

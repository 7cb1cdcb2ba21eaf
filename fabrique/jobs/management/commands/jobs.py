"""``fabrique jobs``: background jobs from a terminal.

    fabrique jobs list [--status failed] [--owner EMAIL] [--limit 20]
    fabrique jobs show ID
    fabrique jobs wait ID [--interval 0.5] [--timeout SECONDS]

An ID may be shortened to its first characters when no other job starts with them. ``wait``
shows a progress bar until the job has finished; it exits with status 1 if the job failed
(printing its error) and 2 if ``--timeout`` ran out first. The terminal is an operator's:
it sees every job.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.tasks import TaskResultStatus
from django.utils import timezone

from fabrique.core.progress import TerminalProgress
from fabrique.jobs.models import JobProgress

MIN_PREFIX = 4


def find_job(job_id: str) -> JobProgress:
    """The job with this id, or the only one whose id starts with it."""
    job = JobProgress.objects.select_related("owner").filter(pk=job_id).first()
    if job is not None:
        return job
    if len(job_id) >= MIN_PREFIX:
        matches = list(
            JobProgress.objects.select_related("owner").filter(pk__startswith=job_id)[:2]
        )
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise CommandError(f"Several jobs start with {job_id!r}: give more characters.")
    raise CommandError(f"No job {job_id!r}.")


def when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else "-"


def progress_text(job: JobProgress) -> str:
    counts = f"{job.done:,} / {job.total:,}" if job.total is not None else f"{job.done:,}"
    return f"{counts} — {job.message}" if job.message else counts


class Command(BaseCommand):
    help = "List background jobs, show one, or wait for one to finish."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        listing = actions.add_parser("list", help="The latest jobs, newest first.")
        listing.add_argument(
            "--status",
            choices=[status.lower() for status in TaskResultStatus.values],
            help="Only jobs with this status.",
        )
        listing.add_argument("--owner", metavar="EMAIL", help="Only jobs launched by this user.")
        listing.add_argument("--limit", type=int, default=20, help="How many (default: 20).")
        show = actions.add_parser("show", help="Everything about one job.")
        show.add_argument("job_id", metavar="ID")
        wait = actions.add_parser("wait", help="A progress bar until the job has finished.")
        wait.add_argument("job_id", metavar="ID")
        wait.add_argument(
            "--interval", type=float, default=0.5, help="Seconds between looks (default: 0.5)."
        )
        wait.add_argument(
            "--timeout", type=float, default=None, help="Give up after this many seconds."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self.list_jobs(status=options["status"], owner=options["owner"], limit=options["limit"])
        elif action == "show":
            self.show_job(find_job(options["job_id"]))
        else:
            self.wait_for(
                find_job(options["job_id"]),
                interval=options["interval"],
                timeout=options["timeout"],
            )

    def list_jobs(self, *, status: str | None, owner: str | None, limit: int) -> None:
        jobs = JobProgress.objects.select_related("owner")
        if status:
            jobs = jobs.filter(status=status.upper())
        if owner:
            jobs = jobs.filter(owner__email__iexact=owner)
        rows = list(jobs[: max(limit, 0)])
        if not rows:
            self.stdout.write("No jobs.")
            return
        self.stdout.write(f"{'ID':<36}  {'STATUS':<10}  {'CREATED':<19}  {'PROGRESS':<20}  TITLE")
        for job in rows:
            counts = f"{job.done:,}/{job.total:,}" if job.total is not None else f"{job.done:,}"
            self.stdout.write(
                f"{job.pk:<36}  {job.status:<10}  {when(job.created_at):<19}  "
                f"{counts:<20}  {job.label}"
            )

    def show_job(self, job: JobProgress) -> None:
        owner = job.owner.email if job.owner else "-"
        lines = [
            ("id", job.pk),
            ("title", job.label),
            ("task", job.task_path or "-"),
            ("status", job.status),
            ("launched by", owner),
            ("progress", progress_text(job)),
            ("created", when(job.created_at)),
            ("started", when(job.started_at)),
            ("finished", when(job.finished_at)),
        ]
        if job.error:
            lines.append(("error", job.error))
        for name, value in lines:
            self.stdout.write(f"{name:<12} {value}")

    def wait_for(self, job: JobProgress, *, interval: float, timeout: float | None) -> None:
        bar = TerminalProgress(getattr(self.stderr, "_out", self.stderr))
        deadline = None if timeout is None else time.monotonic() + timeout
        last = None
        while True:
            state = (job.done, job.total, job.message)
            if state != last and (job.done or job.total):
                bar(job.done, job.total, job.message)
                last = state
            if job.is_finished:
                break
            if deadline is not None and time.monotonic() >= deadline:
                raise CommandError(
                    f"Job {job.pk} has not finished yet ({job.status}).", returncode=2
                )
            time.sleep(interval)
            job.refresh_from_db()
        if bar.tty and last is not None and not (job.total is not None and job.done >= job.total):
            bar.stream.write("\n")  # end the bar's line, which only a full bar does
        if job.has_failed:
            raise CommandError(f"Job {job.pk} failed: {job.error}", returncode=1)
        self.stdout.write(f"Job {job.pk} finished: {job.status}.")

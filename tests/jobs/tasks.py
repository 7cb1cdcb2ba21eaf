"""Tasks that exist only for the tests; worker processes import them by path."""

import os
import time

from django.db import transaction
from django.tasks import task

from fabrique.accounts.enums import OrganisationKind
from fabrique.accounts.models import Organisation
from fabrique.jobs.progress import current_job_id, report


@task
def count_to(n: int, pause: float = 0.0) -> int:
    for done in range(1, n + 1):
        time.sleep(pause)
        report(done, n, f"Counted {done}")
    return n


@task
def fail_with(message: str) -> None:
    report(1, 4, "Reading")
    raise ValueError(message)


@task
def fail_inside_transaction(slug: str, n: int) -> None:
    """Writes and reports progress in one transaction, then fails: the write is rolled back,
    the progress is not."""
    with transaction.atomic():
        Organisation.objects.create(name=slug, slug=slug, kind=OrganisationKind.COMPANY)
        for done in range(1, n):
            report(done, n, f"Step {done}")
        raise RuntimeError("the source ended too early")


@task
def create_organisation(slug: str) -> int:
    organisation = Organisation.objects.create(
        name=slug, slug=slug, kind=OrganisationKind.TRAINING_CENTRE
    )
    return organisation.pk


@task
def record_run(path: str, pause: float = 0.0) -> None:
    """Appends "<job id> <process id>" to ``path``: a job that ran twice shows twice."""
    time.sleep(pause)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{current_job_id()} {os.getpid()}\n".encode())
    finally:
        os.close(fd)

"""Progress reporting from inside a task: throttled, and outside the task's transaction."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from fabrique.core.progress import no_progress
from fabrique.jobs import progress
from fabrique.jobs.models import JobProgress
from tests.jobs.factories import JobProgressFactory


def progress_updates(queries: CaptureQueriesContext) -> int:
    return sum(
        1
        for query in queries.captured_queries
        if query["sql"].startswith("UPDATE") and "jobs_jobprogress" in query["sql"]
    )


@pytest.mark.django_db(transaction=True)
def test_reporter_writes_first_and_final_values_only_when_reports_are_quick():
    job = JobProgressFactory(running=True)
    reporter = progress.JobReporter(job.pk)

    with CaptureQueriesContext(connection) as queries:
        for done in range(1, 101):
            reporter(done, 100, f"Row {done}")

    job.refresh_from_db()
    assert progress_updates(queries) == 2
    assert (job.done, job.total, job.message) == (100, 100, "Row 100")


@pytest.mark.django_db(transaction=True)
def test_reporter_keeps_throttled_value_pending_until_the_job_ends():
    job = JobProgressFactory(running=True)
    reporter = progress.JobReporter(job.pk)
    token = progress.activate(reporter)
    progress.report(1, 10, "First")
    progress.report(2, 10, "Second")

    pending = progress.deactivate(token)

    job.refresh_from_db()
    assert (job.done, job.message) == (1, "First")
    assert pending == {"done": 2, "total": 10, "message": "Second"}
    assert progress.current_job_id() is None


@pytest.mark.django_db(transaction=True)
def test_progress_reported_inside_a_transaction_survives_its_rollback():
    job = JobProgressFactory(running=True)
    token = progress.activate(progress.JobReporter(job.pk))

    def work_then_fail() -> None:
        with transaction.atomic():
            progress.report(2, 5, "Inside")
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        work_then_fail()
    progress.current_reporter().flush()  # SQLite: written once out of the transaction
    progress.deactivate(token)

    job.refresh_from_db()
    assert (job.done, job.total, job.message) == (2, 5, "Inside")


def read_from_another_connection(job_id: str) -> tuple:
    seen = []

    def read() -> None:
        try:
            seen.append(JobProgress.objects.values_list("done", "message").get(pk=job_id))
        finally:
            connections.close_all()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    return seen[0]


@pytest.mark.django_db(transaction=True)
def test_progress_inside_a_transaction_is_seen_before_it_commits_on_postgresql(on_postgres):
    job = JobProgressFactory(running=True)
    token = progress.activate(progress.JobReporter(job.pk))

    with transaction.atomic():
        progress.report(3, 10, "Inside")
        seen = read_from_another_connection(job.pk)
    progress.deactivate(token)

    assert seen == (3, "Inside")


@pytest.mark.django_db
def test_report_outside_a_job_does_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        progress.report(1, 2, "Nobody listens")

    assert progress.current_job_id() is None
    assert progress.progress_callback() is no_progress


@pytest.mark.django_db(transaction=True)
def test_progress_callback_inside_a_job_reports_into_it():
    job = JobProgressFactory(running=True)
    token = progress.activate(progress.JobReporter(job.pk))

    callback = progress.progress_callback()
    callback(7, 7, "Done")
    progress.deactivate(token)

    job.refresh_from_db()
    assert (progress.current_job_id(), job.done, job.total) == (None, 7, 7)


@pytest.mark.django_db(transaction=True)
def test_reporter_clamps_negative_counts_and_long_messages():
    job = JobProgressFactory(running=True)

    progress.JobReporter(job.pk)(-3, None, "x" * 1000)

    job.refresh_from_db()
    assert (job.done, job.total, len(job.message)) == (0, None, progress.MESSAGE_MAX)

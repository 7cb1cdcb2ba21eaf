"""Real worker processes (``fabrique worker``) running jobs from the database queue."""

import collections
import signal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fabrique.accounts.models import AuditEvent, Organisation
from fabrique.core.models import DataSource
from fabrique.jobs.actions import enqueue_job
from fabrique.jobs.models import JobProgress
from fabrique.jobs.tasks import import_reference_data
from tests.factories import UserFactory
from tests.jobs import tasks
from tests.jobs.conftest import wait_until
from tests.jobs.importers import NAME as TEST_IMPORTER

pytestmark = pytest.mark.django_db(transaction=True)


def test_worker_runs_job_to_successful_with_progress_at_total(workers):
    owner = UserFactory()
    job = enqueue_job(task=tasks.count_to, label="Count to five", by=owner, args=[5, 0.05])
    worker = workers.start()
    bar = StringIO()

    call_command("jobs", "wait", job.pk, "--interval", "0.05", stdout=StringIO(), stderr=bar)

    workers.finish(worker)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.message) == (
        TaskResultStatus.SUCCESSFUL,
        5,
        5,
        "Counted 5",
    )
    assert job.started_at <= job.finished_at
    assert job.error == ""
    assert bar.getvalue().splitlines()[-1] == "Counted 5 5/5"
    result = tasks.count_to.get_result(job.pk)
    assert (result.status, result.return_value) == (TaskResultStatus.SUCCESSFUL, 5)


def test_worker_attributes_job_writes_to_its_launcher(workers):
    owner = UserFactory()
    enqueue_job(task=tasks.create_organisation, label="Create", by=owner, args=["made-by-job"])

    workers.run()

    organisation = Organisation.objects.get(slug="made-by-job")
    event = AuditEvent.objects.get(model="accounts.organisation", object_id=str(organisation.pk))
    assert (event.action, event.actor, event.source) == ("create", owner, "worker")


def test_worker_records_failure_message_and_detail_page_shows_it(workers, client):
    owner = UserFactory()
    job = enqueue_job(
        task=tasks.fail_with, label="Import", by=owner, args=["the file has no header"]
    )

    workers.run()

    job.refresh_from_db()
    assert (job.status, job.error) == (
        TaskResultStatus.FAILED,
        "ValueError: the file has no header",
    )
    assert (job.done, job.total, job.message) == (1, 4, "Reading")
    assert job.finished_at is not None
    client.force_login(owner)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "ValueError: the file has no header" in page
    assert 'class="job-failed"' in page
    assert "hx-trigger" not in page


def test_worker_keeps_progress_of_a_job_whose_transaction_rolled_back(workers):
    job = enqueue_job(
        task=tasks.fail_inside_transaction, label="Half", by=None, args=["rolled-back", 5]
    )

    workers.run()

    job.refresh_from_db()
    assert (job.status, job.error) == (
        TaskResultStatus.FAILED,
        "RuntimeError: the source ended too early",
    )
    assert (job.done, job.total, job.message) == (4, 5, "Step 4")
    assert not Organisation.objects.filter(slug="rolled-back").exists()


def test_worker_marks_failed_a_job_whose_task_cannot_be_loaded(workers):
    job = enqueue_job(task=tasks.count_to, label="Gone", by=None, args=[1])
    DBTaskResult.objects.filter(pk=job.pk).update(task_path="tests.jobs.tasks.no_such_task")

    workers.run()

    job.refresh_from_db()
    assert job.status == TaskResultStatus.FAILED
    assert "no_such_task" in job.error


def test_worker_runs_registered_importer_through_import_reference_data(workers, tmp_path, client):
    source = tmp_path / "lines.txt"
    source.write_text("one\ntwo\nthree\n")
    owner = UserFactory()
    job = enqueue_job(
        task=import_reference_data,
        label="Import lines",
        by=owner,
        kwargs={"name": TEST_IMPORTER, "wet_run": True, "paths": [str(source)]},
    )
    unknown = enqueue_job(
        task=import_reference_data, label="Import nothing", by=None, args=["no-such-importer"]
    )

    workers.run()

    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.message) == (
        TaskResultStatus.SUCCESSFUL,
        3,
        3,
        "Reading lines",
    )
    assert import_reference_data.get_result(job.pk).return_value == {
        "name": TEST_IMPORTER,
        "version": "1",
        "wet_run": True,
        "counts": {"line": {"created": 3, "updated": 0, "unchanged": 0, "obsolete": 0}},
        "problems": [],
    }
    assert DataSource.objects.get(name=TEST_IMPORTER).counts["line"]["created"] == 3
    unknown.refresh_from_db()
    assert unknown.status == TaskResultStatus.FAILED
    assert unknown.error.startswith("LookupError: Unknown importer 'no-such-importer'.")
    # The job's page shows the report the import returned.
    client.force_login(owner)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Rapport d’import" in page
    assert "<td>line</td>" in page
    assert client.get(unknown.get_absolute_url()).status_code == 404  # not the owner's


def test_worker_finishes_its_job_then_stops_on_sigterm(workers):
    running = enqueue_job(task=tasks.count_to, label="Long", by=None, args=[20, 0.1])
    queued = enqueue_job(task=tasks.count_to, label="Next", by=None, args=[1])
    worker = workers.start(batch=False)
    wait_until(lambda: JobProgress.objects.get(pk=running.pk).done >= 1)

    worker.send_signal(signal.SIGTERM)
    workers.finish(worker)

    running.refresh_from_db()
    queued.refresh_from_db()
    assert (running.status, running.done) == (TaskResultStatus.SUCCESSFUL, 20)
    assert queued.status == TaskResultStatus.READY


def test_two_workers_run_each_of_40_jobs_exactly_once(on_postgres, workers, tmp_path):
    runs = tmp_path / "runs.txt"
    jobs = [
        enqueue_job(task=tasks.record_run, label=f"Job {n}", by=None, args=[str(runs), 0.05])
        for n in range(40)
    ]

    both = [workers.start(), workers.start()]
    for worker in both:
        workers.finish(worker)

    lines = [line.split() for line in Path(runs).read_text().splitlines()]
    times_run = collections.Counter(job_id for job_id, _pid in lines)
    assert times_run == {job.pk: 1 for job in jobs}
    assert {pid for _job_id, pid in lines} == {str(worker.pid) for worker in both}
    assert set(JobProgress.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    attempts = DBTaskResult.objects.values_list("worker_ids", flat=True)
    assert sorted(len(worker_ids) for worker_ids in attempts) == [1] * 40

"""``fabrique jobs list|show|wait`` and the worker's options (no worker process needed)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import UserFactory
from tests.jobs.factories import JobProgressFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_jobs_list_shows_latest_jobs():
    job = JobProgressFactory(label="Import ROME", running=True)

    lines = run("jobs", "list").splitlines()

    assert lines[0].split() == ["ID", "STATUS", "CREATED", "PROGRESS", "TITLE"]
    assert lines[1].startswith(f"{job.pk}  RUNNING ")
    assert lines[1].endswith("3/10                  Import ROME")


def test_jobs_list_filters_by_status_and_owner():
    failed = JobProgressFactory(failed=True, owner=UserFactory(email="ops@example.org"))
    JobProgressFactory(running=True)

    assert failed.pk in run("jobs", "list", "--status", "failed")
    assert len(run("jobs", "list", "--status", "failed").splitlines()) == 2
    assert len(run("jobs", "list", "--owner", "OPS@example.org").splitlines()) == 2
    assert run("jobs", "list", "--status", "ready") == "No jobs.\n"


def test_jobs_show_prints_the_job_and_its_error():
    job = JobProgressFactory(failed=True)

    out = run("jobs", "show", job.pk)

    assert f"id           {job.pk}\n" in out
    assert "status       FAILED\n" in out
    assert "progress     1 / 4 — Reading\n" in out
    assert f"launched by  {job.owner.email}\n" in out
    assert out.endswith("error        ValueError: the file has no header\n")


def test_jobs_show_accepts_a_unique_prefix_of_the_id():
    job = JobProgressFactory(id="3f2a9c1d-0000-4000-8000-000000000001")
    JobProgressFactory(id="3f2a9000-0000-4000-8000-000000000002")

    assert f"id           {job.pk}\n" in run("jobs", "show", "3f2a9c")
    with pytest.raises(CommandError, match="Several jobs start with '3f2a9'"):
        run("jobs", "show", "3f2a9")
    with pytest.raises(CommandError, match="No job '3f2'"):
        run("jobs", "show", "3f2")  # too short to stand for a job


def test_jobs_show_unknown_job_fails():
    with pytest.raises(CommandError, match="No job 'nope'"):
        run("jobs", "show", "nope")


def test_jobs_wait_exits_1_with_the_error_of_a_failed_job():
    job = JobProgressFactory(failed=True)

    with pytest.raises(CommandError, match="failed: ValueError: the file has no header") as error:
        run("jobs", "wait", job.pk)

    assert error.value.returncode == 1


def test_jobs_wait_returns_at_once_for_a_successful_job():
    job = JobProgressFactory(successful=True)

    assert run("jobs", "wait", job.pk) == f"Job {job.pk} finished: SUCCESSFUL.\n"


def test_jobs_wait_exits_2_when_timeout_runs_out():
    job = JobProgressFactory(running=True)

    with pytest.raises(CommandError, match="has not finished yet") as error:
        run("jobs", "wait", job.pk, "--timeout", "0.1", "--interval", "0.05")

    assert error.value.returncode == 2


def test_worker_refuses_excluded_queues_without_every_queue():
    with pytest.raises(CommandError, match="--exclude-queues"):
        call_command("worker", "--batch", "--exclude-queues", "imports")

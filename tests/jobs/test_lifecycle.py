"""The job record follows its task whatever runs it: here, the immediate backend."""

import pytest
from django.tasks import TaskResultStatus
from django.test import override_settings

from fabrique.accounts.models import AuditEvent, Organisation
from fabrique.jobs.actions import enqueue_job
from fabrique.jobs.lifecycle import describe_exception, error_from_traceback
from tests.factories import UserFactory
from tests.jobs import tasks

immediate = override_settings(
    TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
)


@immediate
@pytest.mark.django_db
def test_job_run_by_immediate_backend_records_progress_and_outcome():
    owner = UserFactory()

    job = enqueue_job(task=tasks.count_to, label="Count", by=owner, args=[3])

    job.refresh_from_db()
    assert (job.label, job.owner, job.status) == ("Count", owner, TaskResultStatus.SUCCESSFUL)
    assert (job.done, job.total, job.message) == (3, 3, "Counted 3")


@immediate
@pytest.mark.django_db
def test_job_run_by_immediate_backend_records_failure():
    job = enqueue_job(task=tasks.fail_with, label="Fail", by=None, args=["no header"])

    job.refresh_from_db()
    assert (job.status, job.error) == (TaskResultStatus.FAILED, "ValueError: no header")


@immediate
@pytest.mark.django_db
def test_job_of_the_system_keeps_the_callers_actor():
    from fabrique.core.audit import acting_as

    caller = UserFactory()
    with acting_as(caller, source="web"):
        enqueue_job(task=tasks.create_organisation, label="Create", by=None, args=["inline"])

    organisation = Organisation.objects.get(slug="inline")
    event = AuditEvent.objects.get(model="accounts.organisation", object_id=str(organisation.pk))
    assert (event.actor, event.source) == (caller, "web")


def test_describe_exception_gives_class_and_message():
    assert describe_exception(ValueError("bad line 3")) == "ValueError: bad line 3"
    assert describe_exception(KeyError()) == "KeyError"


def test_error_from_traceback_takes_its_last_line():
    traceback = 'Traceback (most recent call last):\n  File "x.py"\nImportError: gone\n'
    assert error_from_traceback(traceback) == "ImportError: gone"
    assert error_from_traceback("", "builtins.ImportError") == "builtins.ImportError"

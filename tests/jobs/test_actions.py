import pytest
from django.core.exceptions import ValidationError
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fabrique.jobs.actions import enqueue_job
from fabrique.jobs.models import JobProgress
from tests.factories import UserFactory
from tests.jobs import tasks


@pytest.mark.django_db
def test_enqueue_job_queues_task_and_creates_its_record():
    owner = UserFactory()

    job = enqueue_job(
        task=tasks.count_to, label="Count to three", by=owner, args=[3], kwargs={"pause": 0}
    )

    task_result = DBTaskResult.objects.get(pk=job.pk)
    assert (task_result.status, task_result.args_kwargs) == (
        TaskResultStatus.READY,
        {"args": [3], "kwargs": {"pause": 0}},
    )
    assert JobProgress.objects.get(pk=job.pk) == job
    assert (job.label, job.owner, job.status, job.task_path) == (
        "Count to three",
        owner,
        TaskResultStatus.READY,
        "tests.jobs.tasks.count_to",
    )
    assert (job.done, job.total, job.started_at) == (0, None, None)


@pytest.mark.django_db
def test_enqueue_job_without_label_queues_nothing():
    with pytest.raises(ValidationError):
        enqueue_job(task=tasks.count_to, label="", by=None, args=[3])

    assert not DBTaskResult.objects.exists()
    assert not JobProgress.objects.exists()

"""Factories of job records (without a task behind them: for pages, API and commands)."""

import uuid

import factory
from django.tasks import TaskResultStatus
from django.utils import timezone
from factory.django import DjangoModelFactory

from fabrique.jobs.models import JobProgress
from tests.factories import UserFactory


class JobProgressFactory(DjangoModelFactory):
    class Meta:
        model = JobProgress

    id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    label = factory.Sequence(lambda n: f"Import {n}")
    task_path = "fabrique.jobs.tasks.import_reference_data"
    owner = factory.SubFactory(UserFactory)

    class Params:
        running = factory.Trait(
            status=TaskResultStatus.RUNNING,
            started_at=factory.LazyFunction(timezone.now),
            done=3,
            total=10,
            message="Reading occupations",
        )
        successful = factory.Trait(
            status=TaskResultStatus.SUCCESSFUL,
            started_at=factory.LazyFunction(timezone.now),
            finished_at=factory.LazyFunction(timezone.now),
            done=10,
            total=10,
            message="Done",
        )
        failed = factory.Trait(
            status=TaskResultStatus.FAILED,
            started_at=factory.LazyFunction(timezone.now),
            finished_at=factory.LazyFunction(timezone.now),
            done=1,
            total=4,
            message="Reading",
            error="ValueError: the file has no header",
        )

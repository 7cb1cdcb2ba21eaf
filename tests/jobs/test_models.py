import pytest

from fabrique.accounts.enums import Role
from fabrique.jobs.models import JobProgress
from tests.factories import UserFactory
from tests.jobs.factories import JobProgressFactory


@pytest.mark.django_db
def test_job_factory_builds_every_trait():
    jobs = [
        JobProgressFactory(),
        JobProgressFactory(running=True),
        JobProgressFactory(successful=True),
        JobProgressFactory(failed=True),
    ]

    assert [(job.is_finished, job.has_failed, job.percent) for job in jobs] == [
        (False, False, None),
        (False, False, 30),
        (True, False, 100),
        (True, True, 25),
    ]


@pytest.mark.django_db
def test_successful_job_without_total_is_complete():
    assert JobProgressFactory(successful=True, total=None).percent == 100


@pytest.mark.django_db
def test_jobs_visible_to_owner_are_their_own(make_member):
    mine = JobProgressFactory()
    JobProgressFactory()
    JobProgressFactory(owner=None)

    assert list(JobProgress.objects.visible_to(mine.owner)) == [mine]


@pytest.mark.django_db
def test_jobs_visible_to_platform_admin_are_all(make_member):
    jobs = {JobProgressFactory(), JobProgressFactory(owner=None)}

    assert set(JobProgress.objects.visible_to(make_member(Role.PLATFORM_ADMIN))) == jobs
    assert set(JobProgress.objects.visible_to(UserFactory(superuser=True))) == jobs


@pytest.mark.django_db
def test_jobs_visible_to_anonymous_are_none():
    from django.contrib.auth.models import AnonymousUser

    JobProgressFactory()

    assert list(JobProgress.objects.visible_to(AnonymousUser())) == []

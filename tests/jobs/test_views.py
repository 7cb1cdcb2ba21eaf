"""Pages of jobs: the list of one's jobs, and a job's page with its HTMX-polled progress."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from fabrique.accounts.enums import Role
from tests.factories import UserFactory
from tests.jobs.factories import JobProgressFactory

pytestmark = pytest.mark.django_db


def test_job_list_requires_login(client):
    response = client.get(reverse("jobs:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_job_list_shows_the_users_own_jobs_only(client):
    mine = JobProgressFactory(label="My import", running=True)
    JobProgressFactory(label="Their import")
    client.force_login(mine.owner)

    page = client.get(reverse("jobs:list")).content.decode()

    assert "My import" in page
    assert mine.get_absolute_url() in page
    assert "Their import" not in page
    assert "3 / 10" in page


def test_job_list_shows_every_job_and_owner_to_a_platform_admin(client, make_member):
    owner = UserFactory(first_name="Jeanne", last_name="Bastide")
    JobProgressFactory(label="One import", owner=owner)
    JobProgressFactory(label="System import", owner=None)
    client.force_login(make_member(Role.PLATFORM_ADMIN))

    page = client.get(reverse("jobs:list")).content.decode()

    assert "One import" in page
    assert "System import" in page
    assert page.count('<th scope="col"') == 5  # with the "launched by" column
    assert str(owner) in page


@pytest.mark.parametrize("count", [1, 3])
def test_job_list_queries_do_not_grow_with_jobs(client, django_assert_num_queries, count):
    owner = UserFactory()
    JobProgressFactory.create_batch(count, owner=owner)
    client.force_login(owner)

    # session, user, roles (platform admin?), unread notifications, count, page of jobs
    with django_assert_num_queries(6):
        response = client.get(reverse("jobs:list"))

    assert len(response.context["jobs"]) == count


def test_job_detail_shows_label_status_bar_and_text(client):
    job = JobProgressFactory(label="Import ROME", running=True)
    client.force_login(job.owner)

    page = client.get(job.get_absolute_url()).content.decode()

    assert "<h1>Import ROME</h1>" in page
    assert f'<label for="job-{job.pk}-bar">' in page
    assert f'<progress id="job-{job.pk}-bar" max="10" value="3">30 %</progress>' in page
    assert re.search(r"3 / 10\s*— Reading occupations", page)
    assert f'hx-get="{job.get_absolute_url()}" hx-trigger="every 1s"' in page


def test_job_detail_of_someone_else_is_404(client):
    job = JobProgressFactory()
    client.force_login(UserFactory())

    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).status_code == 404


def test_job_detail_of_unknown_job_is_404(client):
    client.force_login(UserFactory())

    assert client.get(reverse("jobs:detail", args=["no-such-job"])).status_code == 404


def test_job_detail_is_visible_to_a_platform_admin(client, make_member):
    job = JobProgressFactory(label="Someone's import")
    client.force_login(make_member(Role.PLATFORM_ADMIN))

    assert "Someone&#x27;s import" in client.get(job.get_absolute_url()).content.decode()


def test_job_detail_for_htmx_is_the_polling_progress_fragment_alone(client):
    job = JobProgressFactory(running=True)
    client.force_login(job.owner)

    response = client.get(job.get_absolute_url(), headers={"HX-Request": "true"})

    fragment = response.content.decode().strip()
    assert fragment.startswith(f'<div class="job-progress"\n     id="job-{job.pk}"')
    assert "<html" not in fragment
    assert 'hx-trigger="every 1s"' in fragment
    assert 'hx-swap="outerHTML"' in fragment
    assert "HX-Request" in response["Vary"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("trait", ["successful", "failed"])
def test_job_detail_fragment_stops_polling_once_finished(client, trait):
    job = JobProgressFactory(**{trait: True})
    client.force_login(job.owner)

    fragment = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()

    assert "hx-get" not in fragment
    assert "hx-trigger" not in fragment
    finished = timezone.localtime(job.finished_at).isoformat()
    assert f'<time datetime="{finished}">' in fragment


def test_job_detail_fragment_shows_the_error_of_a_failed_job(client):
    job = JobProgressFactory(failed=True)
    client.force_login(job.owner)

    fragment = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()

    assert '<p class="job-failed" role="alert">' in fragment
    assert "ValueError: the file has no header" in fragment


def test_job_progress_include_can_be_embedded_in_another_page(rf):
    from django.template.loader import render_to_string

    job = JobProgressFactory(done=0, total=None, message="")

    html = render_to_string("jobs/_progress.html", {"job": job})

    assert f'<progress id="job-{job.pk}-bar"></progress>' in html  # total not known yet
    assert f'hx-get="{job.get_absolute_url()}"' in html

import pytest
from django.urls import reverse

from fabrique.accounts.enums import Role
from fabrique.core.models import DataSource
from fabrique.jobs.models import JobProgress

pytestmark = pytest.mark.django_db


def test_reference_data_page_lists_importers_and_versions(client, make_member):
    DataSource.objects.create(name="territories", version="COG 2026", counts={})
    client.force_login(make_member(Role.PLATFORM_ADMIN))

    page = client.get(reverse("core:reference_data")).content.decode()

    assert "territories" in page
    assert "COG 2026" in page


def test_platform_admin_launches_an_import_as_a_job(client, make_member):
    admin = make_member(Role.PLATFORM_ADMIN)
    client.force_login(admin)

    response = client.post(reverse("core:reference_data"), {"name": "territories", "mode": "dry"})

    job = JobProgress.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("jobs:detail", kwargs={"job_id": job.pk})
    assert job.owner == admin
    assert job.label == "Essai de l’import de «\u00a0territories\u00a0»"
    assert job.status == "READY"
    detail = client.get(response.url).content.decode()
    assert "<progress" in detail


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.TRAINER, Role.VIEWER])
def test_others_may_not_launch_imports(client, make_member, role):
    client.force_login(make_member(role))

    response = client.post(reverse("core:reference_data"), {"name": "territories", "mode": "wet"})

    assert response.status_code == 403
    assert not JobProgress.objects.exists()


def test_unknown_importer_is_refused_and_nothing_queued(client, make_member):
    client.force_login(make_member(Role.PLATFORM_ADMIN))

    response = client.post(reverse("core:reference_data"), {"name": "nope", "mode": "wet"})

    assert response.status_code == 302
    assert not JobProgress.objects.exists()


def test_importer_never_run_shows_never(client, make_member):
    client.force_login(make_member(Role.PLATFORM_ADMIN))

    page = client.get(reverse("core:reference_data")).content.decode()

    assert "jamais" in page

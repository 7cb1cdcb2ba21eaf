import pytest

from tests.factories import UserFactory
from tests.jobs.factories import JobProgressFactory

pytestmark = pytest.mark.django_db


def test_api_lists_the_users_own_jobs(client):
    mine = JobProgressFactory(failed=True)
    JobProgressFactory()
    client.force_login(mine.owner)

    response = client.get("/api/v1/jobs")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["items"] == [
        {
            "id": mine.pk,
            "label": mine.label,
            "task": "fabrique.jobs.tasks.import_reference_data",
            "status": "FAILED",
            "done": 1,
            "total": 4,
            "percent": 25,
            "message": "Reading",
            "error": "ValueError: the file has no header",
            "owner": mine.owner.pk,
            "created_at": body["items"][0]["created_at"],
            "updated_at": body["items"][0]["updated_at"],
            "started_at": body["items"][0]["started_at"],
            "finished_at": body["items"][0]["finished_at"],
            "url": mine.get_absolute_url(),
        }
    ]


def test_api_list_is_paginated(client):
    owner = UserFactory()
    JobProgressFactory.create_batch(3, owner=owner)
    client.force_login(owner)

    body = client.get("/api/v1/jobs", {"limit": 2}).json()

    assert (body["count"], len(body["items"])) == (3, 2)


@pytest.mark.parametrize("query", [{"limit": 10**26}, {"offset": 10**26}, {"limit": 0}])
def test_api_list_refuses_out_of_range_pagination(client, query):
    client.force_login(UserFactory())

    assert client.get("/api/v1/jobs", query).status_code == 422


def test_api_job_detail(client):
    job = JobProgressFactory(running=True)
    client.force_login(job.owner)

    body = client.get(f"/api/v1/jobs/{job.pk}").json()

    assert (body["id"], body["status"], body["done"], body["total"]) == (job.pk, "RUNNING", 3, 10)


def test_api_job_of_someone_else_is_404(client):
    job = JobProgressFactory()
    client.force_login(UserFactory())

    response = client.get(f"/api/v1/jobs/{job.pk}")

    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_api_jobs_need_authentication(client):
    assert client.get("/api/v1/jobs").status_code == 401


def test_api_jobs_declare_their_response_schemas(client):
    schema = client.get("/api/v1/openapi.json").json()

    detail = schema["paths"]["/api/v1/jobs/{job_id}"]["get"]["responses"]
    assert set(detail) >= {"200", "404"}
    assert set(schema["components"]["schemas"]["JobOut"]["properties"]) >= {
        "id",
        "status",
        "done",
        "total",
        "message",
        "error",
    }

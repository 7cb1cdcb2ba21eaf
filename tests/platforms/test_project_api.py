"""The innovation projects API goes through the same actions and rules as the pages: who may see
a project, who may write, and the reasons of a refusal."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from fabrique.accounts.enums import Role
from fabrique.platforms import projects
from fabrique.platforms.enums import HolderKind, ProjectStage
from fabrique.platforms.models import InnovationProject, ProjectOutcome
from tests.api.fuzzing import fuzz_operations
from tests.factories import OrganisationFactory, UserFactory
from tests.factories_platforms import InnovationProjectFactory, ProjectMemberFactory
from tests.platforms.test_api import bearer

pytestmark = pytest.mark.django_db

BASE = "/api/v1/platforms/projects"
TODAY = timezone.localdate()


def post(client, path, body, user):
    return client.post(
        BASE + path, json.dumps(body), content_type="application/json", headers=bearer(user)
    )


@pytest.fixture
def startup(make_member):
    organisation = OrganisationFactory(kind="company", name="Capteurs & Co")
    return organisation, make_member(Role.COMPANY_CONTACT, organisation)


@pytest.fixture
def project(client, startup, platform):
    organisation, founder = startup
    response = post(
        client,
        "",
        {
            "name": "Capteur de vibrations",
            "holder_kind": "startup",
            "holder_organisation": organisation.pk,
            "platform": platform.pk,
            "summary": "Un capteur autonome pour la maintenance prédictive.",
            "stage": "concept",
            "started_on": (TODAY - dt.timedelta(days=90)).isoformat(),
        },
        founder,
    )
    assert response.status_code == 201, response.content
    return InnovationProject.objects.get(pk=response.json()["id"])


def test_starting_a_project_through_the_api(client, project, startup):
    _, founder = startup

    body = client.get(f"{BASE}/{project.pk}", headers=bearer(founder)).json()

    assert (body["name"], body["holder"], body["stage"]) == (
        "Capteur de vibrations",
        "Capteurs & Co",
        "concept",
    )
    assert body["stages"] == [
        {
            "stage": "concept",
            "started_on": (TODAY - dt.timedelta(days=90)).isoformat(),
            "ended_on": None,
            "note": "",
        }
    ]
    assert body["team"] == [{"user": founder.pk, "role": "holder"}]
    assert body["showcase"] is False


def test_a_student_team_without_an_organisation_must_be_named(client):
    response = post(
        client,
        "",
        {"name": "Drone", "holder_kind": "student_team", "summary": "Un drone de relevé."},
        UserFactory(),
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "holder_name"]
    assert not InnovationProject.objects.exists()


def test_only_its_members_start_a_project_for_an_organisation(client, startup):
    organisation, _ = startup
    response = post(
        client,
        "",
        {
            "name": "Drone",
            "holder_kind": "startup",
            "holder_organisation": organisation.pk,
            "summary": "Un drone de relevé.",
        },
        UserFactory(),
    )

    assert response.status_code == 403
    assert "Capteurs & Co" in response.json()["detail"]
    assert not InnovationProject.objects.exists()


def test_the_list_holds_only_the_projects_one_may_see(client, project, startup, staff):
    _, founder = startup
    other = InnovationProjectFactory(name="Autre projet")
    ProjectMemberFactory(project=other)

    def names(user):
        response = client.get(BASE, headers=bearer(user))
        assert response.status_code == 200
        return [item["name"] for item in response.json()["items"]]

    assert names(founder) == ["Capteur de vibrations"]
    # The host platform's staff see the projects it hosts, not the others'.
    assert names(staff) == ["Capteur de vibrations"]
    assert names(UserFactory()) == []
    assert client.get(BASE).status_code == 401


def test_a_project_one_may_not_see_answers_404(client, project):
    response = client.get(f"{BASE}/{project.pk}", headers=bearer(UserFactory()))

    assert response.status_code == 404


def test_the_team_moves_the_project_to_another_stage(client, project, startup):
    _, founder = startup

    response = post(
        client, f"/{project.pk}/stages", {"stage": "prototype", "on": TODAY.isoformat()}, founder
    )

    assert response.status_code == 201
    assert response.json()["stage"] == "prototype"
    project.refresh_from_db()
    assert project.stage == ProjectStage.PROTOTYPE
    assert list(project.stages.order_by("started_on").values_list("stage", "ended_on")) == [
        ("concept", TODAY),
        ("prototype", None),
    ]


def test_a_move_to_the_same_stage_or_in_the_future_is_refused(client, project, startup):
    _, founder = startup

    same = post(client, f"/{project.pk}/stages", {"stage": "concept", "on": str(TODAY)}, founder)
    later = TODAY + dt.timedelta(days=3)
    future = post(client, f"/{project.pk}/stages", {"stage": "design", "on": str(later)}, founder)

    assert same.status_code == 422
    assert future.status_code == 422
    assert "has not come yet" in future.json()["detail"]
    assert project.stages.count() == 1


def test_outcomes_through_the_api(client, project, startup):
    _, founder = startup

    response = post(
        client,
        f"/{project.pk}/outcomes",
        {"kind": "investment_raised", "value": "250000.50", "on": str(TODAY)},
        founder,
    )
    half_a_job = post(
        client,
        f"/{project.pk}/outcomes",
        {"kind": "jobs_created", "value": "1.5", "on": str(TODAY)},
        founder,
    )

    assert response.status_code == 201
    assert response.json()["value"] == "250000.50"
    assert half_a_job.status_code == 422
    assert "whole numbers" in half_a_job.json()["detail"]
    assert ProjectOutcome.objects.count() == 1


def test_someone_outside_the_project_may_not_write_to_it(client, project):
    stranger = UserFactory()

    response = post(
        client,
        f"/{project.pk}/outcomes",
        {"kind": "jobs_created", "value": "2", "on": str(TODAY)},
        stranger,
    )

    assert response.status_code == 404
    assert not ProjectOutcome.objects.exists()


def test_projects_api_never_answers_with_a_server_error(api_schema, startup, platform, subtests):
    organisation, founder = startup
    project = projects.create_project(
        by=founder,
        name="Capteur de vibrations",
        holder_kind=HolderKind.STARTUP,
        holder_organisation=organisation,
        platform=platform,
        summary="Un capteur autonome pour la maintenance prédictive.",
    )
    fuzzed = fuzz_operations(
        api_schema, subtests, prefix=BASE, known={"project_id": project.pk}, headers=bearer(founder)
    )

    assert fuzzed > 0

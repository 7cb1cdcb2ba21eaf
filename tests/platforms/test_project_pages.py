"""Pages of innovation projects: the team works on its project, strangers see nothing of it
but its public showcase page when the holder allows one; files are served after the same
checks; bookings for a project come from its team, through the pages and the API."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from fabrique.accounts.enums import Role
from fabrique.platforms import actions, projects, sharing
from fabrique.platforms.enums import HolderKind, OutcomeKind, ProjectStage, TeamRole
from fabrique.platforms.models import Booking, EquipmentDocument, InnovationProject
from tests.factories import OrganisationFactory, UserFactory
from tests.factories_platforms import EquipmentFactory, at, next_monday
from tests.filesamples import pdf_upload, png_upload, read_served
from tests.platforms.test_api import bearer

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
MONDAY = next_monday()


@pytest.fixture
def founder(make_member):
    return make_member(
        Role.COMPANY_CONTACT, OrganisationFactory(kind="company", name="Capteurs & Co")
    )


@pytest.fixture
def project(founder, platform):
    return projects.create_project(
        by=founder,
        name="Capteur de vibrations",
        holder_kind=HolderKind.STARTUP,
        holder_organisation=founder.memberships.get().organisation,
        platform=platform,
        summary="Un capteur autonome pour la maintenance prédictive.",
        started_on=TODAY - dt.timedelta(days=40),
    )


def test_a_founder_starts_a_project_from_the_page(client, founder, platform):
    client.force_login(founder)
    organisation = founder.memberships.get().organisation

    response = client.post(
        reverse("platforms:project_new"),
        {
            "name": "Boîtier étanche",
            "summary": "Un boîtier injecté pour capteurs extérieurs.",
            "holder_kind": HolderKind.STARTUP,
            "holder_organisation": organisation.pk,
            "platform": platform.pk,
            "stage": ProjectStage.DESIGN,
            "started_on": TODAY.isoformat(),
        },
    )

    project = InnovationProject.objects.get()
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert (project.stage, project.team.get().user) == (ProjectStage.DESIGN, founder)
    listing = client.get(reverse("platforms:projects")).content.decode()
    assert "Boîtier étanche" in listing


def test_the_project_page_is_for_its_team_and_host_staff_only(client, project, staff, founder):
    client.force_login(UserFactory())
    assert client.get(project.get_absolute_url()).status_code == 404

    for reader in (founder, staff):
        client.force_login(reader)
        page = client.get(project.get_absolute_url())
        assert page.status_code == 200
        assert "Capteur de vibrations" in page.content.decode()


def test_sections_record_stages_milestones_team_outcomes_and_name_problems(
    client, project, founder
):
    client.force_login(founder)
    url = project.get_absolute_url()
    mentor = UserFactory(email="mentor@example.org")

    client.post(
        reverse("platforms:project_stage", args=[project.pk]),
        {"stage": ProjectStage.PROTOTYPE, "on": TODAY.isoformat(), "note": "Premier moule"},
    )
    client.post(
        reverse("platforms:project_milestone", args=[project.pk]),
        {"title": "Essais climatiques", "stage": ProjectStage.PROTOTYPE, "due_on": ""},
    )
    client.post(
        reverse("platforms:project_member", args=[project.pk]),
        {"email": mentor.email, "role": TeamRole.MENTOR},
    )
    client.post(
        reverse("platforms:project_outcome", args=[project.pk]),
        {"kind": OutcomeKind.JOBS_CREATED, "value": "2", "on": TODAY.isoformat()},
    )
    refused = client.post(
        reverse("platforms:project_stage", args=[project.pk]),
        {"stage": ProjectStage.PROTOTYPE, "on": TODAY.isoformat()},
    )

    project.refresh_from_db()
    assert project.stage == ProjectStage.PROTOTYPE
    assert project.milestones.get().title == "Essais climatiques"
    assert project.team.filter(user=mentor, role=TeamRole.MENTOR).exists()
    assert project.outcomes.get().value == 2
    assert refused.status_code == 422
    assert "already at the prototype stage" in refused.content.decode()
    assert project.stages.count() == 2
    page = client.get(url).content.decode()
    assert 'data-stage="prototype"' in page.split('aria-current="step"')[0].rsplit("<li", 1)[1]


def test_documents_are_served_to_the_team_and_publicly_only_when_shown(client, project, founder):
    client.force_login(founder)
    client.post(
        reverse("platforms:project_document_add", args=[project.pk]),
        {"title": "Plan du boîtier", "file": pdf_upload(), "public": "on"},
    )
    refused = client.post(
        reverse("platforms:project_document_add", args=[project.pk]),
        {"title": "Faux", "file": png_upload("faux.pdf")},
    )
    document = project.documents.get()
    file_url = document.get_absolute_url()

    assert refused.status_code == 422
    assert "faux.pdf is not a PDF file" in refused.content.decode()
    served = client.get(file_url)
    assert served["Content-Type"] == "application/pdf"
    assert read_served(served).startswith(b"%PDF-")

    client.logout()
    assert client.get(file_url).status_code == 404  # the project is not shown yet
    projects.set_showcase(project=project, by=founder, public=True)
    public = client.get(file_url)
    assert public.status_code == 200
    read_served(public)


def test_the_showcase_is_public_only_when_the_holder_allows_it(client, project, founder):
    projects.record_outcome(
        project=project, by=founder, kind=OutcomeKind.INVESTMENT_RAISED, value=300000, on=TODAY
    )
    page_url = reverse("platforms:showcase_project", args=[project.slug])

    assert client.get(page_url).status_code == 404
    assert "Capteur de vibrations" not in client.get(reverse("platforms:showcase")).content.decode()
    client.force_login(founder)
    preview = client.get(page_url).content.decode()
    assert 'id="showcase-preview"' in preview

    client.post(reverse("platforms:project_showcase", args=[project.pk]), {"public": "1"})
    client.logout()
    page = client.get(page_url).content.decode()
    listing = client.get(reverse("platforms:showcase")).content.decode()
    assert "Un capteur autonome" in page
    assert 'id="showcase-preview"' not in page
    assert "300" in page.split('id="showcase-outcomes"')[1]
    assert "Capteur de vibrations" in listing
    # Nothing of the team is public.
    assert founder.email not in page


def test_a_team_member_books_for_the_project_and_the_project_shows_it(
    client, project, founder, printer
):
    client.force_login(founder)

    client.post(
        reverse("platforms:book", args=[printer.pk]),
        {
            "day": MONDAY.isoformat(),
            "start_time": "09:00",
            "end_time": "11:00",
            "user_category": "startup",
            "innovation_project": project.pk,
        },
    )

    booking = Booking.objects.get()
    assert (booking.innovation_project, booking.project) == (project, "Capteur de vibrations")
    page = client.get(project.get_absolute_url()).content.decode()
    assert f'id="project-booking-{booking.pk}"' in page


def test_only_the_team_books_for_a_project(project, printer):
    with pytest.raises(PermissionDenied):
        actions.book_equipment(
            equipment=printer,
            start=at(MONDAY, 9),
            end=at(MONDAY, 10),
            by=UserFactory(),
            innovation_project=project,
        )
    assert not Booking.objects.exists()


def test_the_api_books_for_a_project_of_one_s_own_only(client, project, founder, printer):
    def post(user, project_id):
        body = {
            "equipment": printer.pk,
            "start": at(MONDAY, 9).isoformat(),
            "end": at(MONDAY, 10).isoformat(),
            "innovation_project": project_id,
        }
        return client.post(
            "/api/v1/platforms/bookings",
            json.dumps(body),
            content_type="application/json",
            headers=bearer(user),
        )

    assert post(UserFactory(), project.pk).status_code == 422
    response = post(founder, project.pk)
    assert response.status_code == 201
    assert response.json()["innovation_project"] == project.pk


def test_an_accepted_sharing_request_books_for_its_project(project, founder, make_member):
    owner = OrganisationFactory(kind="company")
    machine = EquipmentFactory(platform__owner=owner, shared=True)
    owner_staff = make_member(Role.COMPANY_CONTACT, owner)

    request = sharing.request_sharing(
        equipment=machine,
        start=at(MONDAY, 14),
        end=at(MONDAY, 16),
        by=founder,
        innovation_project=project,
    )
    accepted = sharing.accept_sharing(sharing=request, by=owner_staff)

    assert accepted.booking.innovation_project == project


def test_staff_add_photos_to_an_equipment_and_anyone_sees_them(client, printer, staff):
    url = reverse("platforms:equipment_document_add", args=[printer.pk])
    client.force_login(UserFactory())
    assert (
        client.post(url, {"title": "Photo", "file": png_upload(), "is_photo": "on"}).status_code
        == 403
    )

    client.force_login(staff)
    refused = client.post(url, {"title": "Notice", "file": pdf_upload(), "is_photo": "on"})
    client.post(url, {"title": "La machine", "file": png_upload(), "is_photo": "on"})

    assert refused.status_code == 422
    document = EquipmentDocument.objects.get()
    client.logout()
    page = client.get(printer.get_absolute_url()).content.decode()
    photo = client.get(document.get_absolute_url())
    assert f'src="{document.get_absolute_url()}"' in page
    assert (photo.status_code, photo["Content-Type"]) == (200, "image/png")
    assert read_served(photo).startswith(b"\x89PNG")

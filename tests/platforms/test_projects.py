"""Innovation projects: their writes check every rule, name the reason when they refuse, and
write nothing then."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fabrique.accounts.enums import Role
from fabrique.platforms import projects
from fabrique.platforms.enums import HolderKind, OutcomeKind, ProjectStage, TeamRole
from fabrique.platforms.models import (
    InnovationProject,
    ProjectDocument,
    ProjectOutcome,
    ProjectStageRecord,
)
from tests.factories import OrganisationFactory, UserFactory
from tests.filesamples import pdf_upload

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def startup(make_member):
    organisation = OrganisationFactory(kind="company", name="Capteurs & Co")
    return organisation, make_member(Role.COMPANY_CONTACT, organisation)


@pytest.fixture
def project(startup, platform):
    organisation, founder = startup
    return projects.create_project(
        by=founder,
        name="Capteur de vibrations",
        holder_kind=HolderKind.STARTUP,
        holder_organisation=organisation,
        platform=platform,
        summary="Un capteur autonome pour la maintenance prédictive.",
        stage=ProjectStage.CONCEPT,
        started_on=TODAY - dt.timedelta(days=90),
    )


def founder_of(project):
    return project.team.get(role=TeamRole.HOLDER).user


def test_starting_a_project_records_its_first_stage_and_its_holder_in_the_team(project, startup):
    organisation, founder = startup

    assert (project.slug, project.stage) == ("capteur-de-vibrations", ProjectStage.CONCEPT)
    assert list(project.stages.values_list("stage", "started_on", "ended_on")) == [
        (ProjectStage.CONCEPT, TODAY - dt.timedelta(days=90), None)
    ]
    member = project.team.get()
    assert (member.user, member.role, member.organisation) == (
        founder,
        TeamRole.HOLDER,
        organisation,
    )


def test_a_student_team_without_an_organisation_must_be_named():
    student = UserFactory()

    with pytest.raises(ValidationError) as caught:
        projects.create_project(
            by=student,
            name="Drone de livraison",
            holder_kind=HolderKind.STUDENT_TEAM,
            summary="Projet de fin d'études.",
        )
    assert "holder_name" in caught.value.error_dict
    assert not InnovationProject.objects.exists()

    made = projects.create_project(
        by=student,
        name="Drone de livraison",
        holder_kind=HolderKind.STUDENT_TEAM,
        holder_name="Équipe IUT GEII 2027",
        summary="Projet de fin d'études.",
    )
    assert made.holder == "Équipe IUT GEII 2027"


def test_nobody_starts_a_project_for_an_organisation_they_do_not_belong_to(startup):
    organisation, _founder = startup

    with pytest.raises(PermissionDenied):
        projects.create_project(
            by=UserFactory(),
            name="Usurpation",
            holder_kind=HolderKind.STARTUP,
            holder_organisation=organisation,
            summary="…",
        )
    assert not InnovationProject.objects.exists()


def test_moving_to_a_stage_closes_the_current_one_on_that_day(project):
    founder = founder_of(project)
    day = TODAY - dt.timedelta(days=30)

    projects.move_stage(project=project, by=founder, stage=ProjectStage.PROTOTYPE, on=day)

    project.refresh_from_db()
    assert project.stage == ProjectStage.PROTOTYPE
    assert list(project.stages.values_list("stage", "started_on", "ended_on")) == [
        (ProjectStage.CONCEPT, TODAY - dt.timedelta(days=90), day),
        (ProjectStage.PROTOTYPE, day, None),
    ]


@pytest.mark.parametrize(
    ("stage", "days_ago", "code"),
    [
        (ProjectStage.CONCEPT, 10, "same_stage"),
        (ProjectStage.DESIGN, 200, "before_current"),
        (ProjectStage.DESIGN, -3, "future"),
    ],
)
def test_a_stage_move_that_contradicts_the_history_is_refused(project, stage, days_ago, code):
    with pytest.raises(ValidationError) as caught:
        projects.move_stage(
            project=project,
            by=founder_of(project),
            stage=stage,
            on=TODAY - dt.timedelta(days=days_ago),
        )
    codes = [error.code for errors in caught.value.error_dict.values() for error in errors]
    assert codes == [code]
    assert ProjectStageRecord.objects.filter(project=project).count() == 1


def test_the_host_platform_staff_work_on_the_project_but_strangers_do_not(project, staff):
    projects.add_milestone(project=project, by=staff, title="Essais en vibration")

    with pytest.raises(PermissionDenied):
        projects.move_stage(project=project, by=UserFactory(), stage=ProjectStage.DESIGN, on=TODAY)
    with pytest.raises(PermissionDenied):
        projects.record_outcome(
            project=project, by=UserFactory(), kind=OutcomeKind.JOBS_CREATED, value=1, on=TODAY
        )
    assert project.milestones.count() == 1


def test_only_the_holder_side_allows_the_showcase_page(project, staff):
    with pytest.raises(PermissionDenied):
        projects.set_showcase(project=project, by=staff, public=True)
    project.refresh_from_db()
    assert project.showcase is False

    projects.set_showcase(project=project, by=founder_of(project), public=True)
    project.refresh_from_db()
    assert project.showcase is True


def test_milestones_are_reached_once_and_not_in_the_future(project):
    founder = founder_of(project)
    milestone = projects.add_milestone(
        project=project, by=founder, title="Preuve de concept", due_on=TODAY
    )

    with pytest.raises(ValidationError):
        projects.reach_milestone(milestone=milestone, by=founder, on=TODAY + dt.timedelta(days=1))
    projects.reach_milestone(milestone=milestone, by=founder, on=TODAY)
    with pytest.raises(ValidationError, match="was reached on"):
        projects.reach_milestone(milestone=milestone, by=founder, on=TODAY)


def test_the_team_keeps_at_least_one_holder(project, staff):
    founder = founder_of(project)
    mentor = projects.add_member(project=project, by=staff, user=UserFactory(), role="mentor")

    with pytest.raises(PermissionDenied):
        projects.add_member(project=project, by=staff, user=UserFactory(), role="holder")
    with pytest.raises(ValidationError, match="at least one holder"):
        projects.remove_member(member=project.team.get(user=founder), by=founder)
    with pytest.raises(ValidationError, match="already in the team"):
        projects.add_member(project=project, by=founder, user=mentor.user, role="engineer")
    projects.remove_member(member=mentor, by=founder)
    assert list(project.team.values_list("user", flat=True)) == [founder.pk]


def test_documents_are_a_checked_file_or_a_link(project):
    founder = founder_of(project)

    document = projects.add_document(
        project=project, by=founder, title="Plan du boîtier", file=pdf_upload()
    )
    assert document.file.name.startswith("projects/")
    assert document.file.name.endswith(".pdf")
    assert document.file.storage.exists(document.file.name)

    fake = SimpleUploadedFile("boitier.pdf", b"not a pdf at all")
    with pytest.raises(ValidationError, match=r"boitier\.pdf is not a PDF file"):
        projects.add_document(project=project, by=founder, title="Faux", file=fake)
    with pytest.raises(ValidationError):
        projects.add_document(project=project, by=founder, title="Rien")
    assert ProjectDocument.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        (OutcomeKind.JOBS_CREATED, "1.5", "whole numbers"),
        (OutcomeKind.INVESTMENT_RAISED, "0", "above 0"),
        (OutcomeKind.INVESTMENT_RAISED, "NaN", "above 0"),
        (OutcomeKind.PRODUCTS_LAUNCHED, "abc", "Give a number"),
    ],
)
def test_outcomes_that_make_no_sense_are_refused(project, kind, value, message):
    with pytest.raises(ValidationError, match=message):
        projects.record_outcome(
            project=project, by=founder_of(project), kind=kind, value=value, on=TODAY
        )
    assert not ProjectOutcome.objects.exists()


def test_an_outcome_is_recorded_with_its_day(project):
    outcome = projects.record_outcome(
        project=project,
        by=founder_of(project),
        kind=OutcomeKind.INVESTMENT_RAISED,
        value="250000",
        on=TODAY,
        note="Levée d'amorçage",
    )

    assert (outcome.value, outcome.on) == (Decimal("250000.00"), TODAY)

import itertools

import pytest

from fabrique.accounts.enums import Role
from fabrique.platforms.demo import build_demo_platforms, build_demo_projects
from fabrique.platforms.models import (
    Equipment,
    InnovationProject,
    ProjectOutcome,
    TechnicalPlatform,
)
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_demo_builds_platforms_for_existing_organisations_once():
    OrganisationFactory(kind="university")
    OrganisationFactory(kind="company")

    made = build_demo_platforms(seed=1)
    again = build_demo_platforms(seed=1)

    assert (made, again) == (7, 0)
    assert TechnicalPlatform.objects.count() == 2
    assert Equipment.objects.filter(shared=True).count() == 2
    assert all(e.tariffs.count() == 6 for e in Equipment.objects.all())


def test_the_demo_builds_innovation_projects_with_their_history_once(make_member):
    OrganisationFactory(kind="university")
    OrganisationFactory(kind="training_centre")
    company = OrganisationFactory(kind="company")
    make_member(Role.COMPANY_CONTACT, company)
    build_demo_platforms(seed=1)

    made = build_demo_projects(seed=1)
    again = build_demo_projects(seed=1)

    assert (made, again) == (5, 0)
    for project in InnovationProject.objects.all():
        stages = list(project.stages.order_by("started_on", "pk"))
        assert stages[-1].stage == project.stage
        assert stages[-1].ended_on is None
        assert all(a.ended_on == b.started_on for a, b in itertools.pairwise(stages))
    assert InnovationProject.objects.filter(showcase=True).count() == 3
    assert ProjectOutcome.objects.exists()
    cobot = Equipment.objects.get(category="cobot")
    assert sorted(cobot.availabilities.values_list("weekday", flat=True)) == [1, 3]

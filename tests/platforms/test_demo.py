import pytest

from fabrique.platforms.demo import build_demo_platforms
from fabrique.platforms.models import Equipment, TechnicalPlatform
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

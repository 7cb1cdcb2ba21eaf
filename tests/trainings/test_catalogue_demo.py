# ruff: noqa: F811 (module fixtures imported from tests.demo.conftest)
"""The demo world's catalogue: every teaching organisation offers its tracks, with sessions
placed at its commune and aimed at ROME fiches."""

import pytest

from fabrique.accounts.enums import OrganisationKind
from fabrique.trainings.models import Session, Training
from tests.demo.conftest import reference_data, small_world  # noqa: F401

pytestmark = pytest.mark.django_db


def test_demo_catalogue_is_built_with_the_world(small_world):
    trainings = Training.objects.all()

    assert small_world.state.counts["trainings"] == trainings.count() > 0
    assert set(trainings.values_list("organisation__kind", flat=True)) <= {
        OrganisationKind.LYCEE,
        OrganisationKind.UNIVERSITY,
        OrganisationKind.TRAINING_CENTRE,
    }
    assert not trainings.filter(occupations__isnull=True).exists()
    assert not trainings.filter(sessions__isnull=True).exists()
    assert not Session.objects.filter(latitude__isnull=True).exists()

"""Building the demo world: determinism, scale, and what it needs first."""

import pytest
from django.db import transaction

from fabrique.core.models import DataSource
from fabrique.demo.builder import DemoWorldError, build_world, demo_state
from fabrique.demo.digest import world_digest
from fabrique.demo.world import SECTORS
from fabrique.people.models import Person
from fabrique.referentials.models import Occupation
from fabrique.territories.models import EPCI
from tests.demo.conftest import SMALL

pytestmark = pytest.mark.django_db


def digest_of_fresh_build(**options) -> str:
    """Build in a transaction that is rolled back: each call starts from the same database."""
    with transaction.atomic():
        build_world(people_per_scale=SMALL, **options)
        digest = world_digest()
        transaction.set_rollback(True)
    return digest


@pytest.mark.usefixtures("reference_data")
def test_same_seed_gives_the_same_world():
    first = digest_of_fresh_build(seed=5)

    second = digest_of_fresh_build(seed=5)

    assert first == second


@pytest.mark.usefixtures("reference_data")
def test_another_seed_gives_another_world():
    assert digest_of_fresh_build(seed=5) != digest_of_fresh_build(seed=6)


@pytest.mark.usefixtures("reference_data")
def test_scale_2_doubles_the_people():
    report = build_world(seed=5, scale=2, people_per_scale=SMALL)

    assert Person.objects.count() == 2 * SMALL
    assert report.state.counts["people"] == 2 * SMALL
    assert demo_state().version == f"seed=5;scale=2;people={SMALL}"


@pytest.mark.usefixtures("reference_data")
def test_every_sector_fiche_is_in_the_shipped_rome():
    codes = {code for fiches in SECTORS.values() for code in fiches}

    loaded = set(Occupation.objects.filter(code__in=codes).values_list("code", flat=True))

    assert loaded == codes


@pytest.mark.usefixtures("reference_data")
def test_a_missing_epci_is_reported_and_nothing_is_written():
    EPCI.objects.filter(siren="245701164").delete()  # CC du Warndt

    with pytest.raises(DemoWorldError, match="245701164"):
        build_world(people_per_scale=SMALL)

    assert demo_state() is None
    assert Person.objects.count() == 0


def test_the_rome_core_is_needed_first():
    DataSource.objects.filter(name="rome").delete()  # whether or not the module loaded it

    with pytest.raises(DemoWorldError, match="ROME"):
        build_world(people_per_scale=SMALL)


def test_scale_must_be_at_least_1():
    with pytest.raises(ValueError, match="at least 1"):
        build_world(scale=0)

"""Fixtures of the demo tests.

Loading the shipped geography (cut down to the demo's départements) and the ROME core takes
a few seconds, so a module loads them once inside a transaction of its own that is rolled
back at the end of the module. Each test runs in a savepoint inside it (the usual ``db``
fixture), so what a test writes is gone after it, and other modules never see the data.
"""

import pytest
from django.db import connection

from fabrique.demo.builder import build_world
from fabrique.referentials.loading import load_rome_core
from fabrique.territories.importers import import_territories

DEMO_DEPARTEMENTS = {"57", "25", "54"}
SMALL = 300  # people per unit of scale in the builder tests


@pytest.fixture(scope="module")
def reference_data(module_transaction, django_db_blocker) -> dict[str, int]:
    """The demo's départements and the ROME core, loaded once for the module."""
    with django_db_blocker.unblock():
        import_territories(wet_run=True, departements=DEMO_DEPARTEMENTS)
        counts = load_rome_core()
        connection.check_constraints()  # now, rather than after every test (PostgreSQL)
    return counts


@pytest.fixture(scope="module")
def small_world(reference_data, django_db_blocker):
    """A demo world of 300 people, built once for the module."""
    with django_db_blocker.unblock():
        report = build_world(seed=11, people_per_scale=SMALL)
        connection.check_constraints()
    return report

"""Shared fixtures. Environment switches:

- ``DATABASE_URL=postgres://...`` runs the suite on PostgreSQL; tests marked ``postgres``
  (concurrency) run only there and are skipped on SQLite.
- ``FABRIQUE_REQUIRE_POSTGRES=1`` / ``FABRIQUE_REQUIRE_BROWSER=1`` (set by CI) turn those
  skips into failures, so that CI cannot pass without running them.
"""

import os
from collections.abc import Iterator

import pytest
from django.db import connection, transaction

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def on_postgres(db):
    if connection.vendor != "postgresql":
        if os.environ.get("FABRIQUE_REQUIRE_POSTGRES"):
            pytest.fail("This test needs PostgreSQL, and FABRIQUE_REQUIRE_POSTGRES is set.")
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")
    return connection


@pytest.fixture
def make_member(db):
    """make_member(role, organisation=None, **user_fields) -> user with that membership."""

    def make(role, organisation=None, **user_fields):
        organisation = organisation or OrganisationFactory()
        user = UserFactory(**user_fields)
        MembershipFactory(user=user, organisation=organisation, role=role)
        return user

    return make


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (login throttling counts live there)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker) -> Iterator[None]:
    """An open transaction for the whole module, rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="session")
def matcher_ready() -> None:
    """The text matcher's ROME indexes, loaded in this process (built first if var/ has none),
    so that a test of a page does not wait for a build."""
    from fabrique.referentials import matching

    matching.occupations([""], scheme="rome", top=1)
    matching.skills([""], scheme="rome", top=1)


@pytest.fixture
def api_schema(db):
    """The OpenAPI schema of the API served in this process, for ``tests.api.fuzzing``."""
    import schemathesis
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    # As Django's test client does: requests must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)

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

"""Shared fixtures. Environment switches:

- ``DATABASE_URL=postgres://...`` runs the suite on PostgreSQL; tests marked ``postgres``
  (concurrency) run only there and are skipped on SQLite.
- ``FABRIQUE_REQUIRE_POSTGRES=1`` / ``FABRIQUE_REQUIRE_BROWSER=1`` (set by CI) turn those
  skips into failures, so that CI cannot pass without running them.
"""

import os

import pytest
from django.db import connection

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

"""Shared fixtures. Environment switches:

- ``DATABASE_URL=postgres://...`` runs the suite on PostgreSQL; tests marked ``postgres``
  (concurrency) run only there and are skipped on SQLite.
- ``FABRIQUE_REQUIRE_POSTGRES=1`` / ``FABRIQUE_REQUIRE_BROWSER=1`` (set by CI) turn those
  skips into failures, so that CI cannot pass without running them.
"""

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

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


MatcherIndexes = Callable[..., None]


@pytest.fixture(scope="session")
def matcher_indexes() -> MatcherIndexes:
    """``seed(var_dir, (kind, scheme), ...)`` puts into ``var_dir / "matching"`` the text
    matcher's indexes of the pairs given, as a process of the platform with that var
    directory would find them built. They are built once for every test session of the
    checkout, in its own ``var/matching`` (where a development server keeps them, keyed on the
    shipped data and the matcher's code), one test process at a time."""
    from django.conf import settings

    from fabrique.engine.matching import index as engine

    data_dir = Path(settings.DATA_DIR)
    shared = Path(settings.VAR_DIR) / "matching"
    key = engine.cache_key(data_dir)

    def seed(var_dir: Path, *pairs: tuple[engine.Kind, engine.Scheme]) -> None:
        shared.mkdir(parents=True, exist_ok=True)
        with (shared / ".build.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            for kind, scheme in pairs:
                if not engine.cache_path(kind, scheme, shared, key).exists():
                    engine.load_or_build(kind, scheme, data_dir, shared, key=key)
        target = var_dir / "matching"
        target.mkdir(parents=True, exist_ok=True)
        for kind, scheme in pairs:
            source = engine.cache_path(kind, scheme, shared, key)
            copy = engine.cache_path(kind, scheme, target, key)
            if copy.exists():  # (this var directory is the shared one, or seeded before)
                continue
            try:
                os.link(source, copy)  # (indexes are replaced, never written in place)
            except OSError:
                shutil.copyfile(source, copy)

    return seed


@pytest.fixture(scope="session")
def matcher_ready(matcher_indexes) -> None:
    """The text matcher's ROME indexes, loaded in this process (built first if var/ has none),
    so that a test of a page does not wait for a build."""
    from django.conf import settings

    from fabrique.referentials import matching

    shared = Path(settings.VAR_DIR)
    matcher_indexes(shared, ("occupations", "rome"), ("skills", "rome"))
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

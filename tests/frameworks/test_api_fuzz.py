"""The frameworks API under fuzzing, against a real framework its caller edits: whatever the
body, no server error (tests/api/test_openapi.py fuzzes every operation with random paths)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings, strategies
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from fabrique.accounts.models import ApiToken
from tests.frameworks.conftest import sample_document

OPENAPI_URL = "/api/v1/openapi.json"
EXAMPLES_PER_OPERATION = 25


@pytest.fixture
def api_schema(db):
    # As Django's test client does: requests must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(OPENAPI_URL, get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_frameworks_api_never_answers_with_a_server_error(
    api_schema, coordinator, build_framework, skills, subtests
):
    version = build_framework(coordinator, sample_document(skills))
    key = ApiToken.generate_key()
    token = ApiToken(user=coordinator, name="fuzz")
    token.set_key(key)
    token.save()
    headers = {"Authorization": f"Bearer {key}"}
    known = {"slug": version.framework.slug, "number": version.number}

    for result in api_schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith("/api/v1/frameworks"):
            continue
        cases = strategies.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=cases, on_known=strategies.booleans())
        def call(case, on_known):
            if on_known and case.path_parameters:
                case.path_parameters = {
                    name: known.get(name, value) for name, value in case.path_parameters.items()
                }
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        with subtests.test(msg=operation.label):
            call()

"""The OpenAPI description of /api/v1/ and what the API does with any input it describes.

The fuzzing here runs in-process with a few examples per operation; CI also runs the
schemathesis command line against a real server on a demo database (see .ci/run).
"""

import pytest
from hypothesis import HealthCheck, given, settings, strategies
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from fabrique.accounts.enums import Role
from fabrique.accounts.models import ApiToken

OPENAPI_URL = "/api/v1/openapi.json"
EXAMPLES_PER_OPERATION = 10


@pytest.fixture
def coordinator_token(make_member) -> str:
    user = make_member(Role.COORDINATOR, email="api.coordinator@example.org")
    key = ApiToken.generate_key()
    token = ApiToken(user=user, name="tests")
    token.set_key(key)
    token.save()
    return key


@pytest.fixture
def openapi(client) -> dict:
    response = client.get(OPENAPI_URL)
    assert response.status_code == 200
    return response.json()


def test_openapi_describes_the_api_and_its_bearer_tokens(openapi):
    assert openapi["openapi"].startswith("3.")
    assert openapi["info"]["title"] == "Fabrique API"
    assert openapi["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    assert openapi["paths"], "the API describes no operation"


def test_operations_described_as_protected_refuse_anonymous_calls(db, client, openapi):
    # Every GET without required parameters: protected ones answer 401, public ones 200.
    mismatches = []
    for path, operations in openapi["paths"].items():
        operation = operations.get("get")
        if operation is None or any(p["required"] for p in operation.get("parameters", [])):
            continue
        expected = 401 if operation.get("security") else 200
        status = client.get(path).status_code
        if status != expected:
            mismatches.append(f"GET {path}: {status}, expected {expected}")

    assert mismatches == []


def test_api_never_answers_with_a_server_error(api_schema, coordinator_token, subtests):
    # A loop of subtests rather than schemathesis' pytest plugin, whose lazy loading does not
    # work with pytest 9. Valid and invalid input, a few examples of each per operation.
    headers = {"Authorization": f"Bearer {coordinator_token}"}
    for result in api_schema.get_all_operations():
        operation = result.ok()
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
        @given(case=cases)
        def call(case):
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        with subtests.test(msg=operation.label):
            call()

"""The frameworks API under fuzzing, against a real framework its caller edits: whatever the
body, no server error (tests/api/test_openapi.py fuzzes every operation with random paths)."""

from fabrique.accounts.models import ApiToken
from tests.api.fuzzing import fuzz_operations
from tests.frameworks.conftest import sample_document

OPENAPI_URL = "/api/v1/openapi.json"
EXAMPLES_PER_OPERATION = 25


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

    fuzzed = fuzz_operations(
        api_schema,
        subtests,
        prefix="/api/v1/frameworks",
        known=known,
        headers=headers,
        examples=EXAMPLES_PER_OPERATION,
    )

    assert fuzzed > 0

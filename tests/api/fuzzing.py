"""Fuzzing one part of the API in-process, against records a test has made: whatever the
parameters and bodies schemathesis generates, the API never answers with a server error.
(tests/api/test_openapi.py fuzzes every operation with random paths.)

    def test_things_api_never_answers_with_a_server_error(api_schema, subtests):  # conftest
        thing = ThingFactory()
        fuzz_operations(api_schema, subtests, prefix="/api/v1/things", known={"pk": thing.pk})
"""

from collections.abc import Mapping

import schemathesis
from hypothesis import HealthCheck, given, settings, strategies
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error


def fuzz_operations(
    schema: schemathesis.BaseSchema,
    subtests,
    *,
    prefix: str,
    known: Mapping[str, object],
    headers: Mapping[str, str] | None = None,
    examples: int = 25,
) -> int:
    """Fuzz every operation under ``prefix``, one subtest each; path parameters take the
    ``known`` values half of the time, so that calls reach real records. Returns how many
    operations were fuzzed."""
    fuzzed = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith(prefix):
            continue
        cases = strategies.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=examples,
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
            case.call_and_validate(headers=dict(headers or {}), checks=[not_a_server_error])

        with subtests.test(msg=operation.label):
            call()
        fuzzed += 1
    return fuzzed

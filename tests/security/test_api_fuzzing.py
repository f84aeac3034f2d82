"""SECURITY.md T13: schemathesis over the OpenAPI schema at /api/v1/openapi.json → 0 server errors.

The schema is loaded from the app itself (schemathesis's WSGI loader on Django's handler,
in this test's database), and every operation in it is called with generated requests:

- any request the schema allows (positive data), for every operation;
- requests the schema forbids (negative data: a page of 0, a page_size of "x", a missing
  year…), for every operation that has parameters to get wrong — they must be refused
  with a 4xx;
- requests that name what the security world has published (enterprise A's credit code,
  2025, 2026Q1, each typed a few ways people type them), the other parameters generated —
  they must succeed.

Every response is checked against the schema: no 5xx, a declared status code and content
type, a body matching the declared model (the error model for 400 and 404 included) and
declared headers. At most EXAMPLES requests per operation and kind.
"""

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.conftest import World

pytestmark = pytest.mark.django_db

EXAMPLES = 50
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def as_typed(code: str) -> list[str]:
    """A credit code as people type it: as printed, in lower case, in groups, full-width."""
    return [code, code.lower(), f"{code[:4]} {code[4:10]}-{code[10:]}", code.translate(FULL_WIDTH)]


FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}

#: Each operation's requests for published data: sets of fixed parameters (the rest are generated).
PUBLISHED: dict[str, Callable[[World], list[dict[str, Any]]]] = {
    "GET /api/v1/public/enterprises/{credit_code}": lambda w: [
        {"path_parameters": {"credit_code": code}} for code in as_typed(w.cast.enterprise_a.credit_code)
    ],
    "GET /api/v1/open-data/grades": lambda w: [{"query": {"year": year}} for year in ("2025", " 2025 ", "２０２５")],
    "GET /api/v1/open-data/lights": lambda w: [
        {"query": {"quarter": quarter}} for quarter in ("2026Q1", "2026q1", "2026 Q1", "２０２６Ｑ１")
    ],
}


@pytest.fixture
def api(world: World) -> Iterator[Any]:
    """The schema, bound to Django's WSGI handler. As in Django's test client, the end of a request does
    not close the database connection: it holds this test's transaction, and the world in it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def operations(api: Any) -> dict[str, Any]:
    return {result.ok().label: result.ok() for result in api.get_all_operations()}


def fuzz(strategy: Any, checks: list[Any], max_examples: int = EXAMPLES) -> Counter[int]:
    """Call the app with up to `max_examples` cases from `strategy`; every response must pass `checks`."""
    statuses: Counter[int] = Counter()

    @given(case=strategy)
    @settings(max_examples=max_examples, database=None, suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        response = case.call()
        statuses[response.status_code] += 1
        case.validate_response(response, checks=checks)

    run()
    return statuses


def can_be_wrong(parameter: dict[str, Any]) -> bool:
    """Some value breaks it: not text, or constrained, or a required parameter that can be left out
    (a path segment cannot: without it the request goes to another URL)."""
    schema = parameter.get("schema", {})
    constrained = set(schema) - {"type", "title", "description", "default", "examples"}
    left_out = parameter["in"] != "path" and parameter.get("required", False)
    return schema.get("type") != "string" or bool(constrained) or left_out


def has_parameters_to_get_wrong(operation: Any) -> bool:
    return any(can_be_wrong(parameter) for parameter in operation.definition.raw.get("parameters", []))


def test_the_schema_loads_and_every_operation_has_published_data_to_ask_for(api):
    assert [result for result in api.get_all_operations() if not hasattr(result, "ok")] == []
    assert set(operations(api)) == set(PUBLISHED)


def test_any_request_the_schema_allows_is_answered_as_the_schema_says(api):
    for label, operation in operations(api).items():
        statuses = fuzz(operation.as_strategy(generation_mode=GenerationMode.POSITIVE), CONFORMANCE)

        assert statuses.total() > 0, label
        assert all(400 <= status < 500 or status == 200 for status in statuses), (label, statuses)


def test_requests_the_schema_forbids_are_refused_with_a_4xx(api):
    fuzzed = []
    for label, operation in operations(api).items():
        if not has_parameters_to_get_wrong(operation):
            continue
        statuses = fuzz(
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE), [*CONFORMANCE, negative_data_rejection]
        )
        fuzzed.append(label)

        assert set(statuses) == {400}, (label, statuses)

    assert fuzzed == ["GET /api/v1/open-data/grades", "GET /api/v1/open-data/lights"]


def test_requests_for_published_data_succeed_with_any_other_parameters(api, world):
    for label, operation in operations(api).items():
        strategy = st.one_of(
            [
                operation.as_strategy(generation_mode=GenerationMode.POSITIVE, **fixed)
                for fixed in PUBLISHED[label](world)
            ]
        )
        statuses = fuzz(strategy, [*CONFORMANCE, positive_data_acceptance], max_examples=EXAMPLES // 2)

        assert set(statuses) == {200}, (label, statuses)


def test_what_counts_as_a_parameter_to_get_wrong():
    class Operation:
        def __init__(self, *parameters: dict[str, Any]) -> None:
            self.definition = type("Definition", (), {"raw": {"parameters": list(parameters)}})

    free_path = {"in": "path", "name": "credit_code", "required": True, "schema": {"type": "string", "title": "C"}}
    number_path = {"in": "path", "name": "pk", "required": True, "schema": {"type": "integer"}}
    optional_text = {"in": "query", "name": "q", "schema": {"type": "string"}}
    required_text = {"in": "query", "name": "year", "required": True, "schema": {"type": "string"}}
    bounded_text = {"in": "query", "name": "code", "schema": {"type": "string", "maxLength": 18}}

    assert has_parameters_to_get_wrong(Operation()) is False
    assert has_parameters_to_get_wrong(Operation(free_path, optional_text)) is False
    assert has_parameters_to_get_wrong(Operation(free_path, required_text)) is True
    assert has_parameters_to_get_wrong(Operation(number_path)) is True
    assert has_parameters_to_get_wrong(Operation(bounded_text)) is True

"""The OpenAPI schema at /api/v1/openapi.json: what clients and fuzzers read. No interactive docs page
(it would need inline styles and, outside INSTALLED_APPS, a CDN)."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema() -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_lists_the_public_endpoints(schema):
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) >= {
        "/api/v1/public/enterprises/{credit_code}",
        "/api/v1/open-data/grades",
        "/api/v1/open-data/lights",
    }


def test_each_endpoint_is_a_get_documenting_its_errors_and_needing_no_credentials(schema):
    for path in ("/api/v1/public/enterprises/{credit_code}", "/api/v1/open-data/grades", "/api/v1/open-data/lights"):
        operations = schema["paths"][path]
        assert set(operations) == {"get"}
        get = operations["get"]
        assert {"200", "400", "404"} <= set(get["responses"])
        assert "security" not in get


def test_paging_parameters_are_bounded_in_the_schema(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/open-data/grades"]["get"]["parameters"]}

    assert parameters["year"]["required"] is True
    assert parameters["page"]["schema"]["minimum"] == 1
    assert (parameters["page_size"]["schema"]["minimum"], parameters["page_size"]["schema"]["maximum"]) == (1, 100)


def test_the_error_shape_is_in_the_schema(schema):
    error = schema["components"]["schemas"]["ErrorOut"]

    assert set(error["properties"]) == {"error", "message"}
    assert set(error["required"]) == {"error", "message"}


def test_no_interactive_docs_page(db):
    response = Client().get("/api/v1/docs")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"

from typing import Any

from django.test import Client

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def get_json(path: str, data: dict[str, Any] | None = None, *, client: Client | None = None, **headers: str) -> Any:
    response = (client or Client()).get(path, data, **headers)
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.status_code, response.json()


def status_url(code: str) -> str:
    return f"/api/v1/public/enterprises/{code}"

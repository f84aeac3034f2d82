from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def page_queries(client: Client, url: str) -> int:
    """How many queries a GET of `url` costs once the session is warm.

    The first request after signing in notes the session's activity (a write the idle
    timeout makes at most once a minute), so it is made, and not counted, first.
    """
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_idle_session_is_signed_out_after_the_idle_timeout(cast, settings):
    settings.SESSION_IDLE_SECONDS = 1800
    client = cast.client_for("town_a_union")
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False) as clock:
        assert client.get(reverse("enterprises:list")).status_code == 200
        clock.shift(29 * 60)
        assert client.get(reverse("enterprises:list")).status_code == 200
        clock.shift(29 * 60)  # active within the window: still signed in
        assert client.get(reverse("enterprises:list")).status_code == 200
        clock.shift(31 * 60)
        response = client.get(reverse("enterprises:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _session_writes(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("home")).status_code == 200
    return sum(1 for q in ctx.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"])


def test_reading_pages_does_not_rewrite_the_session_every_time(cast):
    client = cast.client_for("town_a_union")
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False) as clock:
        assert _session_writes(client) == 1  # the first request notes the time
        clock.shift(30)
        assert _session_writes(client) == 0
        clock.shift(31)
        assert _session_writes(client) == 1

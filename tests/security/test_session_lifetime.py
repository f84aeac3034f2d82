"""SECURITY.md T7, absolute lifetime: a session ends SESSION_COOKIE_AGE (8 h) after signing in, however
active its user is. (The idle timeout is tests/core/test_session_timeout.py.)

Django renews a session's expiry whenever it is saved, and noting activity saves it, so
without a check of its own a user who opens a page every 20 minutes stays signed in for ever.
"""

import pytest
import time_machine
from django.urls import reverse

pytestmark = pytest.mark.django_db

EVERY = 20 * 60  # a page every 20 minutes: never idle


def test_an_active_session_ends_after_the_absolute_lifetime(cast, settings):
    settings.SESSION_COOKIE_AGE = 8 * 3600
    client = cast.client_for("town_a_union")
    statuses = []
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False) as clock:
        for _ in range(8 * 3600 // EVERY):  # 09:00 … 16:40
            statuses.append(client.get(reverse("enterprises:list")).status_code)
            clock.shift(EVERY)
        clock.shift(10 * 60)  # 17:10: more than 8 h after the first page
        late = client.get(reverse("enterprises:list"))

    assert set(statuses) == {200}
    assert late.status_code == 302
    assert late["Location"].startswith(reverse("login"))


def test_signing_in_again_starts_a_new_lifetime(cast, settings):
    settings.SESSION_COOKIE_AGE = 3600
    client = cast.client_for("town_a_union")
    with time_machine.travel("2026-03-02 09:00 +0800", tick=False) as clock:
        first = []
        for _ in range(3):  # 09:00, 09:25, 09:50
            first.append(client.get(reverse("home")).status_code)
            clock.shift(25 * 60)
        ended = client.get(reverse("home")).status_code  # 10:15
        client.force_login(cast.users["town_a_union"])
        again = []
        for _ in range(3):  # 10:15, 10:40, 11:05
            again.append(client.get(reverse("home")).status_code)
            clock.shift(25 * 60)

    assert (first, ended, again) == ([200, 200, 200], 302, [200, 200, 200])

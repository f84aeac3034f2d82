"""SECURITY.md T17: signing in — wrong passwords, a lockout, second-factor codes right and wrong —
leaves no password, code or authenticator secret in the logs or in the attempt records."""

import datetime
import logging
from binascii import unhexlify

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from liangpai.accounts.views import ENROLMENT_SESSION_KEY
from liangpai.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TYPO = "Correct-Horse-Battery-Typo-91"  # a near miss of a real password: exactly what must not be logged


def _everything_logged(records: list[logging.LogRecord]) -> str:
    parts = []
    for r in records:
        parts += [r.getMessage(), repr(r.args), str(r.msg), r.exc_text or ""]
    return "\n".join(parts)


def test_no_password_code_or_secret_is_logged_or_stored(caplog):
    caplog.set_level(logging.DEBUG)
    UserFactory(username="root", is_staff=True, is_superuser=True)
    secrets: list[str] = [TYPO]
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, 10, tzinfo=datetime.UTC), tick=False) as clock:
        for _ in range(6):  # five wrong passwords lock the name; the sixth is refused while locked
            Client(REMOTE_ADDR="10.1.1.1").post(reverse("login"), {"username": "root", "password": TYPO})
        clock.shift(datetime.timedelta(minutes=31))

        client = Client()
        client.post(reverse("login"), {"username": "root", "password": "correct-horse-battery"})
        client.get(reverse("otp_enrol"))
        key = client.session[ENROLMENT_SESSION_KEY]
        right = f"{totp(unhexlify(key)):06d}"
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        secrets += [key, right, wrong, "correct-horse-battery"]
        client.post(reverse("otp_enrol"), {"token": wrong})
        client.post(reverse("otp_enrol"), {"token": right})

        later = Client()
        later.post(reverse("login"), {"username": "root", "password": "correct-horse-battery"})
        later.post(reverse("otp_verify"), {"token": right})  # already used: refused
        clock.shift(datetime.timedelta(seconds=30))
        next_code = f"{totp(unhexlify(key)):06d}"
        secrets.append(next_code)
        later.post(reverse("otp_verify"), {"token": next_code})
        assert later.get("/admin/").status_code == 200

    logged = _everything_logged(caplog.records)
    # The logs were captured: the lock and the refused code are there, by name.
    assert "Sign-in name root locked until" in logged
    assert "Second factor refused for root" in logged
    assert [s for s in secrets if s in logged] == []

    stored = [a.post_data + a.get_data for a in AccessAttempt.objects.all()]
    stored += [str(e.before) + str(e.after) + e.reason for e in AuditEvent.objects.all()]
    assert AccessFailureLog.objects.count() == 6
    assert [s for s in secrets if any(s in row for row in stored)] == []

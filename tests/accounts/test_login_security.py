"""SECURITY.md T7: five wrong passwords within 15 minutes lock a sign-in name for 30 minutes,
the right password included; the lock is recorded and a user admin can end it.

Every attempt here goes through the login page, as a browser's would (django-axes watches
`authenticate`, which `force_login` skips).
"""

import datetime
from collections.abc import Iterator

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from liangpai.accounts.models import LoginLock
from liangpai.core.audit import verify_chain
from liangpai.core.models import AuditEvent
from tests.factories import UserFactory
from tests.otp import admin_client

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # the factories' password
WRONG = "not-the-password-7"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)  # 17:00 in Shanghai
LOCKED = "已被临时锁定"


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def inspector():
    return UserFactory(username="inspector")


def sign_in(username: str, password: str, *, address: str = "10.1.1.1", **headers: str):
    client = Client(REMOTE_ADDR=address, headers=headers)
    return client.post(reverse("login"), {"username": username, "password": password})


def fail(times: int, clock: time_machine.Traveller, *, every: float = 1, username: str = "inspector") -> list[int]:
    """`times` wrong passwords, `every` minutes apart (the clock ends on the last): the status codes."""
    codes = []
    for i in range(times):
        if i:
            clock.shift(datetime.timedelta(minutes=every))
        codes.append(sign_in(username, WRONG).status_code)
    return codes


def is_signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("home")


def test_the_right_password_signs_in_and_is_logged(inspector, clock):
    assert is_signed_in(sign_in("inspector", PASSWORD))
    assert AccessLog.objects.get().username == "inspector"


def test_five_wrong_passwords_lock_the_name_and_even_the_right_one_is_refused(inspector, clock):
    assert fail(4, clock) == [200] * 4
    assert "请输入一个正确的" in sign_in("somebody", WRONG).content.decode()  # the usual refusal till then
    response = sign_in("inspector", WRONG)  # the fifth
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page
    assert "2026-03-02 17:33" in page  # the 5th failure at 17:03, plus 30 minutes, in local time
    assert "市总工会的系统管理员" in page

    clock.shift(datetime.timedelta(minutes=1))
    response = sign_in("inspector", PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_the_lock_ends_after_thirty_minutes_and_refused_tries_do_not_extend_it(inspector, clock):
    fail(5, clock)
    clock.shift(datetime.timedelta(minutes=20))
    assert sign_in("inspector", PASSWORD).status_code == 429
    clock.shift(datetime.timedelta(minutes=9, seconds=59))
    assert sign_in("inspector", PASSWORD).status_code == 429
    clock.shift(datetime.timedelta(seconds=2))
    assert is_signed_in(sign_in("inspector", PASSWORD))


def test_only_failures_within_fifteen_minutes_count(inspector, clock):
    fail(4, clock, every=4)  # at 0, 4, 8, 12 minutes
    clock.shift(datetime.timedelta(minutes=4))
    assert sign_in("inspector", WRONG).status_code == 200  # at 16: the one at 0 is out of the window
    clock.shift(datetime.timedelta(minutes=1))
    assert sign_in("inspector", WRONG).status_code == 429  # at 17: 4, 8, 12, 16, 17
    assert LoginLock.objects.get().failures == 5


def test_after_a_lock_the_count_starts_again(inspector, clock):
    assert fail(5, clock) == [200, 200, 200, 200, 429]
    clock.shift(datetime.timedelta(minutes=31))
    assert fail(4, clock) == [200] * 4  # failures before the lock and refused tries during it are spent
    assert sign_in("inspector", PASSWORD).status_code == 302


def test_the_lock_is_by_name_not_by_address(inspector, clock):
    UserFactory(username="colleague")
    fail(5, clock)  # from the town office's shared address
    assert is_signed_in(sign_in("colleague", PASSWORD, address="10.1.1.1"))
    assert sign_in("inspector", PASSWORD, address="192.0.2.44").status_code == 429


def test_an_unknown_name_is_locked_the_same_way(clock):
    """The page does not tell whether an account exists."""
    fail(4, clock, username="nobody")
    response = sign_in("nobody", WRONG)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_the_lock_is_recorded_in_the_audit_log_and_by_axes(inspector, clock):
    fail(5, clock)
    clock.shift(datetime.timedelta(minutes=1))
    sign_in("inspector", PASSWORD)
    lock = LoginLock.objects.get()
    assert (lock.username, lock.failures, lock.ip_address) == ("inspector", 5, "10.1.1.1")
    assert lock.until == START + datetime.timedelta(minutes=34)
    event = AuditEvent.objects.get(action="login.lock")
    assert event.actor is None
    assert event.after["username"] == "inspector"
    assert event.after["until"] == lock.until.isoformat()
    assert verify_chain() is None
    # Six failures recorded: the five that locked (the last flagged) and the refused right password.
    flags = list(AccessFailureLog.objects.order_by("id").values_list("locked_out", flat=True))
    assert flags == [False, False, False, False, True, True]
    assert not AccessLog.objects.exists()
    assert PASSWORD not in AccessAttempt.objects.get().post_data


def test_a_user_admin_unlocks_the_name_and_the_unlock_is_audited(inspector, clock):
    fail(5, clock)
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = admin_client(root)
    changelist = reverse("admin:accounts_user_changelist")
    assert "2026-03-02 17:34" in client.get(changelist).content.decode()  # the list shows the lock

    response = client.post(changelist, {"action": "unlock_login", "_selected_action": [inspector.pk]}, follow=True)
    assert "已解除 1 个用户的登录锁定" in response.content.decode()
    lock = LoginLock.objects.get()
    assert lock.ended_by == root
    event = AuditEvent.objects.get(action="login.unlock")
    assert event.actor == root
    assert verify_chain() is None
    assert is_signed_in(sign_in("inspector", PASSWORD))
    # The spent failures do not lock again at the next mistake.
    assert sign_in("inspector", WRONG).status_code == 200


def test_unlocking_a_name_that_is_not_locked_says_so(inspector):
    client = admin_client(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_login", "_selected_action": [inspector.pk]},
        follow=True,
    )
    assert "所选用户没有被锁定" in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_axes_reset_command_also_ends_the_lock(inspector, clock):
    fail(5, clock)
    call_command("axes_reset_username", "inspector", stdout=None)
    assert LoginLock.objects.get().ended_at == START + datetime.timedelta(minutes=4)
    assert AuditEvent.objects.get(action="login.unlock").actor is None
    assert is_signed_in(sign_in("inspector", PASSWORD))


def test_axes_reset_without_a_name_ends_every_lock(inspector, clock):
    UserFactory(username="colleague")
    fail(5, clock)
    fail(5, clock, username="colleague")
    call_command("axes_reset", stdout=None)
    assert not LoginLock.objects.filter(ended_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="login.unlock").count() == 2


def test_the_failure_log_keeps_each_names_newest_rows(inspector, clock, settings):
    settings.LOGIN_FAILURE_LIMIT = 100
    settings.AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 3
    fail(5, clock)
    fail(2, clock, username="nobody")
    times = list(AccessFailureLog.objects.filter(username="inspector").values_list("attempt_time", flat=True))
    assert sorted(times) == [START + datetime.timedelta(minutes=m) for m in (2, 3, 4)]
    assert AccessFailureLog.objects.filter(username="nobody").count() == 2


def test_the_limits_and_the_contact_are_settings(inspector, clock, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_WINDOW_MINUTES = 5
    settings.LOGIN_LOCKOUT_MINUTES = 60
    settings.LOGIN_LOCKOUT_CONTACT = "市总工会信息科（0573-12345678）"
    fail(2, clock, every=3)
    clock.shift(datetime.timedelta(minutes=3))
    assert sign_in("inspector", WRONG).status_code == 200  # at 6: the one at 0 is out of 5 minutes
    response = sign_in("inspector", WRONG)
    assert response.status_code == 429
    page = response.content.decode()
    assert "2026-03-02 18:06" in page
    assert "市总工会信息科（0573-12345678）" in page


def test_the_lockout_page_keeps_the_name_and_where_to_go(inspector, clock):
    fail(4, clock)
    client = Client(REMOTE_ADDR="10.1.1.1")
    response = client.post(reverse("login"), {"username": "inspector", "password": WRONG, "next": "/enterprises/"})
    page = response.content.decode()
    assert 'value="inspector"' in page
    assert 'name="next" value="/enterprises/"' in page
    assert response["Content-Security-Policy"]


# --- the client's address -------------------------------------------------------------


def test_a_forwarded_address_is_ignored_unless_a_proxy_is_configured(inspector, clock):
    sign_in("inspector", WRONG, address="10.9.9.9", x_forwarded_for="203.0.113.7")
    assert AccessFailureLog.objects.get().ip_address == "10.9.9.9"


def test_behind_a_configured_proxy_the_address_it_adds_is_recorded(inspector, clock, settings):
    settings.TRUSTED_PROXY_IP_HEADER = "X-Forwarded-For"
    # A client may send its own X-Forwarded-For: the proxy appends the address it saw, on the right.
    sign_in("inspector", WRONG, address="10.0.0.2", x_forwarded_for="198.51.100.1, 203.0.113.7")
    sign_in("inspector", WRONG, address="10.0.0.2", x_forwarded_for="not-an-address")
    addresses = list(AccessFailureLog.objects.order_by("id").values_list("ip_address", flat=True))
    assert addresses == ["203.0.113.7", "10.0.0.2"]


def test_force_login_is_not_watched(inspector, clock):
    """The test suite signs users in with force_login: it bypasses the lock check, as intended."""
    fail(5, clock)
    client = Client()
    client.force_login(inspector)
    assert client.get(reverse("home")).status_code == 200

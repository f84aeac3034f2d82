"""SECURITY.md T7: the Django admin asks staff for a TOTP code; the first visit enrols an authenticator.

Codes are computed here from the secret the page gives, as the phone's app would.
"""

import datetime
import re
from binascii import unhexlify
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from liangpai.accounts.views import ENROLMENT_SESSION_KEY
from liangpai.core.audit import verify_chain
from liangpai.core.models import AuditEvent
from tests.factories import UserFactory
from tests.otp import admin_client

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 9, 0, 10, tzinfo=datetime.UTC)
WRONG_CODE = "验证码不正确"


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def code(key: str, *, steps: int = 0) -> str:
    """The code an authenticator app shows now (or `steps` periods of 30 s later)."""
    return f"{totp(unhexlify(key), drift=steps):06d}"


def enrolled(client: Client) -> TOTPDevice:
    client.get(reverse("otp_enrol"))
    key = client.session[ENROLMENT_SESSION_KEY]
    response = client.post(reverse("otp_enrol"), {"token": code(key), "next": "/admin/"})
    assert response.status_code == 302
    return TOTPDevice.objects.get()


# --- the admin is closed without a second factor --------------------------------------


def test_a_staff_session_without_a_device_is_sent_to_enrol(staff):
    response = signed_in(staff).get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("otp_enrol") + "?next=%2Fadmin%2F"
    assert response.status_code == 200
    assert "启用管理后台二次验证" in response.content.decode()


def test_a_staff_session_with_a_device_is_asked_for_the_code(staff):
    TOTPDevice.objects.create(user=staff, name="手机", confirmed=True)
    client = signed_in(staff)
    response = client.get(reverse("admin:accounts_user_changelist"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("otp_verify") + "?next=%2Fadmin%2Faccounts%2Fuser%2F"
    assert "输入验证码" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_signing_in_for_the_admin_goes_password_then_code(staff):
    response = Client().get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("login") + "?next=/admin/"


def test_a_signed_in_user_who_is_not_staff_is_refused(cast):
    assert cast.client_for("city_admin").get("/admin/", follow=True).status_code == 403


def test_app_pages_ask_no_second_factor(cast):
    user = cast.users["city_admin"]
    user.is_staff = True
    user.save()
    assert cast.client_for("city_admin").get(reverse("enterprises:list")).status_code == 200
    assert cast.client_for("town_a_union").get(reverse("enterprises:list")).status_code == 200


def test_the_otp_pages_are_only_for_staff(cast):
    client = cast.client_for("town_a_union")
    for name in ("otp_verify", "otp_enrol", "otp_qr"):
        assert client.get(reverse(name)).status_code == 404


def test_without_the_setting_staff_reach_the_admin_with_the_password_only(staff, settings):
    settings.ADMIN_REQUIRE_TOTP = False
    assert signed_in(staff).get("/admin/").status_code == 200


# --- enrolment ----------------------------------------------------------------------------


def test_the_enrolment_page_shows_the_secret_and_a_qr_code_served_as_svg(staff):
    client = signed_in(staff)
    page = client.get(reverse("otp_enrol")).content.decode()
    key = client.session[ENROLMENT_SESSION_KEY]
    secret = re.search(r'<code class="text-break">([A-Z2-7 ]+)</code>', page)
    assert secret is not None
    from base64 import b32encode

    assert secret.group(1).replace(" ", "") == b32encode(unhexlify(key)).decode().rstrip("=")
    assert f'src="{reverse("otp_qr")}"' in page
    assert not TOTPDevice.objects.exists()  # nothing stored until a code proves the app has the secret

    qr = client.get(reverse("otp_qr"))
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in qr["Cache-Control"]
    svg = qr.content.decode()
    assert svg.startswith("<svg")
    assert "<path" in svg
    assert "style" not in svg
    assert "class=" not in svg
    assert client.get(reverse("otp_enrol")).context["secret"] == secret.group(1)  # the same secret on reload


def test_a_correct_code_enrols_verifies_the_session_and_is_audited(staff):
    client = signed_in(staff)
    client.get(reverse("otp_enrol"))
    session_id = client.session.session_key
    key = client.session[ENROLMENT_SESSION_KEY]
    response = client.post(reverse("otp_enrol"), {"token": code(key), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    device = TOTPDevice.objects.get()
    assert (device.user, device.confirmed, device.key) == (staff, True, key)
    assert client.session.session_key != session_id
    assert ENROLMENT_SESSION_KEY not in client.session
    assert client.get("/admin/").status_code == 200
    event = AuditEvent.objects.get(action="user.otp_enrol")
    assert (event.actor, event.object_id) == (staff, str(staff.pk))
    assert verify_chain() is None


def test_a_wrong_code_is_refused_in_chinese_and_nothing_is_enrolled(staff):
    client = signed_in(staff)
    client.get(reverse("otp_enrol"))
    key = client.session[ENROLMENT_SESSION_KEY]
    wrong = f"{(int(code(key)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("otp_enrol"), {"token": wrong})
    assert response.status_code == 200
    assert WRONG_CODE in response.content.decode()
    assert not TOTPDevice.objects.exists()
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("token", ["", "12345", "1234567", "abcdef", "１２３４５６"])
def test_a_code_that_is_not_six_digits_is_explained(staff, token):
    client = signed_in(staff)
    response = client.post(reverse("otp_enrol"), {"token": token})
    assert "请输入身份验证器上显示的 6 位数字" in response.content.decode()


def test_spaces_in_the_code_are_ignored(staff):
    client = signed_in(staff)
    client.get(reverse("otp_enrol"))
    token = code(client.session[ENROLMENT_SESSION_KEY])
    client.post(reverse("otp_enrol"), {"token": f"{token[:3]} {token[3:]}"})
    assert TOTPDevice.objects.filter(confirmed=True).exists()


def test_a_user_with_a_device_cannot_enrol_another(staff):
    TOTPDevice.objects.create(user=staff, name="手机", confirmed=True)
    response = signed_in(staff).get(reverse("otp_enrol"))
    assert response["Location"].startswith(reverse("otp_verify"))
    assert TOTPDevice.objects.count() == 1


# --- later sessions --------------------------------------------------------------------


def test_a_later_session_needs_a_new_code_and_the_enrolment_code_cannot_be_replayed(staff, clock):
    first = signed_in(staff)
    first.get(reverse("otp_enrol"))
    key = first.session[ENROLMENT_SESSION_KEY]
    used = code(key)
    first.post(reverse("otp_enrol"), {"token": used})

    later = signed_in(staff)
    assert later.get("/admin/").status_code == 302
    response = later.post(reverse("otp_verify"), {"token": used, "next": "/admin/"})
    assert WRONG_CODE in response.content.decode()
    assert later.get("/admin/").status_code == 302

    clock.shift(datetime.timedelta(seconds=30))  # the next code, after django-otp's 1 s pause
    response = later.post(reverse("otp_verify"), {"token": code(key), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert later.get("/admin/").status_code == 200


def test_a_code_signs_in_once_only(staff, clock):
    device = TOTPDevice.objects.create(user=staff, name="手机", confirmed=True)
    token = code(device.key)
    one, two = signed_in(staff), signed_in(staff)
    assert one.post(reverse("otp_verify"), {"token": token})["Location"] == reverse("admin:index")
    response = two.post(reverse("otp_verify"), {"token": token})
    assert WRONG_CODE in response.content.decode()


def test_wrong_codes_slow_down_the_next_tries(staff, clock):
    device = TOTPDevice.objects.create(user=staff, name="手机", confirmed=True)
    client = signed_in(staff)
    wrong = f"{(int(code(device.key)) + 1) % 1_000_000:06d}"
    for _ in range(3):
        clock.shift(datetime.timedelta(seconds=5))
        client.post(reverse("otp_verify"), {"token": wrong})
    # Three failures: 4 seconds before the next try, even with the right code.
    response = client.post(reverse("otp_verify"), {"token": code(device.key)})
    assert "错误次数较多，请于 17:00:29 后再输入验证码" in response.content.decode()
    clock.shift(datetime.timedelta(seconds=5))
    assert client.post(reverse("otp_verify"), {"token": code(device.key)}).status_code == 302


def test_a_verified_session_goes_straight_on(staff):
    client = admin_client(staff)
    response = client.get(reverse("otp_verify"), {"next": "/admin/accounts/"})
    assert response["Location"] == "/admin/accounts/"


def test_only_local_addresses_are_followed_after_the_code(staff):
    device = TOTPDevice.objects.create(user=staff, name="手机", confirmed=True)
    response = signed_in(staff).post(
        reverse("otp_verify"), {"token": code(device.key), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("admin:index")


def test_signing_out_ends_the_verification(staff):
    client = admin_client(staff)
    client.post(reverse("logout"))
    client.force_login(staff)
    assert client.get("/admin/").status_code == 302


# --- the devices in the admin ------------------------------------------------------------


def test_the_admin_lists_devices_without_their_secrets_and_deletes_them_audited(staff):
    other = UserFactory(username="city_it", full_name="信息科小李", is_staff=True)
    device = TOTPDevice.objects.create(user=other, name="身份验证器", confirmed=True)
    client = admin_client(staff)
    changelist = client.get(reverse("admin:otp_totp_totpdevice_changelist")).content.decode()
    assert "信息科小李" in changelist
    assert device.key not in changelist
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert device.key not in page
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403

    response = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=other).exists()
    event = AuditEvent.objects.get(action="user.otp_remove")
    assert (event.actor, event.object_id, event.before["otp_device"]) == (staff, str(other.pk), device.pk)
    # Its owner enrols again at the next admin visit.
    assert signed_in(other).get("/admin/", follow=True).redirect_chain[-1][0].startswith(reverse("otp_enrol"))

"""SECURITY.md T7: the password policy — common passwords, dressed-up common passwords and too few
kinds of characters are refused, in Chinese, wherever a password is set."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from liangpai.accounts.models import User
from liangpai.accounts.passwords import character_classes
from liangpai.core.models import AuditEvent
from tests.factories import UserFactory
from tests.otp import admin_client

pytestmark = pytest.mark.django_db

GOOD = "Lüdeng-tea-River-2026"
VARIANT = "只是在常见密码或单词前后加了数字或符号"
COMMON = "这个密码太常见了"
CLASSES = "密码至少要包含小写字母、大写字母、数字、符号（或汉字）中的 3 种"


def refusals(password: str, user: User | None = None) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    return refused.value.messages


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Password123!", VARIANT),  # "password", with digits and a mark
        ("P@ssw0rd2026!", VARIANT),  # read back as "password"
        ("Sunflower2026!", VARIANT),
        ("Liangpai2026!", VARIANT),  # this site's name
        ("qwertyuiop", COMMON),  # in Django's list of the 20,000 most common
        ("iloveyou123", COMMON),
        ("woaini1314", COMMON),
        ("alllowercase-words", CLASSES),
        ("ALLCAPS AND SPACES", CLASSES),
    ],
)
def test_weak_passwords_are_refused_with_a_chinese_message(password, message):
    messages = refusals(password)
    assert any(message in m for m in messages), messages


def test_a_common_password_is_told_once():
    assert refusals("qwertyuiop") == ["这个密码太常见了。", CLASSES + "。"]


@pytest.mark.parametrize("password", [GOOD, "LiangPai-Demo-2026", "绿灯-tea-river-9", "Tr0ub4dor&3x"])
def test_strong_passwords_pass(password):
    validate_password(password)


def test_the_policy_is_configurable(settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "liangpai.accounts.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 4}}
    ]
    assert refusals("Lowercase-and-UPPER") == ["密码至少要包含小写字母、大写字母、数字、符号（或汉字）中的 4 种。"]


def test_character_classes_count_chinese_as_other():
    assert character_classes("abc") == 1
    assert character_classes("abcDEF123") == 3
    assert character_classes("绿灯abc1") == 3


# --- every place a password is set ---------------------------------------------------------


@pytest.fixture
def root():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_the_admin_refuses_a_weak_password_for_a_new_user(root):
    client = admin_client(root)
    data = {
        "username": "new_inspector",
        "usable_password": "true",
        "password1": "Password123!",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:accounts_user_add"), data | {"password2": "Password123!"})
    assert response.status_code == 200
    assert VARIANT in response.content.decode()
    assert not User.objects.filter(username="new_inspector").exists()

    response = client.post(reverse("admin:accounts_user_add"), data | {"password1": GOOD, "password2": GOOD})
    assert response.status_code == 302
    assert User.objects.get(username="new_inspector").check_password(GOOD)


def test_the_admin_refuses_a_weak_password_when_setting_one(root):
    user = UserFactory(username="inspector")
    client = admin_client(root)
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    response = client.post(url, {"password1": "qwertyuiop", "password2": "qwertyuiop"})
    assert response.status_code == 200
    assert COMMON in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery")


def test_the_password_change_page_applies_the_policy_and_is_audited():
    user = UserFactory(username="inspector")
    client = Client()
    client.force_login(user)
    url = reverse("password_change")
    assert client.get(url).status_code == 200

    weak = {"old_password": "correct-horse-battery", "new_password1": "Password123!", "new_password2": "Password123!"}
    response = client.post(url, weak)
    assert VARIANT in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery")

    response = client.post(url, weak | {"new_password1": GOOD, "new_password2": GOOD})
    assert response["Location"] == reverse("home")
    user.refresh_from_db()
    assert user.check_password(GOOD)
    assert client.get(reverse("home")).status_code == 200  # still signed in
    event = AuditEvent.objects.get(action="user.update")
    assert event.after == {"password": "（已修改）"}
    assert GOOD not in str(event.after) + event.reason


def test_the_password_change_page_needs_the_old_password():
    user = UserFactory(username="inspector")
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("password_change"), {"old_password": "wrong", "new_password1": GOOD, "new_password2": GOOD}
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery")
    assert not AuditEvent.objects.exists()


def test_every_page_links_the_signed_in_user_to_the_password_change_page(cast):
    page = cast.client_for("group_member").get(reverse("home")).content.decode()
    assert f'href="{reverse("password_change")}"' in page

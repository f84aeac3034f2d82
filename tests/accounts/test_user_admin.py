import pytest
from django.test import Client
from django.urls import reverse

from liangpai.accounts.models import Membership, Role
from liangpai.core.audit import verify_chain
from liangpai.core.models import AuditEvent
from tests.factories import UserFactory
from tests.otp import admin_client as verified_admin_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(cast) -> Client:
    superuser = UserFactory(username="root_admin", is_staff=True, is_superuser=True)
    return verified_admin_client(superuser)


def _change_form(user, memberships: list[dict]) -> dict:
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "phone": "",
        "email": "",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(sum(1 for m in memberships if m.get("id"))),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, m in enumerate(memberships):
        for key, value in m.items():
            data[f"memberships-{i}-{key}"] = value
        data[f"memberships-{i}-user"] = str(user.pk)
    return data


def test_granting_and_revoking_a_role_in_the_admin_is_audited(cast, admin_client):
    user = cast.users["outsider"]
    url = reverse("admin:accounts_user_change", args=[user.pk])
    response = admin_client.post(url, _change_form(user, [{"role": Role.TOWN_UNION, "town": str(cast.town_a.pk)}]))
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=user)
    grant = AuditEvent.objects.get(action="role.grant")
    assert grant.after["role"] == "town_union"
    assert grant.actor_label == "root_admin"

    response = admin_client.post(
        url,
        _change_form(
            user,
            [{"id": str(membership.pk), "role": Role.TOWN_UNION, "town": str(cast.town_a.pk), "DELETE": "on"}],
        ),
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(user=user).exists()
    assert AuditEvent.objects.get(action="role.revoke").before["town"] == cast.town_a.pk
    assert verify_chain() is None


def test_a_role_with_the_wrong_scope_is_refused_in_the_admin(cast, admin_client):
    user = cast.users["outsider"]
    url = reverse("admin:accounts_user_change", args=[user.pk])
    response = admin_client.post(url, _change_form(user, [{"role": Role.TOWN_UNION}]))
    assert response.status_code == 200
    assert "角色与范围不匹配" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()
    assert not AuditEvent.objects.exists()

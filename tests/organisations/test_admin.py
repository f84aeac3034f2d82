"""The admin screens for regions and organisations load, search, and audit what they change."""

import pytest
from django.urls import reverse

from liangpai.core.audit import verify_chain
from liangpai.core.models import AuditEvent
from liangpai.organisations.models import Body, RepresentativeGroup
from liangpai.regions.models import District
from tests.factories import UserFactory
from tests.otp import verify_otp

pytestmark = pytest.mark.django_db

MODELS = [
    "regions/city",
    "regions/town",
    "regions/district",
    "organisations/body",
    "organisations/representativegroup",
    "organisations/expert",
]


@pytest.fixture
def admin_client(client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    return verify_otp(client, root)


@pytest.mark.parametrize("model", MODELS)
def test_every_changelist_and_add_page_opens_and_searches(cast, admin_client, model):
    base = f"/admin/{model}/"
    assert admin_client.get(base).status_code == 200
    assert admin_client.get(base, {"q": "甲"}).status_code == 200
    assert admin_client.get(base + "add/").status_code == 200


def test_a_group_change_page_shows_its_members_inline(cast, admin_client):
    response = admin_client.get(reverse("admin:organisations_representativegroup_change", args=[cast.group_a.pk]))
    assert response.status_code == 200
    assert "组长甲" in response.content.decode()


def test_a_change_in_the_admin_is_audited_with_before_and_after(cast, admin_client):
    url = reverse("admin:regions_district_change", args=[cast.district_a.pk])
    response = admin_client.post(url, {"town": cast.town_a.pk, "name": "甲一片（改）", "sort_order": 5})
    assert response.status_code == 302
    event = AuditEvent.objects.get()
    assert event.action == "admin.district.update"
    assert event.before == {"name": "甲一片", "sort_order": 0}
    assert event.after == {"name": "甲一片（改）", "sort_order": 5}
    assert event.actor.username == "root"


def test_adding_a_body_in_the_admin_is_audited(cast, admin_client):
    response = admin_client.post(
        reverse("admin:organisations_body_add"),
        {"kind": "town_union", "name": "甲镇总工会", "town": cast.town_a.pk, "head": "", "phone": "", "address": ""},
    )
    assert response.status_code == 302
    body = Body.objects.get()
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.before) == ("admin.body.create", str(body.pk), None)


def test_changing_only_a_groups_districts_in_the_admin_is_audited(cast, admin_client):
    group = cast.group_a
    leader = group.members.get()
    data = {
        "town": cast.town_a.pk,
        "name": group.name,
        "districts": [cast.district_a.pk, cast.district_a2.pk],
        "is_active": "on",
        "note": "",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "1",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "members-0-id": leader.pk,
        "members-0-group": group.pk,
        "members-0-name": leader.name,
        "members-0-role": "leader",
        "members-0-work_unit": "",
        "members-0-phone": leader.phone,
        "members-0-user": leader.user_id,
    }
    response = admin_client.post(reverse("admin:organisations_representativegroup_change", args=[group.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get()
    assert event.before == {"districts": [cast.district_a.pk]}
    assert event.after == {"districts": sorted([cast.district_a.pk, cast.district_a2.pk])}


def test_the_admin_refuses_a_district_of_another_town_too(cast, admin_client):
    response = admin_client.post(
        reverse("admin:organisations_representativegroup_add"),
        {
            "town": cast.town_a.pk,
            "name": "越界小组",
            "districts": [cast.district_b.pk],
            "is_active": "on",
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "片区“乙一片”不属于甲镇" in response.content.decode()
    assert not RepresentativeGroup.objects.filter(name="越界小组").exists()
    assert AuditEvent.objects.count() == 0


def test_deleting_selected_rows_in_the_admin_is_audited(cast, admin_client):
    extra = District.objects.create(town=cast.town_b, name="乙二片")
    response = admin_client.post(
        reverse("admin:regions_district_changelist"),
        {"action": "delete_selected", "_selected_action": [extra.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not District.objects.filter(pk=extra.pk).exists()
    event = AuditEvent.objects.get()
    assert (event.action, event.before["name"]) == ("admin.district.delete", "乙二片")
    assert verify_chain() is None


def test_deleting_a_group_in_the_admin_is_audited(cast, admin_client):
    group = RepresentativeGroup.objects.create(town=cast.town_b, name="临时小组")
    response = admin_client.post(
        reverse("admin:organisations_representativegroup_delete", args=[group.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.get().action == "admin.representativegroup.delete"

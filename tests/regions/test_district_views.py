"""Creating and editing districts: town-scoped management, Chinese validation, an audit row per change."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from liangpai.core.audit import verify_chain
from liangpai.core.models import AuditEvent
from liangpai.regions import services
from liangpai.regions.models import District

pytestmark = pytest.mark.django_db

# (own = town A / district A1, other = town B / district B1)
MANAGE = {
    "city_admin": (200, 200),
    "city_emergency": (403, 403),
    "town_a_union": (200, 404),
    "town_a_emergency": (403, 403),
    "town_b_union": (404, 200),
    "group_leader": (403, 403),
    "group_member": (403, 403),
    "expert": (403, 403),
    "contact_a": (403, 403),
    "outsider": (403, 403),
    "anonymous": (302, 302),
}


@pytest.mark.parametrize("role", list(MANAGE))
def test_district_forms_follow_the_role_and_scope_matrix(cast, role):
    client = cast.client_for(role)
    got = {
        "create": (
            client.get(reverse("regions:district_create", args=[cast.town_a.pk])).status_code,
            client.get(reverse("regions:district_create", args=[cast.town_b.pk])).status_code,
        ),
        "edit": (
            client.get(reverse("regions:district_edit", args=[cast.district_a.pk])).status_code,
            client.get(reverse("regions:district_edit", args=[cast.district_b.pk])).status_code,
        ),
    }
    assert got == {"create": MANAGE[role], "edit": MANAGE[role]}


@pytest.mark.parametrize("role", ["town_b_union", "town_a_emergency", "group_leader", "outsider"])
def test_a_post_outside_the_managers_scope_changes_nothing(cast, role):
    client = cast.client_for(role)
    client.post(reverse("regions:district_create", args=[cast.town_a.pk]), {"name": "偷加片", "sort_order": 0})
    client.post(reverse("regions:district_edit", args=[cast.district_a.pk]), {"name": "改名片", "sort_order": 0})
    assert not District.objects.filter(name__in=["偷加片", "改名片"]).exists()
    assert AuditEvent.objects.count() == 0


def test_a_town_union_adds_a_district_and_the_audit_log_records_it(cast):
    response = cast.client_for("town_a_union").post(
        reverse("regions:district_create", args=[cast.town_a.pk]),
        {"name": "  甲三片 ", "sort_order": "3", "reason": "新建工业园区"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("town_detail", args=[cast.town_a.pk])
    district = District.objects.get(town=cast.town_a, name="甲三片")
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.actor.username) == (
        "district.create",
        str(district.pk),
        "town_a_union",
    )
    assert event.after == {"name": "甲三片", "sort_order": 3, "town_id": cast.town_a.pk}
    assert event.reason == "新建工业园区"
    assert verify_chain() is None


def test_a_district_edit_records_only_what_changed(cast):
    response = cast.client_for("town_a_union").post(
        reverse("regions:district_edit", args=[cast.district_a.pk]),
        {"name": "甲一片（东）", "sort_order": "0", "reason": "更名"},
    )
    assert response.status_code == 302
    cast.district_a.refresh_from_db()
    assert cast.district_a.name == "甲一片(东)"  # full-width brackets are made half-width
    event = AuditEvent.objects.get()
    assert event.action == "district.update"
    assert event.before == {"name": "甲一片"}
    assert event.after == {"name": "甲一片(东)"}


def test_saving_a_district_unchanged_writes_no_audit_row(cast):
    client = cast.client_for("town_a_union")
    response = client.post(
        reverse("regions:district_edit", args=[cast.district_a.pk]), {"name": "甲一片", "sort_order": "0"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("name", ["甲二片", "  甲二片  ", "\u3000甲二片\u200b"])
def test_a_second_district_of_the_same_name_in_a_town_is_refused_in_chinese(cast, name):
    response = cast.client_for("town_a_union").post(
        reverse("regions:district_create", args=[cast.town_a.pk]), {"name": name, "sort_order": "0"}
    )
    assert response.status_code == 200
    assert "甲镇已有名为“甲二片”的片区。" in response.context["form"].errors["name"]
    assert District.objects.filter(town=cast.town_a).count() == 2
    assert AuditEvent.objects.count() == 0


def test_names_are_compared_without_regard_to_case(cast):
    client = cast.client_for("town_a_union")
    client.post(reverse("regions:district_create", args=[cast.town_a.pk]), {"name": "A区", "sort_order": "0"})
    response = client.post(
        reverse("regions:district_create", args=[cast.town_a.pk]), {"name": "a区", "sort_order": "0"}
    )
    assert response.status_code == 200
    assert "片区" in response.context["form"].errors["name"][0]


def test_the_same_district_name_may_be_used_in_another_town(cast):
    response = cast.client_for("city_admin").post(
        reverse("regions:district_create", args=[cast.town_b.pk]), {"name": "甲一片", "sort_order": "0"}
    )
    assert response.status_code == 302


def test_renaming_a_district_to_a_name_taken_in_its_town_is_refused(cast):
    response = cast.client_for("town_a_union").post(
        reverse("regions:district_edit", args=[cast.district_a.pk]), {"name": "甲二片", "sort_order": "0"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["甲镇已有名为“甲二片”的片区。"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "sort_order": "0"}, "name", "请填写片区名称。"),
        ({"name": "\u3000 ", "sort_order": "0"}, "name", "请填写片区名称。"),
        ({"name": "\u200b", "sort_order": "0"}, "name", "请填写片区名称。"),
        ({"name": "新片", "sort_order": ""}, "sort_order", "请填写排序数字（不确定时填0）。"),
        ({"name": "新片", "sort_order": "abc"}, "sort_order", "输入整数。"),
        ({"name": "新片", "sort_order": "-1"}, "sort_order", "确保该值大于或等于0。"),
        ({"name": "新片", "sort_order": "99999999999999999999"}, "sort_order", "确保该值小于或等于32767。"),
        ({"name": "片" * 51, "sort_order": "0"}, "name", "确保该变量包含不超过 50 字符 (目前字符数 51)。"),
    ],
)
def test_bad_district_input_gets_a_chinese_message_and_changes_nothing(cast, data, field, message):
    response = cast.client_for("town_a_union").post(reverse("regions:district_create", args=[cast.town_a.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert "请更正下面标出的问题。" in response.content.decode()
    assert District.objects.count() == 3
    assert AuditEvent.objects.count() == 0


def test_a_district_that_does_not_exist_is_not_found(cast):
    assert cast.client_for("city_admin").get(reverse("regions:district_edit", args=[99999])).status_code == 404


def test_the_service_refuses_a_manager_of_another_town(cast):
    with pytest.raises(PermissionDenied):
        services.create_district(by=cast.users["town_b_union"], town=cast.town_a, name="越权片")
    with pytest.raises(PermissionDenied):
        services.update_district(by=cast.users["town_a_emergency"], district=cast.district_a, name="x", sort_order=0)
    assert AuditEvent.objects.count() == 0

"""Representative groups: who sees and manages which, filters, masking, validation, audit, query budget."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from liangpai.core.audit import verify_chain
from liangpai.core.models import AuditEvent
from liangpai.organisations import services
from liangpai.organisations.models import GroupMember, RepresentativeGroup
from tests.conftest import ALL_ROLES
from tests.factories import DistrictFactory, EnterpriseFactory, GroupFactory, GroupMemberFactory, TownFactory
from tests.regions.helpers import page_queries

pytestmark = pytest.mark.django_db

ROLES = ALL_ROLES

LIST = dict.fromkeys(ROLES, 200) | {"contact_a": 403, "outsider": 403, "anonymous": 302}
# (own = town A's group, other = town B's group)
DETAIL = {
    "city_admin": (200, 200),
    "city_emergency": (200, 200),
    "town_a_union": (200, 404),
    "town_a_emergency": (200, 404),
    "town_b_union": (404, 200),
    "group_leader": (200, 404),
    "group_member": (200, 404),
    "expert": (200, 404),
    "contact_a": (403, 403),
    "outsider": (403, 403),
    "anonymous": (302, 302),
}
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
CREATE = dict.fromkeys(ROLES, 403) | {"city_admin": 200, "town_a_union": 200, "town_b_union": 200, "anonymous": 302}


@pytest.fixture
def group_b(cast):
    group = GroupFactory(town=cast.town_b, name="乙街道第一代表小组", districts=[cast.district_b])
    GroupMemberFactory(group=group, name="乙组长", role=GroupMember.Role.LEADER, phone="13511112222")
    return group


@pytest.fixture
def member_a(cast):
    return GroupMemberFactory(group=cast.group_a, name="成员丙", phone="13912340000", work_unit="甲一机械")


def _form_data(**changes):
    data = {"name": "甲镇第二代表小组", "is_active": "on", "note": "", "reason": ""}
    data.update(changes)
    return data


# --- the matrix -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_group_pages_follow_the_role_and_scope_matrix(cast, group_b, role):
    client = cast.client_for(role)
    own, other = cast.group_a, group_b
    own_member, other_member = own.members.get(), other.members.get()

    def pair(name, *extra):
        return tuple(
            client.get(reverse(f"organisations:{name}", args=[group.pk, *([m.pk] if extra else [])])).status_code
            for group, m in [(own, own_member), (other, other_member)]
        )

    got = {
        "list": client.get(reverse("organisations:groups")).status_code,
        "create": client.get(reverse("organisations:group_create")).status_code,
        "detail": pair("group_detail"),
        "edit": pair("group_edit"),
        "member_add": pair("member_add"),
        "member_edit": pair("member_edit", "member"),
        "member_remove": pair("member_remove", "member"),
    }
    expected = {
        "list": LIST[role],
        "create": CREATE[role],
        "detail": DETAIL[role],
        "edit": MANAGE[role],
        "member_add": MANAGE[role],
        "member_edit": MANAGE[role],
        "member_remove": MANAGE[role],
    }
    assert got == expected


@pytest.mark.parametrize("role", ["town_b_union", "town_a_emergency", "group_leader", "group_member", "expert"])
def test_posts_by_those_who_may_not_manage_the_group_change_nothing(cast, member_a, role):
    client = cast.client_for(role)
    group, leader = cast.group_a, cast.group_a.members.get(role="leader")
    client.post(reverse("organisations:group_edit", args=[group.pk]), _form_data(town=cast.town_a.pk))
    client.post(reverse("organisations:member_add", args=[group.pk]), {"name": "混入者"})
    client.post(reverse("organisations:member_edit", args=[group.pk, member_a.pk]), {"name": "改名"})
    client.post(reverse("organisations:member_remove", args=[group.pk, member_a.pk]))
    client.post(reverse("organisations:member_set_leader", args=[group.pk, member_a.pk]))
    client.post(reverse("organisations:group_create"), _form_data(town=cast.town_a.pk))
    assert AuditEvent.objects.count() == 0
    group.refresh_from_db()
    assert group.name == "甲镇第一代表小组"
    assert sorted(group.members.values_list("name", "role")) == sorted([(leader.name, "leader"), ("成员丙", "member")])
    assert RepresentativeGroup.objects.count() == 1


def test_a_member_is_reached_only_through_their_own_group(cast, group_b):
    other_member = group_b.members.get()
    url = reverse("organisations:member_edit", args=[cast.group_a.pk, other_member.pk])
    assert cast.client_for("city_admin").get(url).status_code == 404


def test_setting_the_leader_is_a_post_only_action(cast, member_a):
    url = reverse("organisations:member_set_leader", args=[cast.group_a.pk, member_a.pk])
    assert cast.client_for("town_a_union").get(url).status_code == 405
    assert cast.client_for("group_leader").post(url).status_code == 403
    assert cast.client_for("town_b_union").post(url).status_code == 404


# --- the list ---------------------------------------------------------------------------


def test_the_list_shows_only_groups_in_scope(cast, group_b):
    def names(role):
        page = cast.client_for(role).get(reverse("organisations:groups")).context["page"]
        return {g.name for g in page.object_list}

    assert names("city_admin") == {"甲镇第一代表小组", "乙街道第一代表小组"}
    assert names("town_a_union") == {"甲镇第一代表小组"}
    assert names("town_b_union") == {"乙街道第一代表小组"}
    assert names("group_member") == {"甲镇第一代表小组"}


def test_the_list_filters_by_town(cast, group_b):
    page = cast.client_for("city_admin").get(reverse("organisations:groups"), {"town": cast.town_b.pk}).context["page"]
    assert [g.name for g in page.object_list] == ["乙街道第一代表小组"]


@pytest.mark.parametrize("town", ["abc", "99999", "-1", "1e3"])
def test_a_bad_town_filter_is_ignored_and_explained(cast, group_b, town):
    response = cast.client_for("city_admin").get(reverse("organisations:groups"), {"town": town})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 2
    assert "镇/街道：" in response.content.decode()


def test_a_town_union_cannot_filter_its_way_into_another_town(cast, group_b):
    response = cast.client_for("town_a_union").get(reverse("organisations:groups"), {"town": cast.town_b.pk})
    assert [g.name for g in response.context["page"].object_list] == ["甲镇第一代表小组"]


def test_the_list_searches_group_names_and_member_names_and_lists_each_group_once(cast, group_b):
    GroupMemberFactory(group=group_b, name="王小明")
    GroupMemberFactory(group=group_b, name="王小红")
    client = cast.client_for("city_admin")

    def found(q):
        return [g.name for g in client.get(reverse("organisations:groups"), {"q": q}).context["page"].object_list]

    assert found("乙街道") == ["乙街道第一代表小组"]
    assert found("王小") == ["乙街道第一代表小组"]
    assert found("组长甲") == ["甲镇第一代表小组"]
    assert sorted(found("  第一代表  ")) == sorted(["甲镇第一代表小组", "乙街道第一代表小组"])
    assert found("没有这个人") == []


def test_the_list_shows_the_leader_member_count_and_districts(cast, member_a):
    html = cast.client_for("town_a_union").get(reverse("organisations:groups")).content.decode()
    assert "组长甲" in html
    assert "甲一片" in html
    group = cast.client_for("town_a_union").get(reverse("organisations:groups")).context["page"].object_list[0]
    assert group.member_count == 2


def test_the_list_pages(cast, settings):
    settings.LIST_PAGE_SIZE = 2
    for i in range(3):
        GroupFactory(town=cast.town_a, name=f"甲镇附加小组{i}")
    client = cast.client_for("town_a_union")
    first = client.get(reverse("organisations:groups"))
    assert len(first.context["page"].object_list) == 2
    assert first.context["page"].paginator.count == 4
    last = client.get(reverse("organisations:groups"), {"page": "2"})
    assert len(last.context["page"].object_list) == 2
    assert client.get(reverse("organisations:groups"), {"page": "abc"}).status_code == 200
    assert client.get(reverse("organisations:groups"), {"page": "999"}).status_code == 200


def test_empty_lists_say_so(cast):
    RepresentativeGroup.objects.all().delete()
    client = cast.client_for("city_admin")
    assert "还没有代表小组" in client.get(reverse("organisations:groups")).content.decode()
    assert "没有符合条件的代表小组" in client.get(reverse("organisations:groups"), {"q": "x"}).content.decode()


def test_the_list_costs_the_same_queries_for_one_group_and_for_many(cast):
    client = cast.client_for("city_admin")
    url = reverse("organisations:groups")
    one = page_queries(client, url)
    for _ in range(3):
        town = TownFactory()
        districts = DistrictFactory.create_batch(2, town=town)
        for _ in range(4):
            group = GroupFactory(town=town, districts=districts)
            GroupMemberFactory(group=group, role=GroupMember.Role.LEADER)
            GroupMemberFactory.create_batch(2, group=group)
    assert one == page_queries(client, url)


def test_a_filtered_list_costs_the_same_queries_for_one_match_and_for_many(cast):
    client = cast.client_for("city_admin")
    url = reverse("organisations:groups") + f"?q=王&town={cast.town_a.pk}"
    GroupMemberFactory(group=cast.group_a, name="王一")
    one = page_queries(client, url)
    for i in range(5):
        group = GroupFactory(town=cast.town_a, districts=[cast.district_a])
        GroupMemberFactory(group=group, name=f"王{i}")
    assert len(client.get(url).context["page"].object_list) == 6
    assert one == page_queries(client, url)


# --- the detail -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "revealed"),
    [
        ("city_admin", True),
        ("town_a_union", True),
        ("town_a_emergency", True),
        ("city_emergency", False),
        ("group_leader", False),
        ("group_member", False),
        ("expert", False),
    ],
)
def test_member_phones_are_shown_in_full_only_to_who_may_reveal_contacts_in_the_town(cast, member_a, role, revealed):
    html = cast.client_for(role).get(reverse("organisations:group_detail", args=[cast.group_a.pk])).content.decode()
    assert ("13912340000" in html) is revealed
    assert ("139****0000" in html) is not revealed
    assert "成员丙" in html


def test_the_detail_lists_the_leader_first_and_the_districts_with_their_enterprises(cast, member_a):
    EnterpriseFactory.create_batch(2, district=cast.district_a)
    cast.group_a.districts.add(cast.district_a2)
    response = cast.client_for("town_a_union").get(reverse("organisations:group_detail", args=[cast.group_a.pk]))
    assert [m.role for m in response.context["members"]] == ["leader", "member"]
    assert {d.name: d.enterprise_count for d in response.context["districts"]} == {"甲一片": 3, "甲二片": 1}


def test_management_buttons_show_only_to_managers(cast, member_a):
    url = reverse("organisations:group_detail", args=[cast.group_a.pk])
    edit = reverse("organisations:group_edit", args=[cast.group_a.pk])
    assert edit in cast.client_for("town_a_union").get(url).content.decode()
    assert edit not in cast.client_for("group_leader").get(url).content.decode()


def test_a_group_without_members_or_districts_says_so(cast):
    group = GroupFactory(town=cast.town_a)
    html = cast.client_for("town_a_union").get(reverse("organisations:group_detail", args=[group.pk])).content.decode()
    assert "还没有成员" in html
    assert "还没有分配片区" in html


def test_the_detail_costs_the_same_queries_for_one_member_and_for_many(cast):
    client = cast.client_for("town_a_union")
    url = reverse("organisations:group_detail", args=[cast.group_a.pk])
    one = page_queries(client, url)
    GroupMemberFactory.create_batch(10, group=cast.group_a)
    cast.group_a.districts.add(cast.district_a2)
    assert one == page_queries(client, url)


# --- create and edit --------------------------------------------------------------------


def test_a_town_union_sets_up_a_group_and_the_audit_log_records_it(cast):
    response = cast.client_for("town_a_union").post(
        reverse("organisations:group_create"),
        _form_data(town=cast.town_a.pk, districts=[cast.district_a2.pk], reason="年度计划"),
    )
    group = RepresentativeGroup.objects.get(name="甲镇第二代表小组")
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:group_detail", args=[group.pk])
    assert list(group.districts.all()) == [cast.district_a2]
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.reason) == ("group.create", str(group.pk), "年度计划")
    assert event.after == {
        "town_id": cast.town_a.pk,
        "name": "甲镇第二代表小组",
        "is_active": True,
        "note": "",
        "districts": [cast.district_a2.pk],
    }


def test_the_create_form_preselects_the_town_it_was_opened_from(cast):
    response = cast.client_for("town_a_union").get(reverse("organisations:group_create"), {"town": cast.town_a.pk})
    assert response.context["form"].initial["town"] == cast.town_a
    response = cast.client_for("town_a_union").get(reverse("organisations:group_create"), {"town": cast.town_b.pk})
    assert response.context["form"].initial["town"] is None


def test_a_district_of_another_town_is_refused_with_a_message_naming_it(cast):
    response = cast.client_for("city_admin").post(
        reverse("organisations:group_create"),
        _form_data(town=cast.town_a.pk, districts=[cast.district_a.pk, cast.district_b.pk]),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["districts"] == ["片区“乙一片”不属于甲镇：代表小组只能负责本镇/街道的片区。"]
    assert RepresentativeGroup.objects.count() == 1
    assert AuditEvent.objects.count() == 0


def test_a_town_union_is_not_offered_and_cannot_pick_another_towns_district_or_town(cast):
    client = cast.client_for("town_a_union")
    form = client.get(reverse("organisations:group_create")).context["form"]
    assert list(form.fields["town"].queryset) == [cast.town_a]
    assert set(form.fields["districts"].queryset) == {cast.district_a, cast.district_a2}
    response = client.post(
        reverse("organisations:group_create"), _form_data(town=cast.town_a.pk, districts=[cast.district_b.pk])
    )
    assert response.context["form"].errors["districts"] == ["所选片区不存在或不在您的管理范围内。"]
    response = client.post(reverse("organisations:group_create"), _form_data(town=cast.town_b.pk))
    assert response.context["form"].errors["town"] == ["所选镇/街道不存在或不在您的管理范围内。"]
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "请填写小组名称。"),
        ({"name": "\u3000\u200b"}, "name", "请填写小组名称。"),
        ({"name": "甲镇第一代表小组"}, "name", "甲镇已有名为“甲镇第一代表小组”的代表小组。"),
        ({"town": ""}, "town", "请选择代表小组所属的镇/街道。"),
        ({"districts": ["abc"]}, "districts", "所选片区不存在或不在您的管理范围内。"),
        ({"name": "组" * 101}, "name", "确保该变量包含不超过 100 字符 (目前字符数 101)。"),
    ],
)
def test_bad_group_input_gets_a_chinese_message_and_changes_nothing(cast, changes, field, message):
    data = _form_data(town=cast.town_a.pk) | changes
    response = cast.client_for("town_a_union").post(reverse("organisations:group_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert RepresentativeGroup.objects.count() == 1
    assert AuditEvent.objects.count() == 0


def test_editing_a_group_records_the_fields_and_districts_that_changed(cast):
    response = cast.client_for("town_a_union").post(
        reverse("organisations:group_edit", args=[cast.group_a.pk]),
        {
            "town": cast.town_a.pk,
            "name": "甲镇第一代表小组",
            "districts": [cast.district_a.pk, cast.district_a2.pk],
            "note": "覆盖全镇",
            "reason": "调整片区",
        },
    )
    assert response.status_code == 302
    cast.group_a.refresh_from_db()
    assert cast.group_a.is_active is False  # an unticked box
    event = AuditEvent.objects.get()
    assert event.action == "group.update"
    assert event.before == {"districts": [cast.district_a.pk], "is_active": True, "note": ""}
    assert event.after == {
        "districts": sorted([cast.district_a.pk, cast.district_a2.pk]),
        "is_active": False,
        "note": "覆盖全镇",
    }
    assert event.reason == "调整片区"


def test_the_edit_form_starts_from_the_groups_values_and_saving_it_unchanged_records_nothing(cast):
    client = cast.client_for("town_a_union")
    form = client.get(reverse("organisations:group_edit", args=[cast.group_a.pk])).context["form"]
    assert form.initial["name"] == "甲镇第一代表小组"
    assert form.initial["districts"] == [cast.district_a]
    response = client.post(
        reverse("organisations:group_edit", args=[cast.group_a.pk]),
        _form_data(town=cast.town_a.pk, name="甲镇第一代表小组", districts=[cast.district_a.pk]),
    )
    assert response.status_code == 302
    assert AuditEvent.objects.count() == 0


def test_moving_a_group_to_a_town_its_districts_are_not_in_is_refused(cast):
    response = cast.client_for("city_admin").post(
        reverse("organisations:group_edit", args=[cast.group_a.pk]),
        _form_data(town=cast.town_b.pk, name="甲镇第一代表小组", districts=[cast.district_a.pk]),
    )
    assert response.status_code == 200
    assert "不属于乙街道" in response.context["form"].errors["districts"][0]
    cast.group_a.refresh_from_db()
    assert cast.group_a.town == cast.town_a


# --- members and the leader -------------------------------------------------------------


def test_adding_a_member_normalises_the_phone_and_is_audited(cast):
    response = cast.client_for("town_a_union").post(
        reverse("organisations:member_add", args=[cast.group_a.pk]),
        {"name": " 李四 ", "work_unit": "甲一机械", "phone": "１３９ 1234-5678", "reason": "补充"},
    )
    assert response.status_code == 302
    member = cast.group_a.members.get(name="李四")
    assert (member.role, member.phone) == ("member", "13912345678")
    event = AuditEvent.objects.get()
    assert event.action == "group_member.create"
    assert event.after == {
        "name": "李四",
        "role": "member",
        "work_unit": "甲一机械",
        "phone": "13912345678",
        "group": cast.group_a.pk,
    }


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "请填写姓名。"),
        ({"name": "李四", "phone": "1390000abcd"}, "phone", "请填写7–12位数字的电话号码（手机或座机，座机可带区号）。"),
        ({"name": "李四", "phone": "123"}, "phone", "请填写7–12位数字的电话号码（手机或座机，座机可带区号）。"),
    ],
)
def test_bad_member_input_gets_a_chinese_message_and_changes_nothing(cast, data, field, message):
    response = cast.client_for("town_a_union").post(reverse("organisations:member_add", args=[cast.group_a.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert cast.group_a.members.count() == 1
    assert AuditEvent.objects.count() == 0


def test_editing_a_member_records_what_changed(cast, member_a):
    response = cast.client_for("town_a_union").post(
        reverse("organisations:member_edit", args=[cast.group_a.pk, member_a.pk]),
        {"name": "成员丙", "work_unit": "甲二纺织", "phone": "13912340000", "reason": "换单位", "version": 1},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get()
    assert (event.action, event.before, event.after) == (
        "group_member.update",
        {"work_unit": "甲一机械"},
        {"work_unit": "甲二纺织"},
    )


def test_removing_a_member_asks_first_then_removes_and_records_who_was_removed(cast, member_a):
    client = cast.client_for("town_a_union")
    url = reverse("organisations:member_remove", args=[cast.group_a.pk, member_a.pk])
    assert "确认移出" in client.get(url).content.decode()
    assert GroupMember.objects.filter(pk=member_a.pk).exists()
    response = client.post(url, {"reason": "调离"})
    assert response.status_code == 302
    assert not GroupMember.objects.filter(pk=member_a.pk).exists()
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.reason) == ("group_member.delete", str(member_a.pk), "调离")
    assert event.before["name"] == "成员丙"


def test_removing_the_leader_warns_that_the_group_will_have_none(cast):
    leader = cast.group_a.members.get(role="leader")
    html = (
        cast.client_for("town_a_union")
        .get(reverse("organisations:member_remove", args=[cast.group_a.pk, leader.pk]))
        .content.decode()
    )
    assert "此人是组长" in html
    assert "关联了系统账号" in html


def test_setting_a_new_leader_steps_the_old_one_down_and_records_both(cast, member_a):
    old = cast.group_a.members.get(role="leader")
    response = cast.client_for("town_a_union").post(
        reverse("organisations:member_set_leader", args=[cast.group_a.pk, member_a.pk])
    )
    assert response.status_code == 302
    assert list(cast.group_a.members.filter(role="leader")) == [member_a]
    old.refresh_from_db()
    assert old.role == "member"
    event = AuditEvent.objects.get()
    assert event.action == "group.set_leader"
    assert event.object_id == str(cast.group_a.pk)
    assert event.before == {"leader": [{"id": old.pk, "name": "组长甲"}]}
    assert event.after == {"leader": [{"id": member_a.pk, "name": "成员丙"}]}


def test_a_group_without_a_leader_gets_one(cast, member_a):
    cast.group_a.members.filter(role="leader").delete()
    services.set_leader(by=cast.users["town_a_union"], member=member_a)
    assert list(cast.group_a.members.filter(role="leader")) == [member_a]
    assert AuditEvent.objects.get().before == {"leader": []}


def test_making_the_leader_leader_again_changes_nothing(cast):
    leader = cast.group_a.members.get(role="leader")
    services.set_leader(by=cast.users["town_a_union"], member=leader)
    assert AuditEvent.objects.count() == 0


def test_the_services_check_access_themselves(cast, member_a, group_b):
    leader = cast.users["group_leader"]
    with pytest.raises(PermissionDenied):
        services.set_leader(by=leader, member=member_a)
    with pytest.raises(PermissionDenied):
        services.add_member(by=leader, group=cast.group_a, name="x")
    with pytest.raises(PermissionDenied):
        services.remove_member(by=cast.users["town_b_union"], member=member_a)
    with pytest.raises(PermissionDenied):
        services.create_group(by=cast.users["town_a_union"], town=cast.town_b, name="越权小组")
    with pytest.raises(PermissionDenied):
        services.update_group(
            by=cast.users["town_a_union"],
            group=cast.group_a,
            town=cast.town_b,
            name="x",
            districts=[],
            is_active=True,
            note="",
        )
    assert AuditEvent.objects.count() == 0


def test_a_day_of_group_changes_leaves_an_intact_audit_chain(cast, member_a):
    client = cast.client_for("town_a_union")
    client.post(reverse("organisations:group_create"), _form_data(town=cast.town_a.pk))
    client.post(reverse("organisations:member_set_leader", args=[cast.group_a.pk, member_a.pk]))
    client.post(reverse("organisations:member_add", args=[cast.group_a.pk]), {"name": "新人"})
    assert AuditEvent.objects.count() == 3
    assert verify_chain() is None


def test_reading_group_pages_writes_nothing(cast, member_a):
    client = cast.client_for("city_admin")
    for url in [
        reverse("organisations:groups"),
        reverse("organisations:group_detail", args=[cast.group_a.pk]),
        reverse("organisations:group_edit", args=[cast.group_a.pk]),
        reverse("organisations:member_remove", args=[cast.group_a.pk, member_a.pk]),
    ]:
        assert client.get(url).status_code == 200
    assert AuditEvent.objects.count() == 0
    assert cast.group_a.members.count() == 2

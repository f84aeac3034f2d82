"""Invited experts: who sees and manages whom, search and speciality filter, masking, invitations, audit."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from liangpai.core.models import AuditEvent
from liangpai.enterprises.models import Industry
from liangpai.organisations import services
from liangpai.organisations.models import Expert
from tests.conftest import ALL_ROLES
from tests.factories import ExpertFactory
from tests.regions.helpers import page_queries

pytestmark = pytest.mark.django_db

ROLES = ALL_ROLES
LIST = dict.fromkeys(ROLES, 200) | {"contact_a": 403, "outsider": 403, "anonymous": 302}
CREATE = dict.fromkeys(ROLES, 403) | {"city_admin": 200, "town_a_union": 200, "town_b_union": 200, "anonymous": 302}
# (own = the expert invited by town A, other = an expert invited by town B only)
EDIT = {
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
# Who sees which expert in the list.
SEES = {
    "city_admin": {"赵专家", "钱专家"},
    "city_emergency": {"赵专家", "钱专家"},
    "town_a_union": {"赵专家"},
    "town_a_emergency": {"赵专家"},
    "town_b_union": {"钱专家"},
    "group_leader": {"赵专家"},
    "group_member": {"赵专家"},
    "expert": {"赵专家"},  # only their own profile
}


@pytest.fixture
def expert_b(cast):
    expert = ExpertFactory(name="钱专家", employer="乙化工安全研究所", phone="13788889999")
    expert.towns.set([cast.town_b])
    return expert


def _industry(code):
    return Industry.objects.get(code=code)


def _form_data(**changes):
    data = {"name": "孙专家", "employer": "", "title": "", "phone": "", "is_active": "on", "reason": ""}
    data.update(changes)
    return data


@pytest.mark.parametrize("role", ROLES)
def test_expert_pages_follow_the_role_and_scope_matrix(cast, expert_b, role):
    client = cast.client_for(role)
    got = {
        "list": client.get(reverse("organisations:experts")).status_code,
        "create": client.get(reverse("organisations:expert_create")).status_code,
        "edit": (
            client.get(reverse("organisations:expert_edit", args=[cast.expert.pk])).status_code,
            client.get(reverse("organisations:expert_edit", args=[expert_b.pk])).status_code,
        ),
    }
    assert got == {"list": LIST[role], "create": CREATE[role], "edit": EDIT[role]}


@pytest.mark.parametrize("role", list(SEES))
def test_the_list_shows_the_experts_in_scope(cast, expert_b, role):
    rows = cast.client_for(role).get(reverse("organisations:experts")).context["rows"]
    assert {r.expert.name for r in rows} == SEES[role]


def test_an_expert_invited_by_two_towns_is_listed_once(cast, expert_b):
    expert_b.towns.add(cast.town_a)
    rows = cast.client_for("city_admin").get(reverse("organisations:experts")).context["rows"]
    assert sorted(r.expert.name for r in rows) == ["赵专家", "钱专家"]


@pytest.mark.parametrize(
    ("role", "revealed"),
    [
        ("city_admin", True),
        ("town_a_union", True),
        ("town_a_emergency", True),
        ("city_emergency", False),
        ("group_leader", False),
        ("expert", False),
    ],
)
def test_expert_phones_are_shown_in_full_only_to_who_may_reveal_contacts(cast, role, revealed):
    html = cast.client_for(role).get(reverse("organisations:experts")).content.decode()
    assert ("13600003333" in html) is revealed
    assert ("136****3333" in html) is not revealed


def test_the_list_searches_name_and_employer(cast, expert_b):
    client = cast.client_for("city_admin")

    def found(q):
        return {r.expert.name for r in client.get(reverse("organisations:experts"), {"q": q}).context["rows"]}

    assert found("钱") == {"钱专家"}
    assert found(" 化工安全 ") == {"钱专家"}
    assert found("专家") == {"赵专家", "钱专家"}
    assert found("不存在") == set()


def test_the_list_filters_by_speciality_section_including_its_divisions(cast, expert_b):
    cast.expert.specialities.set([_industry("34")])  # a division of C, manufacturing
    expert_b.specialities.set([_industry("E")])  # the construction section itself
    client = cast.client_for("city_admin")

    def found(section):
        response = client.get(reverse("organisations:experts"), {"speciality": section})
        return {r.expert.name for r in response.context["rows"]}

    assert found("C") == {"赵专家"}
    assert found("E") == {"钱专家"}
    assert found("A") == set()
    assert found("") == {"赵专家", "钱专家"}


def test_an_unknown_speciality_is_ignored_and_explained(cast):
    response = cast.client_for("city_admin").get(reverse("organisations:experts"), {"speciality": "ZZ"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 1
    assert "专长行业门类：" in response.content.decode()


def test_the_list_pages(cast, settings):
    settings.LIST_PAGE_SIZE = 2
    for i in range(4):
        ExpertFactory(name=f"附加专家{i}").towns.set([cast.town_a])
    response = cast.client_for("town_a_union").get(reverse("organisations:experts"), {"page": "3"})
    assert response.context["page"].number == 3
    assert len(response.context["rows"]) == 1


def test_an_empty_list_says_so(cast):
    Expert.objects.all().delete()
    client = cast.client_for("city_admin")
    assert "还没有行业专家" in client.get(reverse("organisations:experts")).content.decode()
    assert "没有符合条件的专家" in client.get(reverse("organisations:experts"), {"q": "x"}).content.decode()


@pytest.mark.parametrize("role", ["city_admin", "town_a_union", "group_leader"])
def test_the_list_costs_the_same_queries_for_one_expert_and_for_many(cast, role):
    cast.expert.specialities.set([_industry("34")])
    client = cast.client_for(role)
    url = reverse("organisations:experts")
    one = page_queries(client, url)
    for i in range(12):
        expert = ExpertFactory(name=f"批量专家{i}")
        expert.towns.set([cast.town_a, cast.town_b])
        expert.specialities.set([_industry("34"), _industry("E")])
    assert len(client.get(url).context["rows"]) == 13
    assert one == page_queries(client, url)


def test_only_managers_of_the_experts_town_see_an_edit_link(cast, expert_b):
    rows = cast.client_for("town_a_union").get(reverse("organisations:experts")).context["rows"]
    assert [(r.expert.name, r.can_manage) for r in rows] == [("赵专家", True)]
    rows = cast.client_for("town_a_emergency").get(reverse("organisations:experts")).context["rows"]
    assert [(r.expert.name, r.can_manage) for r in rows] == [("赵专家", False)]


# --- create and edit --------------------------------------------------------------------


def test_a_town_union_registers_an_expert_invited_to_its_town_and_it_is_audited(cast):
    response = cast.client_for("town_a_union").post(
        reverse("organisations:expert_create"),
        _form_data(
            employer=" 市安全生产协会 ",
            title="注册安全工程师",
            phone="0573-8512 3456",
            specialities=[_industry("C").pk, _industry("34").pk],
            towns=[cast.town_a.pk],
            reason="机械行业督查",
        ),
    )
    assert response.status_code == 302
    expert = Expert.objects.get(name="孙专家")
    assert (expert.employer, expert.phone) == ("市安全生产协会", "057385123456")
    assert list(expert.towns.all()) == [cast.town_a]
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.reason) == ("expert.create", str(expert.pk), "机械行业督查")
    assert event.after["towns"] == [cast.town_a.pk]
    assert event.after["specialities"] == sorted([_industry("C").pk, _industry("34").pk])


def test_a_town_union_must_invite_the_expert_to_its_own_town(cast):
    response = cast.client_for("town_a_union").post(reverse("organisations:expert_create"), _form_data())
    assert response.status_code == 200
    assert response.context["form"].errors["towns"] == ["请至少选择一个受邀镇/街道，否则您将看不到这位专家。"]
    assert not Expert.objects.filter(name="孙专家").exists()
    assert AuditEvent.objects.count() == 0


def test_the_city_may_register_an_expert_no_town_has_invited_yet(cast):
    response = cast.client_for("city_admin").post(reverse("organisations:expert_create"), _form_data())
    assert response.status_code == 302
    assert Expert.objects.get(name="孙专家").towns.count() == 0


def test_a_town_union_cannot_invite_for_another_town(cast):
    client = cast.client_for("town_a_union")
    assert list(client.get(reverse("organisations:expert_create")).context["form"].fields["towns"].queryset) == [
        cast.town_a
    ]
    response = client.post(reverse("organisations:expert_create"), _form_data(towns=[cast.town_b.pk]))
    assert response.context["form"].errors["towns"] == ["所选镇/街道不存在或不在您的管理范围内。"]
    with pytest.raises(Exception, match="乙街道"):
        services.create_expert(by=cast.users["town_a_union"], name="x", towns=[cast.town_b])
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": " "}, "name", "请填写姓名。"),
        ({"phone": "电话13800001111"}, "phone", "请填写7–12位数字的电话号码（手机或座机，座机可带区号）。"),
        ({"specialities": ["999999"]}, "specialities", "所选行业不存在。"),
        ({"specialities": ["x"]}, "specialities", "所选行业不存在。"),
        ({"towns": ["x"]}, "towns", "所选镇/街道不存在或不在您的管理范围内。"),
    ],
)
def test_bad_expert_input_gets_a_chinese_message_and_changes_nothing(cast, changes, field, message):
    data = _form_data(towns=[cast.town_a.pk]) | changes
    response = cast.client_for("town_a_union").post(reverse("organisations:expert_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert Expert.objects.count() == 1
    assert AuditEvent.objects.count() == 0


def test_editing_keeps_invitations_by_towns_the_editor_does_not_manage(cast, expert_b):
    expert_b.towns.add(cast.town_a)
    client = cast.client_for("town_a_union")
    response = client.get(reverse("organisations:expert_edit", args=[expert_b.pk]))
    assert list(response.context["other_towns"]) == [cast.town_b]
    assert "您不能更改它们的邀请" in response.content.decode()
    response = client.post(
        reverse("organisations:expert_edit", args=[expert_b.pk]),
        _form_data(name="钱专家", employer="乙化工安全研究所", phone="13788889999", towns=[], reason="本镇不再邀请"),
    )
    assert response.status_code == 302
    assert list(expert_b.towns.all()) == [cast.town_b]
    event = AuditEvent.objects.get()
    assert event.action == "expert.update"
    assert event.before == {"towns": sorted([cast.town_a.pk, cast.town_b.pk])}
    assert event.after == {"towns": [cast.town_b.pk]}
    assert event.reason == "本镇不再邀请"


def test_editing_an_expert_records_only_what_changed(cast):
    cast.expert.specialities.set([_industry("34")])
    response = cast.client_for("town_a_union").post(
        reverse("organisations:expert_edit", args=[cast.expert.pk]),
        _form_data(name="赵专家", phone="13600003333", towns=[cast.town_a.pk], specialities=[_industry("E").pk]),
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get()
    assert event.before == {"specialities": [_industry("34").pk]}
    assert event.after == {"specialities": [_industry("E").pk]}


def test_the_edit_form_starts_from_the_experts_values_and_an_unchanged_save_records_nothing(cast):
    client = cast.client_for("town_a_union")
    form = client.get(reverse("organisations:expert_edit", args=[cast.expert.pk])).context["form"]
    assert form.initial["name"] == "赵专家"
    assert form.initial["towns"] == [cast.town_a]
    response = client.post(
        reverse("organisations:expert_edit", args=[cast.expert.pk]),
        _form_data(name="赵专家", phone="13600003333", towns=[cast.town_a.pk]),
    )
    assert response.status_code == 302
    assert AuditEvent.objects.count() == 0


def test_the_expert_services_check_access_themselves(cast, expert_b):
    with pytest.raises(PermissionDenied):
        services.create_expert(by=cast.users["group_leader"], name="x", towns=[cast.town_a])
    with pytest.raises(PermissionDenied):
        services.update_expert(
            by=cast.users["town_a_union"],
            expert=expert_b,
            name="x",
            employer="",
            title="",
            phone="",
            specialities=[],
            towns=[],
            is_active=True,
        )
    assert AuditEvent.objects.count() == 0


def test_reading_expert_pages_writes_nothing(cast):
    client = cast.client_for("city_admin")
    client.get(reverse("organisations:experts"))
    client.get(reverse("organisations:expert_edit", args=[cast.expert.pk]))
    assert AuditEvent.objects.count() == 0

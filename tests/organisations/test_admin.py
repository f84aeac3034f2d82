"""The admin screens for regions and organisations load, search, and audit what they change."""

import pytest
from django.urls import reverse

from liangpai.accounts.models import Membership, Role
from liangpai.core.audit import verify_chain
from liangpai.core.errors import Conflict
from liangpai.core.models import AuditEvent
from liangpai.organisations.models import Body, GroupMember, RepresentativeGroup
from liangpai.organisations.services import update_member
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
    # The services check the actor's role as on the app's pages: the admin user is also the city admin.
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    Membership.objects.create(user=root, role=Role.CITY_ADMIN)
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
    assert event.action == "district.update"
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
    assert (event.action, event.object_id, event.before) == ("body.create", str(body.pk), None)


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
    assert (event.action, event.before["name"]) == ("district.delete", "乙二片")
    assert verify_chain() is None


def test_deleting_a_group_in_the_admin_is_audited(cast, admin_client):
    group = RepresentativeGroup.objects.create(town=cast.town_b, name="临时小组")
    response = admin_client.post(
        reverse("admin:organisations_representativegroup_delete", args=[group.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.get().action == "group.delete"


def _group_data(group: RepresentativeGroup, **member_changes: object) -> dict[str, object]:
    """The group's admin change form as the page shows it, its one member changed by `member_changes`."""
    member = group.members.get()
    return {
        "town": group.town_id,
        "name": group.name,
        "districts": [d.pk for d in group.districts.all()],
        "is_active": "on",
        "note": group.note,
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "1",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "members-0-id": member.pk,
        "members-0-group": group.pk,
        "members-0-name": member.name,
        "members-0-role": member.role,
        "members-0-work_unit": member.work_unit,
        "members-0-phone": member.phone,
        "members-0-user": member.user_id or "",
    } | {f"members-0-{name}": value for name, value in member_changes.items()}


def test_a_member_changed_in_the_admin_makes_a_form_opened_before_it_stale(cast, admin_client):
    """The admin raises the member's version as the app does: a form opened before the admin change is refused."""
    group = cast.group_a
    member = group.members.get()
    opened_at = member.version
    url = reverse("admin:organisations_representativegroup_change", args=[group.pk])
    response = admin_client.post(url, _group_data(group, work_unit="甲二纺织"))
    assert response.status_code == 302, response.content.decode()[:2000]
    member.refresh_from_db()
    assert (member.work_unit, member.version) == ("甲二纺织", opened_at + 1)
    with pytest.raises(Conflict):
        update_member(
            by=cast.users["city_admin"],
            member=member,
            expected_version=opened_at,
            name=member.name,
            work_unit="甲一机械",
            phone=member.phone,
        )
    member.refresh_from_db()
    assert (member.work_unit, member.version) == ("甲二纺织", opened_at + 1)


def test_a_member_left_as_it_is_in_the_admin_keeps_its_version(cast, admin_client):
    group = cast.group_a
    member = group.members.get()
    url = reverse("admin:organisations_representativegroup_change", args=[group.pk])
    assert admin_client.post(url, _group_data(group) | {"note": "改了备注"}).status_code == 302
    assert GroupMember.objects.get(pk=member.pk).version == member.version

"""Towns and their districts, groups and bodies: who sees what, the counts, and the query budget."""

import pytest
from django.urls import reverse

from liangpai.core.models import AuditEvent
from liangpai.enterprises.models import Enterprise
from liangpai.organisations.models import Body
from tests.conftest import ALL_ROLES
from tests.factories import DistrictFactory, EnterpriseFactory, GroupFactory, GroupMemberFactory, TownFactory
from tests.regions.helpers import page_queries

pytestmark = pytest.mark.django_db

ROLES = ALL_ROLES

LIST = dict.fromkeys(ROLES, 200) | {"contact_a": 403, "outsider": 403, "anonymous": 302}

# (own = town A, other = town B)
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


@pytest.mark.parametrize("role", ROLES)
def test_town_pages_follow_the_role_and_scope_matrix(cast, role):
    client = cast.client_for(role)
    got = {
        "list": client.get(reverse("town_list")).status_code,
        "detail": (
            client.get(reverse("town_detail", args=[cast.town_a.pk])).status_code,
            client.get(reverse("town_detail", args=[cast.town_b.pk])).status_code,
        ),
    }
    assert got == {"list": LIST[role], "detail": DETAIL[role]}


def test_anonymous_visitors_are_sent_to_the_login_page(cast):
    response = cast.client_for("anonymous").get(reverse("town_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_town_that_does_not_exist_is_not_found(cast):
    assert cast.client_for("city_admin").get(reverse("town_detail", args=[99999])).status_code == 404


@pytest.mark.parametrize(
    ("role", "seen", "hidden"),
    [
        ("city_admin", ["甲镇", "乙街道"], []),
        ("city_emergency", ["甲镇", "乙街道"], []),
        ("town_a_union", ["甲镇"], ["乙街道"]),
        ("town_b_union", ["乙街道"], ["甲镇"]),
        ("group_leader", ["甲镇"], ["乙街道"]),
        ("expert", ["甲镇"], ["乙街道"]),
    ],
)
def test_the_town_list_shows_only_the_towns_in_scope(cast, role, seen, hidden):
    html = cast.client_for(role).get(reverse("town_list")).content.decode()
    for name in seen:
        assert name in html
    for name in hidden:
        assert name not in html


def test_the_town_list_counts_districts_active_groups_and_active_enterprises(cast):
    EnterpriseFactory(district=cast.district_a, status=Enterprise.Status.CLOSED)
    EnterpriseFactory(district=cast.district_a2)
    GroupFactory(town=cast.town_a, is_active=False)
    GroupFactory(town=cast.town_a)
    response = cast.client_for("city_admin").get(reverse("town_list"))
    towns = {t.name: t for t in response.context["towns"]}
    a, b = towns["甲镇"], towns["乙街道"]
    assert (a.district_count, a.group_count, a.enterprise_count) == (2, 2, 3)
    assert (b.district_count, b.group_count, b.enterprise_count) == (1, 0, 1)


def test_a_group_member_counts_only_what_their_group_covers(cast):
    response = cast.client_for("group_member").get(reverse("town_list"))
    (town,) = response.context["towns"]
    assert (town.district_count, town.group_count, town.enterprise_count) == (1, 1, 1)


def test_the_town_list_costs_the_same_queries_for_two_towns_and_for_twelve(cast):
    client = cast.client_for("city_admin")
    url = reverse("town_list")
    few = page_queries(client, url)
    for _ in range(10):
        town = TownFactory()
        district = DistrictFactory(town=town)
        GroupFactory(town=town, districts=[district])
        EnterpriseFactory.create_batch(2, district=district)
    many = page_queries(client, url)
    assert len(cast.client_for("city_admin").get(url).context["towns"]) == 12
    assert few == many


def test_the_town_page_shows_districts_with_counts_groups_and_bodies(cast):
    EnterpriseFactory(district=cast.district_a2)
    EnterpriseFactory(district=cast.district_a2, status=Enterprise.Status.MOVED_OUT)
    Body.objects.create(kind=Body.Kind.TOWN_UNION, name="甲镇总工会", town=cast.town_a, phone="057385001234")
    response = cast.client_for("town_a_union").get(reverse("town_detail", args=[cast.town_a.pk]))
    counts = {d.name: d.enterprise_count for d in response.context["districts"]}
    assert counts == {"甲一片": 1, "甲二片": 2}  # the moved-out enterprise is not counted
    html = response.content.decode()
    assert "甲镇第一代表小组" in html
    assert "组长甲" in html
    assert "甲镇总工会" in html
    assert "057385001234" in html
    assert reverse("regions:district_create", args=[cast.town_a.pk]) in html


def test_the_town_page_masks_body_phones_and_hides_management_from_a_group_leader(cast):
    Body.objects.create(kind=Body.Kind.TOWN_UNION, name="甲镇总工会", town=cast.town_a, phone="057385001234")
    html = cast.client_for("group_leader").get(reverse("town_detail", args=[cast.town_a.pk])).content.decode()
    assert "057385001234" not in html
    assert "057****1234" in html
    assert reverse("regions:district_create", args=[cast.town_a.pk]) not in html
    # A group leader sees only the district their group covers.
    assert "甲一片" in html
    assert "甲二片" not in html


def test_a_town_page_without_districts_groups_or_bodies_says_so(cast):
    town = TownFactory(city=cast.town_a.city, name="丙镇")
    html = cast.client_for("city_admin").get(reverse("town_detail", args=[town.pk])).content.decode()
    assert "还没有片区" in html
    assert "还没有代表小组" in html
    assert "还没有登记工会或应急机构" in html


def test_the_town_page_costs_the_same_queries_for_one_row_and_for_many(cast):
    client = cast.client_for("city_admin")
    url = reverse("town_detail", args=[cast.town_b.pk])
    group = GroupFactory(town=cast.town_b, districts=[cast.district_b])
    GroupMemberFactory(group=group)
    Body.objects.create(kind=Body.Kind.TOWN_UNION, name="乙街道总工会", town=cast.town_b)
    few = page_queries(client, url)
    for i in range(6):
        district = DistrictFactory(town=cast.town_b)
        group = GroupFactory(town=cast.town_b, districts=[district])
        GroupMemberFactory.create_batch(3, group=group)
        EnterpriseFactory.create_batch(2, district=district)
        Body.objects.create(kind=Body.Kind.TOWN_EMERGENCY, name=f"乙街道应急办{i}", town=cast.town_b)
    assert few == page_queries(client, url)


def test_reading_town_pages_writes_nothing(cast):
    client = cast.client_for("city_admin")
    client.get(reverse("town_list"))
    client.get(reverse("town_detail", args=[cast.town_a.pk]))
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_town_pages_answer_only_get(cast, method):
    client = cast.client_for("city_admin")
    assert getattr(client, method)(reverse("town_list")).status_code == 405

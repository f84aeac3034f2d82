"""Union bodies and emergency offices, grouped by town: scope and phone masking."""

import pytest
from django.urls import reverse

from liangpai.organisations.models import Body
from tests.factories import TownFactory
from tests.regions.helpers import page_queries

pytestmark = pytest.mark.django_db

LIST = {
    "city_admin": 200,
    "city_emergency": 200,
    "town_a_union": 200,
    "town_a_emergency": 200,
    "town_b_union": 200,
    "group_leader": 200,
    "group_member": 200,
    "expert": 200,
    "contact_a": 403,
    "outsider": 403,
    "anonymous": 302,
}


@pytest.fixture
def bodies(cast):
    return {
        "city": Body.objects.create(kind=Body.Kind.CITY_UNION, name="示范市总工会", phone="057385000001"),
        "a": Body.objects.create(kind=Body.Kind.TOWN_UNION, name="甲镇总工会", town=cast.town_a, phone="057385000002"),
        "b": Body.objects.create(
            kind=Body.Kind.TOWN_EMERGENCY, name="乙街道应急办", town=cast.town_b, phone="057385000003"
        ),
    }


def _sections(client):
    response = client.get(reverse("organisations:bodies"))
    return {
        (s.town.name if s.town else "市级"): {r.body.name: r.reveal_phone for r in s.rows}
        for s in response.context["sections"]
    }


@pytest.mark.parametrize("role", list(LIST))
def test_the_bodies_page_follows_the_role_matrix(cast, bodies, role):
    assert cast.client_for(role).get(reverse("organisations:bodies")).status_code == LIST[role]


def test_the_city_sees_every_town_and_every_number(cast, bodies):
    assert _sections(cast.client_for("city_admin")) == {
        "市级": {"示范市总工会": True},
        "甲镇": {"甲镇总工会": True},
        "乙街道": {"乙街道应急办": True},
    }


def test_a_town_union_sees_the_city_and_its_own_town(cast, bodies):
    assert _sections(cast.client_for("town_a_union")) == {
        "市级": {"示范市总工会": True},
        "甲镇": {"甲镇总工会": True},
    }


@pytest.mark.parametrize("role", ["city_emergency", "group_leader", "expert"])
def test_roles_that_may_not_reveal_contacts_see_masked_numbers(cast, bodies, role):
    html = cast.client_for(role).get(reverse("organisations:bodies")).content.decode()
    for body in bodies.values():
        if body.name in html:
            assert body.phone not in html
            assert f"057****{body.phone[-4:]}" in html


def test_a_town_without_bodies_says_so(cast):
    html = cast.client_for("town_a_union").get(reverse("organisations:bodies")).content.decode()
    assert "还没有登记工会或应急机构" in html


def test_the_bodies_page_costs_the_same_queries_for_few_towns_and_for_many(cast, bodies):
    client = cast.client_for("city_admin")

    few = page_queries(client, reverse("organisations:bodies"))
    for i in range(8):
        town = TownFactory()
        Body.objects.create(kind=Body.Kind.TOWN_UNION, name=f"附加总工会{i}", town=town)
        Body.objects.create(kind=Body.Kind.TOWN_EMERGENCY, name=f"附加应急办{i}", town=town)
    assert few == page_queries(client, reverse("organisations:bodies"))

"""/e/ — the public lookup: a worker types a name or a credit code and finds the enterprise's page.
Only name, town and credit code are shown; results are paged; nothing found is said plainly."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import EnterpriseFactory
from tests.publicsite.results import PERSONAL_DATA

pytestmark = pytest.mark.django_db

SEARCH = reverse("publicsite:search")


def names(html: str) -> list[str]:
    return re.findall(r'<a class="fw-semibold" href="/e/[0-9A-Z]{18}/">([^<]*)</a>', html)


def test_the_empty_lookup_explains_itself(db):
    response = Client().get(SEARCH)

    assert response.status_code == 200
    html = response.content.decode()
    assert "输入企业名称" in html
    assert names(html) == []


def test_a_name_finds_the_enterprise_with_its_town_and_code_only(cast):
    html = Client().get(SEARCH, {"q": "机械"}).content.decode()

    assert names(html) == ["甲一机械有限公司"]
    assert cast.enterprise_a.credit_code in html
    assert "甲镇" in html
    assert [value for value in PERSONAL_DATA if value in html] == []


def test_a_whole_code_goes_straight_to_the_page(cast):
    code = cast.enterprise_b.credit_code

    response = Client().get(SEARCH, {"q": f" {code.lower()} "})

    assert response.status_code == 302
    assert response["Location"] == reverse("publicsite:enterprise", args=[code])


def test_the_start_of_a_code_finds_it(cast):
    code = cast.enterprise_b.credit_code

    html = Client().get(SEARCH, {"q": code[:10]}).content.decode()

    assert cast.enterprise_b.name in names(html)


def test_nothing_found_is_said_plainly(cast):
    html = Client().get(SEARCH, {"q": "不存在的企业"}).content.decode()

    assert names(html) == []
    assert "没有找到与“不存在的企业”相符的企业。" in html


def test_results_are_paged_in_a_fixed_query_budget(cast, django_assert_max_num_queries):
    EnterpriseFactory.create_batch(45, district=cast.district_b)

    with django_assert_max_num_queries(2):  # the count and the page
        first = Client().get(SEARCH, {"q": "示范机械"}).content.decode()
    third = Client().get(SEARCH, {"q": "示范机械", "page": "3"}).content.decode()

    assert len(names(first)) == 20
    assert len(names(third)) == 5
    assert "共 45 条" in first
    assert not set(names(first)) & set(names(third))


def test_a_signed_in_user_gets_the_same_lookup(cast):
    html = cast.client_for("contact_a").get(SEARCH, {"q": "化工"}).content.decode()

    assert names(html) == ["乙一化工有限公司"]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=120), page=st.text(max_size=8))
def test_any_lookup_is_answered_without_a_server_error(cast, q, page):
    response = Client().get(SEARCH, {"q": q, "page": page})

    assert response.status_code in {200, 302}

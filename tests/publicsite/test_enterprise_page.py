"""/e/<credit_code>/ — the plaque's QR code: the enterprise's name and town, its latest published grade as a
plaque and this year's published lights, for anyone; a friendly 404 for a code that names no enterprise."""

import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_credit_code
from tests.publicsite.results import GRADES, LIGHTS, PERSONAL_DATA, add_grade, add_light

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def page_url(enterprise_or_code) -> str:
    code = getattr(enterprise_or_code, "credit_code", enterprise_or_code)
    return reverse("publicsite:enterprise", args=[code])


def plaque(html: str) -> tuple[str, str]:
    """(level, caption) as the plaque shows them."""
    match = re.search(r'class="plaque-level">([^<]*)</span>(?:\s*<span class="plaque-caption">([^<]*)</span>)?', html)
    assert match, html
    return match[1], match[2] or ""


def lights(html: str) -> list[str]:
    return re.findall(r'class="light-label">([^<]*)<', html)


def get_page(enterprise_or_code, client: Client | None = None, **headers: str) -> str:
    response = (client or Client()).get(page_url(enterprise_or_code), **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_published_plaque_and_lights(results):
    html = get_page(results.enterprise_a)

    assert "甲一机械有限公司" in html
    assert "甲镇" in html
    assert plaque(html) == ("B", "2025 年度")
    assert lights(html) == ["绿灯", "未公布", "未公布", "未公布"]
    assert re.findall(r'class="quarter-name">([^<]*)<', html) == ["第一季度", "第二季度", "第三季度", "第四季度"]
    assert "2026 年季度亮灯" in html
    assert "等级牌和亮灯是什么" in html


def test_ungraded_and_not_inspected_are_said_honestly(results):
    assert plaque(get_page(results.enterprise_b)) == ("未评级", "2025 年度")
    assert lights(get_page(results.enterprise_a2)) == ["未检", "未公布", "未公布", "未公布"]


def test_with_nothing_published_the_plaque_says_so(cast, frozen_today):
    add_grade(cast.enterprise_a, 2025, "A")
    add_light(cast.enterprise_a, "2026Q1", "red")

    html = get_page(cast.enterprise_a)

    assert plaque(html) == ("尚未公布", "")
    assert lights(html) == ["未公布"] * 4


def test_a_period_shows_once_it_is_published(results, publisher):
    publisher.publish(GRADES, "2026")
    publisher.publish(LIGHTS, "2026Q3")

    html = get_page(results.enterprise_a)

    assert plaque(html) == ("D", "2026 年度")
    assert lights(html) == ["绿灯", "未公布", "红灯", "未公布"]


def test_the_page_in_english_has_no_chinese_besides_names(results):
    html = get_page(results.enterprise_b, **ENGLISH)

    assert plaque(html) == ("Ungraded", "2025")
    assert lights(html) == ["Red", "Not published", "Not published", "Not published"]
    visible = re.sub(r"<[^>]+>", " ", html)
    for own in ("乙一化工有限公司", "乙街道", "简体中文"):
        visible = visible.replace(own, "")
    assert CJK.findall(visible) == []


def test_no_personal_data_on_the_page(results):
    for enterprise in (results.enterprise_a, results.enterprise_b):
        html = get_page(enterprise)
        assert [value for value in PERSONAL_DATA if value in html] == []
        # The credit code is public and may hold eleven digits that look like a mobile number.
        assert re.search(r"1[3-9]\d{9}", html.replace(enterprise.credit_code, "")) is None


def test_anyone_may_see_it_and_signed_in_users_see_the_same_published_view(results):
    anonymous = get_page(results.enterprise_a)
    for role in ("city_admin", "town_a_union", "contact_a"):
        html = get_page(results.enterprise_a, client=results.client_for(role))
        assert (plaque(html), lights(html)) == (plaque(anonymous), lights(anonymous))


def test_a_code_typed_in_lower_case_goes_to_the_one_address(results):
    code = results.enterprise_a.credit_code

    response = Client().get(page_url(code.lower()))

    assert response.status_code == 302
    assert response["Location"] == page_url(code)


def test_an_unknown_code_is_a_friendly_404(db):
    code = make_credit_code()

    response = Client().get(page_url(code))

    assert response.status_code == 404
    html = response.content.decode()
    assert "没有找到这家企业" in html
    assert f"没有统一社会信用代码为“{code}”的企业。" in html
    assert 'name="q"' in html


def test_an_invalid_code_is_a_404_saying_why(db):
    response = Client().get(page_url("not-a-code"))

    assert response.status_code == 404
    assert "这不是有效的统一社会信用代码：统一社会信用代码应为18位" in response.content.decode()


def test_the_page_costs_three_queries(results, django_assert_num_queries):
    with django_assert_num_queries(3):  # the enterprise and its town, its latest grade, this year's lights
        get_page(results.enterprise_a)


def test_the_page_loads_nothing_from_elsewhere_and_has_no_inline_style(results):
    response = Client().get(page_url(results.enterprise_a))
    html = response.content.decode()

    assert "style=" not in html
    assert "<style" not in html
    assert "<script" not in html
    assert re.findall(r'(?:src|href)="(https?:)?//', html) == []
    assert "style-src 'self'" in response["Content-Security-Policy"]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=40))
def test_any_code_in_the_address_is_answered_without_a_server_error(cast, text):
    response = Client().get(f"/e/{quote(text, safe='')}/")

    assert response.status_code in {200, 301, 302, 404}


def test_staff_reach_the_public_page_from_the_enterprise_record(cast):
    from django.urls import reverse

    page = cast.client_for("town_a_union").get(reverse("enterprise_detail", args=[cast.enterprise_a.pk]))
    public_url = reverse("publicsite:enterprise", args=[cast.enterprise_a.credit_code])
    assert public_url in page.content.decode()
    assert cast.client_for("anonymous").get(public_url).status_code == 200

"""GET /api/v1/public/enterprises/{credit_code}: name, town, the latest published grade and this year's
published lights, for anyone; nothing unpublished, nothing personal."""

import pytest
from django.test import Client

from tests.api.helpers import ENGLISH, get_json, status_url
from tests.publicsite.results import GRADES, LIGHTS, PERSONAL_DATA, add_grade, add_light

pytestmark = pytest.mark.django_db


def test_an_enterprise_shows_its_latest_published_grade_and_this_years_published_lights(results):
    a1 = results.enterprise_a

    status, body = get_json(status_url(a1.credit_code))

    assert status == 200
    assert body == {
        "credit_code": a1.credit_code,
        "name": "甲一机械有限公司",
        "town": "甲镇",
        "latest_grade": {"year": 2025, "level": "B", "label": "B"},
        "lights": {
            "year": 2026,
            "Q1": {"quarter": "2026Q1", "light": "green", "label": "绿灯"},
            "Q2": None,
            "Q3": None,
            "Q4": None,
        },
    }


def test_an_ungraded_published_grade_is_null_with_its_label(results):
    _, body = get_json(status_url(results.enterprise_b.credit_code))

    assert body["latest_grade"] == {"year": 2025, "level": None, "label": "未评级"}
    assert body["lights"]["Q1"] == {"quarter": "2026Q1", "light": "red", "label": "红灯"}


def test_labels_follow_the_request_language(results):
    _, body = get_json(status_url(results.enterprise_b.credit_code), **ENGLISH)

    assert body["latest_grade"]["label"] == "Ungraded"
    assert body["lights"]["Q1"]["label"] == "Red"
    _, body = get_json(status_url(results.enterprise_a2.credit_code), **ENGLISH)
    assert body["lights"]["Q1"]["label"] == "Not inspected"


def test_nothing_published_is_null_not_a_guess(cast, frozen_today):
    add_grade(cast.enterprise_a, 2025, "A")
    add_light(cast.enterprise_a, "2026Q1", "green")

    _, body = get_json(status_url(cast.enterprise_a.credit_code))

    assert body["latest_grade"] is None
    assert body["lights"] == {"year": 2026, "Q1": None, "Q2": None, "Q3": None, "Q4": None}


def test_a_newly_published_grade_replaces_the_older_one(results, publisher):
    publisher.publish(GRADES, "2026")

    _, body = get_json(status_url(results.enterprise_a.credit_code))

    assert body["latest_grade"] == {"year": 2026, "level": "D", "label": "D"}


def test_a_quarter_appears_once_it_is_published(results, publisher):
    publisher.publish(LIGHTS, "2026Q3")

    _, body = get_json(status_url(results.enterprise_a.credit_code))

    assert [body["lights"][q] and body["lights"][q]["light"] for q in ("Q1", "Q2", "Q3", "Q4")] == [
        "green",
        None,
        "red",
        None,
    ]


def test_a_code_typed_in_lower_case_or_with_dashes_is_found(results):
    code = results.enterprise_a.credit_code
    typed = f"{code[:6]}-{code[6:]}".lower()

    status, body = get_json(status_url(typed))

    assert status == 200
    assert body["credit_code"] == code


def test_no_personal_data_in_the_answer(results):
    for enterprise in (results.enterprise_a, results.enterprise_b):
        response = get_json(status_url(enterprise.credit_code))[1]
        text = str(response)
        assert [value for value in PERSONAL_DATA if value in text] == []
        assert set(response) == {"credit_code", "name", "town", "latest_grade", "lights"}


def test_anyone_may_ask_and_everyone_gets_the_published_view(results):
    anonymous = get_json(status_url(results.enterprise_a.credit_code))
    for role in ("city_admin", "town_a_union", "contact_a", "outsider"):
        client = results.client_for(role)
        assert get_json(status_url(results.enterprise_a.credit_code), client=client) == anonymous


def test_the_answer_costs_three_queries(results, django_assert_num_queries):
    with django_assert_num_queries(3):  # the enterprise and its town, its latest grade, this year's lights
        status, _ = get_json(status_url(results.enterprise_a.credit_code))
    assert status == 200


def test_names_are_sent_as_utf8_text(results):
    response = Client().get(status_url(results.enterprise_a.credit_code))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "甲一机械有限公司".encode() in response.content

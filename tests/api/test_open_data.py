"""GET /api/v1/open-data/grades?year=YYYY and /lights?quarter=YYYYQn: a period's published results, paged,
in credit-code order, at a fixed number of queries per page."""

import pytest

from liangpai.grades.models import AnnualGrade
from tests.api.helpers import ENGLISH, get_json
from tests.factories import EnterpriseFactory
from tests.publicsite.results import GRADES, LIGHTS, PERSONAL_DATA, add_grade, add_light

pytestmark = pytest.mark.django_db

GRADES_URL = "/api/v1/open-data/grades"
LIGHTS_URL = "/api/v1/open-data/lights"


def test_a_published_years_grades_by_credit_code(results):
    status, body = get_json(GRADES_URL, {"year": "2025"})

    assert status == 200
    expected = sorted(
        [
            (results.enterprise_a, "B", "B"),
            (results.enterprise_b, None, "未评级"),
            (results.enterprise_a2, "C", "C"),
        ],
        key=lambda row: row[0].credit_code,
    )
    assert body == {
        "year": 2025,
        "page": 1,
        "page_size": 50,
        "total": 3,
        "pages": 1,
        "items": [
            {"credit_code": e.credit_code, "name": e.name, "town": e.town.name, "level": level, "label": label}
            for e, level, label in expected
        ],
    }


def test_a_published_quarters_lights_by_credit_code(results):
    status, body = get_json(LIGHTS_URL, {"quarter": "2026Q1"}, **ENGLISH)

    assert status == 200
    assert (body["quarter"], body["total"], body["pages"]) == ("2026Q1", 3, 1)
    rows = {row["credit_code"]: (row["town"], row["light"], row["label"]) for row in body["items"]}
    assert rows == {
        results.enterprise_a.credit_code: ("甲镇", "green", "Green"),
        results.enterprise_b.credit_code: ("乙街道", "red", "Red"),
        results.enterprise_a2.credit_code: ("甲镇", "not_inspected", "Not inspected"),
    }
    assert [row["credit_code"] for row in body["items"]] == sorted(rows)


@pytest.mark.parametrize(("url", "params"), [(GRADES_URL, {"year": "2026"}), (LIGHTS_URL, {"quarter": "2026Q2"})])
def test_an_unpublished_period_has_no_rows(results, url, params):
    status, body = get_json(url, params)

    assert status == 200
    assert (body["total"], body["pages"], body["items"]) == (0, 0, [])


def test_periods_are_read_as_operators_type_them(results):
    assert get_json(LIGHTS_URL, {"quarter": " 2026q1 "})[1]["quarter"] == "2026Q1"
    assert get_json(LIGHTS_URL, {"quarter": "２０２６Ｑ１"})[1]["total"] == 3
    assert get_json(GRADES_URL, {"year": "２０２５"})[1]["total"] == 3


def test_no_personal_data_in_open_data(results):
    text = str(get_json(GRADES_URL, {"year": "2025"})) + str(get_json(LIGHTS_URL, {"quarter": "2026Q1"}))

    assert [value for value in PERSONAL_DATA if value in text] == []


@pytest.fixture
def many_published(cast, publisher, frozen_today):
    """130 more enterprises, each with a published 2025 grade and 2026Q1 light."""
    enterprises = EnterpriseFactory.create_batch(130, district=cast.district_b)
    AnnualGrade.objects.bulk_create(
        AnnualGrade(enterprise=e, year=2025, base_grade="ABCD"[i % 4], final_grade="ABCD"[i % 4])
        for i, e in enumerate(enterprises)
    )
    for e in enterprises:
        add_light(e, "2026Q1", "green")
    publisher.publish(GRADES, "2025")
    publisher.publish(LIGHTS, "2026Q1")
    return enterprises


@pytest.mark.parametrize(("url", "params"), [(GRADES_URL, {"year": "2025"}), (LIGHTS_URL, {"quarter": "2026Q1"})])
def test_pages_are_stable_complete_and_without_overlap(many_published, url, params):
    seen = []
    for page in (1, 2, 3):
        status, body = get_json(url, {**params, "page": page, "page_size": 60})
        assert status == 200
        assert (body["page"], body["page_size"], body["total"], body["pages"]) == (page, 60, 130, 3)
        seen += [row["credit_code"] for row in body["items"]]

    assert seen == sorted(e.credit_code for e in many_published)
    assert get_json(url, {**params, "page": 4, "page_size": 60})[1]["items"] == []
    assert get_json(url, {**params, "page": 10**30})[1]["items"] == []


@pytest.mark.parametrize(("url", "params"), [(GRADES_URL, {"year": "2025"}), (LIGHTS_URL, {"quarter": "2026Q1"})])
def test_a_page_of_one_or_of_a_hundred_rows_costs_two_queries(many_published, url, params, django_assert_num_queries):
    for size in (1, 100):
        with django_assert_num_queries(2):  # the count, then the page's rows with names and towns joined
            status, body = get_json(url, {**params, "page_size": size})
        assert status == 200
        assert len(body["items"]) == size


@pytest.mark.parametrize("size", ["0", "101", "-1", "ten"])
def test_the_page_size_is_bounded(results, size):
    status, body = get_json(GRADES_URL, {"year": "2025", "page_size": size})

    assert status == 400
    assert body["error"] == "invalid_parameter"
    assert "page_size" in body["message"]


def test_a_row_added_to_a_published_period_is_not_published_with_it(results):
    # The services refuse this (the period is frozen); if a row got in anyway, it would be unpublished.
    late = EnterpriseFactory(district=results.district_a)
    add_grade(late, 2025, "A")

    _, body = get_json(GRADES_URL, {"year": "2025"})

    assert late.credit_code not in {row["credit_code"] for row in body["items"]}
    assert body["total"] == 3

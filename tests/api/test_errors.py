"""Errors are JSON {"error": code, "message": text} with the right 4xx, in the request's language;
bad input of any kind is never a 500 (SECURITY.md T13)."""

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.helpers import ENGLISH, get_json, status_url
from tests.factories import make_credit_code

pytestmark = pytest.mark.django_db


def test_an_invalid_credit_code_is_a_400_saying_why(cast):
    code = cast.enterprise_a.credit_code
    wrong_check = code[:17] + ("1" if code[17] != "1" else "2")

    assert get_json(status_url("12345")) == (
        400,
        {"error": "invalid_credit_code", "message": "统一社会信用代码应为18位，这里是5位。"},
    )
    status, body = get_json(status_url(wrong_check))
    assert (status, body["error"]) == (400, "invalid_credit_code")
    assert "校验位不符" in body["message"]


def test_an_unknown_credit_code_is_a_404(db):
    code = make_credit_code()

    assert get_json(status_url(code)) == (
        404,
        {"error": "not_found", "message": f"没有统一社会信用代码为“{code}”的企业。"},
    )
    status, body = get_json(status_url(code), **ENGLISH)
    assert (status, body["error"]) == (404, "not_found")
    assert code in body["message"]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026Q3", "“2026Q3”是季度，这里需要年度，写作四位数字，如“2026”。"),
        ("26", "无法识别年度“26”：年度写作四位数字，如“2026”。"),
        ("1999", "年度应在 2000 到 2099 之间。"),
        ("", "请给出年度，如“2026”。"),
    ],
)
def test_a_bad_year_is_a_400_saying_the_expected_form(db, value, message):
    assert get_json("/api/v1/open-data/grades", {"year": value}) == (
        400,
        {"error": "invalid_year", "message": message},
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026", "“2026”是年度，这里需要季度，写作“2026Q3”这样的形式。"),
        ("2026Q5", "季度序号应为 1 到 4，如“2026Q3”。"),
        ("2026-3", "无法识别季度“2026-3”：季度写作“2026Q3”这样的形式。"),
        ("Q3 2026", "无法识别季度“Q3 2026”：季度写作“2026Q3”这样的形式。"),
    ],
)
def test_a_bad_quarter_is_a_400_saying_the_expected_form(db, value, message):
    assert get_json("/api/v1/open-data/lights", {"quarter": value}) == (
        400,
        {"error": "invalid_quarter", "message": message},
    )


def test_a_bad_quarter_in_english(db):
    status, body = get_json("/api/v1/open-data/lights", {"quarter": "2026-3"}, **ENGLISH)

    assert (status, body["error"]) == (400, "invalid_quarter")
    assert "2026Q3" in body["message"]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])


def test_a_missing_period_is_a_400_in_the_same_shape(db):
    assert get_json("/api/v1/open-data/grades") == (
        400,
        {"error": "invalid_parameter", "message": "缺少参数“year”。年度写作四位数字，如“2026”。"},
    )
    assert get_json("/api/v1/open-data/lights") == (
        400,
        {"error": "invalid_parameter", "message": "缺少参数“quarter”。季度写作“2026Q3”这样的形式。"},
    )


def test_validation_errors_of_paging_come_out_in_the_same_shape_and_language(db):
    assert get_json("/api/v1/open-data/grades", {"year": "2025", "page": "0", "page_size": "x"}) == (
        400,
        {"error": "invalid_parameter", "message": "参数“page”不能小于 1。 参数“page_size”应为整数。"},
    )
    status, body = get_json("/api/v1/open-data/grades", {"year": "2025", "page_size": "500"}, **ENGLISH)
    assert (status, body["error"]) == (400, "invalid_parameter")
    assert "page_size" in body["message"]
    assert "100" in body["message"]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])


@pytest.mark.parametrize(
    "path", ["/api/v1/", "/api/v1/nothing", "/api/v1/public/enterprises/", "/api/v1/docs", "/api/v1/open-data/"]
)
def test_unknown_paths_are_a_json_404(db, path):
    status, body = get_json(path)

    assert (status, body["error"]) == (404, "not_found")


def test_a_wrong_method_is_a_json_405(cast):
    response = Client().post(status_url(cast.enterprise_a.credit_code))

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {"error": "method_not_allowed", "message": "这个接口地址不接受 POST 请求。"}


# --- fuzzing: whatever is sent, never a server error ------------------------------------

fuzz = settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])


@fuzz
@given(text=st.text(max_size=40))
def test_any_credit_code_is_answered_without_a_server_error(cast, text):
    response = Client().get(status_url(quote(text, safe="")))

    assert response.status_code in {200, 400, 404}
    body = response.json()
    assert "lights" in body if response.status_code == 200 else set(body) == {"error", "message"}


@fuzz
@given(year=st.text(max_size=20), page=st.text(max_size=12), page_size=st.text(max_size=6))
def test_any_year_and_paging_are_answered_without_a_server_error(db, year, page, page_size):
    response = Client().get("/api/v1/open-data/grades", {"year": year, "page": page, "page_size": page_size})

    assert response.status_code in {200, 400}
    assert response["Content-Type"].startswith("application/json")


@fuzz
@given(quarter=st.text(max_size=20) | st.from_regex(r"\A[0-9０-９]{1,5}[ -]?[qQＱ]?[0-9]{0,3}\Z"))
def test_any_quarter_is_answered_without_a_server_error(db, quarter):
    response = Client().get("/api/v1/open-data/lights", {"quarter": quarter}, **ENGLISH)

    assert response.status_code in {200, 400}
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("text", ["\n", "a\nb", "\r\n", "x\n\n"])
def test_a_code_with_a_line_break_gets_the_json_answer(db, text):
    response = Client().get(status_url(quote(text, safe="")))
    assert response.status_code in {400, 404}
    assert set(response.json()) == {"error", "message"}

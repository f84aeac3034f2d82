"""SECURITY.md T13, Hypothesis half: the parsers and validators the rest of the suite does not fuzz yet.

Already covered elsewhere, and not repeated here: credit codes (tests/rules/test_credit_code.py),
periods (tests/rules/test_periods.py), text cleaning (tests/rules/test_text.py), the enterprise
import's cells, rows and reader (tests/imports/test_cells.py, test_hostile_files.py), the API's
parameters (tests/api/test_errors.py and test_api_fuzzing.py) and the public lookup
(tests/publicsite/test_search.py). Added here: the Django-side credit code validator, the
management commands' period arguments, the history import (imports.history), the enterprise
import's header search on any rows, phone numbers as forms and imports accept them, and the
query strings of every list page and download that reads one.
"""

import datetime
import string
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liangpai.core.access import Action
from liangpai.core.commands import parse_quarter_argument, parse_year_argument
from liangpai.enterprises.forms import EnterpriseForm
from liangpai.enterprises.validators import validate_credit_code
from liangpai.imports import cells, history
from liangpai.imports.columns import Header, find_header
from liangpai.imports.spreadsheet import Table
from liangpai.organisations.forms import clean_phone
from liangpai.rules.periods import Quarter, Year
from tests.imports.make_corpus import HEADERS

WITH_FIXTURES = settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])

#: Text with what trips parsers up: digits of other scripts, full-width forms, controls, NUL, long runs.
TRICKY_TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789０１２３４５６７８９²³¹٣٤०१QqＱ-– .+()\u3000\u00a0\x00\n", max_size=20),
    st.sampled_from(
        [
            "2026Q3",
            "2026",
            "２０２６Ｑ３",
            "-1",
            "0",
            "²",
            "٣",
            "99999999999999999999",
            "1e9",
            "NaN",
            "1E+999999999",
            "\x00",
            "",
            " ",
        ]
    ),
)
CELL_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    TRICKY_TEXT,
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)


@given(TRICKY_TEXT)
def test_the_credit_code_validator_raises_only_a_validation_error_with_a_message(text):
    try:
        validate_credit_code(text)
    except ValidationError as exc:
        error: ValidationError | None = exc
    else:
        error = None
    if error is not None:
        assert str(error.code).startswith("credit_code_")
        assert error.messages
        assert all(error.messages)


@given(TRICKY_TEXT)
def test_period_arguments_of_the_commands_are_a_period_or_a_usage_error(text):
    for parse, kind in ((parse_quarter_argument, Quarter), (parse_year_argument, Year)):
        try:
            period = parse(text)
        except CommandError as exc:
            period, error = None, exc
        if period is None:
            assert error.returncode == 2
            assert "2026" in str(error)
        else:
            assert isinstance(period, kind)


@given(rows=st.lists(st.lists(CELL_VALUES, max_size=8), max_size=12))
def test_the_import_header_search_on_any_rows_finds_a_header_or_none(rows):
    header = find_header(rows)

    assert header is None or isinstance(header, Header)
    if header is not None:
        assert 0 <= header.row_index < len(rows)
        assert all(0 <= position < len(rows[header.row_index]) for position in header.positions.values())


@given(junk=st.lists(st.lists(CELL_VALUES, max_size=5), max_size=3), headers=st.permutations(HEADERS))
def test_the_import_header_is_found_below_any_junk_and_in_any_column_order(junk, headers):
    # Junk rows that themselves name three columns would be a header: keep them unrecognised.
    junk = [row for row in junk if find_header([row]) is None]

    header = find_header([*junk, headers])

    assert header is not None
    assert header.row_index == len(junk)


@pytest.mark.parametrize("text", ["1E+999999999", "-1e999999", "1.5E-999999999", "1.38E+10", "9" * 5000])
def test_a_code_cell_holding_any_number_is_read_as_text_never_an_overflow(text):
    assert isinstance(cells.code_of(text), str)
    with pytest.raises(cells.CellError):
        cells.parse_whole_number(text, cells.text_of(text), label="职工人数", maximum=10**6)


# --- phone numbers ------------------------------------------------------------------------

PHONE_LIKE = st.one_of(
    st.from_regex(r"\A[+(]?[0-9０-９٠-٩०-९²³¹ ()\-]{6,16}\Z"),
    st.text(alphabet="0123456789٣٤०१²³", min_size=7, max_size=12),
    TRICKY_TEXT,
)


def stored_digits(phone: str) -> bool:
    return all(ch in string.digits + "-" for ch in phone)


@given(PHONE_LIKE)
def test_a_phone_the_organisation_forms_accept_is_ascii_digits(text):
    try:
        phone = clean_phone(text)
    except ValidationError:
        return
    assert stored_digits(phone), phone


@given(PHONE_LIKE)
def test_a_phone_the_enterprise_import_accepts_is_ascii_digits(text):
    try:
        phone = cells.parse_phone(text, cells.text_of(text), label="电话")
    except cells.CellError:
        return
    assert stored_digits(phone), phone


@pytest.mark.django_db
@WITH_FIXTURES
@given(text=PHONE_LIKE)
def test_a_phone_the_enterprise_form_accepts_is_ascii_digits(cast, text):
    form = EnterpriseForm(user=cast.users["city_admin"], action=Action.ENTERPRISE_CREATE)
    form.cleaned_data = {"union_chair_phone": text}
    try:
        phone = form.clean_union_chair_phone()
    except ValidationError:
        return
    assert stored_digits(phone), phone


# --- the history import ---------------------------------------------------------------------

HISTORY_HEADERS = st.permutations(["统一社会信用代码", "期间", "结果"]) | st.permutations(
    ["信用代码", "年度/季度", "等级/灯色"]
)
HISTORY_CELLS = st.one_of(
    CELL_VALUES,
    st.sampled_from(
        ["A", "b", "D级", "未评级", "绿", "黄灯", "RED", "未检", "2025", "2025Q3", "２０２５ｑ３", "2027Q1"]
    ),
)


@pytest.mark.django_db
@WITH_FIXTURES
@given(
    headers=HISTORY_HEADERS,
    junk=st.lists(st.lists(CELL_VALUES, max_size=4), max_size=2),
    rows=st.lists(st.lists(HISTORY_CELLS, min_size=3, max_size=4), max_size=6),
)
def test_the_history_import_reports_any_rows_as_issues_never_an_exception(cast, headers, junk, rows):
    rows = [[cast.enterprise_a.credit_code, *row[1:]] if row and row[0] == "A" else row for row in rows]
    tables = [Table(name="历史", rows=[*junk, list(headers), *rows], first_row=1)]

    plan = history._plan(tables, today=datetime.date(2026, 11, 16), lock=False)

    assert plan.rows <= len(rows)
    assert all(issue.message for issue in [*plan.errors, *plan.notes])
    assert plan.ok == (plan.errors == [])


# --- query strings of the staff pages -------------------------------------------------------

#: Every page that reads its query string, with the parameters it reads.
QUERY_PAGES = {
    "/audit/": ["q", "page"],
    "/enterprises/": ["q", "town", "district", "industry", "scale", "status", "has_union", "page"],
    "/enterprises/export.xlsx": ["q", "town", "district", "industry", "scale", "status", "has_union"],
    "/enterprises/districts/": ["town"],
    "/org/groups/": ["q", "town", "page"],
    "/org/groups/new/": ["town"],
    "/org/experts/": ["q", "speciality", "page"],
    "/ratings/interviews/": ["status", "quarter", "town", "q", "page"],
    "/assessments/": ["year", "town", "status", "q", "page"],
    "/assessments/export.xlsx": ["year", "town", "status", "q"],
}
#: Values that broke pages before: NUL (PostgreSQL refuses it), digits int() does not read, ids past 64 bits.
HOSTILE = [
    "\x00",
    "a\x00b",
    "²",
    "٣",
    "99999999999999999999",
    "-1",
    "0",
    "1e9",
    "2026Q9",
    "２０２６Ｑ３",
    " " * 3,
    "x" * 300,
]
QUERY_VALUES = st.one_of(TRICKY_TEXT, st.integers().map(str), st.sampled_from(["1", "2", "above", "active", "open"]))


@pytest.fixture
def city_admin_client(cast: Any) -> Any:
    return cast.client_for("city_admin")


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(QUERY_PAGES))
def test_hostile_values_in_every_parameter_are_answered_without_a_server_error(city_admin_client, page):
    for value in HOSTILE:
        response = city_admin_client.get(page, dict.fromkeys(QUERY_PAGES[page], value))

        assert response.status_code in {200, 400}, (page, value, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(QUERY_PAGES))
@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_query_string_is_answered_without_a_server_error(city_admin_client, page, data):
    names = data.draw(st.lists(st.sampled_from(QUERY_PAGES[page]), min_size=1, unique=True))
    query = {name: data.draw(QUERY_VALUES, label=name) for name in names}

    response = city_admin_client.get(page, query)

    assert response.status_code in {200, 400}, (page, query, response.status_code)

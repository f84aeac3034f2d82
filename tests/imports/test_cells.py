"""Cell normalising: unit examples, and Hypothesis: never an exception other than CellError (SECURITY.md T13)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liangpai.imports import cells as c
from liangpai.imports.analysis import analyse
from liangpai.imports.columns import HEADER_SEARCH_ROWS, field_for_header, find_header
from liangpai.imports.services import IMPORT_COMMAND
from liangpai.imports.spreadsheet import Table, decode_text
from liangpai.rules.text import clean_text
from tests.imports.make_corpus import HEADERS, good_row


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (None, ""),
        (120.0, "120"),
        (13812345678.0, "13812345678"),
        (121.0153, "121.0153"),
        (float("nan"), ""),
        (True, "TRUE"),
        ("\u00a0 甲一\u3000机械 ", "甲一 机械"),
        ("ＡＢＣ１２３", "ABC123"),
        (date(2025, 3, 1), "2025-03-01"),
    ],
)
def test_text_of(raw: Any, text: str) -> None:
    assert c.text_of(raw) == text


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("9133 0482-ay4c l12thm", "91330482AY4CL12THM"),
        ("13812345678.0", "13812345678"),
        ("1.3812345678E+10", "13812345678"),
        (13812345678.0, "13812345678"),
        ("０５７３－８５０１２３４５", "057385012345"),
    ],
)
def test_code_of(raw: Any, code: str) -> None:
    assert c.code_of(raw) == code


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        (13812345678.0, "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0573-85012345", "0573-85012345"),
        ("(0573)85012345", "0573-85012345"),
        ("010-12345678", "010-12345678"),
        ("85012345", "85012345"),
    ],
)
def test_plausible_phones(raw: Any, phone: str) -> None:
    assert c.parse_phone(raw, c.text_of(raw), label="电话") == phone


@pytest.mark.parametrize("raw", ["12345", "23812345678", "138123456789", "电话", "13812345678转8"])
def test_implausible_phones(raw: Any) -> None:
    with pytest.raises(c.CellError):
        c.parse_phone(raw, c.text_of(raw), label="电话")


@pytest.mark.parametrize(("raw", "number"), [(120.0, 120), (0, 0), ("１２０", 120), ("1,200人", 1200), ("80.0", 80)])
def test_whole_numbers(raw: Any, number: int) -> None:
    assert c.parse_whole_number(raw, c.text_of(raw), label="职工人数", maximum=10**6) == number


@pytest.mark.parametrize("raw", [-1, 12.5, "12.5", "-3", "很多", True, 10**7, float("inf")])
def test_not_whole_numbers(raw: Any) -> None:
    with pytest.raises(c.CellError):
        c.parse_whole_number(raw, c.text_of(raw), label="职工人数", maximum=10**6)


def test_coordinates_keep_six_places() -> None:
    assert c.parse_coordinate(121.01535, "121.01535", label="经度", low=73, high=136) == Decimal("121.015350")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("单位名称", "name"),
        ("*统一社会信用代码", "credit_code"),
        ("统一社会信用代码\n（18位）", "credit_code"),
        ("镇（街道）", "town"),
        ("所属镇街", "town"),
        ("职工人数（人）", "headcount"),
        ("从业人数", "headcount"),
        ("已建工会", "has_union"),
        ("联系电话", "safety_contact_phone"),
        ("序号", None),
        (None, None),
    ],
)
def test_header_synonyms(header: Any, field: str | None) -> None:
    assert field_for_header(header) == field


def test_the_header_row_is_found_below_title_rows() -> None:
    rows: list[list[Any]] = [["2025年企业名录"], [], ["填报单位：甲镇"], HEADERS, ["x"]]
    header = find_header(rows)
    assert header is not None
    assert header.row_index == 3


def test_a_header_below_the_search_window_is_not_found() -> None:
    rows: list[list[Any]] = [[f"标题{i}"] for i in range(HEADER_SEARCH_ROWS)] + [HEADERS]
    assert find_header(rows) is None


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030", "utf-16"])
def test_csv_encodings_are_detected(encoding: str) -> None:
    assert decode_text("企业名称,统一社会信用代码\r\n甲一机械,１２３".encode(encoding)).startswith("企业名称")


# --- properties -----------------------------------------------------------------------------

CELL_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.text(alphabet="0123456789０１２３４５６７８９.,-+eE人 \u00a0\u3000"),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)


@given(st.text())
def test_the_fast_text_cleaning_is_the_rule(text: str) -> None:
    assert c.text_of(text) == clean_text(text)


@given(CELL_VALUES)
def test_field_parsers_raise_only_cell_errors(raw: Any) -> None:
    text = c.text_of(raw)
    parsers = [
        lambda: c.parse_text(raw, text, label="名称", max_length=200),
        lambda: c.parse_whole_number(raw, text, label="职工人数", maximum=10**6),
        lambda: c.parse_phone(raw, text, label="电话"),
        lambda: c.parse_coordinate(raw, text, label="经度", low=73, high=136),
        lambda: c.parse_yes_no(raw, text, label="是否建会"),
        lambda: c.code_of(raw),
        lambda: c.shown(raw),
        lambda: field_for_header(raw),
    ]
    for parse in parsers:
        try:
            parse()
        except c.CellError as error:
            message = error.message
        else:
            message = "parsed"
        assert message


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CELL_VALUES, max_size=len(HEADERS) + 2), max_size=6))
def test_any_rows_under_a_header_give_a_plan_never_an_exception(world: object, rows: list[list[Any]]) -> None:
    valid = [good_row(0).get(h) for h in HEADERS]
    table = Table(name="fuzz", rows=[["标题"], HEADERS, valid, *rows], first_row=1)
    header = find_header(table.rows)
    assert header is not None
    plan = analyse(table=table, header=header, by=IMPORT_COMMAND)
    assert plan.rows >= 1
    assert all(error.row is None or error.row >= 3 for error in plan.errors)


@given(st.times(), st.timedeltas(), st.datetimes())
def test_dates_in_code_columns_are_reported_not_raised(t: time, d: timedelta, dt: datetime) -> None:
    for raw in (t, d, dt):
        assert isinstance(c.code_of(raw), str)

"""R-PERIOD-1 … R-PERIOD-4: years and quarters — the rulebook's tables, and the parser never raises
anything but PeriodError."""

import datetime
import re
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liangpai.rules.periods import (
    MAX_YEAR,
    MIN_YEAR,
    PeriodError,
    Quarter,
    Year,
    parse_period,
    parse_quarter,
    parse_year,
)
from tests.rules.rulebook import RULEBOOK, rulebook_table

ERROR_CODES = {"type", "empty", "format", "year_range", "quarter_range", "kind"}


def _literal(cell: str) -> str:
    return cell[1:-1] if len(cell) >= 2 and cell[0] == cell[-1] == "`" else cell


# --- the rulebook's tables ---------------------------------------------------------------


@pytest.mark.parametrize("row", rulebook_table("R-PERIOD-1"), ids=lambda row: row["input"])
def test_r_period_1_the_accepted_notations(row):
    raw, expected = _literal(row["input"]), row["result"]
    if expected.startswith("PeriodError"):
        with pytest.raises(PeriodError) as caught:
            parse_period(raw)
        assert caught.value.code == expected.split()[1]
    else:
        assert str(parse_period(raw)) == expected


@pytest.mark.parametrize("row", rulebook_table("R-PERIOD-2"), ids=lambda row: f"{row['year']}-{row['quarter']}")
def test_r_period_2_years_and_quarters_have_a_range(row):
    year = int(row["year"])
    build = (lambda: Year(year)) if row["quarter"] == "—" else (lambda: Quarter(year, int(row["quarter"])))
    if row["result"].startswith("PeriodError"):
        with pytest.raises(PeriodError) as caught:
            build()
        assert caught.value.code == row["result"].split()[1]
    else:
        assert str(build()) == row["result"]


@pytest.mark.parametrize("row", rulebook_table("R-PERIOD-3"), ids=lambda row: row["period"])
def test_r_period_3_first_and_last_day(row):
    period = parse_period(row["period"])
    assert period.first_day == datetime.date.fromisoformat(row["first"])
    assert period.last_day == datetime.date.fromisoformat(row["last"])


@pytest.mark.parametrize("row", rulebook_table("R-PERIOD-4"), ids=lambda row: row["period"])
def test_r_period_4_previous_and_next(row):
    period = parse_period(row["period"])
    assert str(period.previous()) == row["previous"]
    assert str(period.next()) == row["next"]
    assert period.previous() < period < period.next()


def test_every_period_rule_in_the_rulebook_has_an_example_table():
    rule_ids = re.findall(r"^### (R-PERIOD-\d+) ", RULEBOOK, flags=re.MULTILINE)
    assert rule_ids == ["R-PERIOD-1", "R-PERIOD-2", "R-PERIOD-3", "R-PERIOD-4"]
    assert all(rulebook_table(rule_id) for rule_id in rule_ids)


# --- more examples -----------------------------------------------------------------------


def test_a_year_lists_its_four_quarters_in_order():
    assert [str(q) for q in Year(2026).quarters()] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert all(q.calendar_year == Year(2026) for q in Year(2026).quarters())


def test_quarters_sort_in_time_order():
    shuffled = [Quarter(2026, 3), Quarter(2025, 4), Quarter(2026, 1), Quarter(2027, 1)]
    assert [str(q) for q in sorted(shuffled)] == ["2025Q4", "2026Q1", "2026Q3", "2027Q1"]


def test_an_integer_is_a_year_and_a_boolean_is_not():
    assert parse_period(2026) == Year(2026)
    with pytest.raises(PeriodError) as caught:
        parse_period(True)
    assert caught.value.code == "type"


@pytest.mark.parametrize(("raw", "code"), [(None, "type"), (2026.0, "type"), (b"2026", "type"), ("", "empty")])
def test_things_that_are_not_period_text_are_rejected_with_a_code(raw, code):
    with pytest.raises(PeriodError) as caught:
        parse_period(raw)
    assert caught.value.code == code


def test_parse_year_and_parse_quarter_reject_the_other_kind():
    assert parse_year(" 2026 ") == Year(2026)
    assert parse_quarter("2026q2") == Quarter(2026, 2)
    with pytest.raises(PeriodError) as caught:
        parse_year("2026Q2")
    assert (caught.value.code, caught.value.params) == ("kind", {"expected": "year", "value": "2026Q2"})
    with pytest.raises(PeriodError) as caught:
        parse_quarter("2026")
    assert caught.value.code == "kind"


def test_a_period_error_is_a_value_error_that_names_its_code():
    with pytest.raises(ValueError, match="quarter_range"):
        parse_period("2026Q9")


def test_non_ascii_digits_are_not_years():
    with pytest.raises(PeriodError) as caught:
        parse_period("\u0662\u0660\u0662\u0666")
    assert caught.value.code == "format"


def test_next_and_previous_stop_at_the_range():
    with pytest.raises(PeriodError):
        Quarter(MAX_YEAR, 4).next()
    with pytest.raises(PeriodError):
        Year(MIN_YEAR).previous()


# --- properties ----------------------------------------------------------------------------


def _outcome(parse: Callable[[object], Year | Quarter], raw: object) -> Year | Quarter | PeriodError:
    """The period, or the PeriodError raised; any other exception fails the test."""
    try:
        return parse(raw)
    except PeriodError as error:
        return error


def _is_a_verdict(outcome: object) -> bool:
    return isinstance(outcome, Year | Quarter) or (isinstance(outcome, PeriodError) and outcome.code in ERROR_CODES)


@given(st.text())
def test_parse_period_raises_only_period_errors_on_any_text(text):
    assert _is_a_verdict(_outcome(parse_period, text))


@given(st.from_regex(r"\A[\s\-0-9qQ\uff10-\uff19\uff31\uff51]{0,10}\Z"))
def test_parse_period_raises_only_period_errors_on_period_like_text(text):
    for parse in (parse_period, parse_year, parse_quarter):
        assert _is_a_verdict(_outcome(parse, text))


@given(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.binary(), st.dates(), st.lists(st.integers()))
)
def test_parse_period_raises_only_period_errors_on_any_object(value):
    assert _is_a_verdict(_outcome(parse_period, value))


@given(st.integers(MIN_YEAR, MAX_YEAR), st.integers(1, 4))
def test_a_quarter_written_out_parses_back_to_itself(year, number):
    quarter = Quarter(year, number)
    assert parse_quarter(str(quarter)) == quarter
    assert parse_period(f" {year}-q{number} ") == quarter
    assert parse_year(str(quarter.calendar_year)) == quarter.calendar_year


@given(st.dates(datetime.date(MIN_YEAR, 1, 1), datetime.date(MAX_YEAR, 12, 31)))
def test_every_day_lies_in_exactly_one_quarter_of_its_year(day):
    quarter = Quarter.of(day)
    assert quarter.first_day <= day <= quarter.last_day
    assert quarter.contains(day)
    assert Year.of(day).contains(day)
    assert [q for q in Year.of(day).quarters() if q.contains(day)] == [quarter]


@given(st.integers(MIN_YEAR, MAX_YEAR - 1), st.integers(1, 4))
def test_consecutive_quarters_have_no_gap_and_no_overlap(year, number):
    quarter = Quarter(year, number)
    assert quarter.next().first_day == quarter.last_day + datetime.timedelta(days=1)
    assert quarter.next().previous() == quarter

"""R-WORKDAY-1 … R-WORKDAY-5: working days on the Chinese calendar with 调休 make-up days, local
overrides, and an honest fallback for years nobody has entered yet."""

import datetime
import re

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from liangpai.rules.workdays import (
    PACKAGE_YEARS,
    DueDate,
    WorkCalendar,
    add_working_days,
    is_working_day,
    unverified_years,
    working_days_between,
)
from tests.rules.rulebook import RULEBOOK, rulebook_table

CALENDAR = WorkCalendar()
YES_NO = {"是": True, "否": False}


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def days(first: str, last: str) -> list[datetime.date]:
    start, end = day(first), day(last)
    return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]


# --- the rulebook's tables ---------------------------------------------------------------


@pytest.mark.parametrize("row", rulebook_table("R-WORKDAY-1"), ids=lambda row: f"{row['day']} {row['override']}")
def test_r_workday_1_an_override_then_the_package_then_monday_to_friday(row):
    overrides = {} if row["override"] == "—" else {day(row["day"]): YES_NO[row["override"]]}
    assert is_working_day(day(row["day"]), WorkCalendar(overrides)) is YES_NO[row["working"]]


@pytest.mark.parametrize("row", rulebook_table("R-WORKDAY-2"), ids=lambda row: f"{row['start']}+{row['n']}")
def test_r_workday_2_the_due_date_is_the_nth_working_day_after_the_start(row):
    due = add_working_days(day(row["start"]), int(row["n"]), CALENDAR)
    assert due == DueDate(on=day(row["due"]))
    assert due.is_verified


@pytest.mark.parametrize("row", rulebook_table("R-WORKDAY-3"), ids=lambda row: f"{row['start']}..{row['end']}")
def test_r_workday_3_working_days_between_two_dates(row):
    assert working_days_between(day(row["start"]), day(row["end"]), CALENDAR) == int(row["count"])


@pytest.mark.parametrize("row", rulebook_table("R-WORKDAY-4"), ids=lambda row: f"{row['year']} {row['overrides']}")
def test_r_workday_4_a_year_is_verified_by_the_package_or_by_overrides(row):
    overrides = {}
    if row["overrides"] != "—":
        date_text, working = row["overrides"].split()
        overrides[day(date_text)] = YES_NO[working]
    assert WorkCalendar(overrides).is_verified(int(row["year"])) is YES_NO[row["verified"]]


def _state_council_schedule(year: int) -> tuple[set[datetime.date], set[datetime.date]]:
    """The days off and make-up working days of `year`, read from the R-WORKDAY-5 table."""
    days_off: set[datetime.date] = set()
    make_up: set[datetime.date] = set()
    for row in rulebook_table("R-WORKDAY-5"):
        if int(row["year"]) != year:
            continue
        first, _, last = row["days_off"].partition(" 至 ")
        days_off.update(days(first, last or first))
        if row["make_up"] != "—":
            make_up.update(day(text.strip()) for text in row["make_up"].split(","))
    return days_off, make_up


@pytest.mark.parametrize("year", [2025, 2026])
def test_r_workday_5_the_package_matches_the_state_council_notices(year):
    days_off, make_up = _state_council_schedule(year)
    assert {d for d in chinese_calendar.holidays if d.year == year} == days_off
    assert {d for d in chinese_calendar.workdays if d.year == year} == make_up
    for d in days(f"{year}-01-01", f"{year}-12-31"):
        expected = d in make_up or (d.weekday() < 5 and d not in days_off)
        assert is_working_day(d, CALENDAR) is expected, d


def test_the_2026_make_up_days_are_those_of_the_verified_stack_notes():
    _, make_up = _state_council_schedule(2026)
    assert sorted(d.isoformat()[5:] for d in make_up) == ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"]
    assert all(d.weekday() >= 5 for d in make_up)


def test_every_workday_rule_in_the_rulebook_has_an_example_table():
    rule_ids = re.findall(r"^### (R-WORKDAY-\d+) ", RULEBOOK, flags=re.MULTILINE)
    assert rule_ids == [f"R-WORKDAY-{i}" for i in range(1, 6)]
    assert all(rulebook_table(rule_id) for rule_id in rule_ids)


# --- 2026 around 春节 and 国庆 ------------------------------------------------------------


def test_the_working_days_around_the_2026_spring_festival():
    working = [d.isoformat()[5:] for d in days("2026-02-09", "2026-03-02") if is_working_day(d, CALENDAR)]
    assert working == [
        "02-09", "02-10", "02-11", "02-12", "02-13", "02-14",  # the make-up Saturday before the holiday
        "02-24", "02-25", "02-26", "02-27", "02-28",  # the make-up Saturday after it
        "03-02",
    ]  # fmt: skip


def test_the_working_days_around_the_2026_mid_autumn_festival_and_national_day():
    working = [d.isoformat()[5:] for d in days("2026-09-18", "2026-10-12") if is_working_day(d, CALENDAR)]
    assert working == [
        "09-18", "09-20",  # Sunday 09-20 is a make-up working day
        "09-21", "09-22", "09-23", "09-24",  # 09-25 to 09-27 Mid-autumn
        "09-28", "09-29", "09-30",  # 10-01 to 10-07 National Day
        "10-08", "10-09", "10-10",  # Saturday 10-10 is a make-up working day
        "10-12",
    ]  # fmt: skip


def test_a_letter_served_before_the_spring_festival_is_due_after_it():
    # Served Wednesday 2026-02-11: 15 working days are 02-12, 13, 14 (Sat), then from 02-24.
    assert add_working_days(day("2026-02-11"), 15, CALENDAR).on == day("2026-03-10")
    assert add_working_days(day("2026-02-11"), 3, CALENDAR).on == day("2026-02-14")
    assert add_working_days(day("2026-02-11"), 4, CALENDAR).on == day("2026-02-24")


def test_a_start_on_a_holiday_counts_from_the_next_working_day():
    assert add_working_days(day("2026-02-17"), 1, CALENDAR).on == day("2026-02-24")
    assert add_working_days(day("2026-10-03"), 1, CALENDAR).on == day("2026-10-08")


# --- overrides and unverified years --------------------------------------------------------


def test_operator_overrides_make_a_new_year_known_and_move_its_deadlines():
    # A year the package does not know: 2099. New Year's Day is a Thursday; suppose the
    # notice gives 01-01 and 01-02 off and Sunday 01-04 as a make-up working day, and that
    # 2098's schedule was entered too (its National Day stands for it here).
    unknown = add_working_days(day("2098-12-31"), 2, CALENDAR)
    assert unknown == DueDate(on=day("2099-01-02"), unverified_years=frozenset({2098, 2099}))
    assert not unknown.is_verified

    entered = WorkCalendar(
        {day("2098-10-01"): False, day("2099-01-01"): False, day("2099-01-02"): False, day("2099-01-04"): True}
    )
    known = add_working_days(day("2098-12-31"), 2, entered)
    assert known == DueDate(on=day("2099-01-05"))
    assert known.is_verified


def test_a_deadline_into_a_year_not_yet_published_is_flagged_until_it_is():
    due = add_working_days(day("2026-12-25"), 15, CALENDAR)
    assert due.on.year == 2027
    assert due.is_verified is (2027 in PACKAGE_YEARS)
    assert unverified_years(day("2026-12-25"), due.on, CALENDAR) == due.unverified_years


def test_unverified_years_lists_every_year_in_between_in_either_order():
    assert unverified_years(day("2003-06-01"), day("2002-06-01"), CALENDAR) == frozenset({2002, 2003})
    assert unverified_years(day("2025-06-01"), day("2026-06-01"), CALENDAR) == frozenset()


def test_the_package_covers_2004_to_at_least_2026():
    assert PACKAGE_YEARS.start == 2004
    assert 2026 in PACKAGE_YEARS


def test_a_calendar_keeps_its_own_copy_of_the_overrides():
    overrides = {day("2026-03-02"): False}
    calendar = WorkCalendar(overrides)
    overrides[day("2026-03-02")] = True
    overrides[day("2026-03-03")] = False
    assert not is_working_day(day("2026-03-02"), calendar)
    assert is_working_day(day("2026-03-03"), calendar)
    with pytest.raises(TypeError):
        calendar.overrides[day("2026-03-04")] = False  # type: ignore[index]


def test_calendars_compare_by_their_overrides():
    assert WorkCalendar({day("2026-03-02"): False}) == WorkCalendar({day("2026-03-02"): False})
    assert WorkCalendar({day("2026-03-02"): False}) != WorkCalendar()
    assert hash(WorkCalendar({day("2026-03-02"): False})) == hash(WorkCalendar())


def test_a_datetime_is_taken_as_its_date():
    saturday_at_nine = datetime.datetime(2026, 2, 14, 9, 0)
    calendar = WorkCalendar({datetime.datetime(2026, 3, 7, 8, 0): True})
    assert is_working_day(saturday_at_nine, CALENDAR)
    assert is_working_day(day("2026-03-07"), calendar)
    assert add_working_days(datetime.datetime(2026, 2, 13, 23, 59), 1, CALENDAR).on == day("2026-02-14")


@pytest.mark.parametrize("n", [0, -1, True, 1.5])
def test_a_deadline_needs_at_least_one_whole_working_day(n):
    with pytest.raises(ValueError, match="working days"):
        add_working_days(day("2026-02-13"), n, CALENDAR)


# --- properties ----------------------------------------------------------------------------

START_DAYS = st.dates(datetime.date(2002, 1, 1), datetime.date(2098, 6, 30))
OVERRIDES = st.dictionaries(
    st.dates(datetime.date(2025, 1, 1), datetime.date(2027, 12, 31)), st.booleans(), max_size=30
)


@given(START_DAYS, st.integers(1, 400), OVERRIDES)
def test_a_due_date_is_a_working_day_after_the_start(start, n, overrides):
    calendar = WorkCalendar(overrides)
    due = add_working_days(start, n, calendar)
    assert due.on > start
    assert is_working_day(due.on, calendar)
    assert working_days_between(start, due.on, calendar) == n


@given(START_DAYS, st.integers(1, 200), OVERRIDES)
def test_a_due_date_moves_later_as_the_number_of_days_grows(start, n, overrides):
    calendar = WorkCalendar(overrides)
    assert add_working_days(start, n, calendar).on < add_working_days(start, n + 1, calendar).on


@given(START_DAYS, START_DAYS)
def test_working_days_between_is_antisymmetric(a, b):
    assert working_days_between(a, b, CALENDAR) == -working_days_between(b, a, CALENDAR)


@given(START_DAYS, st.integers(1, 60))
def test_a_due_date_is_unverified_exactly_when_a_year_on_the_way_is_outside_the_package(start, n):
    due = add_working_days(start, n, CALENDAR)
    years = range(start.year, due.on.year + 1)
    assert due.unverified_years == frozenset(year for year in years if year not in PACKAGE_YEARS)


@given(st.dates(datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)), st.booleans())
def test_an_override_decides_its_own_day_and_no_other(d, working):
    calendar = WorkCalendar({d: working})
    assert is_working_day(d, calendar) is working
    for other in (d - datetime.timedelta(days=1), d + datetime.timedelta(days=1)):
        assert is_working_day(other, calendar) is is_working_day(other, CALENDAR)

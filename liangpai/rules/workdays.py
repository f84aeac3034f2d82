"""Working days on the Chinese calendar, with 调休 make-up days (rules R-WORKDAY-1 … 5).

Deadlines in the program are counted in working days (工作日): a letter's reply is due
in 15 of them (R9), a warning interview in a configured number (R5). A working day is
decided, in this order:

1. a local override (operator-entered, from the database): date → working or not;
2. the `chinese-calendar` package, which knows each year's official holidays (法定节假日)
   and the make-up working days on weekends (调休上班) published by the State Council;
3. for a year neither knows: Monday to Friday, and the year is reported as unverified
   so the caller can say the deadline may move when the year's schedule is entered.

The State Council publishes next year's schedule in November; until a package release
carries it, operators enter it as overrides.
"""

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import chinese_calendar

_PACKAGE_HOLIDAYS: frozenset[datetime.date] = frozenset(chinese_calendar.holidays)
_PACKAGE_WORKDAYS: frozenset[datetime.date] = frozenset(chinese_calendar.workdays)
PACKAGE_YEARS = range(
    min(day.year for day in _PACKAGE_HOLIDAYS),
    max(day.year for day in _PACKAGE_HOLIDAYS) + 1,
)


def _as_date(day: datetime.date) -> datetime.date:
    # A datetime is a date too, but never equal to one: compare and look up dates only.
    return day.date() if isinstance(day, datetime.datetime) else day


@dataclass(frozen=True)
class WorkCalendar:
    """R-WORKDAY-1: the working-day calendar in force: the package plus local overrides.

    `overrides` maps a date to True (a working day, e.g. a 调休 Saturday) or False (a
    day off, e.g. a holiday). It is copied, so changing the caller's mapping later does
    not change this calendar.
    """

    overrides: Mapping[datetime.date, bool] = field(default_factory=dict, hash=False)
    _override_years: frozenset[int] = field(init=False, repr=False, compare=False, default=frozenset())

    def __post_init__(self) -> None:
        copied = {_as_date(day): bool(working) for day, working in self.overrides.items()}
        object.__setattr__(self, "overrides", MappingProxyType(copied))
        object.__setattr__(self, "_override_years", frozenset(day.year for day in copied))

    def is_verified(self, year: int) -> bool:
        """R-WORKDAY-4: whether the year's holidays are known (package or overrides).

        A year is known when the package covers it, or when an operator has entered at
        least one override for it (entering a year's schedule means entering its
        holidays). Otherwise working days fall back to Monday–Friday.
        """
        return year in PACKAGE_YEARS or year in self._override_years


def is_working_day(day: datetime.date, calendar: WorkCalendar) -> bool:
    """R-WORKDAY-1: override, else the package's holidays and make-up days, else Mon–Fri."""
    day = _as_date(day)
    override = calendar.overrides.get(day)
    if override is not None:
        return override
    if day.year in PACKAGE_YEARS:
        if day in _PACKAGE_WORKDAYS:
            return True
        if day in _PACKAGE_HOLIDAYS:
            return False
    return day.weekday() < 5


@dataclass(frozen=True)
class DueDate:
    """R-WORKDAY-2: a deadline, and the unverified years from its start to it (R-WORKDAY-4)."""

    on: datetime.date
    unverified_years: frozenset[int] = frozenset()

    @property
    def is_verified(self) -> bool:
        """R-WORKDAY-4: False when a year on the way was counted as plain Monday–Friday."""
        return not self.unverified_years


def _days_after(start: datetime.date) -> Iterator[datetime.date]:
    day = start
    while True:
        day += datetime.timedelta(days=1)
        yield day


def add_working_days(start: datetime.date, n: int, calendar: WorkCalendar) -> DueDate:
    """R-WORKDAY-2: the n-th working day after `start`; `start` itself is never counted.

    A letter served on Friday 2026-02-13 with 1 working day is due on Saturday
    2026-02-14 (a 调休 working day). `n` must be at least 1 (ValueError otherwise): a
    deadline of zero days is a configuration mistake that `ruleset.validate` rejects.
    The due date is always a working day, and grows with `n`.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a whole number of working days ≥ 1, not {n!r}")
    start = _as_date(start)
    counted = 0
    for day in _days_after(start):
        if is_working_day(day, calendar):
            counted += 1
            if counted == n:
                return DueDate(on=day, unverified_years=unverified_years(start, day, calendar))
    raise AssertionError("unreachable: every week has a working day")  # pragma: no cover


def working_days_between(start: datetime.date, end: datetime.date, calendar: WorkCalendar) -> int:
    """R-WORKDAY-3: the working days d with start < d ≤ end; negative when end < start.

    The inverse of `add_working_days`: working_days_between(s, add_working_days(s, n).on)
    == n. A reply received on its due date is 0 working days late; the next working day
    after it, 1.
    """
    start, end = _as_date(start), _as_date(end)
    if end < start:
        return -working_days_between(end, start, calendar)
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day, calendar)
    return count


def unverified_years(start: datetime.date, end: datetime.date, calendar: WorkCalendar) -> frozenset[int]:
    """R-WORKDAY-4: the years between `start` and `end` (either order) counted Mon–Fri."""
    low, high = sorted((_as_date(start).year, _as_date(end).year))
    return frozenset(year for year in range(low, high + 1) if not calendar.is_verified(year))

"""Periods: calendar years and quarters (rules R-PERIOD-1 … R-PERIOD-4, README.md).

A grade belongs to a `Year`, a light to a `Quarter`. Both are frozen values, ordered
in time, and written the way operators type them: `2026`, `2026Q3`.
"""

import datetime
import re
from dataclasses import dataclass

from liangpai.rules.text import clean_text

MIN_YEAR = 2000
MAX_YEAR = 2099

# After clean_text and upper-casing: a four-digit year, optionally followed by Q1–Q9
# (a wrong quarter number is reported as such, not as a bad format), with at most one
# space or dash between them.
_NOTATION = re.compile(r"\A(?P<year>\d{4})(?:[ -]?Q(?P<quarter>\d))?\Z")


class PeriodError(ValueError):
    """R-PERIOD-1 / R-PERIOD-2: why a period is not valid, with a stable `code`.

    Codes: "type" (not text), "empty", "format", "year_range", "quarter_range",
    "kind" (a year where a quarter was expected, or the other way round).
    """

    def __init__(self, code: str, **params: str | int) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        details = ", ".join(f"{key}={value!r}" for key, value in self.params.items())
        return f"{self.code}: {details}" if details else self.code


def _check_year(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PeriodError("type", type=type(value).__name__)
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise PeriodError("year_range", year=value, min=MIN_YEAR, max=MAX_YEAR)
    return value


@dataclass(frozen=True, order=True)
class Year:
    """R-PERIOD-2: a calendar year between MIN_YEAR and MAX_YEAR."""

    value: int

    def __post_init__(self) -> None:
        _check_year(self.value)

    def __str__(self) -> str:
        return f"{self.value}"

    @classmethod
    def of(cls, day: datetime.date) -> "Year":
        """R-PERIOD-3: the year a date falls in."""
        return cls(day.year)

    @property
    def first_day(self) -> datetime.date:
        """R-PERIOD-3: 1 January."""
        return datetime.date(self.value, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        """R-PERIOD-3: 31 December."""
        return datetime.date(self.value, 12, 31)

    def quarters(self) -> tuple["Quarter", "Quarter", "Quarter", "Quarter"]:
        """R-PERIOD-4: Q1 to Q4 of this year, in order."""
        return (Quarter(self.value, 1), Quarter(self.value, 2), Quarter(self.value, 3), Quarter(self.value, 4))

    def contains(self, day: datetime.date) -> bool:
        """R-PERIOD-3: whether `day` falls in this year."""
        return day.year == self.value

    def next(self) -> "Year":
        """R-PERIOD-4: the following year (PeriodError "year_range" after MAX_YEAR)."""
        return Year(self.value + 1)

    def previous(self) -> "Year":
        """R-PERIOD-4: the year before (PeriodError "year_range" before MIN_YEAR)."""
        return Year(self.value - 1)


@dataclass(frozen=True, order=True)
class Quarter:
    """R-PERIOD-2: a calendar quarter (Q1 January–March … Q4 October–December).

    Ordered by year, then number, so sorting a list of quarters puts them in time order.
    """

    year: int
    number: int

    def __post_init__(self) -> None:
        _check_year(self.year)
        if isinstance(self.number, bool) or not isinstance(self.number, int):
            raise PeriodError("type", type=type(self.number).__name__)
        if not 1 <= self.number <= 4:
            raise PeriodError("quarter_range", quarter=self.number)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @classmethod
    def of(cls, day: datetime.date) -> "Quarter":
        """R-PERIOD-3: the quarter a date falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def calendar_year(self) -> Year:
        """R-PERIOD-4: the year this quarter belongs to."""
        return Year(self.year)

    @property
    def first_day(self) -> datetime.date:
        """R-PERIOD-3: the first day of the quarter's first month."""
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> datetime.date:
        """R-PERIOD-3: 31 March, 30 June, 30 September or 31 December."""
        if self.number == 4:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, 3 * self.number + 1, 1) - datetime.timedelta(days=1)

    def contains(self, day: datetime.date) -> bool:
        """R-PERIOD-3: whether `day` falls in this quarter."""
        return Quarter.of(day) == self

    def next(self) -> "Quarter":
        """R-PERIOD-4: the following quarter (2026Q4 → 2027Q1)."""
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def previous(self) -> "Quarter":
        """R-PERIOD-4: the quarter before (2026Q1 → 2025Q4)."""
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)


def parse_period(raw: object) -> Year | Quarter:
    """R-PERIOD-1: `2026` → Year, `2026Q3` → Quarter.

    Tolerated: spaces around, full-width digits and letters (`２０２６Ｑ３`), a lower-case
    `q`, and one space or dash before the quarter (`2026 Q3`, `2026-Q3`). An int is taken
    as a year. Nothing else is guessed: `2026-3`, `Q3 2026` and `2026年第三季度` are
    "format" errors. Raises PeriodError and nothing else, whatever it is given.
    """
    if isinstance(raw, int) and not isinstance(raw, bool):
        return Year(_check_year(raw))
    if not isinstance(raw, str):
        raise PeriodError("type", type=type(raw).__name__)
    text = clean_text(raw).upper()
    if not text:
        raise PeriodError("empty")
    match = _NOTATION.match(text)
    # \d also matches other scripts' digits (e.g. Arabic-Indic); only ASCII digits are years.
    if match is None or not text.isascii():
        raise PeriodError("format", value=raw[:40])
    year = _check_year(int(match["year"]))
    if match["quarter"] is None:
        return Year(year)
    return Quarter(year, int(match["quarter"]))


def parse_year(raw: object) -> Year:
    """R-PERIOD-1: like `parse_period`, but a quarter is a PeriodError "kind"."""
    period = parse_period(raw)
    if not isinstance(period, Year):
        raise PeriodError("kind", expected="year", value=str(period))
    return period


def parse_quarter(raw: object) -> Quarter:
    """R-PERIOD-1: like `parse_period`, but a bare year is a PeriodError "kind"."""
    period = parse_period(raw)
    if not isinstance(period, Quarter):
        raise PeriodError("kind", expected="quarter", value=str(period))
    return period

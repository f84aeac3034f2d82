"""The period arguments of the ratings commands: `2026Q3` for a quarter, `2026` for a year.

A wrong period is a usage error (exit 2 unless told otherwise), explained in Chinese
and English whatever the interface language, like the commands' help.
"""

from django.core.management.base import CommandError

from liangpai.rules.periods import PeriodError, Quarter, Year, parse_quarter, parse_year

_MESSAGES = {
    "empty": ("没有给出期间", "no period given"),
    "format": ("写法不对", "not written the expected way"),
    "year_range": ("年份应在 2000 到 2099 之间", "the year must be from 2000 to 2099"),
    "quarter_range": ("季度只有 Q1 到 Q4", "quarters are Q1 to Q4"),
}


def _error(raw: str, error: PeriodError, kind: str, returncode: int) -> CommandError:
    expected = ("季度", "quarter", "2026Q3") if kind == "quarter" else ("年度", "year", "2026")
    chinese, english = _MESSAGES.get(error.code, (f"不是{expected[0]}", f"not a {expected[1]}"))
    return CommandError(
        f"“{raw}”不是有效的{expected[0]}：{chinese}，请写成 {expected[2]} 这样的形式。"
        f" / “{raw}” is not a valid {expected[1]}: {english}; write it like {expected[2]}.",
        returncode=returncode,
    )


def parse_quarter_argument(raw: str, returncode: int = 2) -> Quarter:
    try:
        return parse_quarter(raw)
    except PeriodError as exc:
        raise _error(raw, exc, "quarter", returncode) from exc


def parse_year_argument(raw: str, returncode: int = 2) -> Year:
    try:
        return parse_year(raw)
    except PeriodError as exc:
        raise _error(raw, exc, "year", returncode) from exc

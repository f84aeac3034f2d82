"""Turning one spreadsheet cell into a clean value, or a message saying what is wrong with it.

Real government spreadsheets hold full-width digits, no-break spaces, numbers typed into
text columns and text typed into number columns; readers return whole numbers as floats
(13812345678.0). Codes and phone numbers are treated as text so that no leading zero is
lost. Every function here accepts any value a reader can return and either returns a
value or raises `CellError` — never anything else (tested with Hypothesis).
"""

import math
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from liangpai.rules.text import clean_code, clean_text


class CellError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_WHOLE_FLOAT_TEXT = re.compile(r"^([+-]?\d+)\.0*$")
_WHOLE_NUMBER_TEXT = re.compile(r"^\+?(\d{1,15})(?:\.0*)?$")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$")
_MAX_SHOWN = 40


def shown(raw: Any) -> str:
    """The cell as the user typed it, shortened, for messages."""
    text = text_of(raw)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def text_of(raw: Any) -> str:
    """Any cell as clean text: 120.0 → "120", full-width → half-width, spaces collapsed."""
    if type(raw) is str:  # the common case first
        return _clean(raw)
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float):
        if not math.isfinite(raw):
            return ""
        if raw.is_integer() and abs(raw) < 1e21:
            return str(int(raw))
        return repr(raw)
    if isinstance(raw, int):
        return str(raw) if abs(raw) < 10**21 else ""
    if isinstance(raw, datetime | date | time):
        return raw.isoformat()
    if isinstance(raw, timedelta):
        return str(raw)
    try:
        return _clean(str(raw))
    except (TypeError, ValueError):
        return ""


#: R-TEXT-1 (`clean_text`), remembered: the same few texts fill most cells of a column.
_clean = lru_cache(maxsize=8192)(clean_text)


def is_blank(raw: Any) -> bool:
    return text_of(raw) == ""


def code_of(raw: Any) -> str:
    """A code or phone number as text: no spaces or dashes, upper case; "138….0" and "1.38E+10" undone."""
    return code_from_text(text_of(raw))


def code_from_text(text: str) -> str:
    whole = _WHOLE_FLOAT_TEXT.match(text)
    if whole:
        text = whole.group(1)
    elif _SCIENTIFIC.match(text):
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = Decimal("NaN")
        # Size first, without the context: abs() and to_integral_value() overflow on "1E+999999999".
        if number.is_finite() and number.copy_abs() < Decimal("1e21") and number == number.to_integral_value():
            text = str(int(number))
    return clean_code(text)


def is_number_cell(raw: Any) -> bool:
    return isinstance(raw, int | float) and not isinstance(raw, bool)


# --- typed fields: each takes the cell and its text (`text_of(raw)`, computed once) ---------


def parse_text(raw: Any, text: str, *, label: str, max_length: int) -> str:
    if len(text) > max_length:
        raise CellError(
            _("%(label)s过长（%(length)s 个字），最多 %(max)s 个字。")
            % {"label": label, "length": len(text), "max": max_length}
        )
    return text


def parse_whole_number(raw: Any, text: str, *, label: str, maximum: int) -> int:
    """A non-negative whole number: 120, 120.0, "１２０", "120人", "1,200"."""
    number: int | None = None
    if isinstance(raw, float):
        if math.isfinite(raw) and raw.is_integer():
            number = int(raw)
    elif is_number_cell(raw):
        number = int(raw)
    else:
        whole = _WHOLE_NUMBER_TEXT.match(text.replace(",", "").removesuffix("人").strip())
        if whole:
            number = int(whole.group(1))
    if number is not None and 0 <= number <= maximum:
        return number
    raise CellError(
        _("%(label)s应为 0 到 %(max)s 之间的整数，这里是“%(value)s”。")
        % {"label": label, "max": maximum, "value": shown(raw)}
    )


# ASCII: \d alone also matches the digits of other scripts (٣, ३), which no phone is written in.
_MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_LANDLINE = re.compile(r"^0\d{9,11}$", re.ASCII)
_LOCAL = re.compile(r"^[2-9]\d{6,7}$", re.ASCII)


def parse_phone(raw: Any, text: str, *, label: str) -> str:
    """A mobile (13812345678), a landline with area code (0573-85012345) or a local number (85012345)."""
    digits = code_from_text(text).replace("(", "").replace(")", "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if _MOBILE.match(digits) or _LOCAL.match(digits):
        return digits
    if _LANDLINE.match(digits):
        area = 3 if digits.startswith(("010", "02")) else 4
        return f"{digits[:area]}-{digits[area:]}"
    raise CellError(
        _("%(label)s“%(value)s”不像有效的电话号码：请填一个11位手机号，或带区号的固定电话（如 0573-85012345）。")
        % {"label": label, "value": shown(raw)}
    )


def parse_coordinate(raw: Any, text: str, *, label: str, low: int, high: int) -> Decimal:
    """A decimal degree within [low, high], kept to 6 places (about 0.1 m)."""
    try:
        value = Decimal(text.removesuffix("°"))
    except InvalidOperation:
        value = Decimal("NaN")
    if value.is_finite() and low <= value <= high:
        return value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    raise CellError(
        _("%(label)s应是 %(low)s 到 %(high)s 之间的十进制度数，这里是“%(value)s”。")
        % {"label": label, "low": low, "high": high, "value": shown(raw)}
    )


def parse_choice(raw: Any, text: str, *, label: str, choices: dict[str, Any], expected: Callable[[], str]) -> Any:
    """One of a few words, forgiving case, spaces and the suffixes 企业/工业企业."""
    key = text.replace(" ", "").lower()
    if key in choices:
        return choices[key]
    for suffix in ("企业", "工业企业"):
        if key.endswith(suffix) and key.removesuffix(suffix) in choices:
            return choices[key.removesuffix(suffix)]
    raise CellError(
        _("%(label)s应填%(expected)s，这里是“%(value)s”。")
        % {"label": label, "expected": expected(), "value": shown(raw)}
    )


def parse_yes_no(raw: Any, text: str, *, label: str) -> bool:
    if isinstance(raw, bool):
        return raw
    if is_number_cell(raw) and raw in (0, 1):
        return bool(raw)
    return bool(parse_choice(raw, text, label=label, choices=YES_NO, expected=lambda: _("“是”或“否”")))


YES_NO: dict[str, bool] = {
    **dict.fromkeys(["是", "有", "已建", "已建会", "已建立", "y", "yes", "true", "1", "√", "✓", "✔"], True),
    **dict.fromkeys(["否", "无", "没有", "未建", "未建会", "未建立", "n", "no", "false", "0", "×", "✗", "✘"], False),
}

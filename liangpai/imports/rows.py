"""One spreadsheet row: its cells become an enterprise's values, or errors saying what is wrong where.

No database access beyond the reference lookups (`References`, loaded once per import).
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import CharField
from django.utils.translation import gettext as _

from liangpai.enterprises.models import Enterprise
from liangpai.enterprises.validators import credit_code_message
from liangpai.imports import cells as c
from liangpai.imports.columns import BY_FIELD, EXAMPLE_MARK, REQUIRED_FIELDS
from liangpai.imports.references import References
from liangpai.rules import credit_code

MAX_HEADCOUNT = 1_000_000
LONGITUDE_RANGE = (73, 136)  # China, so swapped coordinates are caught
LATITUDE_RANGE = (3, 54)

SCALES = {
    **dict.fromkeys(["规上", "规模以上", "above"], Enterprise.Scale.ABOVE),
    **dict.fromkeys(["规下", "规模以下", "below"], Enterprise.Scale.BELOW),
}
STATUSES = {
    **dict.fromkeys(["在营", "正常", "存续", "营业", "active"], Enterprise.Status.ACTIVE),
    **dict.fromkeys(["关停", "已关停", "停产", "停业", "closed"], Enterprise.Status.CLOSED),
    **dict.fromkeys(["迁出", "已迁出", "moved_out"], Enterprise.Status.MOVED_OUT),
}


def _max_length(name: str) -> int:
    field = Enterprise._meta.get_field(name)
    assert isinstance(field, CharField)
    assert field.max_length is not None
    return field.max_length


#: The free-text columns' lengths, as the model's columns hold them.
_TEXT_LIMITS = {name: _max_length(name) for name in ("name", "address", "union_chair", "safety_contact")}
_EXAMPLE_MARK = c.text_of(EXAMPLE_MARK)  # as it reads once cleaned: "(示例"


@dataclass(frozen=True)
class Issue:
    """An error or a note: sheet row (None for the whole file), column header, message."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


def parse_row(
    cells: dict[str, Any], cell_texts: dict[str, str], refs: References, texts: dict[str, str], number: int
) -> tuple[dict[str, Any], list[Issue]]:
    values: dict[str, Any] = {}
    errors: list[Issue] = []
    for name, raw in cells.items():
        text = cell_texts[name]
        if not text:
            if name == "credit_code":
                errors.append(Issue(number, texts[name], credit_code_message(credit_code.CreditCodeError("empty"))))
            elif name in REQUIRED_FIELDS:
                errors.append(Issue(number, texts[name], _("%(label)s不能为空。") % {"label": BY_FIELD[name].label}))
            continue
        parse = _PARSERS.get(name)
        if parse is None:
            continue  # town and district: below, the district is looked up in its town
        try:
            values[name] = parse(raw, text, refs)
        except c.CellError as exc:
            errors.append(Issue(number, texts[name], exc.message))
    if cell_texts.get("town"):
        try:
            values["town"] = refs.town(cells["town"], cell_texts["town"])
        except c.CellError as exc:
            errors.append(Issue(number, texts["town"], exc.message))
        else:
            if cell_texts.get("district"):
                try:
                    values["district"] = refs.district(cells["district"], cell_texts["district"], town=values["town"])
                except c.CellError as exc:
                    errors.append(Issue(number, texts["district"], exc.message))
    for one, other in (("longitude", "latitude"), ("latitude", "longitude")):
        if one not in values:
            continue
        if other not in texts:
            message = _("经度和纬度要同时填写（文件中缺少“%(other)s”列）。") % {"other": BY_FIELD[other].label}
            errors.append(Issue(number, texts[one], message))
        elif not cell_texts[other]:
            errors.append(Issue(number, texts[other], _("经度和纬度要同时填写。")))
    return values, errors


def _credit_code(raw: Any, text: str, refs: References) -> str:
    code = c.code_from_text(text)
    error = credit_code.validate(code)
    if error is not None:
        message = credit_code_message(error)
        if c.is_number_cell(raw) or "E+" in text.upper():
            message += _("该单元格是数字格式，超过15位的数字会丢失精度，请把这一列设为文本格式后重新填写。")
        raise c.CellError(message)
    return code  # already normalised as `credit_code.normalise` does


def _name(raw: Any, text: str, refs: References) -> str:
    if text.startswith(_EXAMPLE_MARK):
        raise c.CellError(_("这是导入模板中的示例行，请删除后再导入。"))
    return c.parse_text(raw, text, label=BY_FIELD["name"].label, max_length=_TEXT_LIMITS["name"])


def _text(name: str) -> Callable[[Any, str, References], str]:
    label, limit = BY_FIELD[name].label, _TEXT_LIMITS[name]
    return lambda raw, text, refs: c.parse_text(raw, text, label=label, max_length=limit)


def _phone(name: str) -> Callable[[Any, str, References], str]:
    label = BY_FIELD[name].label
    return lambda raw, text, refs: c.parse_phone(raw, text, label=label)


def _coordinate(name: str, low: int, high: int) -> Callable[[Any, str, References], Decimal]:
    label = BY_FIELD[name].label
    return lambda raw, text, refs: c.parse_coordinate(raw, text, label=label, low=low, high=high)


#: How each column's cell becomes a value (town and district are looked up together, in `parse_row`).
_PARSERS: dict[str, Callable[[Any, str, References], Any]] = {
    "name": _name,
    "credit_code": _credit_code,
    "address": _text("address"),
    "industry": lambda raw, text, refs: refs.industry(raw, text),
    "scale": lambda raw, text, refs: c.parse_choice(
        raw, text, label=BY_FIELD["scale"].label, choices=SCALES, expected=lambda: _("“规上”或“规下”")
    ),
    "headcount": lambda raw, text, refs: c.parse_whole_number(
        raw, text, label=BY_FIELD["headcount"].label, maximum=MAX_HEADCOUNT
    ),
    "has_union": lambda raw, text, refs: c.parse_yes_no(raw, text, label=BY_FIELD["has_union"].label),
    "union_chair": _text("union_chair"),
    "union_chair_phone": _phone("union_chair_phone"),
    "safety_contact": _text("safety_contact"),
    "safety_contact_phone": _phone("safety_contact_phone"),
    "longitude": _coordinate("longitude", *LONGITUDE_RANGE),
    "latitude": _coordinate("latitude", *LATITUDE_RANGE),
    "status": lambda raw, text, refs: c.parse_choice(
        raw, text, label=BY_FIELD["status"].label, choices=STATUSES, expected=lambda: _("“在营”“关停”或“迁出”")
    ),
}

"""The columns of an enterprise spreadsheet: Chinese headers with the synonyms real files use.

The header row is found among the first rows (title rows merged above it are common)
by matching cell texts against the known names, forgiving spaces, full-width brackets,
"*" required marks and a unit or hint in brackets ("职工人数（人）").
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from liangpai.imports.cells import text_of

HEADER_SEARCH_ROWS = 10
#: The template's example row starts its name with this; such a row is refused, not imported.
EXAMPLE_MARK = "（示例"
_MIN_MATCHES = 3


@dataclass(frozen=True)
class Column:
    field: str
    label: str  # the canonical header, as in the template workbook
    synonyms: tuple[str, ...] = ()
    required: bool = False
    hint: str | Promise = ""  # what to write, shown in the template's instructions


COLUMNS: tuple[Column, ...] = (
    Column("name", "企业名称", ("单位名称", "企业名称(全称)", "企业全称", "单位全称"), required=True),
    Column(
        "credit_code",
        "统一社会信用代码",
        ("信用代码", "社会信用代码", "统一代码", "统一社会信用代码(18位)"),
        required=True,
        hint=_("18位，按文本格式填写"),
    ),
    Column("town", "镇(街道)", ("镇街道", "镇/街道", "所属镇街", "所属镇(街道)", "镇街", "所属镇街道"), required=True),
    Column("district", "片区", ("所属片区", "片", "所属片"), required=True),
    Column("address", "地址", ("企业地址", "详细地址", "单位地址", "经营地址")),
    Column(
        "industry",
        "行业",
        ("行业代码", "所属行业", "行业类别", "国民经济行业", "行业大类"),
        required=True,
        hint=_("GB/T 4754 行业大类代码（如 34）或名称"),
    ),
    Column("scale", "规模", ("企业规模", "规上规下", "规上/规下"), required=True, hint=_("规上 或 规下")),
    Column("headcount", "职工人数", ("从业人数", "员工人数", "职工数", "从业人员"), required=True),
    Column("has_union", "是否建会", ("已建工会", "是否建立工会", "建会情况", "是否已建会"), hint=_("是 或 否")),
    Column("union_chair", "工会主席", ("工会主席姓名",)),
    Column("union_chair_phone", "工会主席电话", ("工会主席联系电话", "工会主席手机")),
    Column("safety_contact", "安全负责人", ("安全联系人", "安全生产负责人", "安全员")),
    Column(
        "safety_contact_phone",
        "安全负责人电话",
        ("联系电话", "安全联系人电话", "安全负责人联系电话", "安全负责人手机"),
    ),
    Column("longitude", "经度", (), hint=_("十进制度数，如 121.0153")),
    Column("latitude", "纬度", (), hint=_("十进制度数，如 30.6978")),
    Column("status", "状态", ("经营状态", "企业状态"), hint=_("在营、关停 或 迁出；不填为在营")),
)

BY_FIELD: dict[str, Column] = {c.field: c for c in COLUMNS}
REQUIRED_FIELDS = tuple(c.field for c in COLUMNS if c.required)


def normalise_header(raw: Any) -> str:
    text = text_of(raw).replace(" ", "").lower()
    text = text.replace("（", "(").replace("）", ")").replace("：", ":")
    return text.strip("*※:").strip()


_BRACKETED_SUFFIX = re.compile(r"\([^()]*\)$")
_LOOKUP: dict[str, str] = {
    normalise_header(name): column.field for column in COLUMNS for name in (column.label, *column.synonyms)
}


def field_for_header(raw: Any) -> str | None:
    key = normalise_header(raw)
    if not key:
        return None
    found = _LOOKUP.get(key)
    if found is None:
        found = _LOOKUP.get(_BRACKETED_SUFFIX.sub("", key))
    return found


@dataclass
class Header:
    """Where the header row is and which column holds which field."""

    row_index: int  # index into the table's rows
    positions: dict[str, int] = field(default_factory=dict)  # field → column index
    texts: dict[str, str] = field(default_factory=dict)  # field → the header as written
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (first header, repeated header)
    ignored: list[str] = field(default_factory=list)  # headers not recognised

    @property
    def missing(self) -> list[Column]:
        return [c for c in COLUMNS if c.required and c.field not in self.positions]


def find_header(rows: list[list[Any]]) -> Header | None:
    """The first of the top rows that names at least three known columns (the best one if several do)."""
    best: Header | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        header = _read_header(index, row)
        if len(header.positions) >= _MIN_MATCHES and (best is None or len(header.positions) > len(best.positions)):
            best = header
            if len(header.positions) == len(COLUMNS):
                break
    return best


def _read_header(index: int, row: list[Any]) -> Header:
    header = Header(row_index=index)
    for position, raw in enumerate(row):
        name = field_for_header(raw)
        if name is None:
            text = text_of(raw)
            if text:
                header.ignored.append(text)
            continue
        if name in header.positions:
            header.duplicates.append((header.texts[name], text_of(raw)))
            continue
        header.positions[name] = position
        header.texts[name] = text_of(raw)
    return header

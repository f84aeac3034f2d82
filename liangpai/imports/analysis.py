"""From a sheet's rows to an import plan: what would be created, updated, or is wrong where.

Every problem is reported with the row number the user sees in the spreadsheet, the
column header as written in the file, and a message in Chinese; nothing is written
here. Reading this module top to bottom follows one row: cells → values (`cells`,
`references`) → duplicate check → existing enterprise by credit code → access scope.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from liangpai.core.access import Action, can
from liangpai.enterprises.bulk import EnterpriseChange, audit_value
from liangpai.enterprises.models import Enterprise
from liangpai.enterprises.validators import credit_code_message
from liangpai.imports import cells as c
from liangpai.imports.columns import (
    BY_FIELD,
    COLUMNS,
    EXAMPLE_MARK,
    HEADER_SEARCH_ROWS,
    REQUIRED_FIELDS,
    Header,
    find_header,
)
from liangpai.imports.references import References
from liangpai.imports.spreadsheet import Table
from liangpai.rules import credit_code

MAX_HEADCOUNT = 1_000_000
LONGITUDE_RANGE = (73, 136)  # China, so swapped coordinates are caught
LATITUDE_RANGE = (3, 54)
PREVIEW_ROWS = 20
_LOOKUP_CHUNK = 500

SCALES = {
    **dict.fromkeys(["规上", "规模以上", "above"], Enterprise.Scale.ABOVE),
    **dict.fromkeys(["规下", "规模以下", "below"], Enterprise.Scale.BELOW),
}
STATUSES = {
    **dict.fromkeys(["在营", "正常", "存续", "营业", "active"], Enterprise.Status.ACTIVE),
    **dict.fromkeys(["关停", "已关停", "停产", "停业", "closed"], Enterprise.Status.CLOSED),
    **dict.fromkeys(["迁出", "已迁出", "moved_out"], Enterprise.Status.MOVED_OUT),
}
_TEXT_LIMITS = {"name": 200, "address": 200, "union_chair": 50, "safety_contact": 50}
_EXAMPLE_MARK = c.text_of(EXAMPLE_MARK)  # as it reads once cleaned: "(示例"
_FIELD_ORDER = {column.field: index for index, column in enumerate(COLUMNS)}


@dataclass(frozen=True)
class Issue:
    """An error or a note: sheet row (None for the whole file), column header, message."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportPlan:
    rows: int = 0  # non-blank data rows read
    creates: list[Enterprise] = field(default_factory=list)
    changes: list[EnterpriseChange] = field(default_factory=list)
    create_count: int = 0
    update_count: int = 0
    unchanged_count: int = 0
    errors: list[Issue] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    errors: list[Issue]

    def signature(self) -> tuple[Any, ...]:
        """What two rows must share to be the same row typed twice."""
        values = tuple(sorted((k, getattr(v, "pk", v)) for k, v in self.values.items()))
        return values + tuple((i.column, i.message) for i in self.errors)


# --- the header -----------------------------------------------------------------------


def locate_header(tables: Iterable[Table]) -> tuple[Table, Header] | list[Issue]:
    """The first sheet with a recognisable header row, or the file-level errors to report."""
    for table in tables:
        header = find_header(table.rows)
        if header is not None:
            return table, header
    return [
        Issue(
            None,
            "",
            _("没有找到表头：前 %(rows)s 行中没有“企业名称”“统一社会信用代码”等列名。请使用导入模板。")
            % {"rows": HEADER_SEARCH_ROWS},
        )
    ]


def header_errors(table: Table, header: Header) -> list[Issue]:
    header_row = table.first_row + header.row_index
    errors = [
        Issue(
            header_row,
            second,
            _("列“%(second)s”与列“%(first)s”重复，请只保留一列。") % {"first": first, "second": second},
        )
        for first, second in header.duplicates
    ]
    if header.missing:
        names = "、".join(f"“{column.label}”" for column in header.missing)
        errors.append(
            Issue(header_row, "", _("缺少必填列：%(columns)s。请使用导入模板中的列名。") % {"columns": names})
        )
    return errors


# --- the rows -------------------------------------------------------------------------


def analyse(*, table: Table, header: Header, by: Any, lock: bool = False, build: bool = False) -> ImportPlan:
    """The plan for importing `table` as `by` (None: the system). `lock` the existing rows, `build` the objects."""
    plan = ImportPlan()
    errors = header_errors(table, header)
    if errors:
        plan.errors = errors
        return plan
    refs = References.load()
    texts = header.texts
    positions = list(header.positions.items())
    rows: list[_Row] = []
    seen: dict[str, _Row] = {}
    for offset in range(header.row_index + 1, len(table.rows)):
        raw_row = table.rows[offset]
        cells = {name: (raw_row[p] if p < len(raw_row) else None) for name, p in positions}
        cell_texts = {name: c.text_of(raw) for name, raw in cells.items()}
        if not any(cell_texts.values()):
            continue
        plan.rows += 1
        number = table.first_row + offset
        values, row_errors = _parse_row(cells, cell_texts, refs, texts, number)
        row = _Row(number, values, row_errors)
        key = values.get("credit_code") or c.code_of(cells["credit_code"])
        first = seen.get(key) if key else None
        if first is not None:
            if first.signature() == row.signature():
                plan.notes.append(
                    Issue(
                        number,
                        "",
                        _("第%(row)s行与第%(first)s行完全相同，已合并为一条。")
                        % {"row": number, "first": first.number},
                    )
                )
            else:
                plan.errors.append(
                    Issue(
                        number,
                        texts["credit_code"],
                        _(
                            "统一社会信用代码与第%(first)s行相同，但其他内容不同。同一企业只能出现一次，请核对后只保留一行。"
                        )
                        % {"first": first.number},
                    )
                )
            continue
        if key:
            seen[key] = row
        if row_errors:
            plan.errors.extend(row_errors)
        else:
            rows.append(row)
    if plan.rows == 0:
        plan.errors.append(Issue(None, "", _("文件中没有企业数据（表头下面都是空行）。")))
    existing = _existing_by_code([r.values["credit_code"] for r in rows], lock=lock)
    scope_cache: dict[tuple[int, int], bool] = {}
    for row in rows:
        _plan_row(
            plan, row, existing.get(row.values["credit_code"]), by=by, texts=texts, build=build, cache=scope_cache
        )
    plan.errors.sort(key=lambda i: (i.row or 0, _column_order(i.column, texts)))
    if plan.errors:
        plan.creates, plan.changes, plan.preview = [], [], []
    return plan


def _column_order(column: str, texts: dict[str, str]) -> int:
    for name, text in texts.items():
        if text == column:
            return _FIELD_ORDER[name]
    return -1


def _parse_row(
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


#: How each column's cell becomes a value (town and district are looked up together, in `_parse_row`).
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


# --- against the database -------------------------------------------------------------


def _existing_by_code(codes: list[str], *, lock: bool) -> dict[str, Enterprise]:
    found: dict[str, Enterprise] = {}
    for start in range(0, len(codes), _LOOKUP_CHUNK):
        qs = Enterprise.objects.filter(credit_code__in=codes[start : start + _LOOKUP_CHUNK]).order_by()
        if lock:
            qs = qs.select_for_update()
        found.update((e.credit_code, e) for e in qs)
    return found


def _plan_row(
    plan: ImportPlan,
    row: _Row,
    current: Enterprise | None,
    *,
    by: Any,
    texts: dict[str, str],
    build: bool,
    cache: dict[tuple[int, int], bool],
) -> None:
    values = row.values
    if current is None:
        if by is not None and not _may_import_into(by, values, cache):
            plan.errors.append(_out_of_scope(row.number, texts, values))
            return
        plan.create_count += 1
        if build:
            plan.creates.append(Enterprise(**values))
        _add_preview(plan, row.number, "create", values, [])
        return
    if by is not None and not can(by, Action.ENTERPRISE_IMPORT, current):
        plan.errors.append(
            Issue(
                row.number,
                texts["credit_code"],
                _("该统一社会信用代码的企业已在您的管辖范围以外登记，不能由您导入或修改。"),
            )
        )
        return
    changed = [name for name, value in values.items() if _differs(current, name, value)]
    if not changed:
        plan.unchanged_count += 1
        _add_preview(plan, row.number, "unchanged", values, [])
        return
    if by is not None and ("town" in changed or "district" in changed) and not _may_import_into(by, values, cache):
        plan.errors.append(_out_of_scope(row.number, texts, values))
        return
    plan.update_count += 1
    _add_preview(plan, row.number, "update", values, changed)
    if build:
        before = {name: audit_value(current, name) for name in changed}
        for name in changed:
            setattr(current, name, values[name])
        after = {name: audit_value(current, name) for name in changed}
        plan.changes.append(EnterpriseChange(current, before, after))


def _differs(current: Enterprise, name: str, value: Any) -> bool:
    if name in ("town", "district", "industry"):
        return bool(getattr(current, f"{name}_id") != value.pk)
    return bool(getattr(current, name) != value)


def _may_import_into(by: Any, values: dict[str, Any], cache: dict[tuple[int, int], bool]) -> bool:
    """The scope rule of `core.access`, asked once per town and district (a new row has no other identity)."""
    key = (values["town"].pk, values["district"].pk)
    if key not in cache:
        cache[key] = can(by, Action.ENTERPRISE_IMPORT, Enterprise(town=values["town"], district=values["district"]))
    return cache[key]


def _out_of_scope(number: int, texts: dict[str, str], values: dict[str, Any]) -> Issue:
    return Issue(
        number,
        texts["town"],
        _("您无权导入“%(town)s”的企业，只能导入您所辖镇/街道的企业。") % {"town": values["town"].name},
    )


def _add_preview(plan: ImportPlan, number: int, action: str, values: dict[str, Any], changed: list[str]) -> None:
    if len(plan.preview) >= PREVIEW_ROWS:
        return
    plan.preview.append(
        {
            "row": number,
            "action": action,
            "name": values["name"],
            "credit_code": values["credit_code"],
            "town": values["town"].name,
            "district": values["district"].name,
            "industry": str(values["industry"]),
            "scale": str(Enterprise.Scale(values["scale"]).label),
            "headcount": values["headcount"],
            "changed": [BY_FIELD[name].label for name in changed],
        }
    )

"""From a sheet's rows to an import plan: what would be created, updated, or is wrong where.

Every problem is reported with the row number the user sees in the spreadsheet, the
column header as written in the file, and a message in Chinese; nothing is written
here. One row goes: cells → values (`rows`) → duplicate check → existing enterprise by
credit code → access scope (`core.access`).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from liangpai.core.access import Action, can
from liangpai.enterprises.bulk import EnterpriseChange
from liangpai.enterprises.models import Enterprise
from liangpai.enterprises.services import audit_value
from liangpai.imports import cells as c
from liangpai.imports.columns import (
    BY_FIELD,
    COLUMNS,
    HEADER_SEARCH_ROWS,
    Header,
    find_header,
)
from liangpai.imports.references import References
from liangpai.imports.rows import Issue, parse_row
from liangpai.imports.spreadsheet import Table

PREVIEW_ROWS = 20
_LOOKUP_CHUNK = 500
_FIELD_ORDER = {column.field: index for index, column in enumerate(COLUMNS)}


@dataclass
class ImportPlan:
    rows: int = 0  # non-blank data rows read
    creates: list[dict[str, Any]] = field(default_factory=list)  # each new enterprise's values
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
        values, row_errors = parse_row(cells, cell_texts, refs, texts, number)
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
        if not _may_import_into(by, values, cache):
            plan.errors.append(_out_of_scope(row.number, texts, values))
            return
        plan.create_count += 1
        if build:
            plan.creates.append(values)
        _add_preview(plan, row.number, "create", values, [])
        return
    if not can(by, Action.ENTERPRISE_IMPORT, current):
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
    if ("town" in changed or "district" in changed) and not _may_import_into(by, values, cache):
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

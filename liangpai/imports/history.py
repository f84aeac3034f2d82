"""Importing past annual grades and quarterly lights from a spreadsheet (`import_history`).

Three columns: 统一社会信用代码, 期间 (`2025` or `2025Q3`) and 结果 (`A`–`D` or 未评级
for a year; 绿/黄/红 or 未检 for a quarter). The file is read with the enterprise
import's reader and guards (`imports.spreadsheet.read_tables`); every problem is
reported with its sheet row, the column as written and a message, and one bad row
means nothing is imported. Imported rows are history: `close_quarter` and
`compute_grades` keep them as they are, and they cannot replace a computed or
published result.
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from liangpai.core import audit
from liangpai.core.access import Action, check, system_actor
from liangpai.enterprises.models import Enterprise
from liangpai.enterprises.validators import credit_code_message
from liangpai.grades.explanations import given_grade_reasons
from liangpai.grades.models import AnnualGrade
from liangpai.imports.cells import code_of, text_of
from liangpai.imports.rows import Issue
from liangpai.imports.spreadsheet import Table, read_tables
from liangpai.lights.models import LightChoice, QuarterLight
from liangpai.rules import credit_code
from liangpai.rules.periods import PeriodError, Quarter, Year, parse_period
from liangpai.rules.ruleset import Grade

HEADER_SEARCH_ROWS = 10
_LOOKUP_CHUNK = 500

#: Each column's canonical header and the synonyms real files use.
COLUMNS: dict[str, tuple[str, ...]] = {
    "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码", "统一代码"),
    "period": ("期间", "年度/季度", "年度或季度", "评级期间", "年度", "季度"),
    "result": ("结果", "等级/灯色", "评级结果", "亮灯结果", "等级", "灯色"),
}
LABELS = {name: names[0] for name, names in COLUMNS.items()}

UNGRADED_TEXTS = frozenset({"未评级", "未评估"})
GRADE_TEXTS = {grade.value: grade for grade in Grade} | {f"{grade.value}级": grade for grade in Grade}
LIGHT_TEXTS = {
    **dict.fromkeys(["绿", "绿灯", "GREEN"], LightChoice.GREEN),
    **dict.fromkeys(["黄", "黄灯", "YELLOW"], LightChoice.YELLOW),
    **dict.fromkeys(["红", "红灯", "RED"], LightChoice.RED),
    **dict.fromkeys(["未检", "未检查"], LightChoice.NOT_INSPECTED),
}

#: Who imports when the `import_history` command runs: the system, for the whole city.
HISTORY_COMMAND = system_actor("import_history", Action.RULES_MANAGE)


def _normalise(raw: Any) -> str:
    text = text_of(raw).replace(" ", "").replace("（", "(").replace("）", ")")
    return re.sub(r"\([^()]*\)$", "", text.strip("*※:：")).upper()


_HEADER_LOOKUP = {_normalise(name): key for key, names in COLUMNS.items() for name in names}


@dataclass(frozen=True)
class _Row:
    number: int
    code: str
    period: Year | Quarter
    value: str | None  # a grade, a light, or None (未评级)


@dataclass
class HistoryPlan:
    rows: int = 0
    # What to write: (enterprise id, year, grade or None, the stored row or None) …
    grades: list[tuple[int, int, str | None, AnnualGrade | None]] = field(default_factory=list)
    # … and (enterprise id, quarter, light, the stored row or None).
    lights: list[tuple[int, Quarter, str, QuarterLight | None]] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)  # enterprise id → name, for the audit records
    grades_created: int = 0
    grades_updated: int = 0
    lights_created: int = 0
    lights_updated: int = 0
    unchanged: int = 0
    applied: bool = False
    errors: list[Issue] = field(default_factory=list)
    notes: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_history(
    *, by: Any, data: bytes, filename: str, dry_run: bool = False, today: datetime.date | None = None
) -> HistoryPlan:
    """Check (dry run) or import the file: all rows, or none when any row is wrong. Raises FileRejected."""
    check(by, Action.RULES_MANAGE)
    today = today or timezone.localdate()
    tables = list(read_tables(data=data, filename=filename))
    if dry_run:
        return _plan(tables, today=today, lock=False)
    with translation.override(settings.LANGUAGE_CODE):  # a stored reason does not follow the user's language
        reason = _("导入历史等级与亮灯：%(file)s") % {"file": PurePath(filename).name}
    with transaction.atomic():
        plan = _plan(tables, today=today, lock=True)
        if plan.ok:
            _apply(plan, by=by, reason=reason)
    return plan


# --- reading --------------------------------------------------------------------------


def _find_header(tables: list[Table]) -> tuple[Table, int, dict[str, int], dict[str, str]] | list[Issue]:
    for table in tables:
        for index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
            positions: dict[str, int] = {}
            texts: dict[str, str] = {}
            for position, raw in enumerate(row):
                key = _HEADER_LOOKUP.get(_normalise(raw))
                if key is not None and key not in positions:
                    positions[key] = position
                    texts[key] = text_of(raw)
            if len(positions) >= 2:
                missing = [LABELS[key] for key in COLUMNS if key not in positions]
                if missing:
                    names = "、".join(f"“{name}”" for name in missing)
                    return [Issue(table.first_row + index, "", _("缺少必填列：%(columns)s。") % {"columns": names})]
                return table, index, positions, texts
    return [
        Issue(
            None,
            "",
            _("没有找到表头：前 %(rows)s 行中没有“统一社会信用代码”“期间”“结果”三列。") % {"rows": HEADER_SEARCH_ROWS},
        )
    ]


def _period_message(error: PeriodError, text: str) -> str:
    match error.code:
        case "empty":
            return _("期间不能为空。")
        case "year_range":
            return _("年份应在 2000 到 2099 之间，这里是“%(value)s”。") % {"value": text}
        case "quarter_range":
            return _("季度只有 Q1 到 Q4，这里是“%(value)s”。") % {"value": text}
    return _("期间应写成年度（如 2025）或季度（如 2025Q3），这里是“%(value)s”。") % {"value": text}


def _parse(cells: dict[str, Any], texts: dict[str, str], number: int, today: datetime.date) -> _Row | list[Issue]:
    errors: list[Issue] = []
    code = code_of(cells["credit_code"])
    error = credit_code.validate(code)
    if error is not None:
        errors.append(Issue(number, texts["credit_code"], credit_code_message(error)))
    period_text = text_of(cells["period"])
    period: Year | Quarter | None = None
    try:
        period = parse_period(period_text)
    except PeriodError as exc:
        errors.append(Issue(number, texts["period"], _period_message(exc, period_text)))
    else:
        if period.first_day > today:
            errors.append(
                Issue(number, texts["period"], _("期间 %(period)s 尚未开始，不能作为历史导入。") % {"period": period})
            )
    result_text = text_of(cells["result"])
    value: str | None = None
    if not result_text:
        errors.append(Issue(number, texts["result"], _("结果不能为空。")))
    elif isinstance(period, Year):
        if result_text.upper() in GRADE_TEXTS:
            value = GRADE_TEXTS[result_text.upper()].value
        elif result_text not in UNGRADED_TEXTS:
            errors.append(
                Issue(
                    number,
                    texts["result"],
                    _("年度的结果应为等级 A、B、C、D 或“未评级”，这里是“%(value)s”。") % {"value": result_text},
                )
            )
    elif isinstance(period, Quarter):
        light = LIGHT_TEXTS.get(result_text.upper())
        if light is None:
            errors.append(
                Issue(
                    number,
                    texts["result"],
                    _("季度的结果应为“绿”“黄”“红”或“未检”，这里是“%(value)s”。") % {"value": result_text},
                )
            )
        else:
            value = light.value
    if errors or period is None:
        return errors
    return _Row(number, code, period, value)


def _plan(tables: list[Table], *, today: datetime.date, lock: bool) -> HistoryPlan:
    plan = HistoryPlan()
    found = _find_header(tables)
    if isinstance(found, list):
        plan.errors = found
        return plan
    table, header_index, positions, texts = found
    rows: list[_Row] = []
    seen: dict[tuple[str, str], _Row] = {}
    for offset in range(header_index + 1, len(table.rows)):
        raw_row = table.rows[offset]
        cells = {key: (raw_row[p] if p < len(raw_row) else None) for key, p in positions.items()}
        if not any(text_of(value) for value in cells.values()):
            continue
        plan.rows += 1
        number = table.first_row + offset
        parsed = _parse(cells, texts, number, today)
        if isinstance(parsed, list):
            plan.errors.extend(parsed)
            continue
        key = (parsed.code, str(parsed.period))
        first = seen.get(key)
        if first is None:
            seen[key] = parsed
            rows.append(parsed)
        elif first.value == parsed.value:
            plan.notes.append(
                Issue(
                    number,
                    "",
                    _("第%(row)s行与第%(first)s行完全相同，已合并为一条。") % {"row": number, "first": first.number},
                )
            )
        else:
            plan.errors.append(
                Issue(
                    number,
                    texts["result"],
                    _("同一企业同一期间与第%(first)s行的结果不同，请核对后只保留一行。") % {"first": first.number},
                )
            )
    if plan.rows == 0:
        plan.errors.append(Issue(None, "", _("文件中没有数据（表头下面都是空行）。")))
    _check_against_database(plan, rows, texts, lock=lock)
    plan.errors.sort(
        key=lambda issue: (
            issue.row or 0,
            list(texts.values()).index(issue.column) if issue.column in texts.values() else -1,
        )
    )
    return plan


# --- against the database -------------------------------------------------------------


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[start : start + _LOOKUP_CHUNK] for start in range(0, len(items), _LOOKUP_CHUNK)]


def _check_against_database(plan: HistoryPlan, rows: list[_Row], texts: dict[str, str], *, lock: bool) -> None:
    enterprises: dict[str, int] = {}
    for codes in _chunks(sorted({row.code for row in rows})):
        for code, pk, name in Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "pk", "name"):
            enterprises[code] = pk
            plan.names[pk] = name
    grade_rows = [row for row in rows if isinstance(row.period, Year) and row.code in enterprises]
    light_rows = [row for row in rows if isinstance(row.period, Quarter) and row.code in enterprises]
    grades = _existing(
        AnnualGrade.objects.filter(year__in={r.period.value for r in grade_rows if isinstance(r.period, Year)}),
        [enterprises[r.code] for r in grade_rows],
        lock=lock,
    )
    lights = _existing(
        QuarterLight.objects.filter(quarter__in={str(r.period) for r in light_rows}),
        [enterprises[r.code] for r in light_rows],
        lock=lock,
    )
    for row in rows:
        enterprise_id = enterprises.get(row.code)
        if enterprise_id is None:
            plan.errors.append(
                Issue(
                    row.number,
                    texts["credit_code"],
                    _("没有统一社会信用代码为“%(code)s”的企业，请先导入企业名单。") % {"code": row.code},
                )
            )
            continue
        if isinstance(row.period, Year):
            current_grade = grades.get((enterprise_id, row.period.value))
            refusal = _refusal(current_grade, row.period)
            if refusal:
                plan.errors.append(Issue(row.number, texts["period"], refusal))
            elif current_grade is not None and current_grade.final_grade == row.value:
                plan.unchanged += 1
            else:
                plan.grades.append((enterprise_id, row.period.value, row.value, current_grade))
                if current_grade is None:
                    plan.grades_created += 1
                else:
                    plan.grades_updated += 1
        else:
            assert isinstance(row.period, Quarter)
            assert row.value is not None
            current_light = lights.get((enterprise_id, str(row.period)))
            refusal = _refusal(current_light, row.period)
            if refusal:
                plan.errors.append(Issue(row.number, texts["period"], refusal))
            elif current_light is not None and current_light.light == row.value:
                plan.unchanged += 1
            else:
                plan.lights.append((enterprise_id, row.period, row.value, current_light))
                if current_light is None:
                    plan.lights_created += 1
                else:
                    plan.lights_updated += 1


def _existing(rows: QuerySet[Any], enterprise_ids: list[int], *, lock: bool) -> dict[Any, Any]:
    """The stored rows among `rows` (the file's periods) of these enterprises, by (enterprise, period)."""
    found: dict[Any, Any] = {}
    for ids in _chunks(sorted(set(enterprise_ids))):
        qs = rows.filter(enterprise_id__in=ids).order_by()
        if lock:
            qs = qs.select_for_update()
        for row in qs:
            key = (row.enterprise_id, row.year) if isinstance(row, AnnualGrade) else (row.enterprise_id, row.quarter)
            found[key] = row
    return found


def _refusal(current: AnnualGrade | QuarterLight | None, period: Year | Quarter) -> str | None:
    if current is None:
        return None
    if current.is_published:
        return _("%(period)s 的结果已公布，不能用历史数据修改。") % {"period": period}
    if current.source != "imported":
        return _("%(period)s 已有系统计算的结果，不能用历史数据覆盖。") % {"period": period}
    return None


# --- writing --------------------------------------------------------------------------


def _apply(plan: HistoryPlan, *, by: Any, reason: str) -> None:
    now = timezone.now()
    grade_changes: list[tuple[Any, Any, Any]] = []
    new_grades: list[AnnualGrade] = []
    changed_grades: list[AnnualGrade] = []
    for enterprise_id, year, value, stored_grade in plan.grades:
        grade_row = stored_grade or AnnualGrade(
            enterprise_id=enterprise_id, year=year, source=AnnualGrade.Source.IMPORTED
        )
        (changed_grades if stored_grade else new_grades).append(grade_row)
        before = {"final_grade": grade_row.final_grade} if stored_grade else None
        grade_row.base_grade = grade_row.final_grade = value
        grade_row.reasons = given_grade_reasons(Grade(value) if value else None)
        grade_row.facts = {"source": "imported", "ruleset": ""}
        grade_row.computed_at = now
        grade_changes.append((grade_row, before, {"final_grade": value}))
    AnnualGrade.objects.bulk_create(new_grades, batch_size=500)
    AnnualGrade.objects.bulk_update(changed_grades, ["base_grade", "final_grade", "reasons", "facts", "computed_at"])

    light_changes: list[tuple[Any, Any, Any]] = []
    new_lights: list[QuarterLight] = []
    changed_lights: list[QuarterLight] = []
    for enterprise_id, quarter, light, stored_light in plan.lights:
        light_row = stored_light or QuarterLight(
            enterprise_id=enterprise_id,
            quarter=str(quarter),
            year=quarter.year,
            number=quarter.number,
            source=QuarterLight.Source.IMPORTED,
        )
        (changed_lights if stored_light else new_lights).append(light_row)
        before = {"light": light_row.light} if stored_light else None
        light_row.light = light
        light_row.computed_at = now
        light_changes.append((light_row, before, {"light": light}))
    QuarterLight.objects.bulk_create(new_lights, batch_size=500)
    QuarterLight.objects.bulk_update(changed_lights, ["light", "computed_at"])

    for row, _before, _after in grade_changes + light_changes:
        row.enterprise_name = plan.names[row.enterprise_id]
    audit.record_many(actor=by, action="grade.import", changes=grade_changes, reason=reason)
    audit.record_many(actor=by, action="light.import", changes=light_changes, reason=reason)
    plan.applied = True

"""`manage.py import_history PATH [--dry-run]`: past annual grades and quarterly lights.

Exit 0 when every row is imported (or, with --dry-run, would be); 1 with a per-row
error report and nothing imported.
"""

from typing import Any

from django.utils.translation import gettext as _

from liangpai.imports.commands import SpreadsheetImportCommand
from liangpai.imports.history import HISTORY_COMMAND, HistoryPlan, import_history
from liangpai.imports.rows import Issue


class Command(SpreadsheetImportCommand):
    help = (
        "导入历史年度等级和季度亮灯（列：统一社会信用代码、期间如 2025 或 2025Q3、结果如 A–D 或 绿/黄/红/未检）；"
        "有任何错误时列出错误，不导入任何数据。"
        " / Import past annual grades and quarterly lights (columns: credit code, period such as 2025 or 2025Q3,"
        " result such as A–D or green/yellow/red); on any error, list the errors and import nothing (exit 1)."
    )

    def load(self, *, data: bytes, filename: str, dry_run: bool) -> tuple[Any, list[Issue], list[Issue]]:
        plan = import_history(by=HISTORY_COMMAND, data=data, filename=filename, dry_run=dry_run)
        return plan, plan.errors, plan.notes

    def summarise(self, result: HistoryPlan, *, dry_run: bool) -> str:
        counts = {
            "grades_created": result.grades_created,
            "grades_updated": result.grades_updated,
            "lights_created": result.lights_created,
            "lights_updated": result.lights_updated,
            "unchanged": result.unchanged,
        }
        if dry_run:
            return (
                _(
                    "检查通过（未写入）：年度等级将新增 %(grades_created)s 条、更新 %(grades_updated)s 条；"
                    "季度亮灯将新增 %(lights_created)s 条、更新 %(lights_updated)s 条；%(unchanged)s 条无变化。"
                )
                % counts
            )
        return (
            _(
                "导入完成：年度等级新增 %(grades_created)s 条、更新 %(grades_updated)s 条；"
                "季度亮灯新增 %(lights_created)s 条、更新 %(lights_updated)s 条；%(unchanged)s 条无变化。"
            )
            % counts
        )

"""`manage.py import_enterprises PATH [--dry-run]`: exit 0 when every row is imported, 1 with the errors and nothing imported."""

from typing import Any

from django.utils.translation import gettext as _

from liangpai.imports.commands import SpreadsheetImportCommand
from liangpai.imports.rows import Issue
from liangpai.imports.services import IMPORT_COMMAND, ImportOutcome, check_import, run_import


class Command(SpreadsheetImportCommand):
    help = (
        "从 .xlsx / .xls / .csv 导入企业（按统一社会信用代码新增或更新）；有任何错误时列出错误，不导入任何数据。"
        " / Import enterprises from a spreadsheet, creating or updating by credit code; on any error, list the"
        " errors and import nothing (exit 1)."
    )

    def load(self, *, data: bytes, filename: str, dry_run: bool) -> tuple[Any, list[Issue], list[Issue]]:
        if dry_run:
            outcome = check_import(by=IMPORT_COMMAND, data=data, filename=filename)
        else:
            outcome = run_import(by=IMPORT_COMMAND, data=data, filename=filename)
        return outcome, outcome.plan.errors, outcome.plan.notes

    def summarise(self, result: ImportOutcome, *, dry_run: bool) -> str:
        plan = result.plan
        if dry_run:
            return _("检查通过（未写入）：将新增 %(created)s 家，更新 %(updated)s 家，%(unchanged)s 家无变化。") % {
                "created": plan.create_count,
                "updated": plan.update_count,
                "unchanged": plan.unchanged_count,
            }
        return _("导入完成：新增 %(created)s 家，更新 %(updated)s 家，%(unchanged)s 家无变化。") % {
            "created": result.created,
            "updated": result.updated,
            "unchanged": plan.unchanged_count,
        }

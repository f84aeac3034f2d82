"""`manage.py import_history PATH [--dry-run]`: past annual grades and quarterly lights.

Exit 0 when every row is imported (or, with --dry-run, would be); 1 with a per-row
error report and nothing imported.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from liangpai.imports.guards import FileRejected
from liangpai.ratings.history import HistoryPlan, import_history


class Command(BaseCommand):
    help = (
        "导入历史年度等级和季度亮灯（列：统一社会信用代码、期间如 2025 或 2025Q3、结果如 A–D 或 绿/黄/红/未检）；"
        "有任何错误时列出错误，不导入任何数据。"
        " / Import past annual grades and quarterly lights (columns: credit code, period such as 2025 or 2025Q3,"
        " result such as A–D or green/yellow/red); on any error, list the errors and import nothing (exit 1)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="表格文件 / the spreadsheet")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入 / check only")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("无法读取文件：%(path)s（%(error)s）") % {"path": path, "error": exc.strerror}, returncode=1
            ) from exc
        try:
            plan = import_history(by=None, data=data, filename=path.name, dry_run=options["dry_run"])
        except FileRejected as exc:
            raise CommandError(exc.message, returncode=1) from exc
        self._report(plan, dry_run=options["dry_run"])

    def _report(self, plan: HistoryPlan, *, dry_run: bool) -> None:
        for note in plan.notes:
            self.stdout.write(_("提示\t第%(row)s行\t%(message)s") % {"row": note.row, "message": note.message})
        if plan.errors:
            self.stdout.write(_("行\t列\t问题"))
            for issue in plan.errors:
                row = str(issue.row) if issue.row is not None else "-"
                self.stdout.write(f"{row}\t{issue.column or '-'}\t{issue.message}")
            raise CommandError(
                _("共 %(count)s 处错误，未导入任何数据。") % {"count": len(plan.errors)},
                returncode=1,
            )
        counts = {
            "grades_created": plan.grades_created,
            "grades_updated": plan.grades_updated,
            "lights_created": plan.lights_created,
            "lights_updated": plan.lights_updated,
            "unchanged": plan.unchanged,
        }
        if dry_run:
            self.stdout.write(
                _(
                    "检查通过（未写入）：年度等级将新增 %(grades_created)s 条、更新 %(grades_updated)s 条；"
                    "季度亮灯将新增 %(lights_created)s 条、更新 %(lights_updated)s 条；%(unchanged)s 条无变化。"
                )
                % counts
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "导入完成：年度等级新增 %(grades_created)s 条、更新 %(grades_updated)s 条；"
                        "季度亮灯新增 %(lights_created)s 条、更新 %(lights_updated)s 条；%(unchanged)s 条无变化。"
                    )
                    % counts
                )
            )

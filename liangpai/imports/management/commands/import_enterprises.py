"""`manage.py import_enterprises PATH [--dry-run]`: exit 0 when every row is imported, 1 with the errors and nothing imported."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from liangpai.imports.guards import FileRejected
from liangpai.imports.services import ImportOutcome, check_import, run_import


class Command(BaseCommand):
    help = (
        "从 .xlsx / .xls / .csv 导入企业（按统一社会信用代码新增或更新）；有任何错误时列出错误，不导入任何数据。"
        " / Import enterprises from a spreadsheet, creating or updating by credit code; on any error, list the"
        " errors and import nothing (exit 1)."
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
                _("无法读取文件：%(path)s（%(error)s）") % {"path": path, "error": exc.strerror}
            ) from exc
        try:
            if options["dry_run"]:
                outcome = check_import(by=None, data=data, filename=path.name)
            else:
                outcome = run_import(by=None, data=data, filename=path.name)
        except FileRejected as exc:
            raise CommandError(exc.message, returncode=1) from exc
        self._report(outcome, dry_run=options["dry_run"])

    def _report(self, outcome: ImportOutcome, *, dry_run: bool) -> None:
        plan = outcome.plan
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
        if dry_run:
            self.stdout.write(
                _("检查通过（未写入）：将新增 %(created)s 家，更新 %(updated)s 家，%(unchanged)s 家无变化。")
                % {"created": plan.create_count, "updated": plan.update_count, "unchanged": plan.unchanged_count}
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("导入完成：新增 %(created)s 家，更新 %(updated)s 家，%(unchanged)s 家无变化。")
                    % {"created": outcome.created, "updated": outcome.updated, "unchanged": plan.unchanged_count}
                )
            )

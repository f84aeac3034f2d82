"""What the spreadsheet-import commands share: the PATH and --dry-run arguments, reading the file,
and the per-row report (notes, then the errors as a tab-separated table and exit 1, nothing imported).

Each command says how to check or import the bytes (`load`) and how to sum up a clean run (`summarise`).
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from liangpai.imports.guards import FileRejected
from liangpai.imports.rows import Issue


class SpreadsheetImportCommand(BaseCommand):
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
            result, errors, notes = self.load(data=data, filename=path.name, dry_run=options["dry_run"])
        except FileRejected as exc:
            raise CommandError(exc.message, returncode=1) from exc
        for note in notes:
            self.stdout.write(_("提示\t第%(row)s行\t%(message)s") % {"row": note.row, "message": note.message})
        if errors:
            self.stdout.write(_("行\t列\t问题"))
            for issue in errors:
                row = str(issue.row) if issue.row is not None else "-"
                self.stdout.write(f"{row}\t{issue.column or '-'}\t{issue.message}")
            raise CommandError(_("共 %(count)s 处错误，未导入任何数据。") % {"count": len(errors)}, returncode=1)
        if options["dry_run"]:
            self.stdout.write(self.summarise(result, dry_run=True))
        else:
            self.stdout.write(self.style.SUCCESS(self.summarise(result, dry_run=False)))

    def load(self, *, data: bytes, filename: str, dry_run: bool) -> tuple[Any, list[Issue], list[Issue]]:
        """Check (dry run) or import `data`: the outcome, its errors and its notes. May raise FileRejected."""
        raise NotImplementedError

    def summarise(self, result: Any, *, dry_run: bool) -> str:
        """The closing line of a run without errors."""
        raise NotImplementedError

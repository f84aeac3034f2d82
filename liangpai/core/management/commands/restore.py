"""`manage.py restore PATH [--force] [--verify-only]`: restore a backup and prove the copy identical.

Exit 0 when every table's rows and checksum and every file's hash match the archive's
manifest; 1 on any mismatch (the list is printed; a database that does not match is rolled
back); 2 when the restore is refused (an archive of other code, or a target that holds data
without --force). See liangpai.core.restore and docs/backup.md.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liangpai.core.backup import Message
from liangpai.core.restore import Archive, Refused, check_archive, restore_backup

MISMATCH = 1
REFUSED = 2
_LISTED = 100


class Command(BaseCommand):
    help = (
        "从 backup 生成的归档恢复数据库和上传的文件，并逐表、逐文件核对校验值。目标数据库须为空（或加 --force 清空）。"
        " / Restore the database and uploaded files from a backup archive and check every table and file against"
        " its manifest. The target must be empty (or emptied with --force)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="backup 生成的归档文件 / an archive written by backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="清空目标数据库和 MEDIA_ROOT、PRIVATE_ROOT 中的现有数据后恢复（不可撤销）"
            " / erase the target database and the files under MEDIA_ROOT and PRIVATE_ROOT first (cannot be undone)",
        )
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="只校验归档（每个成员和每张表的校验值），不改动任何数据"
            " / only check the archive (every member and every table's checksum); change nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        log = self.stdout.write if options["verbosity"] >= 1 else (lambda _line: None)
        try:
            if options["verify_only"]:
                archive = Archive(path)
                try:
                    problems = check_archive(archive, deep=True)
                    tables, files = len(archive.tables), len(archive.files)
                finally:
                    archive.close()
                self._fail_on(problems, "归档校验未通过 / the archive does not match its manifest")
                self.stdout.write(
                    self.style.SUCCESS(
                        f"归档完好：{tables} 张表、{files} 个文件与清单一致"
                        f" / archive intact: {tables} tables and {files} files match the manifest"
                    )
                )
                return
            result = restore_backup(path, force=options["force"], log=log)
        except Refused as exc:
            for line in exc.details:
                self.stderr.write(line)
            raise CommandError(
                f"拒绝恢复：{exc.message.zh}。/ Restore refused: {exc.message.en}.", returncode=REFUSED
            ) from exc
        headline = (
            "恢复后的副本与备份不符 / the restored copy does not match the backup"
            if result.restored
            else "未恢复：备份或载入的数据与清单不符 / not restored: the archive or the loaded data does not match"
        )
        self._fail_on(result.problems, headline)
        self.stdout.write(
            self.style.SUCCESS(
                f"恢复完成，与备份一致：{result.tables} 张表 {result.rows} 行、{result.files} 个文件，用时"
                f" {result.seconds:.1f} 秒 / restored and identical to the backup: {result.tables} tables,"
                f" {result.rows} rows, {result.files} files in {result.seconds:.1f} s"
            )
        )

    def _fail_on(self, problems: list[Message], headline: str) -> None:
        if not problems:
            return
        for problem in problems[:_LISTED]:
            self.stderr.write(f"  不符 mismatch: {problem}")
        if len(problems) > _LISTED:
            self.stderr.write(f"  ……另有 {len(problems) - _LISTED} 处 / … and {len(problems) - _LISTED} more")
        raise CommandError(f"{headline}（{len(problems)} 处 / {len(problems)} found）", returncode=MISMATCH)

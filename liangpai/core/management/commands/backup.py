"""`manage.py backup PATH`: the database and the uploaded files in one archive with a checksum manifest.

Exit 0 when the archive is written; 1 when it cannot be (nothing is left behind).
See liangpai.core.backup and docs/backup.md.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liangpai.core.backup import BackupError, write_backup

_MISSING_LISTED = 20


class Command(BaseCommand):
    help = (
        "备份数据库和上传的文件（MEDIA_ROOT、PRIVATE_ROOT）到一个归档文件，附校验清单。PATH 为目录时在其中按时间命名。"
        " / Back up the database and the uploaded files (MEDIA_ROOT, PRIVATE_ROOT) into one archive with a"
        " checksum manifest. When PATH is a directory the archive is named after the time inside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="归档文件或目录 / the archive file, or a directory for a dated one")

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 2
        try:
            result = write_backup(Path(options["path"]), log=self.stdout.write if verbose else lambda _line: None)
        except BackupError as exc:
            raise CommandError(f"备份失败：{exc.message.zh}。/ Backup failed: {exc.message.en}.", returncode=1) from exc
        for missing in result.missing_files[:_MISSING_LISTED]:
            self.stderr.write(
                f"警告：{missing['model']} #{missing['pk']} 的 {missing['field']} 指向的文件不在备份目录中"
                f" / warning: the file of {missing['model']} #{missing['pk']} ({missing['field']}) is not under"
                f" the backed-up directories: {missing['name']}"
            )
        if len(result.missing_files) > _MISSING_LISTED:
            self.stderr.write(
                f"……另有 {len(result.missing_files) - _MISSING_LISTED} 个 / … and"
                f" {len(result.missing_files) - _MISSING_LISTED} more"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成 / backup written: {result.path}\n"
                f"  表 tables {result.tables}，行 rows {result.rows}，文件 files {result.files}"
                f"（{result.file_bytes / 1e6:.1f} MB）\n"
                f"  归档 archive {result.archive_bytes / 1e6:.1f} MB，用时 {result.seconds:.1f} 秒 / s\n"
                f"  清单校验值 manifest sha256 {result.manifest_sha256}"
            )
        )

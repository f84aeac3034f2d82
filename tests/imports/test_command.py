"""`manage.py import_enterprises PATH [--dry-run]`: 0 when every row is imported; 1 with the report and nothing imported."""

import os
import subprocess
import sys
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from liangpai.core.models import AuditEvent
from liangpai.enterprises.models import Enterprise
from tests.imports.conftest import Counts
from tests.imports.make_corpus import CODES


def _run(*args: str) -> str:
    out = StringIO()
    call_command("import_enterprises", *args, stdout=out)
    return out.getvalue()


def test_a_clean_file_is_imported_and_counted(world: object, corpus: dict[str, Path]) -> None:
    output = _run(str(corpus["clean.xlsx"]))

    assert "导入完成：新增 3 家，更新 0 家，0 家无变化。" in output
    assert Enterprise.objects.filter(credit_code__in=CODES[:3]).count() == 3
    assert set(AuditEvent.objects.filter(action="enterprise.create").values_list("actor_label", flat=True)) == {"系统"}


def test_a_second_run_updates_and_reports_unchanged_rows(world: object, corpus: dict[str, Path]) -> None:
    _run(str(corpus["clean.xlsx"]))
    assert "导入完成：新增 0 家，更新 1 家，1 家无变化。" in _run(str(corpus["update.xlsx"]))


def test_errors_are_listed_and_the_exit_code_is_1(
    world: object, corpus: dict[str, Path], counts: Callable[[], Counts]
) -> None:
    before = counts()
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_enterprises", str(corpus["bad_headcount.xlsx"]), stdout=out)

    assert failed.value.returncode == 1
    assert str(failed.value) == "共 3 处错误，未导入任何数据。"
    assert out.getvalue().splitlines() == [
        "行\t列\t问题",
        "3\t职工人数\t职工人数应为 0 到 1000000 之间的整数，这里是“-5”。",
        "4\t职工人数\t职工人数应为 0 到 1000000 之间的整数，这里是“12.5”。",
        "5\t职工人数\t职工人数应为 0 到 1000000 之间的整数，这里是“很多”。",
    ]
    assert counts() == before


def test_dry_run_checks_without_writing(world: object, corpus: dict[str, Path], counts: Callable[[], Counts]) -> None:
    before = counts()
    output = _run(str(corpus["messy.xlsx"]), "--dry-run")

    assert "提示\t第7行\t第7行与第4行完全相同，已合并为一条。" in output
    assert "检查通过（未写入）：将新增 3 家，更新 0 家，0 家无变化。" in output
    assert counts() == before


def test_dry_run_reports_errors_with_exit_code_1(world: object, corpus: dict[str, Path]) -> None:
    with pytest.raises(CommandError) as failed:
        _run(str(corpus["missing_columns.xlsx"]), "--dry-run")
    assert failed.value.returncode == 1


def test_a_hostile_file_is_refused_with_exit_code_1(world: object, corpus: dict[str, Path]) -> None:
    with pytest.raises(CommandError) as failed:
        _run(str(corpus["zip_bomb.xlsx"]))
    assert failed.value.returncode == 1
    assert str(failed.value) == "文件解压后体积异常（疑似“压缩炸弹”），已拒绝。"


def test_a_missing_file_is_an_error(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="无法读取文件"):
        _run(str(tmp_path / "nothing.xlsx"))


def test_the_process_exit_codes(corpus: dict[str, Path], tmp_path: Path) -> None:
    """The real command line, on a fresh SQLite database: exit 1 with the report on stdout."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "SECRET_KEY": "test-only",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, capture_output=True)

    done = subprocess.run(
        [*manage, "import_enterprises", str(corpus["unknown_town.xlsx"])], env=env, capture_output=True, text=True
    )

    assert done.returncode == 1
    assert "3\t镇(街道)\t镇/街道“甲镇”不存在，请填写系统中已有的镇/街道名称。" in done.stdout
    assert "未导入任何数据" in done.stderr

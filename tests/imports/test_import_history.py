"""`import_history PATH [--dry-run]`: past grades and lights, per-row errors, all or nothing."""

import datetime
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from liangpai.core.models import AuditEvent
from liangpai.grades.explanations import explain_grade
from liangpai.grades.models import AnnualGrade
from liangpai.lights.models import QuarterLight
from liangpai.periods.closing import close_quarter
from liangpai.periods.grading import BASE_GRADE_SOURCES, compute_grades

pytestmark = pytest.mark.django_db

HEADER = ["统一社会信用代码", "期间", "结果"]


@pytest.fixture
def write(tmp_path: Path):
    """write(rows, name="history.xlsx", header=HEADER, title=None) → the path of a spreadsheet."""

    def make(rows, name="history.xlsx", header=HEADER, title=None) -> Path:
        path = tmp_path / name
        if name.endswith(".csv"):
            lines = [",".join(header), *(",".join(str(c) for c in row) for row in rows)]
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            return path
        book = openpyxl.Workbook()
        sheet = book.active
        if title:
            sheet.append([title])
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=3)
        sheet.append(header)
        for row in rows:
            sheet.append(list(row))
        book.save(path)
        return path

    return make


def _run(path: Path, *options: str) -> str:
    out = StringIO()
    call_command("import_history", str(path), *options, stdout=out)
    return out.getvalue()


def _fails(path: Path, *options: str) -> tuple[CommandError, list[str]]:
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_history", str(path), *options, stdout=out)
    return failed.value, out.getvalue().splitlines()


def _counts() -> tuple[int, int, int]:
    return AnnualGrade.objects.count(), QuarterLight.objects.count(), AuditEvent.objects.count()


def test_past_grades_and_lights_are_imported_as_history(cast, write):
    a, b = cast.enterprise_a.credit_code, cast.enterprise_b.credit_code
    path = write(
        [(a, 2025, "B"), (b, "2025", "a级"), (a, "2025Q3", "黄"), (a, "2025Q4", "红灯"), (b, "２０２５ｑ４", "未检")],
        title="2025 年度评级与亮灯台账",
    )

    output = _run(path)

    assert output.strip() == ("导入完成：年度等级新增 2 条、更新 0 条；季度亮灯新增 3 条、更新 0 条；0 条无变化。")
    assert dict(AnnualGrade.objects.values_list("enterprise__name", "final_grade")) == {
        "甲一机械有限公司": "B",
        "乙一化工有限公司": "A",
    }
    assert set(AnnualGrade.objects.values_list("source", "base_grade", "ruleset")) >= {("imported", "B", None)}
    assert sorted(QuarterLight.objects.values_list("quarter", "light", "source", "number")) == [
        ("2025Q3", "yellow", "imported", 3),
        ("2025Q4", "not_inspected", "imported", 4),
        ("2025Q4", "red", "imported", 4),
    ]
    assert AuditEvent.objects.filter(action="grade.import").count() == 2
    assert AuditEvent.objects.filter(action="light.import").count() == 3
    assert explain_grade(cast.enterprise_a, 2025).headline == "B：评估等级 B；未降级"


def test_a_csv_file_works_too_and_a_second_import_updates_only_what_changed(cast, write):
    a = cast.enterprise_a.credit_code
    _run(write([(a, "2025", "B"), (a, "2025Q3", "绿")], name="h.csv"))
    output = _run(write([(a, "2025", "C"), (a, "2025Q3", "绿")], name="h2.csv"))
    assert "年度等级新增 0 条、更新 1 条；季度亮灯新增 0 条、更新 0 条；1 条无变化。" in output
    assert AnnualGrade.objects.get().final_grade == "C"
    event = AuditEvent.objects.filter(action="grade.import").latest("id")
    assert (event.before, event.after) == ({"final_grade": "B"}, {"final_grade": "C"})


def test_dry_run_checks_without_writing(cast, write):
    before = _counts()
    output = _run(write([(cast.enterprise_a.credit_code, "2025", "B")]), "--dry-run")
    assert output.strip() == (
        "检查通过（未写入）：年度等级将新增 1 条、更新 0 条；季度亮灯将新增 0 条、更新 0 条；0 条无变化。"
    )
    assert _counts() == before


def test_every_bad_row_is_reported_and_nothing_is_imported(cast, write):
    a = cast.enterprise_a.credit_code
    before = _counts()
    path = write(
        [
            (a, "2025", "B"),  # good, but not imported: another row is wrong
            ("91330482MA2B3C4D5X", "2025", "A"),  # check character
            ("91330482MA2B3C4D5Y", "2025", "A"),  # valid code, no such enterprise
            (a, "2025年", "A"),
            (a, "2025Q5", "绿"),
            (a, "2099", "A"),
            (a, "2024", "绿"),
            (a, "2024Q2", "A"),
            (a, "2024Q3", ""),
            (a, "2025", "C"),  # same enterprise and year as row 2, another result
            (a, "2025Q1", "红"),
            (a, "2025Q1", "红"),  # the same row twice: merged, with a note
        ]
    )

    failed, lines = _fails(path)

    assert failed.returncode == 1
    assert str(failed) == "共 9 处错误，未导入任何数据。"
    assert lines == [
        "提示\t第13行\t第13行与第12行完全相同，已合并为一条。",
        "行\t列\t问题",
        "3\t统一社会信用代码\t校验位不符：按前17位计算，第18位应为“Y”，这里是“X”。请核对是否有错抄的字符。",
        "4\t统一社会信用代码\t没有统一社会信用代码为“91330482MA2B3C4D5Y”的企业，请先导入企业名单。",
        "5\t期间\t期间应写成年度（如 2025）或季度（如 2025Q3），这里是“2025年”。",
        "6\t期间\t季度只有 Q1 到 Q4，这里是“2025Q5”。",
        "7\t期间\t期间 2099 尚未开始，不能作为历史导入。",
        "8\t结果\t年度的结果应为等级 A、B、C、D 或“未评级”，这里是“绿”。",
        "9\t结果\t季度的结果应为“绿”“黄”“红”或“未检”，这里是“A”。",
        "10\t结果\t结果不能为空。",
        "11\t结果\t同一企业同一期间与第2行的结果不同，请核对后只保留一行。",
    ]
    assert _counts() == before


def test_a_computed_or_published_result_is_not_overwritten(cast, write):
    a, b = cast.enterprise_a, cast.enterprise_b
    close_quarter(quarter="2026Q3", today=datetime.date(2026, 10, 9))
    compute_grades(year=2026, sources=BASE_GRADE_SOURCES)
    AnnualGrade.objects.filter(enterprise=b).update(is_published=True, source="imported")
    before = _counts()

    _, lines = _fails(write([(a.credit_code, "2026Q3", "绿"), (b.credit_code, "2026", "A")]))

    assert lines[1:] == [
        "2\t期间\t2026Q3 已有系统计算的结果，不能用历史数据覆盖。",
        "3\t期间\t2026 的结果已公布，不能用历史数据修改。",
    ]
    assert _counts() == before


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["统一社会信用代码", "期间", "备注"], "1\t-\t缺少必填列：“结果”。"),
        (["企业", "年份", "备注"], "-\t-\t没有找到表头：前 10 行中没有“统一社会信用代码”“期间”“结果”三列。"),
    ],
)
def test_a_file_without_the_columns_is_explained(cast, write, header, message):
    _, lines = _fails(write([(cast.enterprise_a.credit_code, "2025", "B")], header=header))
    assert lines == ["行\t列\t问题", message]


def test_synonym_headers_are_understood(cast, write):
    path = write([(cast.enterprise_a.credit_code, "2025", "B")], header=["信用代码", "年度/季度", "等级/灯色"])
    assert "年度等级新增 1 条" in _run(path)


def test_an_empty_sheet_is_an_error(cast, write):
    _, lines = _fails(write([]))
    assert lines == ["行\t列\t问题", "-\t-\t文件中没有数据（表头下面都是空行）。"]


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_exit_1(cast, tmp_path):
    path = tmp_path / "history.xlsx"
    path.write_bytes(b"<html><table></table></html>")
    failed, _ = _fails(path)
    assert failed.returncode == 1
    assert "网页" in str(failed)


def test_a_missing_file_exits_1(cast, tmp_path):
    failed, _ = _fails(tmp_path / "nope.xlsx")
    assert failed.returncode == 1


def test_imported_lights_and_grades_survive_closing_and_computing(cast, write):
    a = cast.enterprise_a.credit_code
    _run(write([(a, "2026", "A"), (a, "2026Q1", "红")]))
    close_quarter(quarter="2026Q1", today=datetime.date(2026, 4, 2))
    compute_grades(year=2026, sources=BASE_GRADE_SOURCES)
    assert QuarterLight.objects.get(enterprise=cast.enterprise_a, quarter="2026Q1").light == "red"
    assert AnnualGrade.objects.get(enterprise=cast.enterprise_a, year=2026).final_grade == "A"

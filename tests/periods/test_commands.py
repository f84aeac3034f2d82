"""The ratings commands (INTERFACES.md): output and exit codes."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from liangpai.grades.models import GradeInput
from liangpai.lights.models import QuarterLight

pytestmark = pytest.mark.django_db


def _run(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def _fails(name: str, *args: str) -> tuple[int, str, str]:
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command(name, *args, stdout=out)
    return failed.value.returncode, str(failed.value), out.getvalue()


@time_machine.travel(datetime.datetime(2026, 10, 9, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_close_quarter_prints_the_counts_by_light_and_the_interviews(cast, inspect):
    inspect(cast.enterprise_a, "2026-08-03", major_hazards=1)
    inspect(cast.enterprise_a2, "2026-08-04")

    output = _run("close_quarter", "2026Q3")

    assert output.splitlines() == [
        "2026Q3 季度亮灯（规则集 2026-1）：共 3 家。",
        "绿灯 1，黄灯 0，红灯 1，未检 1",
        "新增 3 条，更新 0 条，无变化 0 条，保留人工调整或历史导入 0 条。",
        "新建警示约谈 1 次。",
    ]
    again = _run("close_quarter", "2026q3")
    assert "新增 0 条，更新 0 条，无变化 3 条" in again
    assert again.endswith("新建警示约谈 0 次。\n")


@pytest.mark.parametrize("period", ["2026Q5", "2026", "Q3 2026", "", "2026-13"])
def test_close_quarter_explains_a_bad_period_and_exits_2(cast, period):
    code, message, _ = _fails("close_quarter", period)
    assert code == 2
    assert "不是有效的季度" in message
    assert "is not a valid quarter" in message
    assert not QuarterLight.objects.exists()


@time_machine.travel(datetime.datetime(2026, 10, 9, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_close_quarter_refuses_a_quarter_not_started_with_exit_2(cast):
    code, message, _ = _fails("close_quarter", "2027Q1")
    assert (code, message) == (2, "2027Q1 尚未开始，不能结算。")


@time_machine.travel(datetime.datetime(2026, 10, 9, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_close_quarter_refuses_a_published_quarter_with_exit_1(cast):
    _run("close_quarter", "2026Q3")
    QuarterLight.objects.update(is_published=True)
    code, message, _ = _fails("close_quarter", "2026Q3")
    assert (code, message) == (1, "2026Q3 的亮灯已公布，不能再结算或调整。")


def test_compute_grades_prints_the_counts_by_grade(cast):
    GradeInput.objects.create(enterprise=cast.enterprise_a, year=2026, grade="B")
    GradeInput.objects.create(enterprise=cast.enterprise_a2, year=2026, score="95.5")
    QuarterLight.objects.create(
        enterprise=cast.enterprise_a, quarter="2026Q1", year=2026, number=1, light="red", computed_light="red"
    )
    output = _run("compute_grades", "2026")
    assert output.splitlines() == [
        "2026 年度等级（规则集 2026-1）：共 3 家。",
        "A 1，B 0，C 1，D 0，未评级 1",
        "新增 3 条，更新 0 条，无变化 0 条，保留历史导入 0 条。",
    ]


@pytest.mark.parametrize("year", ["2026Q3", "26", "1999", "abc"])
def test_compute_grades_explains_a_bad_year_and_exits_2(cast, year):
    code, message, _ = _fails("compute_grades", year)
    assert code == 2
    assert "不是有效的年度" in message


def test_compute_grades_without_a_ruleset_for_the_year_exits_2(cast):
    code, message, _ = _fails("compute_grades", "2024")
    assert code == 2
    assert "没有适用于 2024 年的规则集" in message


def test_explain_grade_prints_the_grade_then_one_line_per_reason(cast):
    GradeInput.objects.create(enterprise=cast.enterprise_a, year=2026, grade="B")
    for number, inspected in ((1, "2026-03-15"), (3, "2026-09-20")):
        QuarterLight.objects.create(
            enterprise=cast.enterprise_a,
            quarter=f"2026Q{number}",
            year=2026,
            number=number,
            light="yellow",
            computed_light="yellow",
            inspected_on=datetime.date.fromisoformat(inspected),
        )
    _run("compute_grades", "2026")

    output = _run("explain_grade", cast.enterprise_a.credit_code.lower(), "2026")

    assert output.splitlines() == [
        "B → C：第一季度黄灯（2026-03-15 督查），第三季度黄灯（2026-09-20 督查）",
        "- 评估等级 B（R-GRADE-1）",
        "- 第一季度黄灯（2026-03-15 督查）（R-DOWNGRADE-1）",
        "- 第三季度黄灯（2026-09-20 督查）（R-DOWNGRADE-1）",
    ]


def test_explain_grade_of_an_unknown_enterprise_exits_1(cast):
    code, message, _ = _fails("explain_grade", "91330482MA2B3C4D5E", "2026")
    assert code == 1
    assert "没有统一社会信用代码为“91330482MA2B3C4D5E”的企业" in message


def test_explain_grade_of_a_year_without_a_grade_exits_1(cast):
    code, message, _ = _fails("explain_grade", cast.enterprise_a.credit_code, "2025")
    assert code == 1
    assert message == "甲一机械有限公司 没有 2025 年度的等级（请先运行 compute_grades 2025）。"


def test_explain_grade_of_a_bad_year_exits_1(cast):
    code, _, _ = _fails("explain_grade", cast.enterprise_a.credit_code, "2026Q1")
    assert code == 1

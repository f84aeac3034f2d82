"""Each problem file gives exactly these errors (sheet row, column as written, message) and imports nothing."""

from collections.abc import Callable
from pathlib import Path

import pytest

from liangpai.imports.services import IMPORT_COMMAND, check_import, run_import
from tests.imports.conftest import Counts

TOO_BIG_FLOAT = "该单元格是数字格式，超过15位的数字会丢失精度，请把这一列设为文本格式后重新填写。"
PHONE = "“{}”不像有效的电话号码：请填一个11位手机号，或带区号的固定电话（如 0573-85012345）。"

EXPECTED: dict[str, list[tuple[int | None, str, str]]] = {
    "bad_credit_code.xlsx": [
        (3, "统一社会信用代码", "校验位不符：按前17位计算，第18位应为“M”，这里是“A”。请核对是否有错抄的字符。"),
        (4, "统一社会信用代码", "统一社会信用代码应为18位，这里是17位。"),
        (
            5,
            "统一社会信用代码",
            "第12位“I”不是统一社会信用代码可用的字符（只用数字和除 I、O、S、V、Z 以外的大写字母）。",
        ),
        (6, "统一社会信用代码", "统一社会信用代码不能为空。"),
        (
            7,
            "统一社会信用代码",
            "校验位不符：按前17位计算，第18位应为“0”，这里是“2”。请核对是否有错抄的字符。" + TOO_BIG_FLOAT,
        ),
    ],
    "unknown_town.xlsx": [(4, "镇(街道)", "镇/街道“丙镇”不存在，请填写系统中已有的镇/街道名称。")],
    "district_not_in_town.xlsx": [
        (3, "片区", "片区“乙一片”不属于“甲镇”，而属于“乙街道”。请核对镇/街道或片区。"),
        (4, "片区", "“甲镇”没有名为“甲九片”的片区。"),
    ],
    "unknown_industry.xlsx": [
        (3, "行业", "行业“99”不在国民经济行业分类（GB/T 4754）中，请填写行业大类代码（如“34”）或其名称。"),
        (4, "行业", "行业“造船业”不在国民经济行业分类（GB/T 4754）中，请填写行业大类代码（如“34”）或其名称。"),
    ],
    "bad_scale.xlsx": [(3, "规模", "规模应填“规上”或“规下”，这里是“大型”。")],
    "bad_headcount.xlsx": [
        (3, "职工人数", "职工人数应为 0 到 1000000 之间的整数，这里是“-5”。"),
        (4, "职工人数", "职工人数应为 0 到 1000000 之间的整数，这里是“12.5”。"),
        (5, "职工人数", "职工人数应为 0 到 1000000 之间的整数，这里是“很多”。"),
    ],
    "bad_phone.xlsx": [
        (3, "工会主席电话", "工会主席电话" + PHONE.format("12345")),
        (4, "安全负责人电话", "安全负责人电话" + PHONE.format("1381234567")),
        (5, "安全负责人电话", "安全负责人电话" + PHONE.format("13812345678/13912345678")),
    ],
    "bad_coordinates.xlsx": [
        (3, "经度", "经度应是 73 到 136 之间的十进制度数，这里是“200”。"),
        (4, "纬度", "纬度应是 3 到 54 之间的十进制度数，这里是“95”。"),
        (5, "经度", "经度应是 73 到 136 之间的十进制度数，这里是“30.6978”。"),
        (5, "纬度", "纬度应是 3 到 54 之间的十进制度数，这里是“121.0153”。"),
        (6, "经度", "经度和纬度要同时填写。"),
    ],
    "missing_required.xlsx": [
        (3, "企业名称", "企业名称不能为空。"),
        (4, "镇(街道)", "镇(街道)不能为空。"),
        (4, "片区", "片区不能为空。"),
        (5, "行业", "行业不能为空。"),
        (5, "职工人数", "职工人数不能为空。"),
    ],
    "conflicting_duplicates.xlsx": [
        (
            5,
            "统一社会信用代码",
            "统一社会信用代码与第3行相同，但其他内容不同。同一企业只能出现一次，请核对后只保留一行。",
        ),
    ],
    "mixed_good_and_bad.xlsx": [(5, "规模", "规模应填“规上”或“规下”，这里是“中型”。")],
    "missing_columns.xlsx": [(2, "", "缺少必填列：“行业”、“规模”。请使用导入模板中的列名。")],
    "duplicate_columns.xlsx": [(2, "信用代码", "列“信用代码”与列“统一社会信用代码”重复，请只保留一列。")],
    "no_header.xlsx": [(None, "", "没有找到表头：前 10 行中没有“企业名称”“统一社会信用代码”等列名。请使用导入模板。")],
    "header_only.xlsx": [(None, "", "文件中没有企业数据（表头下面都是空行）。")],
}


def _errors(corpus: dict[str, Path], name: str, **kwargs: object) -> list[tuple[int | None, str, str]]:
    outcome = check_import(by=IMPORT_COMMAND, data=corpus[name].read_bytes(), filename=name, **kwargs)  # type: ignore[arg-type]
    return [(e.row, e.column, e.message) for e in outcome.errors]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_problem_file_reports_exactly_its_errors(world: object, corpus: dict[str, Path], name: str) -> None:
    assert _errors(corpus, name) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_file_with_any_error_imports_nothing(
    world: object, corpus: dict[str, Path], counts: Callable[[], Counts], name: str
) -> None:
    before = counts()
    outcome = run_import(by=IMPORT_COMMAND, data=corpus[name].read_bytes(), filename=name)
    assert not outcome.applied
    assert [(e.row, e.column, e.message) for e in outcome.errors] == EXPECTED[name]
    assert counts() == before


@pytest.mark.parametrize("name", ["bad_credit_code.xls", "bad_credit_code.csv"])
def test_row_numbers_and_messages_are_the_same_in_xls_and_gbk_csv(
    world: object, corpus: dict[str, Path], name: str
) -> None:
    errors = _errors(corpus, name)
    # The CSV holds the float as Python printed it (9.133…e+17), so only its check character differs.
    assert errors[:4] == EXPECTED["bad_credit_code.xlsx"][:4]
    assert errors[4][:2] == (7, "统一社会信用代码")
    assert errors[4][2].endswith(TOO_BIG_FLOAT)


def test_identical_duplicate_rows_collapse_with_a_note(world: object, corpus: dict[str, Path]) -> None:
    outcome = check_import(
        by=IMPORT_COMMAND, data=corpus["conflicting_duplicates.xlsx"].read_bytes(), filename="x.xlsx"
    )
    assert [(n.row, n.message) for n in outcome.plan.notes] == [(6, "第6行与第4行完全相同，已合并为一条。")]


def test_the_valid_rows_of_a_file_with_errors_are_not_imported(
    world: object, corpus: dict[str, Path], counts: Callable[[], Counts]
) -> None:
    before = counts()
    outcome = run_import(by=IMPORT_COMMAND, data=corpus["mixed_good_and_bad.xlsx"].read_bytes(), filename="mixed.xlsx")
    assert outcome.plan.create_count == 3  # three rows were fine …
    assert outcome.created == 0  # … and none of them was written
    assert counts() == before

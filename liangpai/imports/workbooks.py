"""The workbooks the import pages offer: a template to fill in, and a report of the errors found.

Written with xlsxwriter; every text cell is written as a string, so nothing a user typed
can become a formula when the file is opened (SECURITY.md T6).
"""

import io
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from liangpai.imports.columns import COLUMNS, EXAMPLE_MARK
from liangpai.regions.models import District, Town

_TEXT_COLUMNS = {"credit_code", "union_chair_phone", "safety_contact_phone", "industry"}


def template_workbook(*, towns: list[Town], districts: list[District], example_code: str) -> bytes:
    """The header row, one example row (marked, and refused if imported), and instructions."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    required = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "font_color": "#C00000"})
    text = book.add_format({"num_format": "@"})
    sheet = book.add_worksheet(_("企业名录"))
    town = towns[0].name if towns else "某某镇"
    district = next((d.name for d in districts if not towns or d.town_id == towns[0].pk), "某某片")
    example = {
        "name": _("%(mark)s，导入前请删除本行）某某机械有限公司") % {"mark": EXAMPLE_MARK},
        "credit_code": example_code,
        "town": town,
        "district": district,
        "address": _("某某路1号"),
        "industry": "34",
        "scale": "规上",
        "headcount": 120,
        "has_union": "是",
        "union_chair": "王某某",
        "union_chair_phone": "13800000000",
        "safety_contact": "李某某",
        "safety_contact_phone": "0573-85000000",
        "longitude": 121.015300,
        "latitude": 30.697800,
        "status": "在营",
    }
    for col, column in enumerate(COLUMNS):
        sheet.write_string(0, col, column.label, required if column.required else header)
        sheet.set_column(
            col,
            col,
            22 if column.field in ("name", "address", "credit_code") else 13,
            text if column.field in _TEXT_COLUMNS else None,
        )
        value = example[column.field]
        if isinstance(value, str):
            sheet.write_string(1, col, value)
        else:
            sheet.write_number(1, col, value)
    choices = {
        "scale": ["规上", "规下"],
        "has_union": ["是", "否"],
        "status": ["在营", "关停", "迁出"],
    }
    if towns and len(", ".join(t.name for t in towns)) < 250:
        choices["town"] = [t.name for t in towns]
    for col, column in enumerate(COLUMNS):
        if column.field in choices:
            sheet.data_validation(1, col, 20000, col, {"validate": "list", "source": choices[column.field]})
    sheet.freeze_panes(1, 0)

    notes = book.add_worksheet(_("填写说明"))
    notes.set_column(0, 0, 18)
    notes.set_column(1, 1, 8)
    notes.set_column(2, 2, 60)
    for col, title in enumerate([_("列名"), _("必填"), _("说明")]):
        notes.write_string(0, col, title, header)
    for row, column in enumerate(COLUMNS, start=1):
        notes.write_string(row, 0, column.label)
        notes.write_string(row, 1, _("是") if column.required else "")
        parts = [str(column.hint)] if column.hint else []
        if column.synonyms:
            parts.append(_("也可写作：%(names)s") % {"names": "、".join(column.synonyms[:3])})
        notes.write_string(row, 2, "；".join(parts))
    row = len(COLUMNS) + 2
    for line in (
        _("第一行是列名，从第二行起每行一家企业；表头上方可以有标题行。"),
        _("按统一社会信用代码新增或更新企业；空白的可选单元格不会清除已有信息。"),
        _("有任何错误时不会导入任何数据，请按错误报告改正后重新上传。"),
        _("示例行以“（示例”开头，导入前请删除。"),
    ):
        notes.write_string(row, 0, line)
        row += 1
    row += 1
    notes.write_string(row, 0, _("镇(街道)"), header)
    notes.write_string(row, 1, _("片区"), header)
    for town_obj in towns:
        row += 1
        notes.write_string(row, 0, town_obj.name)
        notes.write_string(row, 1, "、".join(d.name for d in districts if d.town_id == town_obj.pk))
    book.close()
    return buffer.getvalue()


def error_workbook(*, errors: list[dict[str, Any]], notes: list[dict[str, Any]], file_name: str) -> bytes:
    """The errors (row, column, problem) and notes of a checked file."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for title, issues in ((_("错误"), errors), (_("提示"), notes)):
        sheet = book.add_worksheet(title)
        sheet.write_string(0, 0, _("文件：%(name)s") % {"name": file_name})
        for col, name in enumerate([_("行号"), _("列"), _("问题")]):
            sheet.write_string(1, col, name, bold)
        sheet.set_column(0, 0, 8)
        sheet.set_column(1, 1, 20)
        sheet.set_column(2, 2, 90, wrap)
        for row, issue in enumerate(issues, start=2):
            if issue.get("row") is None:
                sheet.write_string(row, 0, _("整个文件"))
            else:
                sheet.write_number(row, 0, int(issue["row"]))
            sheet.write_string(row, 1, str(issue.get("column") or ""))
            sheet.write_string(row, 2, str(issue.get("message") or ""))
        sheet.freeze_panes(2, 0)
    book.close()
    return buffer.getvalue()

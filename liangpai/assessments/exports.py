"""The assessment list as .xlsx: one sheet of assessments, one of every answer (for the unions' analysis).

As in every export, user text is written as string cells, never formulas (SECURITY.md T6).
"""

import tempfile
from collections.abc import Iterable
from typing import IO, Any

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from liangpai.assessments.models import Assessment, AssessmentAnswer


def _cell(sheet: Any, row: int, col: int, value: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, int | float) and not isinstance(value, bool):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, str(value))


def _header(sheet: Any, titles: list[tuple[str, int]], bold: Any) -> None:
    for col, (title, width) in enumerate(titles):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, title, bold)
    sheet.freeze_panes(1, 0)


def _answer_value(answer: AssessmentAnswer) -> Any:
    if answer.item.is_veto:
        if answer.awarded is None:
            return ""
        return _("触发否决") if answer.veto_failed else _("符合")
    if answer.not_applicable:
        return _("不适用")
    return float(answer.awarded) if answer.awarded is not None else ""


def write_assessments_xlsx(*, assessments: Iterable[Assessment], out: IO[bytes]) -> int:
    """Write the assessments and their answers to `out`; returns the number of assessments written."""
    workbook = xlsxwriter.Workbook(
        out,
        {"constant_memory": True, "strings_to_formulas": False, "in_memory": False, "tmpdir": tempfile.gettempdir()},
    )
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    summary = workbook.add_worksheet(_("年度评估"))
    details = workbook.add_worksheet(_("逐项得分"))
    _header(
        summary,
        [
            (_("企业名称"), 36),
            (_("统一社会信用代码"), 22),
            (_("镇/街道"), 14),
            (_("规模"), 8),
            (_("年度"), 8),
            (_("状态"), 10),
            (_("已填项数"), 10),
            (_("总项数"), 10),
            (_("得分"), 8),
            (_("否决项"), 24),
            (_("评估日期"), 12),
            (_("评估人员"), 30),
            (_("评估意见"), 40),
        ],
        bold,
    )
    _header(
        details,
        [
            (_("企业名称"), 36),
            (_("统一社会信用代码"), 22),
            (_("项目代码"), 10),
            (_("评价内容"), 50),
            (_("分值"), 8),
            (_("得分"), 10),
            (_("说明"), 40),
            (_("照片数"), 8),
        ],
        bold,
    )
    count = detail_row = 0
    for count, a in enumerate(assessments, start=1):
        answers = list(a.answers.all())
        e = a.enterprise
        values = [
            e.name,
            e.credit_code,
            e.town.name,
            e.get_scale_display(),
            a.year,
            a.get_status_display(),
            sum(1 for x in answers if x.is_answered),
            len(answers),
            float(a.score) if a.score is not None else None,
            "、".join(x.item.code for x in answers if x.veto_failed),
            a.assessed_on.isoformat() if a.assessed_on else "",
            a.assessors,
            a.summary,
        ]
        for col, value in enumerate(values):
            _cell(summary, count, col, value)
        for answer in answers:
            detail_row += 1
            item = answer.item
            row = [e.name, e.credit_code, item.code, item.text, float(item.max_score), _answer_value(answer)]
            row += [answer.note, len(answer.photos.all())]
            for col, value in enumerate(row):
                _cell(details, detail_row, col, value)
    workbook.set_properties({"title": _("年度评估"), "created": timezone.now().replace(tzinfo=None)})
    workbook.close()
    return count

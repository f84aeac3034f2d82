"""Enterprise lists as .xlsx, written from a column spec.

Every user-entered value is written as a string cell, so text such as "=HYPERLINK(…)"
stays text and never becomes a formula (SECURITY.md T6). Phone numbers are masked
unless the user may reveal them for that enterprise (T2).
"""

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, Any

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from liangpai.core.access import Action, can
from liangpai.core.masking import mask_phone
from liangpai.enterprises.models import Enterprise


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Enterprise, bool], Any]
    width: int = 14


def _phone(attr: str) -> Callable[[Enterprise, bool], str]:
    def value(e: Enterprise, reveal: bool) -> str:
        number = getattr(e, attr)
        return number if reveal else mask_phone(number)

    return value


def columns() -> list[Column]:
    return [
        Column(_("企业名称"), lambda e, r: e.name, 36),
        Column(_("统一社会信用代码"), lambda e, r: e.credit_code, 22),
        Column(_("镇/街道"), lambda e, r: e.town.name),
        Column(_("片区"), lambda e, r: e.district.name),
        Column(_("行业代码"), lambda e, r: e.industry.code, 10),
        Column(_("行业"), lambda e, r: e.industry.name, 28),
        Column(_("规模"), lambda e, r: e.get_scale_display(), 8),
        Column(_("职工人数"), lambda e, r: e.headcount, 10),
        Column(_("已建工会"), lambda e, r: _("是") if e.has_union else _("否"), 10),
        Column(_("工会主席"), lambda e, r: e.union_chair),
        Column(_("工会主席电话"), _phone("union_chair_phone")),
        Column(_("安全负责人"), lambda e, r: e.safety_contact),
        Column(_("安全负责人电话"), _phone("safety_contact_phone")),
        Column(_("地址"), lambda e, r: e.address, 36),
        Column(_("经度"), lambda e, r: float(e.longitude) if e.longitude is not None else None, 12),
        Column(_("纬度"), lambda e, r: float(e.latitude) if e.latitude is not None else None, 12),
        Column(_("状态"), lambda e, r: e.get_status_display(), 8),
    ]


def write_enterprises_xlsx(*, user: Any, enterprises: Iterable[Enterprise], out: IO[bytes]) -> int:
    """Write the enterprises to `out` as one worksheet; returns the number of rows written."""
    workbook = xlsxwriter.Workbook(
        out,
        {"constant_memory": True, "strings_to_formulas": False, "in_memory": False, "tmpdir": tempfile.gettempdir()},
    )
    sheet = workbook.add_worksheet(_("企业名单"))
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    cols = columns()
    for c, col in enumerate(cols):
        sheet.set_column(c, c, col.width)
        sheet.write_string(0, c, col.title, bold)
    sheet.freeze_panes(1, 0)
    row = 0
    for row, e in enumerate(enterprises, start=1):
        reveal = can(user, Action.CONTACT_REVEAL, e)
        for c, col in enumerate(cols):
            value = col.value(e, reveal)
            if value is None or value == "":
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(row, c, value)
            else:
                sheet.write_string(row, c, str(value))
    workbook.set_properties({"title": _("企业名单"), "created": timezone.now().replace(tzinfo=None)})
    workbook.close()
    return row

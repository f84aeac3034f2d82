"""What a template must satisfy before it is activated, and what one item must satisfy always.

Shared by the services (which refuse) and the detail page (which shows what is left to do).
Messages are Chinese, for the city admin who edits the template.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from liangpai.checklists.models import ChecklistCategory, ChecklistItem, VetoKey

#: The scored items of an active template add up to this (MISSION.md R2: scores are out of 100).
TOTAL_SCORE = Decimal(100)
_STEP = Decimal("0.1")


def scored_total(items: Iterable[ChecklistItem]) -> Decimal:
    """The sum of the max scores of the items that are not veto items."""
    return sum((item.max_score for item in items if not item.is_veto), Decimal(0))


def item_errors(
    *,
    code: str,
    text: str,
    max_score: Decimal | None,
    guidance: str,
    evidence: str,
    is_veto: bool,
    veto_key: str,
    others: Iterable[ChecklistItem],
) -> dict[str, str]:
    """What is wrong with one item, by field; `others` are the template's other items."""
    errors: dict[str, str] = {}
    if not code:
        errors["code"] = _("请填写代码。")
    for field, value, message in (
        ("text", text, _("请填写评价内容。")),
        ("guidance", guidance, _("请填写评分标准。")),
        ("evidence", evidence, _("请填写评价方法。")),
    ):
        if not value:
            errors[field] = message
    if max_score is None or not max_score.is_finite():
        errors["max_score"] = _("请填写分值。")
    elif max_score < 0:
        errors["max_score"] = _("分值不能为负数。")
    elif max_score > TOTAL_SCORE:
        errors["max_score"] = _("分值不能超过100分。")
    elif max_score != max_score.quantize(_STEP):
        errors["max_score"] = _("分值最多保留一位小数。")
    elif is_veto and max_score != 0:
        errors["max_score"] = _("否决项不计分，分值须为0。")
    if is_veto and not veto_key:
        errors["veto_key"] = _("请选择否决情形。")
    elif not is_veto and veto_key:
        errors["veto_key"] = _("只有否决项才选择否决情形。")
    elif veto_key and veto_key not in VetoKey.values:
        errors["veto_key"] = _("没有这种否决情形。")
    for other in others:
        if code and other.code == code:
            errors.setdefault("code", _("代码“%(code)s”在本模板中已被使用。") % {"code": code})
        if "veto_key" not in errors and veto_key and other.veto_key == veto_key:
            errors["veto_key"] = _("“%(veto)s”已是项目%(code)s的否决情形。") % {
                "veto": VetoKey(veto_key).label,
                "code": other.code,
            }
    return errors


def activation_problems(categories: Sequence[tuple[ChecklistCategory, Sequence[ChecklistItem]]]) -> list[str]:
    """Why a template with these categories (and their items) cannot be activated yet; [] when it can."""
    items = [item for _category, category_items in categories for item in category_items]
    if not items:
        return [_("模板中还没有评价项目。")]
    problems = [
        _("类别“%(category)s”中还没有评价项目。") % {"category": category.name}
        for category, category_items in categories
        if not category_items
    ]
    total = scored_total(items)
    if total != TOTAL_SCORE:
        problems.append(_("评分项的分值合计为%(total)s分，须为100分。") % {"total": _number(total)})
    if not any(not item.is_veto for item in items):
        problems.append(_("模板中至少要有一个评分项。"))
    scored_vetoes = [item.code for item in items if item.is_veto and item.max_score != 0]
    if scored_vetoes:
        problems.append(_("否决项%(codes)s不计分，分值须为0。") % {"codes": _join(scored_vetoes)})
    duplicates = sorted(code for code, n in Counter(item.code for item in items).items() if n > 1)
    if duplicates:
        problems.append(_("代码%(codes)s重复，同一模板中的代码不能相同。") % {"codes": _join(duplicates)})
    return problems


def _number(value: Decimal) -> str:
    """100.0 → "100", 12.5 → "12.5"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _join(codes: Iterable[Any]) -> str:
    return pgettext("list separator", "、").join(str(c) for c in codes)

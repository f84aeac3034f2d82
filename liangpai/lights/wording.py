"""The reasons of lights and grades in the interface language.

`rules.grading.explain_reason` writes a grade's reasons in Chinese, for the command line
and stored documents. Pages follow the user's language, so they render the same
structured reasons through the catalogue; in Chinese the words are exactly the rules'
own (tests/lights/test_wording.py holds them equal), so a page and `explain_grade`
never disagree.
"""

from django.utils.translation import gettext as _

from liangpai.rules.lights import LightReason, LightReasonKind


def quarter_name(number: int) -> str:
    return {1: _("第一季度"), 2: _("第二季度"), 3: _("第三季度"), 4: _("第四季度")}.get(number, str(number))


def light_reason_text(reason: LightReason) -> str:
    """R-LIGHT-1 … 10: why a light is what it is, in a few words."""
    count = {"count": reason.count}
    match reason.kind:
        case LightReasonKind.MAJOR_HAZARDS:
            return _("重大隐患 %(count)s 项") % count
        case LightReasonKind.REFUSED_INSPECTION:
            return _("拒绝督查")
        case LightReasonKind.REFUSED_LETTER:
            return _("拒收意见书")
        case LightReasonKind.ACCIDENTS:
            return _("事故 %(count)s 起") % count
        case LightReasonKind.GENERAL_HAZARDS_NOT_FIXED_ON_SPOT:
            return _("一般隐患未当场整改 %(count)s 项") % count
        case LightReasonKind.OVERDUE_LETTERS:
            return _("意见书逾期 %(count)s 份") % count
        case LightReasonKind.OVERDUE_HAZARD_REPORTS:
            return _("随手拍隐患逾期未整改 %(count)s 件") % count
        case LightReasonKind.CLEAN_INSPECTION:
            return _("已督查，未发现问题")
        case LightReasonKind.NOT_INSPECTED:
            return _("本季度未督查")
        case LightReasonKind.MANUAL_OVERRIDE:
            return _("人工调整：%(reason)s") % {"reason": reason.note}
    raise AssertionError(reason.kind)  # pragma: no cover

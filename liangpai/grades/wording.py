"""The reasons of a grade in the interface language (see liangpai/lights/wording.py)."""

import datetime

from django.utils.translation import gettext as _

from liangpai.lights.wording import quarter_name
from liangpai.rules.grading import Reason, ReasonKind
from liangpai.rules.periods import Quarter


def grade_reason_text(reason: Reason) -> str:
    """R-DOWNGRADE-5: one reason of a grade, as `rules.grading.explain_reason` words it, translated."""
    params = reason.params
    match reason.kind:
        case ReasonKind.RED_LIGHT | ReasonKind.YELLOW_LIGHT:
            quarter = params["quarter"]
            name = quarter_name(quarter.number) if isinstance(quarter, Quarter) else str(quarter)
            inspected_on = params.get("inspected_on")
            red = reason.kind is ReasonKind.RED_LIGHT
            if isinstance(inspected_on, datetime.date):
                text = _("%(quarter)s红灯（%(date)s 督查）") if red else _("%(quarter)s黄灯（%(date)s 督查）")
                return text % {"quarter": name, "date": inspected_on.isoformat()}
            return (_("%(quarter)s红灯") if red else _("%(quarter)s黄灯")) % {"quarter": name}
        case ReasonKind.SCORE_BAND:
            return _("评估得分 %(score)s，%(grade)s 级") % {"score": params["score"], "grade": params["grade"]}
        case ReasonKind.GIVEN_GRADE:
            return _("评估等级 %(grade)s") % {"grade": params["grade"]}
        case ReasonKind.NOT_ASSESSED:
            return _("未开展年度评估")
        case ReasonKind.VETO:
            return _("否决项“%(item)s”") % {"item": params["item"]}
        case ReasonKind.AT_FLOOR:
            return _("已是最低等级 %(floor)s，不再降级") % {"floor": params["floor"]}
        case ReasonKind.PLAQUE_UNCHANGED:
            return _("年度中途不换牌")
    raise AssertionError(reason.kind)  # pragma: no cover

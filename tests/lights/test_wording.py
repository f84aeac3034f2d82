"""Pages word a grade's reasons through the catalogue; in Chinese they read exactly as rules.grading words them."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from liangpai.grades.wording import grade_reason_text
from liangpai.lights.wording import light_reason_text
from liangpai.rules.grading import Reason, ReasonKind, explain_reason
from liangpai.rules.lights import Light, LightReason, LightReasonKind
from liangpai.rules.periods import Quarter
from liangpai.rules.ruleset import Grade

REASONS = [
    Reason(ReasonKind.SCORE_BAND, "R-GRADE-1", {"score": Decimal("85.0"), "grade": Grade.B}),
    Reason(ReasonKind.GIVEN_GRADE, "R-GRADE-1", {"grade": Grade.A}),
    Reason(ReasonKind.NOT_ASSESSED, "R-GRADE-2"),
    Reason(ReasonKind.VETO, "R-GRADE-3", {"item": "拒绝督查"}),
    Reason(
        ReasonKind.RED_LIGHT, "R-DOWNGRADE-1", {"quarter": Quarter(2026, 3), "inspected_on": datetime.date(2026, 8, 3)}
    ),
    Reason(ReasonKind.RED_LIGHT, "R-DOWNGRADE-1", {"quarter": Quarter(2026, 1)}),
    Reason(
        ReasonKind.YELLOW_LIGHT,
        "R-DOWNGRADE-1",
        {"quarter": Quarter(2026, 2), "inspected_on": datetime.date(2026, 5, 12)},
    ),
    Reason(ReasonKind.YELLOW_LIGHT, "R-DOWNGRADE-1", {"quarter": Quarter(2026, 4)}),
    Reason(ReasonKind.AT_FLOOR, "R-DOWNGRADE-3", {"floor": Grade.D}),
    Reason(ReasonKind.PLAQUE_UNCHANGED, "R-DOWNGRADE-6"),
]


def test_every_kind_of_reason_is_covered():
    assert {reason.kind for reason in REASONS} == set(ReasonKind)


@pytest.mark.parametrize("reason", REASONS, ids=lambda r: r.kind.value)
def test_in_chinese_a_page_words_a_reason_as_the_rules_do(reason):
    with translation.override("zh-hans"):
        assert grade_reason_text(reason) == explain_reason(reason)


def test_in_english_a_reason_is_english():
    with translation.override("en"):
        assert grade_reason_text(REASONS[4]) == "Q3 red light (inspected 2026-08-03)"
        assert grade_reason_text(REASONS[0]) == "assessment score 85.0, grade B"


@pytest.mark.parametrize("kind", list(LightReasonKind))
def test_every_light_reason_has_words_in_both_languages(kind):
    reason = LightReason("R-LIGHT-1", kind, Light.RED, count=2, note="补录")
    with translation.override("zh-hans"):
        chinese = light_reason_text(reason)
    with translation.override("en"):
        english = light_reason_text(reason)
    assert chinese
    assert english
    assert chinese != english

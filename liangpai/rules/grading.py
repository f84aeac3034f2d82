"""The annual grade (分级亮牌) and its downgrade (降级) (rules R-GRADE-1 … 3, R-DOWNGRADE-1 … 6).

The base grade comes from the assessment score's band, or is given (imported history),
or is missing — ungraded (未评级), never silently A. A failed veto item gives D. Then
the calendar year's quarterly lights may take it down: ≥ 1 red or ≥ 2 yellow → one
level (MISSION.md R6). Every result carries structured reasons, and `explain` renders
them as one line of Chinese, e.g. `B → C：第一季度黄灯（2026-03-15 督查），第三季度黄灯（2026-09-20 督查）`.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from liangpai.rules.lights import Light
from liangpai.rules.periods import Quarter, Year
from liangpai.rules.ruleset import Grade, Ruleset
from liangpai.rules.scoring import HUNDRED, SCORE_STEP

__all__ = [
    "Grade",
    "GradeResult",
    "GradingError",
    "QuarterLight",
    "Reason",
    "ReasonKind",
    "annual_grade",
    "downgrade_levels",
    "explain",
    "explain_reason",
    "grade_for_score",
    "posted_grade",
]


def grade_for_score(score: Decimal | None, ruleset: Ruleset) -> Grade | None:
    """R-GRADE-1 / R-GRADE-2: the band a normalised score falls in; None (ungraded) for no score.

    Bands are read on the score as rounded for display (R-SCORE-1), so the grade always
    agrees with the score shown: 89.95 is shown as 90.0 and is an A. A score that is not
    a number from 0 to 100 is a GradingError "score_out_of_range".
    """
    if score is None:
        return None
    return _band(score, ruleset)


def _band(score: Decimal, ruleset: Ruleset) -> Grade:
    if not isinstance(score, Decimal) or not score.is_finite() or not 0 <= score <= HUNDRED:
        raise GradingError("score_out_of_range", score=str(score))
    shown = score.quantize(SCORE_STEP, rounding=ROUND_HALF_UP)
    for grade, minimum in ruleset.bands:
        if shown >= minimum:
            return grade
    return Grade.D


@dataclass(frozen=True)
class QuarterLight:
    """R-DOWNGRADE-1: a quarter's light as the grade sees it, with the inspection date to show."""

    quarter: Quarter
    light: Light
    inspected_on: datetime.date | None = None


class ReasonKind(StrEnum):
    SCORE_BAND = "score_band"
    GIVEN_GRADE = "given_grade"
    NOT_ASSESSED = "not_assessed"
    VETO = "veto"
    RED_LIGHT = "red_light"
    YELLOW_LIGHT = "yellow_light"
    AT_FLOOR = "at_floor"
    PLAQUE_UNCHANGED = "plaque_unchanged"


ReasonParam = str | int | Decimal | datetime.date | Quarter | Grade


@dataclass(frozen=True)
class Reason:
    """One step of a grade's explanation: what happened, the rule, and the values to show.

    params by kind: SCORE_BAND {score, grade}; GIVEN_GRADE {grade}; VETO {item};
    RED_LIGHT / YELLOW_LIGHT {quarter, inspected_on (when known)}; AT_FLOOR {floor};
    NOT_ASSESSED and PLAQUE_UNCHANGED none.
    """

    kind: ReasonKind
    rule: str
    params: dict[str, ReasonParam] = field(default_factory=dict, hash=False)


_CHANGING_KINDS = frozenset({ReasonKind.VETO, ReasonKind.RED_LIGHT, ReasonKind.YELLOW_LIGHT})


@dataclass(frozen=True)
class GradeResult:
    """R-DOWNGRADE-5: the final grade, the base it started from, and why.

    `final` and `base` are None when ungraded (未评级). `ruleset_version` is stored with
    the result so it can be recomputed and explained later.
    """

    year: Year
    final: Grade | None
    base: Grade | None
    reasons: tuple[Reason, ...]
    ruleset_version: str

    @property
    def is_graded(self) -> bool:
        """R-GRADE-2: False when the result is 未评级."""
        return self.final is not None

    @property
    def levels_down(self) -> int:
        """R-DOWNGRADE-1: levels the final grade is below the base (0 for a veto on an ungraded base)."""
        if self.final is None or self.base is None:
            return 0
        return self.final.rank - self.base.rank


class GradingError(ValueError):
    """Input a grade cannot be computed from; `code`: "score_out_of_range", "other_year"
    (a light of another year) or "duplicate_quarter" (a quarter given twice)."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params


def _checked_lights(year: Year, lights: Sequence[QuarterLight]) -> list[QuarterLight]:
    seen: set[Quarter] = set()
    for entry in lights:
        if entry.quarter.year != year.value:
            raise GradingError("other_year", quarter=str(entry.quarter), year=str(year))
        if entry.quarter in seen:
            raise GradingError("duplicate_quarter", quarter=str(entry.quarter))
        seen.add(entry.quarter)
    return sorted(lights, key=lambda entry: entry.quarter)


def downgrade_levels(reds: int, yellows: int, ruleset: Ruleset) -> int:
    """R-DOWNGRADE-1 / R-DOWNGRADE-2: how many levels a year's red and yellow lights take off.

    Without stacking (the default): 1 when reds ≥ `downgrade_reds` or yellows ≥
    `downgrade_yellows`, else 0. With stacking, one level per trigger: each full
    `downgrade_reds` reds and each full `downgrade_yellows` yellows (2 reds and 4
    yellows with the default counts: 4 levels, stopped by the floor). Quarters 未检
    count for neither.
    """
    red_triggers = reds // ruleset.downgrade_reds
    yellow_triggers = yellows // ruleset.downgrade_yellows
    if ruleset.downgrade_stacking:
        return red_triggers + yellow_triggers
    return 1 if red_triggers or yellow_triggers else 0


def _light_reason(entry: QuarterLight) -> Reason:
    kind = ReasonKind.RED_LIGHT if entry.light is Light.RED else ReasonKind.YELLOW_LIGHT
    params: dict[str, ReasonParam] = {"quarter": entry.quarter}
    if entry.inspected_on is not None:
        params["inspected_on"] = entry.inspected_on
    return Reason(kind, "R-DOWNGRADE-1", params)


def _downgraded(
    year: Year, base: Grade, base_reasons: list[Reason], lights: list[QuarterLight], ruleset: Ruleset
) -> GradeResult:
    counted = [entry for entry in lights if entry.light in (Light.RED, Light.YELLOW)]
    reds = sum(entry.light is Light.RED for entry in counted)
    levels = downgrade_levels(reds, len(counted) - reds, ruleset)
    if levels == 0:
        return GradeResult(year, base, base, tuple(base_reasons), ruleset.version)
    triggering = [_light_reason(entry) for entry in counted]
    final = base.lowered(levels, ruleset.downgrade_floor)
    if final is base:
        triggering.append(Reason(ReasonKind.AT_FLOOR, "R-DOWNGRADE-3", {"floor": ruleset.downgrade_floor}))
    return GradeResult(year, final, base, (*base_reasons, *triggering), ruleset.version)


def annual_grade(
    *,
    year: Year,
    base: Grade | Decimal | None,
    lights: Sequence[QuarterLight],
    ruleset: Ruleset,
    failed_vetoes: Sequence[str] = (),
) -> GradeResult:
    """R-GRADE-1 … R-GRADE-3, R-DOWNGRADE-1 … R-DOWNGRADE-4: the year's annual grade.

    `base` is the assessment's normalised score (its band gives the base grade), a grade
    given without a score (imported history), or None when the enterprise was not
    assessed. `lights` are that year's quarters, in any order, each at most once;
    missing quarters count as 未检. `failed_vetoes` names the failed veto items.

    Order of the rules: a failed veto gives D directly, even without an assessment —
    the veto facts are known (R-GRADE-3); otherwise an ungraded enterprise stays
    ungraded whatever its lights (R-DOWNGRADE-4); otherwise the lights may take the
    base grade down (R-DOWNGRADE-1 … 3). Raises GradingError for lights of another year
    or a quarter given twice.
    """
    checked = _checked_lights(year, lights)
    base_grade: Grade | None
    base_reasons: list[Reason]
    if isinstance(base, Decimal):
        base_grade = _band(base, ruleset)
        base_reasons = [Reason(ReasonKind.SCORE_BAND, "R-GRADE-1", {"score": base, "grade": base_grade})]
    elif base is None:
        base_grade, base_reasons = None, [Reason(ReasonKind.NOT_ASSESSED, "R-GRADE-2")]
    else:
        base_grade, base_reasons = base, [Reason(ReasonKind.GIVEN_GRADE, "R-GRADE-1", {"grade": base})]

    if failed_vetoes:
        vetoes = [Reason(ReasonKind.VETO, "R-GRADE-3", {"item": item}) for item in failed_vetoes]
        return GradeResult(year, Grade.D, base_grade, (*base_reasons, *vetoes), ruleset.version)
    if base_grade is None:
        return GradeResult(year, None, None, tuple(base_reasons), ruleset.version)
    return _downgraded(year, base_grade, base_reasons, checked, ruleset)


def posted_grade(
    *, published: Grade | None, year: Year, lights_so_far: Sequence[QuarterLight], ruleset: Ruleset
) -> GradeResult:
    """R-DOWNGRADE-6: the plaque to post during `year`, while its annual grade is not yet out.

    The posted plaque is the last published annual grade. By default
    (`plaque_changes_mid_year` False) it stays until the next annual grade; with the
    setting on, the lights of `year` so far take it down as they would the annual grade.
    """
    checked = _checked_lights(year, lights_so_far)
    if published is None:
        return GradeResult(year, None, None, (Reason(ReasonKind.NOT_ASSESSED, "R-GRADE-2"),), ruleset.version)
    given = [Reason(ReasonKind.GIVEN_GRADE, "R-GRADE-1", {"grade": published})]
    if not ruleset.plaque_changes_mid_year:
        unchanged = Reason(ReasonKind.PLAQUE_UNCHANGED, "R-DOWNGRADE-6")
        return GradeResult(year, published, published, (*given, unchanged), ruleset.version)
    return _downgraded(year, published, given, checked, ruleset)


# --- Chinese text: every sentence the rules produce is written below, and nowhere else. ---

_QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
_LIGHT_NAMES = {ReasonKind.RED_LIGHT: "红灯", ReasonKind.YELLOW_LIGHT: "黄灯"}
UNGRADED_LABEL = "未评级"


def explain_reason(reason: Reason) -> str:
    """R-DOWNGRADE-5: one reason in Chinese, e.g. `第一季度黄灯（2026-03-15 督查）`."""
    params = reason.params
    match reason.kind:
        case ReasonKind.RED_LIGHT | ReasonKind.YELLOW_LIGHT:
            quarter = params["quarter"]
            number = quarter.number if isinstance(quarter, Quarter) else 0
            text = _QUARTER_NAMES.get(number, str(quarter)) + _LIGHT_NAMES[reason.kind]
            inspected_on = params.get("inspected_on")
            if isinstance(inspected_on, datetime.date):
                text += f"（{inspected_on.isoformat()} 督查）"
            return text
        case ReasonKind.SCORE_BAND:
            return f"评估得分 {params['score']}，{params['grade']} 级"
        case ReasonKind.GIVEN_GRADE:
            return f"评估等级 {params['grade']}"
        case ReasonKind.NOT_ASSESSED:
            return "未开展年度评估"
        case ReasonKind.VETO:
            return f"否决项“{params['item']}”"
        case ReasonKind.AT_FLOOR:
            return f"已是最低等级 {params['floor']}，不再降级"
        case ReasonKind.PLAQUE_UNCHANGED:
            return "年度中途不换牌"
    raise AssertionError(reason.kind)  # pragma: no cover


def explain(result: GradeResult) -> str:
    """R-DOWNGRADE-5: the grade in one line of Chinese.

    A changed grade shows the change and only what changed it:
    `B → C：第一季度黄灯（2026-03-15 督查），第三季度黄灯（2026-09-20 督查）`.
    An unchanged grade shows where it came from: `B：评估得分 85.0，B 级；未降级`.
    """
    before = result.base.value if result.base is not None else UNGRADED_LABEL
    after = result.final.value if result.final is not None else UNGRADED_LABEL
    changing = [r for r in result.reasons if r.kind in _CHANGING_KINDS]
    at_floor = [r for r in result.reasons if r.kind is ReasonKind.AT_FLOOR]
    if before != after:
        return f"{before} → {after}：" + "，".join(explain_reason(r) for r in changing)
    if changing:
        return f"{after}：" + "，".join(explain_reason(r) for r in (*changing, *at_floor))
    source = "，".join(explain_reason(r) for r in result.reasons)
    if result.final is None or any(r.kind is ReasonKind.PLAQUE_UNCHANGED for r in result.reasons):
        return f"{after}：{source}"
    return f"{after}：{source}；未降级"

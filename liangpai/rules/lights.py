"""The quarterly light (季度亮灯) from a quarter's facts (rules R-LIGHT-1 … R-LIGHT-10, MISSION.md R4).

Facts in, light out. The fact builder of the ratings app gathers, for one enterprise and
one quarter, what the inspections, letters, hazard reports and accident records say;
this module decides the colour and says which rules decided it.
"""

import datetime
from dataclasses import dataclass, fields
from enum import StrEnum

from liangpai.rules.periods import Quarter
from liangpai.rules.ruleset import LightThresholds, Ruleset


class Light(StrEnum):
    """R-LIGHT-1: green, yellow, red, or 未检 (not inspected — not a colour, and not green)."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    NOT_INSPECTED = "not_inspected"

    @property
    def severity(self) -> int:
        """R-LIGHT-1: 0 for green and 未检, 1 for yellow, 2 for red — how bad the known facts are."""
        return {Light.RED: 2, Light.YELLOW: 1}.get(self, 0)


class LightReasonKind(StrEnum):
    MAJOR_HAZARDS = "major_hazards"
    REFUSED_INSPECTION = "refused_inspection"
    REFUSED_LETTER = "refused_letter"
    ACCIDENTS = "accidents"
    GENERAL_HAZARDS_NOT_FIXED_ON_SPOT = "general_hazards_not_fixed_on_spot"
    OVERDUE_LETTERS = "overdue_letters"
    OVERDUE_HAZARD_REPORTS = "overdue_hazard_reports"
    CLEAN_INSPECTION = "clean_inspection"
    NOT_INSPECTED = "not_inspected"
    MANUAL_OVERRIDE = "manual_override"


@dataclass(frozen=True)
class LightReason:
    """Why a light is what it is: the rule, what it looked at, how many, and the light it leads to.

    `note` carries the operator's reason for a manual override (R-LIGHT-10), else "".
    """

    rule: str
    kind: LightReasonKind
    light: Light
    count: int = 0
    note: str = ""


class FactsError(ValueError):
    """Impossible facts; `code`: "negative_count", "not_a_count", "date_without_inspection"."""

    def __init__(self, code: str, name: str) -> None:
        super().__init__(f"{code}: {name}")
        self.code = code
        self.name = name


@dataclass(frozen=True)
class QuarterFacts:
    """What is known about one enterprise in one quarter.

    `inspected` — at least one inspection took place; `inspected_on` — the date shown in
    explanations (the fact builder passes the last inspection of the quarter).
    Hazard findings are counted by grade (一般 general / 重大 major); general ones by
    whether they were fixed on the spot (当场整改). `overdue_letters` — opinion letters
    whose reply deadline passed in the quarter without a reply; `overdue_hazard_reports`
    — verified hazard reports (随手拍) not rectified by their deadline.
    """

    quarter: Quarter
    inspected: bool = False
    inspected_on: datetime.date | None = None
    general_hazards_fixed_on_spot: int = 0
    general_hazards_not_fixed_on_spot: int = 0
    major_hazards: int = 0
    refused_inspection: bool = False
    refused_letter: bool = False
    accidents: int = 0
    overdue_letters: int = 0
    overdue_hazard_reports: int = 0

    def __post_init__(self) -> None:
        if self.inspected_on is not None and not self.inspected:
            raise FactsError("date_without_inspection", "inspected_on")
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type is int:
                if isinstance(value, bool) or not isinstance(value, int):
                    raise FactsError("not_a_count", f.name)
                if value < 0:
                    raise FactsError("negative_count", f.name)


@dataclass(frozen=True)
class LightResult:
    """R-LIGHT-1: the light and every rule that applied, red reasons first."""

    light: Light
    reasons: tuple[LightReason, ...]
    overridden_from: Light | None = None


def _red_reasons(facts: QuarterFacts, limits: LightThresholds) -> list[LightReason]:
    reasons = []
    if facts.major_hazards >= limits.red_major_hazards:
        reasons.append(LightReason("R-LIGHT-2", LightReasonKind.MAJOR_HAZARDS, Light.RED, facts.major_hazards))
    if limits.red_on_refusal and facts.refused_inspection:
        reasons.append(LightReason("R-LIGHT-3", LightReasonKind.REFUSED_INSPECTION, Light.RED, 1))
    if limits.red_on_refusal and facts.refused_letter:
        reasons.append(LightReason("R-LIGHT-3", LightReasonKind.REFUSED_LETTER, Light.RED, 1))
    if facts.accidents >= limits.red_accidents:
        reasons.append(LightReason("R-LIGHT-4", LightReasonKind.ACCIDENTS, Light.RED, facts.accidents))
    return reasons


def _yellow_reasons(facts: QuarterFacts, limits: LightThresholds) -> list[LightReason]:
    reasons = []
    unfixed = facts.general_hazards_not_fixed_on_spot
    if unfixed >= limits.yellow_general_hazards_not_fixed_on_spot:
        reasons.append(
            LightReason("R-LIGHT-5", LightReasonKind.GENERAL_HAZARDS_NOT_FIXED_ON_SPOT, Light.YELLOW, unfixed)
        )
    if facts.overdue_letters >= limits.yellow_overdue_letters:
        reasons.append(LightReason("R-LIGHT-6", LightReasonKind.OVERDUE_LETTERS, Light.YELLOW, facts.overdue_letters))
    if facts.overdue_hazard_reports >= limits.yellow_overdue_hazard_reports:
        reasons.append(
            LightReason("R-LIGHT-7", LightReasonKind.OVERDUE_HAZARD_REPORTS, Light.YELLOW, facts.overdue_hazard_reports)
        )
    return reasons


def quarter_light(facts: QuarterFacts, ruleset: Ruleset) -> LightResult:
    """R-LIGHT-1 … R-LIGHT-9: the quarter's light.

    Red when any red rule applies (R-LIGHT-2/3/4), else yellow when any yellow rule
    applies (R-LIGHT-5/6/7), else green if the enterprise was inspected (R-LIGHT-8),
    else 未检 (R-LIGHT-9). Facts count even without an inspection: an accident in an
    uninspected quarter is red, an overdue letter yellow — only a quarter with no
    inspection and nothing wrong is 未检. Every applicable reason is listed, so a red
    quarter also shows its yellow facts.
    """
    limits = ruleset.lights
    reasons = _red_reasons(facts, limits) + _yellow_reasons(facts, limits)
    if reasons:
        return LightResult(reasons[0].light, tuple(reasons))
    if facts.inspected:
        clean = LightReason(
            "R-LIGHT-8", LightReasonKind.CLEAN_INSPECTION, Light.GREEN, facts.general_hazards_fixed_on_spot
        )
        return LightResult(Light.GREEN, (clean,))
    return LightResult(
        Light.NOT_INSPECTED, (LightReason("R-LIGHT-9", LightReasonKind.NOT_INSPECTED, Light.NOT_INSPECTED),)
    )


class OverrideError(ValueError):
    """R-LIGHT-10: a manual override without a reason; `code` is "reason_required"."""

    code = "reason_required"


def override_light(computed: LightResult, light: Light, *, reason: str) -> LightResult:
    """R-LIGHT-10: an operator sets the light by hand; the reason is required and kept.

    The computed reasons stay, after the override, so the record shows both what the
    facts said and what was decided. Recording who did it is the caller's audit log.
    """
    note = reason.strip() if isinstance(reason, str) else ""
    if not note:
        raise OverrideError("a manual override needs a reason")
    manual = LightReason("R-LIGHT-10", LightReasonKind.MANUAL_OVERRIDE, light, note=note)
    return LightResult(light, (manual, *computed.reasons), overridden_from=computed.light)

"""Panels of the enterprise page that read across apps: its lights, grades and interviews by year,
with links to the assessment a grade's base came from."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from liangpai.assessments.sources import assessment_id_of
from liangpai.core.access import Action, can
from liangpai.enterprises.models import Enterprise
from liangpai.grades.models import AnnualGrade
from liangpai.grades.wording import grade_reason_text
from liangpai.interviews.models import WarningInterview
from liangpai.lights.models import QuarterLight
from liangpai.lights.selectors import light_reasons
from liangpai.rules import codec

#: Years of lights and grades shown on an enterprise's page.
PANEL_YEARS = 5


@dataclass
class LightCell:
    row: QuarterLight
    reasons: list[str]
    interview: WarningInterview | None


@dataclass
class GradeCell:
    row: AnnualGrade
    base: str | None
    changed: bool
    reasons: list[str]
    assessment_id: int | None = None  # the published assessment the base score came from


@dataclass
class YearRow:
    year: int
    quarters: list[LightCell | None] = field(default_factory=lambda: [None, None, None, None])
    grade: GradeCell | None = None


@dataclass
class RatingsPanel:
    years: list[YearRow]
    published_only: bool
    can_override: bool
    can_view_interviews: bool
    can_view_assessments: bool = False


def _light_cell(row: QuarterLight) -> LightCell:
    return LightCell(row=row, reasons=light_reasons(row), interview=getattr(row, "interview", None))


def _grade_cell(row: AnnualGrade) -> GradeCell:
    reasons = codec.grade_reasons_from_json(row.reasons)
    return GradeCell(
        row=row,
        base=row.base_grade,
        changed=row.base_grade != row.final_grade,
        reasons=[grade_reason_text(reason) for reason in reasons],
        assessment_id=assessment_id_of(str(((row.facts or {}).get("base") or {}).get("source") or "")),
    )


def enterprise_ratings(*, user: Any, enterprise: Enterprise, today: datetime.date) -> RatingsPanel:
    """The enterprise's lights by quarter and grades by year for the last PANEL_YEARS years, newest first (two queries)."""
    since = today.year - PANEL_YEARS + 1
    published_only = not can(user, Action.RATINGS_VIEW, enterprise)
    lights = QuarterLight.objects.filter(enterprise=enterprise, year__gte=since).select_related("interview")
    grades = AnnualGrade.objects.filter(enterprise=enterprise, year__gte=since)
    if published_only:
        lights, grades = lights.filter(is_published=True), grades.filter(is_published=True)
    years: dict[int, YearRow] = {}
    for grade in grades:
        years.setdefault(grade.year, YearRow(grade.year)).grade = _grade_cell(grade)
    for light in lights:
        years.setdefault(light.year, YearRow(light.year)).quarters[light.number - 1] = _light_cell(light)
    return RatingsPanel(
        years=sorted(years.values(), key=lambda y: y.year, reverse=True),
        published_only=published_only,
        can_override=can(user, Action.LIGHT_OVERRIDE, enterprise),
        can_view_interviews=can(user, Action.INTERVIEW_VIEW, enterprise),
        can_view_assessments=can(user, Action.ASSESSMENT_VIEW, enterprise),
    )

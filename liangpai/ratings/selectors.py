"""Reads of lights, grades and interviews: scoped through `core.access`, with their related rows joined.

Unpublished results are the program's working data: the offices that run it and the
field roles see them; an enterprise contact sees only what has been published.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from liangpai.assessments.sources import assessment_id_of
from liangpai.core.access import Action, can, enterprises_visible_to
from liangpai.enterprises.models import Enterprise
from liangpai.ratings import codec
from liangpai.ratings.models import AnnualGrade, QuarterLight, WarningInterview
from liangpai.ratings.wording import grade_reason_text, light_reason_text

#: Years of lights and grades shown on an enterprise's page.
PANEL_YEARS = 5


# --- the enterprise page's panel --------------------------------------------------------


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


# --- lights ---------------------------------------------------------------------------


def get_light_for_user_or_404(user: Any, pk: int, action: Action) -> QuarterLight:
    """A light of an enterprise `user` may see (else 404), which they may take `action` on (else 403)."""
    try:
        light = (
            QuarterLight.objects.select_related("enterprise", "enterprise__town")
            .filter(enterprise__in=enterprises_visible_to(user))
            .get(pk=pk)
        )
    except QuarterLight.DoesNotExist as exc:
        raise Http404 from exc
    if not can(user, action, light.enterprise):
        raise PermissionDenied
    return light


def light_reasons(light: QuarterLight) -> list[str]:
    return [light_reason_text(reason) for reason in codec.light_reasons_from_json(light.reasons)]


# --- interviews -----------------------------------------------------------------------


def interviews_visible_to(user: Any, action: Action = Action.INTERVIEW_VIEW) -> QuerySet[WarningInterview]:
    """The interviews of the enterprises `user` may take `action` on (the scoping rule of `core.access`)."""
    return WarningInterview.objects.filter(enterprise__in=enterprises_visible_to(user, action))


def get_interview_for_user_or_404(user: Any, pk: int, action: Action) -> WarningInterview:
    try:
        interview = (
            interviews_visible_to(user).select_related("enterprise", "town", "quarter_light", "recorded_by").get(pk=pk)
        )
    except WarningInterview.DoesNotExist as exc:
        raise Http404 from exc
    if not can(user, action, interview.enterprise):
        raise PermissionDenied
    return interview


@dataclass(frozen=True)
class InterviewFilters:
    status: str = ""  # "due", "overdue", "held", "cancelled", or "" for all
    quarter: str = ""
    town: int | None = None
    q: str = ""


#: Due interviews first (the nearest deadline on top), then the held and cancelled ones.
_STATUS_ORDER = Case(
    When(status=WarningInterview.Status.DUE, then=Value(0)),
    When(status=WarningInterview.Status.HELD, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def interview_list(*, user: Any, filters: InterviewFilters, today: datetime.date) -> QuerySet[WarningInterview]:
    qs = interviews_visible_to(user).select_related("enterprise", "town")
    if filters.status == "overdue":
        qs = qs.filter(status=WarningInterview.Status.DUE, due_on__lt=today)
    elif filters.status == "due":
        qs = qs.filter(status=WarningInterview.Status.DUE, due_on__gte=today)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.quarter:
        qs = qs.filter(quarter=filters.quarter)
    if filters.town:
        qs = qs.filter(town_id=filters.town)
    if filters.q:
        qs = qs.filter(
            Q(enterprise__name__contains=filters.q) | Q(enterprise__credit_code__startswith=filters.q.upper())
        )
    return qs.order_by(_STATUS_ORDER, "due_on", "id")


def interview_counts(*, user: Any, today: datetime.date) -> dict[str, int]:
    """How many interviews `user` sees are due, overdue and held (one query)."""
    due = Q(status=WarningInterview.Status.DUE)
    return interviews_visible_to(user).aggregate(
        due=Count("pk", filter=due & Q(due_on__gte=today)),
        overdue=Count("pk", filter=due & Q(due_on__lt=today)),
        held=Count("pk", filter=Q(status=WarningInterview.Status.HELD)),
    )

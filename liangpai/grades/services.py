"""Recording the base of an enterprise's annual grade by hand (a score or a grade, and failed vetoes).

A published assessment, when there is one, decides the base instead (`periods.grading`);
these inputs stand for years and enterprises without one. Managing them is the city
union's (Action.RULES_MANAGE), and a year whose grades are published keeps its inputs.
"""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from liangpai.core import audit
from liangpai.core.access import Action, check, user_or_none
from liangpai.core.errors import PublishedError
from liangpai.enterprises.models import Enterprise
from liangpai.grades.models import AnnualGrade, GradeInput

_FIELDS = ["enterprise_id", "year", "score", "grade", "failed_vetoes", "note", "source"]


def _check_year_open(year: int) -> None:
    if AnnualGrade.objects.filter(year=year, is_published=True).exists():
        raise PublishedError(_("%(year)s 年度等级已公布，评级依据不能再修改。") % {"year": year})


def record_grade_input(
    *,
    by: Any,
    enterprise: Enterprise,
    year: int,
    score: Decimal | None = None,
    grade: str = "",
    failed_vetoes: list[str] | None = None,
    note: str = "",
    source: str = GradeInput.Source.MANUAL,
    reason: str = "",
) -> GradeInput:
    check(by, Action.RULES_MANAGE)
    grade_input = GradeInput(
        enterprise=enterprise,
        year=year,
        score=score,
        grade=grade,
        failed_vetoes=failed_vetoes or [],
        note=note,
        source=source,
        recorded_by=user_or_none(by),
    )
    grade_input.full_clean()
    with transaction.atomic():
        _check_year_open(year)
        grade_input.save()
        after = audit.snapshot(grade_input, _FIELDS)
        audit.record(actor=by, action="grade_input.create", target=grade_input, after=after, reason=reason)
    return grade_input


def update_grade_input(*, by: Any, grade_input: GradeInput, values: dict[str, Any], reason: str = "") -> GradeInput:
    check(by, Action.RULES_MANAGE)
    unknown = set(values) - {"score", "grade", "failed_vetoes", "note"}
    if unknown:
        raise ValueError(f"not grade input fields: {sorted(unknown)}")
    with transaction.atomic():
        current = GradeInput.objects.select_for_update().select_related("enterprise").get(pk=grade_input.pk)
        _check_year_open(current.year)
        before = audit.snapshot(current, _FIELDS)
        for name, value in values.items():
            setattr(current, name, value)
        current.full_clean()
        current.save()
        old, new = audit.changes(before, audit.snapshot(current, _FIELDS))
        if new:
            audit.record(actor=by, action="grade_input.update", target=current, before=old, after=new, reason=reason)
    return current


def remove_grade_input(*, by: Any, grade_input: GradeInput, reason: str = "") -> None:
    check(by, Action.RULES_MANAGE)
    with transaction.atomic():
        current = GradeInput.objects.select_for_update().select_related("enterprise").get(pk=grade_input.pk)
        _check_year_open(current.year)
        before = audit.snapshot(current, _FIELDS)
        audit.record(actor=by, action="grade_input.delete", target=current, before=before, reason=reason)
        current.delete()

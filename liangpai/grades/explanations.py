"""Why a stored grade is what it is (R-DOWNGRADE-5), read back from the facts and reasons it keeps."""

from dataclasses import dataclass
from typing import Any

from liangpai.enterprises.models import Enterprise
from liangpai.grades.models import AnnualGrade
from liangpai.rules import codec, grading
from liangpai.rules.ruleset import Grade


@dataclass(frozen=True)
class GradeExplanation:
    """R-DOWNGRADE-5: a stored grade in words: the one-line explanation, then each reason with its rule."""

    year: int
    grade: str | None  # None: 未评级
    headline: str
    reasons: list[tuple[str, str]]  # (rule id, text)
    is_published: bool
    source: str


def explanation_of(row: AnnualGrade) -> GradeExplanation:
    """Read back from the stored reasons (no query), rendered by `rules.grading`."""
    result = codec.grade_result(
        year=row.year,
        final=row.final_grade,
        base=row.base_grade,
        reasons=row.reasons,
        version=str((row.facts or {}).get("ruleset", "")),
    )
    return GradeExplanation(
        year=row.year,
        grade=row.final_grade,
        headline=grading.explain(result),
        reasons=[(reason.rule, grading.explain_reason(reason)) for reason in result.reasons],
        is_published=row.is_published,
        source=row.source,
    )


def explain_grade(enterprise: Enterprise, year: int) -> GradeExplanation | None:
    """The explanation of `enterprise`'s grade for `year`, or None when it has none stored."""
    row = AnnualGrade.objects.filter(enterprise=enterprise, year=year).first()
    return explanation_of(row) if row is not None else None


def given_grade_reasons(grade: Grade | None) -> list[dict[str, Any]]:
    """The stored reasons of a grade given without a computation (imported history)."""
    if grade is None:
        return codec.grade_reasons_to_json([grading.Reason(grading.ReasonKind.NOT_ASSESSED, "R-GRADE-2")])
    return codec.grade_reasons_to_json([grading.Reason(grading.ReasonKind.GIVEN_GRADE, "R-GRADE-1", {"grade": grade})])

"""A published assessment is the base of the annual grade, and the grade leads back to it."""

from decimal import Decimal

import pytest

from liangpai.assessments import services
from liangpai.assessments.sources import PublishedAssessments, assessment_id_of
from liangpai.grades.explanations import explain_grade
from liangpai.grades.models import AnnualGrade, GradeInput
from liangpai.periods.grading import BASE_GRADE_SOURCES, compute_grades

STEPS = [("submit", "town_a_emergency"), ("review", "town_a_union"), ("publish", "city_admin")]


def _advance(cast, assessment, steps):
    for move, who in steps:
        assessment.refresh_from_db()
        services.move(by=cast.users[who], assessment=assessment, expected_version=assessment.version, move=move)
    assessment.refresh_from_db()
    return assessment


def _grade(cast):
    compute_grades(year=2026, sources=BASE_GRADE_SOURCES)
    return AnnualGrade.objects.get(enterprise=cast.enterprise_a, year=2026)


@pytest.mark.parametrize("steps", [STEPS[:0], STEPS[:1], STEPS[:2]])
def test_an_assessment_counts_only_once_published(cast, draft, fill, steps):
    fill(draft, fraction=Decimal("0.95"))
    _advance(cast, draft, steps)
    grade = _grade(cast)
    assert grade.final_grade is None  # 未评级, never silently A
    assert grade.facts["base"]["source"] == ""


def test_the_published_score_gives_the_grade_and_the_facts_name_the_assessment(cast, draft, fill):
    fill(draft, fraction=Decimal("0.85"))
    assessment = _advance(cast, draft, STEPS)
    grade = _grade(cast)
    assert grade.score == assessment.score
    assert grade.final_grade == "B"
    assert assessment_id_of(grade.facts["base"]["source"]) == assessment.pk
    assert explain_grade(cast.enterprise_a, 2026).grade == "B"


def test_a_failed_veto_gives_d_whatever_the_score(cast, draft, fill):
    fill(draft, fraction=Decimal(1), vetoes_failed=1)
    assessment = _advance(cast, draft, STEPS)
    grade = _grade(cast)
    assert assessment.score == Decimal("100.0")
    assert grade.final_grade == "D"
    assert grade.facts["failed_vetoes"] == assessment.failed_vetoes


def test_a_published_assessment_takes_precedence_over_a_recorded_base(cast, draft, fill):
    GradeInput.objects.create(enterprise=cast.enterprise_a, year=2026, grade="A")
    fill(draft, fraction=Decimal("0.7"))
    _advance(cast, draft, STEPS)
    assert _grade(cast).final_grade == "C"


def test_reopening_takes_the_score_out_of_the_next_computation(cast, draft, fill):
    fill(draft, fraction=Decimal("0.95"))
    assessment = _advance(cast, draft, STEPS)
    assert _grade(cast).final_grade == "A"
    services.move(
        by=cast.users["city_admin"],
        assessment=assessment,
        expected_version=assessment.version,
        move="reopen",
        reason="复核发现漏项",
    )
    assert _grade(cast).final_grade is None


def test_the_source_streams_in_enterprise_order(cast, fill):
    made = []
    for enterprise in (cast.enterprise_a2, cast.enterprise_a):
        assessment = services.start_assessment(by=cast.users["town_a_union"], enterprise=enterprise, year=2026)
        fill(assessment, fraction=Decimal("0.8"))
        made.append(_advance(cast, assessment, STEPS))
    rows = list(PublishedAssessments().rows(2026))
    assert [enterprise_id for enterprise_id, _ in rows] == sorted(a.enterprise_id for a in made)
    assert list(PublishedAssessments().rows(2025)) == []


def test_the_grade_on_the_enterprise_page_links_to_its_assessment(cast, draft, fill):
    from django.urls import reverse

    fill(draft, fraction=Decimal("0.85"))
    assessment = _advance(cast, draft, STEPS)
    _grade(cast)
    link = reverse("assessments:detail", args=[assessment.pk])
    page = cast.client_for("town_a_union").get(reverse("enterprise_detail", args=[cast.enterprise_a.pk]))
    assert link in page.content.decode()
    assert "查看所依据的年度评估" in page.content.decode()
    contact = cast.client_for("contact_a").get(reverse("enterprise_detail", args=[cast.enterprise_a.pk]))
    assert link not in contact.content.decode()

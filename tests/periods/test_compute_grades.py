"""compute_grades and explain_grade: the base from the hook, vetoes, the downgrade from the year's lights,
stored with facts and ruleset; idempotent; imported history kept; published years frozen."""

import datetime
from decimal import Decimal

import pytest

from liangpai.core.errors import PublishedError
from liangpai.grades.explanations import explain_grade
from liangpai.grades.models import AnnualGrade, GradeInput
from liangpai.grades.sources import BaseGrade
from liangpai.lights.models import QuarterLight
from liangpai.periods.closing import close_quarter
from liangpai.periods.grading import BASE_GRADE_SOURCES, compute_grades
from liangpai.rules.ruleset import Grade
from tests.rating_fixtures import audit_count

pytestmark = pytest.mark.django_db


def _light(enterprise, quarter: str, light: str, inspected_on: str | None = None) -> QuarterLight:
    year, number = int(quarter[:4]), int(quarter[-1])
    return QuarterLight.objects.create(
        enterprise=enterprise,
        quarter=quarter,
        year=year,
        number=number,
        light=light,
        computed_light=light,
        inspected_on=datetime.date.fromisoformat(inspected_on) if inspected_on else None,
    )


def _grades() -> dict[str, str | None]:
    return dict(AnnualGrade.objects.filter(year=2026).values_list("enterprise__name", "final_grade"))


def test_two_yellow_quarters_take_a_b_down_to_c_and_the_grade_explains_itself(cast, ruleset_2026):
    GradeInput.objects.create(enterprise=cast.enterprise_a, year=2026, grade="B", source="imported")
    _light(cast.enterprise_a, "2026Q1", "yellow", "2026-03-15")
    _light(cast.enterprise_a, "2026Q2", "green", "2026-05-10")
    _light(cast.enterprise_a, "2026Q3", "yellow", "2026-09-20")

    outcome = compute_grades(year=2026, sources=BASE_GRADE_SOURCES)

    grade = AnnualGrade.objects.get(enterprise=cast.enterprise_a, year=2026)
    assert (grade.base_grade, grade.final_grade, grade.ruleset) == ("B", "C", ruleset_2026)
    assert grade.facts["lights"] == [
        {"quarter": "2026Q1", "light": "yellow", "inspected_on": "2026-03-15"},
        {"quarter": "2026Q2", "light": "green", "inspected_on": "2026-05-10"},
        {"quarter": "2026Q3", "light": "yellow", "inspected_on": "2026-09-20"},
    ]
    assert grade.facts["base"] == {"score": None, "grade": "B", "source": "grade_inputs"}
    assert outcome.grades == {"C": 1, "ungraded": 2}
    explanation = explain_grade(cast.enterprise_a, 2026)
    assert explanation.headline == "B → C：第一季度黄灯（2026-03-15 督查），第三季度黄灯（2026-09-20 督查）"
    assert explanation.reasons == [
        ("R-GRADE-1", "评估等级 B"),
        ("R-DOWNGRADE-1", "第一季度黄灯（2026-03-15 督查）"),
        ("R-DOWNGRADE-1", "第三季度黄灯（2026-09-20 督查）"),
    ]


def test_a_score_gives_its_band_and_one_red_light_one_level_down(cast):
    GradeInput.objects.create(enterprise=cast.enterprise_a, year=2026, score=Decimal("92.5"))
    _light(cast.enterprise_a, "2026Q3", "red", "2026-08-03")
    compute_grades(year=2026, sources=BASE_GRADE_SOURCES)
    grade = AnnualGrade.objects.get(enterprise=cast.enterprise_a)
    assert (grade.score, grade.base_grade, grade.final_grade) == (Decimal("92.5"), "A", "B")
    assert explain_grade(cast.enterprise_a, 2026).headline == "A → B：第三季度红灯（2026-08-03 督查）"


def test_an_enterprise_not_assessed_stays_ungraded_whatever_its_lights(cast):
    _light(cast.enterprise_b, "2026Q1", "red")
    compute_grades(year=2026, sources=BASE_GRADE_SOURCES)
    grade = AnnualGrade.objects.get(enterprise=cast.enterprise_b)
    assert (grade.base_grade, grade.final_grade) == (None, None)
    assert explain_grade(cast.enterprise_b, 2026).headline == "未评级：未开展年度评估"


def test_a_failed_veto_gives_d_and_names_the_item(cast):
    GradeInput.objects.create(
        enterprise=cast.enterprise_a2, year=2026, score=Decimal("95.0"), failed_vetoes=["inspection_refused"]
    )
    compute_grades(year=2026, sources=BASE_GRADE_SOURCES)
    assert _grades()["甲二纺织有限公司"] == "D"
    assert explain_grade(cast.enterprise_a2, 2026).headline == "A → D：否决项“拒绝、阻挠工会监督检查”"


def test_computing_twice_changes_nothing_and_records_nothing(cast):
    GradeInput.objects.create(enterprise=cast.enterprise_a, year=2026, grade="A")
    _light(cast.enterprise_a, "2026Q2", "yellow")
    compute_grades(year=2026, sources=BASE_GRADE_SOURCES)
    rows = list(AnnualGrade.objects.order_by("pk").values())
    events = audit_count()

    again = compute_grades(year=2026, sources=BASE_GRADE_SOURCES)

    assert list(AnnualGrade.objects.order_by("pk").values()) == rows
    assert audit_count() == events
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_a_new_light_changes_the_grade_with_one_audit_record(cast):
    GradeInput.objects.create(enterprise=cast.enterprise_a, year=2026, grade="A")
    _light(cast.enterprise_a, "2026Q2", "yellow")
    compute_grades(year=2026, sources=BASE_GRADE_SOURCES)
    events = audit_count("grade.compute")
    _light(cast.enterprise_a, "2026Q4", "yellow", "2026-11-02")

    outcome = compute_grades(year=2026, sources=BASE_GRADE_SOURCES)

    assert (outcome.updated, outcome.unchanged) == (1, 2)
    assert _grades()["甲一机械有限公司"] == "B"
    assert audit_count("grade.compute") == events + 1


def test_grades_follow_the_lights_close_quarter_computed(cast, inspect):
    GradeInput.objects.create(enterprise=cast.enterprise_a, year=2026, grade="B")
    inspect(cast.enterprise_a, "2026-08-03", major_hazards=1)
    close_quarter(quarter="2026Q3", today=datetime.date(2026, 10, 9))
    compute_grades(year=2026, sources=BASE_GRADE_SOURCES)
    assert explain_grade(cast.enterprise_a, 2026).headline == "B → C：第三季度红灯（2026-08-03 督查）"


def test_imported_grades_are_kept(cast):
    AnnualGrade.objects.create(
        enterprise=cast.enterprise_a, year=2026, final_grade="A", base_grade="A", source="imported"
    )
    GradeInput.objects.create(enterprise=cast.enterprise_a, year=2026, grade="C")
    outcome = compute_grades(year=2026, sources=BASE_GRADE_SOURCES)
    assert _grades()["甲一机械有限公司"] == "A"
    assert outcome.kept == 1


def test_a_published_year_is_frozen(cast):
    compute_grades(year=2026, sources=BASE_GRADE_SOURCES)
    AnnualGrade.objects.update(is_published=True)
    with pytest.raises(PublishedError, match="2026 年度等级已公布，不能再计算。"):
        compute_grades(year=2026, sources=BASE_GRADE_SOURCES)


def test_a_later_base_grade_source_takes_precedence(cast, monkeypatch):
    class Assessments:
        name = "assessments"

        def rows(self, year):
            yield cast.enterprise_a.pk, BaseGrade(Decimal("81.0"), (), self.name)

    GradeInput.objects.create(enterprise=cast.enterprise_a, year=2026, grade="D")
    compute_grades(year=2026, sources=[*BASE_GRADE_SOURCES, Assessments()])
    grade = AnnualGrade.objects.get(enterprise=cast.enterprise_a)
    assert (grade.final_grade, grade.facts["base"]["source"]) == ("B", "assessments")


def test_the_explanation_of_an_unknown_grade_is_none(cast):
    assert explain_grade(cast.enterprise_a, 2026) is None


def test_grades_use_the_rulesets_downgrade_settings(cast, ruleset_2026):
    ruleset_2026.downgrade_yellows = 3
    ruleset_2026.save()
    GradeInput.objects.create(enterprise=cast.enterprise_a, year=2026, grade=Grade.B.value)
    _light(cast.enterprise_a, "2026Q1", "yellow")
    _light(cast.enterprise_a, "2026Q2", "yellow")
    compute_grades(year=2026, sources=BASE_GRADE_SOURCES)
    assert _grades()["甲一机械有限公司"] == "B"

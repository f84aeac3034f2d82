"""How close_quarter and compute_grades write a city: stored rows read as one stream (not a query per chunk),
new rows' ids from the insert, results computed once per distinct facts, JSON written as the model field
writes it. Each test runs with small chunks, so a handful of enterprises spans several of them."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liangpai.core.audit import verify_chain
from liangpai.core.bulk import bulk_writes
from liangpai.core.models import AuditEvent
from liangpai.enterprises.models import Enterprise
from liangpai.grades.models import AnnualGrade, GradeInput
from liangpai.grades.sources import BaseGrade
from liangpai.interviews.models import WarningInterview
from liangpai.lights.facts import EnterpriseRow, build_quarter_facts
from liangpai.lights.models import QuarterLight
from liangpai.periods import closing
from liangpai.periods import grading as grades
from liangpai.periods.closing import close_quarter, override_light
from liangpai.periods.grading import BASE_GRADE_SOURCES, compute_grades
from liangpai.rules.lights import FactsError
from liangpai.rules.periods import Quarter
from tests.factories import EnterpriseFactory
from tests.rating_fixtures import AFTER_Q3, lights_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch):
    monkeypatch.setattr(closing, "CHUNK", 2)
    monkeypatch.setattr(grades, "CHUNK", 2)


def _selects_from(queries, table: str) -> int:
    """Queries that read `table` (a stream on PostgreSQL is a DECLARE … CURSOR FOR SELECT)."""
    reads = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("SELECT", "DECLARE"))]
    return sum(1 for sql in reads if f'FROM "{table}"' in sql)


def test_each_new_light_is_audited_and_interviewed_under_its_own_id(cast, inspect):
    EnterpriseFactory.create_batch(5, district=cast.district_b)
    for enterprise in Enterprise.objects.order_by("id")[::2]:
        inspect(enterprise, "2026-08-03", accidents=1)

    close_quarter(quarter="2026Q3", today=AFTER_Q3)

    lights = {light.pk: light for light in QuarterLight.objects.select_related("enterprise")}
    events = AuditEvent.objects.filter(action="light.compute")
    assert sorted(int(e.object_id) for e in events) == sorted(lights)
    for event in events:
        light = lights[int(event.object_id)]
        assert event.object_repr == f"{light.enterprise.name} 2026Q3亮灯"
        assert event.after == {"light": light.light, "computed_light": light.light, "ruleset": light.ruleset_id}
    interviews = WarningInterview.objects.select_related("quarter_light")
    assert len(interviews) == 4
    assert all(i.quarter_light.enterprise_id == i.enterprise_id for i in interviews)
    assert all(i.quarter_light.light == "red" for i in interviews)
    assert verify_chain() is None


def test_a_quarter_is_read_once_however_many_chunks_it_takes(cast, inspect):
    EnterpriseFactory.create_batch(9, district=cast.district_b)
    inspect(cast.enterprise_a, "2026-08-03", accidents=1)
    for _ in range(2):  # the first closing (nothing stored yet), then again (every light stored)
        with CaptureQueriesContext(connection) as ctx:
            outcome = close_quarter(quarter="2026Q3", today=AFTER_Q3)
        assert outcome.total == 12
        # Whether the quarter is published, then its lights as one stream; never a query per chunk.
        assert _selects_from(ctx.captured_queries, "ratings_quarterlight") == 2
        assert _selects_from(ctx.captured_queries, "ratings_warninginterview") == 1


def test_a_year_is_read_once_however_many_chunks_it_takes(cast):
    EnterpriseFactory.create_batch(9, district=cast.district_b)
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            outcome = compute_grades(year=2026, sources=BASE_GRADE_SOURCES)
        assert outcome.total == 12
        assert _selects_from(ctx.captured_queries, "ratings_annualgrade") == 2
        assert _selects_from(ctx.captured_queries, "ratings_quarterlight") == 1


def test_closing_again_follows_enterprises_that_come_and_go(cast, inspect):
    extra = EnterpriseFactory.create_batch(3, district=cast.district_b)
    close_quarter(quarter="2026Q3", today=AFTER_Q3)
    Enterprise.objects.filter(pk__in=[cast.enterprise_a2.pk, extra[1].pk]).update(status=Enterprise.Status.CLOSED)
    newcomer = EnterpriseFactory(district=cast.district_b, name="丙一新材料有限公司")
    inspect(newcomer, "2026-09-01", general_hazards_not_fixed_on_spot=1)
    inspect(extra[2], "2026-09-02", major_hazards=1)
    before = dict(QuarterLight.objects.values_list("enterprise_id", "light"))

    outcome = close_quarter(quarter="2026Q3", today=AFTER_Q3)

    assert (outcome.created, outcome.updated, outcome.unchanged) == (1, 1, 3)
    after = dict(QuarterLight.objects.values_list("enterprise_id", "light"))
    assert after == {**before, newcomer.pk: "yellow", extra[2].pk: "red"}
    assert WarningInterview.objects.get().enterprise_id == extra[2].pk
    assert verify_chain() is None


def test_stored_rows_left_after_the_last_active_enterprise_are_left_alone(cast):
    EnterpriseFactory.create_batch(4, district=cast.district_b)
    close_quarter(quarter="2026Q3", today=AFTER_Q3)
    compute_grades(year=2026, sources=BASE_GRADE_SOURCES)
    last_two = list(Enterprise.objects.order_by("-id").values_list("id", flat=True)[:2])
    Enterprise.objects.filter(pk__in=last_two).update(status=Enterprise.Status.CLOSED)

    closed = close_quarter(quarter="2026Q3", today=AFTER_Q3)
    graded = compute_grades(year=2026, sources=BASE_GRADE_SOURCES)

    assert (closed.total, closed.unchanged, graded.total, graded.unchanged) == (5, 5, 5, 5)
    assert QuarterLight.objects.count() == AnnualGrade.objects.count() == 7
    assert verify_chain() is None


def test_equal_facts_give_one_object_and_each_enterprise_its_own_light(cast, inspect):
    for enterprise in (cast.enterprise_a, cast.enterprise_a2):
        inspect(enterprise, "2026-08-03", general_hazards_not_fixed_on_spot=1)
    facts = [f for _, f in build_quarter_facts(Quarter(2026, 3))]
    assert facts[0] is facts[1]
    assert facts[2] is not facts[0]

    close_quarter(quarter="2026Q3", today=AFTER_Q3)
    light = QuarterLight.objects.get(enterprise=cast.enterprise_a)
    override_light(by=cast.users["town_a_union"], light_row=light, light="green", reason="已当场整改")
    for enterprise in (cast.enterprise_a, cast.enterprise_a2):
        inspect(enterprise, "2026-09-10", accidents=1)

    close_quarter(quarter="2026Q3", today=AFTER_Q3)

    rows = {r.enterprise_id: r for r in QuarterLight.objects.all()}
    overridden, other = rows[cast.enterprise_a.pk], rows[cast.enterprise_a2.pk]
    assert (overridden.light, overridden.computed_light, other.light, other.computed_light) == (
        "green",
        "red",
        "red",
        "red",
    )
    assert [r["rule"] for r in overridden.reasons] == ["R-LIGHT-10", "R-LIGHT-4", "R-LIGHT-5"]
    assert [r["rule"] for r in other.reasons] == ["R-LIGHT-4", "R-LIGHT-5"]
    assert overridden.facts == other.facts


def test_a_flag_given_for_a_count_is_refused_even_after_the_same_facts_as_a_count(cast):
    class Source:
        name = "test"

        def rows(self, quarter):
            yield cast.enterprise_a.pk, {"accidents": 1}
            yield cast.enterprise_a2.pk, {"accidents": True}

    rows = [EnterpriseRow(e.pk, e.name, e.town_id) for e in (cast.enterprise_a, cast.enterprise_a2)]
    stream = build_quarter_facts(Quarter(2026, 3), enterprises=rows, sources=[Source()])
    assert next(stream)[1].accidents == 1
    with pytest.raises(FactsError, match="not_a_count"):
        next(stream)


def test_facts_of_several_sources_add_up(cast):
    class Inspections:
        name = "inspections"

        def rows(self, quarter):
            yield cast.enterprise_a.pk, {"inspected": True, "inspected_on": datetime.date(2026, 8, 3), "accidents": 1}
            yield cast.enterprise_a2.pk, {"inspected": False, "inspected_on": None, "accidents": 0}

    class Letters:
        name = "letters"

        def rows(self, quarter):
            yield (
                cast.enterprise_a.pk,
                {"inspected_on": datetime.date(2026, 7, 1), "accidents": 2, "overdue_letters": 1},
            )
            yield cast.enterprise_a2.pk, {"inspected": True, "inspected_on": datetime.date(2026, 9, 1)}
            yield cast.enterprise_b.pk, {"refused_letter": True, "inspected_on": None}

    rows = [EnterpriseRow(e.pk, e.name, e.town_id) for e in (cast.enterprise_a, cast.enterprise_a2, cast.enterprise_b)]
    facts = [f for _, f in build_quarter_facts(Quarter(2026, 3), enterprises=rows, sources=[Inspections(), Letters()])]
    a, a2, b = facts
    assert (a.inspected, a.inspected_on, a.accidents, a.overdue_letters) == (True, datetime.date(2026, 8, 3), 3, 1)
    assert (a2.inspected, a2.inspected_on, a2.accidents) == (True, datetime.date(2026, 9, 1), 0)
    assert (b.inspected, b.inspected_on, b.refused_letter) == (False, None, True)


def test_a_grade_stores_the_facts_it_was_computed_from_as_the_model_field_writes_them(cast, monkeypatch):
    class Scores:
        name = "scores"

        def rows(self, year):
            yield cast.enterprise_a.pk, BaseGrade(Decimal("85.50"), (), "scores")
            yield cast.enterprise_a2.pk, BaseGrade(Decimal("85.5"), ("fatal_accident",), "scores")

    GradeInput.objects.create(enterprise=cast.enterprise_b, year=2026, grade="B")
    for enterprise in (cast.enterprise_a, cast.enterprise_a2, cast.enterprise_b):
        for number, light, on in ((1, "yellow", "2026-02-15"), (3, "green", None)):
            QuarterLight.objects.create(
                enterprise=enterprise,
                quarter=f"2026Q{number}",
                year=2026,
                number=number,
                light=light,
                computed_light=light,
                inspected_on=datetime.date.fromisoformat(on) if on else None,
            )

    compute_grades(year=2026, sources=[*BASE_GRADE_SOURCES, Scores()])

    lights = [
        {"quarter": "2026Q1", "light": "yellow", "inspected_on": "2026-02-15"},
        {"quarter": "2026Q3", "light": "green", "inspected_on": None},
    ]
    expected = {
        cast.enterprise_a.pk: ({"score": "85.50", "grade": None, "source": "scores"}, []),
        cast.enterprise_a2.pk: ({"score": "85.5", "grade": None, "source": "scores"}, ["fatal_accident"]),
        cast.enterprise_b.pk: ({"score": None, "grade": "B", "source": "grade_inputs"}, []),
    }
    stored = {g.enterprise_id: g for g in AnnualGrade.objects.all()}
    for pk, (base, vetoes) in expected.items():
        assert stored[pk].facts == {"base": base, "failed_vetoes": vetoes, "lights": lights, "ruleset": "2026-1"}
    assert [stored[pk].final_grade for pk in expected] == ["B", "D", "B"]
    if connection.vendor == "sqlite":  # the very text the model field would write (PostgreSQL keeps jsonb)
        with connection.cursor() as cursor:
            cursor.execute('SELECT facts FROM "ratings_annualgrade"')
            assert all(text == json.dumps(json.loads(text)) for (text,) in cursor.fetchall())


def test_a_grade_audit_record_names_its_own_row(cast):
    EnterpriseFactory.create_batch(3, district=cast.district_b)
    GradeInput.objects.create(enterprise=cast.enterprise_a, year=2026, score=Decimal("91.0"))
    compute_grades(year=2026, sources=BASE_GRADE_SOURCES)
    grades_by_id = {g.pk: g for g in AnnualGrade.objects.select_related("enterprise")}
    events = AuditEvent.objects.filter(action="grade.compute")
    assert sorted(int(e.object_id) for e in events) == sorted(grades_by_id)
    for event in events:
        grade = grades_by_id[int(event.object_id)]
        assert event.object_repr == f"{grade.enterprise.name} 2026年度等级"
        assert event.after["final_grade"] == grade.final_grade
    assert lights_of("2026Q3") == {}
    assert verify_chain() is None


def test_bulk_writes_enlarge_sqlites_cache_only_while_they_last(cast):
    def cache_size() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return int(cursor.fetchone()[0])

    if connection.vendor != "sqlite":  # nothing to set: no statement at all
        with CaptureQueriesContext(connection) as ctx, bulk_writes():
            pass
        assert ctx.captured_queries == []
        return
    before = cache_size()
    with bulk_writes():
        assert cache_size() < -50_000  # KiB
    assert cache_size() == before

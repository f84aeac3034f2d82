"""close_quarter: every active enterprise's light from its facts, stored with facts, reasons and ruleset;
idempotent; overrides and imported history kept; red lights get their warning interview."""

import datetime

import pytest

from liangpai.core.audit import verify_chain
from liangpai.core.errors import PeriodError, PublishedError
from liangpai.enterprises.models import Enterprise
from liangpai.interviews.models import WarningInterview
from liangpai.lights.models import QuarterLight
from liangpai.periods.closing import close_quarter, override_light
from liangpai.rules.workdays import WorkCalendar, is_working_day
from liangpai.rulesets.models import RulesetVersion
from tests.factories import EnterpriseFactory
from tests.rating_fixtures import AFTER_Q3, audit_count, lights_of

pytestmark = pytest.mark.django_db


def test_each_enterprise_gets_the_light_its_facts_call_for(cast, inspect):
    inspect(cast.enterprise_a, "2026-08-03", major_hazards=1, general_hazards_not_fixed_on_spot=2)
    inspect(cast.enterprise_a2, "2026-07-15", general_hazards_not_fixed_on_spot=1)
    inspect(cast.enterprise_a2, "2026-09-20", general_hazards_fixed_on_spot=3)

    outcome = close_quarter(quarter="2026Q3", today=AFTER_Q3)

    assert lights_of("2026Q3") == {
        "甲一机械有限公司": "red",
        "甲二纺织有限公司": "yellow",
        "乙一化工有限公司": "not_inspected",
    }
    assert outcome.lights == {"red": 1, "yellow": 1, "not_inspected": 1}
    assert (outcome.created, outcome.updated, outcome.unchanged, outcome.interviews_created) == (3, 0, 0, 1)


def test_a_light_keeps_its_facts_reasons_date_and_ruleset(cast, inspect, ruleset_2026):
    inspect(cast.enterprise_a, "2026-08-03", major_hazards=1, general_hazards_not_fixed_on_spot=2)
    inspect(cast.enterprise_a, "2026-09-01", general_hazards_fixed_on_spot=1)
    close_quarter(quarter="2026Q3", today=AFTER_Q3)

    light = QuarterLight.objects.get(enterprise=cast.enterprise_a, quarter="2026Q3")
    assert (light.year, light.number, light.light, light.computed_light) == (2026, 3, "red", "red")
    assert light.inspected_on == datetime.date(2026, 9, 1)
    assert light.ruleset == ruleset_2026
    assert light.facts == {
        "quarter": "2026Q3",
        "inspected": True,
        "inspected_on": "2026-09-01",
        "general_hazards_fixed_on_spot": 1,
        "general_hazards_not_fixed_on_spot": 2,
        "major_hazards": 1,
        "refused_inspection": False,
        "refused_letter": False,
        "accidents": 0,
        "overdue_letters": 0,
        "overdue_hazard_reports": 0,
    }
    assert [(r["rule"], r["kind"], r["count"]) for r in light.reasons] == [
        ("R-LIGHT-2", "major_hazards", 1),
        ("R-LIGHT-5", "general_hazards_not_fixed_on_spot", 2),
    ]


def test_a_refused_inspection_is_red_without_an_inspection_date(cast, inspect):
    inspect(cast.enterprise_b, "2026-08-10", refused_inspection=True)
    close_quarter(quarter="2026Q3", today=AFTER_Q3)
    light = QuarterLight.objects.get(enterprise=cast.enterprise_b)
    assert (light.light, light.inspected_on, light.facts["inspected"]) == ("red", None, False)
    assert [r["kind"] for r in light.reasons] == ["refused_inspection"]


def test_only_active_enterprises_are_lit(cast):
    Enterprise.objects.filter(pk=cast.enterprise_b.pk).update(status=Enterprise.Status.CLOSED)
    outcome = close_quarter(quarter="2026Q3", today=AFTER_Q3)
    assert outcome.total == 2
    assert "乙一化工有限公司" not in lights_of("2026Q3")


def test_closing_twice_changes_nothing_and_records_nothing(cast, inspect):
    inspect(cast.enterprise_a, "2026-08-03", major_hazards=1)
    close_quarter(quarter="2026Q3", today=AFTER_Q3)
    rows = list(QuarterLight.objects.order_by("pk").values())
    interviews = list(WarningInterview.objects.values())
    events = audit_count()

    again = close_quarter(quarter="2026Q3", today=AFTER_Q3 + datetime.timedelta(days=3))

    assert list(QuarterLight.objects.order_by("pk").values()) == rows
    assert list(WarningInterview.objects.values()) == interviews
    assert audit_count() == events
    assert (again.created, again.updated, again.unchanged, again.interviews_created) == (0, 0, 3, 0)


def test_a_new_fact_updates_only_that_light_with_one_audit_record(cast, inspect):
    close_quarter(quarter="2026Q3", today=AFTER_Q3)
    events = audit_count("light.compute")
    inspect(cast.enterprise_b, "2026-09-28", general_hazards_not_fixed_on_spot=1)

    outcome = close_quarter(quarter="2026Q3", today=AFTER_Q3)

    assert (outcome.updated, outcome.unchanged) == (1, 2)
    assert lights_of("2026Q3")["乙一化工有限公司"] == "yellow"
    assert audit_count("light.compute") == events + 1
    assert verify_chain() is None


def test_an_override_survives_closing_again_and_its_computed_light_moves_on(cast, inspect):
    inspect(cast.enterprise_a, "2026-08-03", general_hazards_not_fixed_on_spot=1)
    close_quarter(quarter="2026Q3", today=AFTER_Q3)
    light = QuarterLight.objects.get(enterprise=cast.enterprise_a)
    override_light(by=cast.users["town_a_union"], light_row=light, light="green", reason="复查确认督查当日已整改完毕")
    inspect(cast.enterprise_a, "2026-09-10", major_hazards=1)

    outcome = close_quarter(quarter="2026Q3", today=AFTER_Q3)

    light.refresh_from_db()
    assert (light.light, light.computed_light) == ("green", "red")
    assert light.override_reason == "复查确认督查当日已整改完毕"
    assert [r["rule"] for r in light.reasons] == ["R-LIGHT-10", "R-LIGHT-2", "R-LIGHT-5"]
    assert outcome.kept == 1
    # Overridden to green: no interview, although the facts are red.
    assert not WarningInterview.objects.filter(quarter_light=light).exists()


def test_imported_history_is_kept_as_it_is(cast, inspect):
    imported = QuarterLight.objects.create(
        enterprise=cast.enterprise_a, quarter="2026Q3", year=2026, number=3, light="red", source="imported"
    )
    inspect(cast.enterprise_a, "2026-08-03")
    outcome = close_quarter(quarter="2026Q3", today=AFTER_Q3)
    imported.refresh_from_db()
    assert (imported.light, imported.computed_light, imported.facts) == ("red", "", {})
    assert outcome.kept == 1
    assert not WarningInterview.objects.exists()


def test_each_red_light_gets_one_interview_due_on_a_working_day(cast, inspect, ruleset_2026):
    inspect(cast.enterprise_a, "2026-08-03", accidents=1)
    inspect(cast.enterprise_b, "2026-08-04", refused_letter=True)
    # Closed on Friday 2026-09-18: 10 working days cross 中秋 and 国庆 with their 调休 days.
    close_quarter(quarter="2026Q3", today=datetime.date(2026, 9, 18))

    interviews = {i.enterprise_id: i for i in WarningInterview.objects.all()}
    assert set(interviews) == {cast.enterprise_a.pk, cast.enterprise_b.pk}
    for interview in interviews.values():
        assert interview.status == "due"
        assert interview.quarter == "2026Q3"
        # 09-20 (Sunday, 调休), 09-21 … 09-24, (中秋 09-25 … 09-27), 09-28 … 09-30, (国庆), 10-08, 10-09
        assert interview.due_on == datetime.date(2026, 10, 9)
        assert is_working_day(interview.due_on, WorkCalendar())
        assert interview.due_on_unverified is False
    assert interviews[cast.enterprise_b.pk].town == cast.town_b


def test_a_local_calendar_override_moves_the_due_date(cast, inspect):
    from liangpai.rulesets.models import CalendarOverride

    CalendarOverride.objects.create(date=datetime.date(2026, 10, 8), is_working_day=False, note="地方停工")
    inspect(cast.enterprise_a, "2026-08-03", accidents=1)
    close_quarter(quarter="2026Q3", today=datetime.date(2026, 9, 18))
    assert WarningInterview.objects.get().due_on == datetime.date(2026, 10, 10)  # Saturday, 国庆调休上班


def test_a_deadline_in_a_year_without_a_known_calendar_is_flagged(cast, inspect):
    inspect(cast.enterprise_a, "2027-02-03", accidents=1)
    close_quarter(quarter="2027Q1", today=datetime.date(2027, 4, 2))
    interview = WarningInterview.objects.get()
    assert interview.due_on_unverified is True
    assert interview.due_on.weekday() < 5


def test_a_year_without_its_own_ruleset_uses_the_last_one_in_force(cast, inspect, ruleset_2026):
    close_quarter(quarter="2027Q1", today=datetime.date(2027, 4, 2))
    assert set(QuarterLight.objects.values_list("ruleset", flat=True)) == {ruleset_2026.pk}


def test_a_year_before_any_ruleset_is_refused(cast):
    with pytest.raises(PeriodError, match="没有适用于 2025 年的规则集"):
        close_quarter(quarter="2025Q4", today=AFTER_Q3)


def test_a_quarter_that_has_not_started_is_refused(cast):
    with pytest.raises(PeriodError, match="2026Q4 尚未开始，不能结算。"):
        close_quarter(quarter="2026Q4", today=AFTER_Q3 - datetime.timedelta(days=10))
    assert not QuarterLight.objects.exists()


def test_a_published_quarter_is_frozen(cast, inspect):
    close_quarter(quarter="2026Q3", today=AFTER_Q3)
    QuarterLight.objects.filter(quarter="2026Q3").update(is_published=True)
    inspect(cast.enterprise_a, "2026-08-03", major_hazards=1)
    with pytest.raises(PublishedError, match="2026Q3 的亮灯已公布，不能再结算或调整。"):
        close_quarter(quarter="2026Q3", today=AFTER_Q3)
    assert set(lights_of("2026Q3").values()) == {"not_inspected"}


def test_thresholds_come_from_the_years_ruleset(cast, inspect, ruleset_2026):
    RulesetVersion.objects.filter(pk=ruleset_2026.pk).update(yellow_general_hazards_not_fixed_on_spot=3)
    inspect(cast.enterprise_a, "2026-08-03", general_hazards_not_fixed_on_spot=2)
    close_quarter(quarter="2026Q3", today=AFTER_Q3)
    assert lights_of("2026Q3")["甲一机械有限公司"] == "green"


def test_many_enterprises_are_closed_in_chunks_with_a_bounded_number_of_queries(cast, inspect, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from liangpai.periods import closing

    monkeypatch.setattr(closing, "CHUNK", 10)
    EnterpriseFactory.create_batch(37, district=cast.district_b)
    inspect(cast.enterprise_a, "2026-08-03", major_hazards=1)
    with CaptureQueriesContext(connection) as ctx:
        outcome = close_quarter(quarter="2026Q3", today=AFTER_Q3)
    assert outcome.total == 40
    # 4 chunks; per chunk: the insert (ids, COPY / INSERT … RETURNING), audit (lock, last hash, insert), the
    # interviews and theirs; plus the set-up and the streams read once (facts, stored lights, interviews).
    assert len(ctx.captured_queries) <= 10 + 4 * 8

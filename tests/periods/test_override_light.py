"""override_light (R-LIGHT-10): a reason is required and kept, the change is audited, the interview follows the light."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from liangpai.core.errors import PublishedError, ServiceError
from liangpai.core.models import AuditEvent
from liangpai.interviews.models import WarningInterview
from liangpai.lights.models import QuarterLight
from liangpai.periods.closing import close_quarter, override_light
from tests.rating_fixtures import AFTER_Q3

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(cast, inspect) -> dict[str, QuarterLight]:
    inspect(cast.enterprise_a, "2026-08-03", general_hazards_not_fixed_on_spot=1)
    inspect(cast.enterprise_b, "2026-08-04", major_hazards=1)
    close_quarter(quarter="2026Q3", today=AFTER_Q3)
    return {
        "a": QuarterLight.objects.get(enterprise=cast.enterprise_a),
        "b": QuarterLight.objects.get(enterprise=cast.enterprise_b),
    }


def test_an_override_keeps_the_reason_who_and_when_and_is_audited(cast, closed):
    union = cast.users["town_a_union"]
    light = override_light(by=union, light_row=closed["a"], light="red", reason=" 督查后当月发生事故，补录 ")

    assert (light.light, light.computed_light, light.override_reason) == ("red", "yellow", "督查后当月发生事故，补录")
    assert light.overridden_by == union
    assert light.is_overridden
    event = AuditEvent.objects.filter(action="light.override").get()
    assert (event.actor, event.before, event.after, event.reason) == (
        union,
        {"light": "yellow", "override_reason": ""},
        {"light": "red", "override_reason": "督查后当月发生事故，补录"},
        "督查后当月发生事故，补录",
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_override_without_a_reason_is_refused(cast, closed, reason):
    with pytest.raises(ServiceError, match="人工调整灯色必须填写理由。"):
        override_light(by=cast.users["city_admin"], light_row=closed["a"], light="green", reason=reason)
    closed["a"].refresh_from_db()
    assert closed["a"].light == "yellow"
    assert not AuditEvent.objects.filter(action="light.override").exists()


def test_overriding_to_red_creates_the_interview(cast, closed):
    override_light(
        by=cast.users["town_a_union"],
        light_row=closed["a"],
        light="red",
        reason="补录事故",
        today=datetime.date(2026, 10, 9),
    )
    interview = WarningInterview.objects.get(quarter_light=closed["a"])
    assert (interview.status, interview.town, interview.due_on) == (
        "due",
        cast.town_a,
        datetime.date(2026, 10, 22),
    )  # 10-10 is a 调休 Saturday


def test_a_red_light_overridden_to_green_cancels_its_due_interview(cast, closed):
    interview = WarningInterview.objects.get(quarter_light=closed["b"])
    override_light(by=cast.users["town_b_union"], light_row=closed["b"], light="green", reason="复查确认不属于重大隐患")
    interview.refresh_from_db()
    assert interview.status == "cancelled"
    assert interview.cancel_reason == "灯色已人工调整为绿灯：复查确认不属于重大隐患"
    assert AuditEvent.objects.filter(action="interview.cancel", object_id=str(interview.pk)).count() == 1


def test_setting_the_computed_light_again_ends_the_override(cast, closed):
    union = cast.users["town_a_union"]
    override_light(by=union, light_row=closed["a"], light="green", reason="当场已整改")
    light = override_light(by=union, light_row=closed["a"], light="yellow", reason="复查发现未整改，恢复计算结果")
    assert (light.light, light.is_overridden, light.override_reason) == ("yellow", False, "")
    assert [r["rule"] for r in light.reasons] == ["R-LIGHT-5"]
    assert AuditEvent.objects.filter(action="light.override").count() == 2


@pytest.mark.parametrize("user", ["town_b_union", "town_a_emergency", "group_leader", "contact_a"])
def test_only_the_enterprises_union_or_the_city_may_override(cast, closed, user):
    with pytest.raises(PermissionDenied):
        override_light(by=cast.users[user], light_row=closed["a"], light="green", reason="理由")


def test_a_published_light_cannot_be_overridden(cast, closed):
    QuarterLight.objects.filter(quarter="2026Q3").update(is_published=True)
    with pytest.raises(PublishedError, match="已公布"):
        override_light(by=cast.users["city_admin"], light_row=closed["a"], light="green", reason="理由")


def test_imported_history_cannot_be_overridden(cast):
    light = QuarterLight.objects.create(
        enterprise=cast.enterprise_a, quarter="2025Q4", year=2025, number=4, light="red", source="imported"
    )
    with pytest.raises(ServiceError, match="历史导入的亮灯不能人工调整"):
        override_light(by=cast.users["city_admin"], light_row=light, light="green", reason="理由")

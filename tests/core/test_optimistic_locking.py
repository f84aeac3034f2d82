"""SECURITY.md T9: no lost update when people save the same opened form at once.

For each edit path — an enterprise, a warning interview's record, a light override, an
item of a draft assessment template, a member of a representative group — writers on
their own threads and connections (`tests.concurrency`) save from the same version at the
same moment, trial after trial, on one set of rows. In every trial exactly one write is
saved, every other writer gets the conflict the form shows, the stored row is the
winner's (no mix of writers), the version moved on by exactly one, and the audit log
gained exactly the winner's change; the audit chain still verifies at the end. Together
the paths run `sum(TRIALS.values())` ≥ 1,000 trials on whichever database the run uses
(SQLite and PostgreSQL in CI).

Then, per path, the page: a stale form posted after someone else saved gets the conflict
message on the re-shown form (HTTP 200) and changes nothing.
"""

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from liangpai.checklists import services as checklists
from liangpai.checklists.models import ChecklistItem, ChecklistTemplate
from liangpai.core.audit import verify_chain
from liangpai.core.errors import Conflict
from liangpai.core.models import AuditEvent
from liangpai.enterprises import services as enterprises
from liangpai.enterprises.models import Enterprise
from liangpai.interviews import services as interviews
from liangpai.interviews.models import WarningInterview
from liangpai.lights.models import QuarterLight
from liangpai.organisations import services as organisations
from liangpai.organisations.models import GroupMember
from liangpai.periods.closing import override_light
from liangpai.periods.overrides import light_state, override_seen
from tests.checklists.conftest import small_template
from tests.concurrency import AuditMark, Outcome, Writers, one_winner
from tests.conftest import Cast
from tests.enterprises.test_enterprise_views import _form_data as enterprise_form
from tests.factories import GroupMemberFactory

#: Trials per edit path: each runs on every database the suite runs on.
TRIALS = {"enterprise": 250, "interview": 200, "light": 200, "checklist_item": 200, "group_member": 200}

#: What the forms say to a stale save, word for word.
ENTERPRISE_CONFLICT = "保存失败：在您打开此页面之后，别人已修改了这家企业的信息。请刷新页面查看最新内容后再修改。"
INTERVIEW_CONFLICT = "保存失败：在您打开此页面之后，别人已修改了这次约谈的记录。请刷新页面查看最新内容后再操作。"
LIGHT_CONFLICT = "保存失败：在您打开此页面之后，别人已调整或重新计算了这个灯色。请刷新页面查看最新内容后再操作。"
ITEM_CONFLICT = "保存失败：在您打开此页面之后，别人已修改了这个评价项目。请刷新页面查看最新内容后再修改。"
MEMBER_CONFLICT = "保存失败：在您打开此页面之后，别人已修改了这位成员的信息。请刷新页面查看最新内容后再修改。"
INCOMPLETE_FORM = "页面内容不完整或已过期，请刷新页面后重新填写。"

transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_trials_add_up_to_at_least_a_thousand_per_database():
    assert sum(TRIALS.values()) >= 1000


def _the_event(mark: AuditMark, action: str, target: Any) -> AuditEvent:
    """The one audit record a trial added, which must be `action` on `target`."""
    events = mark.since()
    assert [(e.action, e.object_id) for e in events] == [(action, str(target.pk))]
    return events[0]


def _refusals(outcomes: list[Outcome]) -> list[Any]:
    return [o.error for o in outcomes if not o.saved]


# --- the races ------------------------------------------------------------------------


@transactional
def test_concurrent_enterprise_edits_lose_no_update(cast: Cast):
    """Three officers save the same opened enterprise form at once."""
    pk = cast.enterprise_a.pk
    users = [cast.users["town_a_union"], cast.users["city_admin"], cast.users["town_a_union"]]

    def edit(trial: int, writer: int, version: int) -> Any:
        data = {"address": f"甲镇工业路{trial}号{writer}幢", "headcount": 100 + trial * 10 + writer}

        def call() -> Enterprise:
            enterprise = Enterprise.objects.get(pk=pk)  # as the view loads it
            return enterprises.update_enterprise(
                by=users[writer], enterprise=enterprise, data=data, expected_version=version, reason=f"第{trial}次"
            )

        return call

    with Writers(3) as writers:
        for trial in range(TRIALS["enterprise"]):
            version = Enterprise.objects.values_list("version", flat=True).get(pk=pk)
            mark = AuditMark()
            outcomes = writers.race([edit(trial, writer, version) for writer in range(3)])
            won = one_winner(outcomes, Conflict).writer
            stored = Enterprise.objects.get(pk=pk)
            expected = {"address": f"甲镇工业路{trial}号{won}幢", "headcount": 100 + trial * 10 + won}
            assert {"address": stored.address, "headcount": stored.headcount} == expected
            assert stored.version == version + 1
            event = _the_event(mark, "enterprise.update", stored)
            assert (event.after, event.actor_id, event.reason) == (expected, users[won].pk, f"第{trial}次")
        assert writers.trials == TRIALS["enterprise"]
    assert verify_chain() is None


def _due_interviews(cast: Cast, count: int) -> list[int]:
    """`count` due interviews of enterprise A, one per red quarter light (2001Q1 onwards)."""
    enterprise = cast.enterprise_a
    lights = QuarterLight.objects.bulk_create(
        QuarterLight(
            enterprise=enterprise,
            quarter=f"{2001 + n // 4}Q{n % 4 + 1}",
            year=2001 + n // 4,
            number=n % 4 + 1,
            light="red",
            computed_light="red",
        )
        for n in range(count)
    )
    created = WarningInterview.objects.bulk_create(
        WarningInterview(
            enterprise=enterprise,
            quarter_light=light,
            town_id=enterprise.town_id,
            quarter=light.quarter,
            due_on=datetime.date(light.year, 12, 31),
        )
        for light in lights
    )
    return [interview.pk for interview in created]


@transactional
def test_concurrent_interview_records_lose_no_update(cast: Cast):
    """Two emergency offices save the same due interview at once: both record it, or one records and one cancels."""
    users = [cast.users["town_a_emergency"], cast.users["city_emergency"]]

    def record(pk: int, trial: int, writer: int) -> Any:
        def call() -> WarningInterview:
            interview = WarningInterview.objects.select_related("enterprise").get(pk=pk)
            held = interviews.InterviewRecord(
                held_on=datetime.date(2026, 10, 12),
                place=f"会议室{trial}-{writer}",
                attendees="张三（企业负责人）",
                content="通报重大隐患情况。",
                commitments="限期整改。",
            )
            return interviews.record_interview(by=users[writer], interview=interview, expected_version=1, record=held)

        return call

    def cancel(pk: int, trial: int, writer: int) -> Any:
        def call() -> WarningInterview:
            interview = WarningInterview.objects.select_related("enterprise").get(pk=pk)
            return interviews.cancel_interview(
                by=users[writer], interview=interview, expected_version=1, reason=f"灯色已更正{trial}"
            )

        return call

    with Writers(2) as writers:
        for trial, pk in enumerate(_due_interviews(cast, TRIALS["interview"])):
            cancelling = trial % 2 == 1  # every other trial, the second writer cancels instead
            mark = AuditMark()
            outcomes = writers.race([record(pk, trial, 0), (cancel if cancelling else record)(pk, trial, 1)])
            won = one_winner(outcomes, Conflict).writer
            assert [e.message for e in _refusals(outcomes)] == [INTERVIEW_CONFLICT]
            stored = WarningInterview.objects.get(pk=pk)
            assert (stored.version, stored.recorded_by_id) == (2, users[won].pk)
            if cancelling and won == 1:
                assert (stored.status, stored.place, stored.cancel_reason) == ("cancelled", "", f"灯色已更正{trial}")
                event = _the_event(mark, "interview.cancel", stored)
                assert event.after == {"status": "cancelled", "cancel_reason": f"灯色已更正{trial}"}
            else:
                assert (stored.status, stored.place, stored.cancel_reason) == ("held", f"会议室{trial}-{won}", "")
                event = _the_event(mark, "interview.hold", stored)
                assert (event.after["status"], event.after["place"]) == ("held", f"会议室{trial}-{won}")
            assert event.actor_id == users[won].pk
        assert writers.trials == TRIALS["interview"]
    assert verify_chain() is None


@transactional
def test_concurrent_light_overrides_lose_no_update(cast: Cast):
    """Two officers adjust the same quarter's light from the same page at once."""
    row = QuarterLight.objects.create(
        enterprise=cast.enterprise_a2, quarter="2026Q3", year=2026, number=3, light="green", computed_light="green"
    )
    users = [cast.users["town_a_union"], cast.users["city_admin"]]
    # Neither is the computed light, so every save is an override that stays one; never red (no interview).
    targets = ["yellow", "not_inspected"]

    def adjust(trial: int, writer: int, seen: str) -> Any:
        light, reason = targets[(trial + writer) % 2], f"第{trial}次复查（{writer}）"

        def call() -> QuarterLight:
            current = QuarterLight.objects.select_related("enterprise").get(pk=row.pk)
            return override_seen(by=users[writer], light_row=current, seen=seen, light=light, reason=reason)

        return call

    with Writers(2) as writers:
        for trial in range(TRIALS["light"]):
            seen = light_state(QuarterLight.objects.get(pk=row.pk))
            mark = AuditMark()
            outcomes = writers.race([adjust(trial, writer, seen) for writer in range(2)])
            won = one_winner(outcomes, Conflict).writer
            assert [e.message for e in _refusals(outcomes)] == [LIGHT_CONFLICT]
            stored = QuarterLight.objects.get(pk=row.pk)
            expected = {"light": targets[(trial + won) % 2], "override_reason": f"第{trial}次复查（{won}）"}
            assert {"light": stored.light, "override_reason": stored.override_reason} == expected
            assert (stored.computed_light, stored.overridden_by_id) == ("green", users[won].pk)
            assert light_state(stored) != seen
            event = _the_event(mark, "light.override", stored)
            assert (event.after, event.actor_id) == (expected, users[won].pk)
        assert writers.trials == TRIALS["light"]
    assert verify_chain() is None


def _draft_item() -> ChecklistItem:
    template = small_template(year=2031)
    assert template.status == ChecklistTemplate.Status.DRAFT
    return ChecklistItem.objects.get(category__template=template, code="X-01")


@transactional
def test_concurrent_checklist_item_edits_lose_no_update(cast: Cast):
    """The city admin has the same draft item open in two tabs (or two admins) and saves both at once."""
    item = _draft_item()
    admin = cast.users["city_admin"]

    def edit(trial: int, writer: int, version: int) -> Any:
        text, evidence = f"评价内容：第{trial}次，第{writer}人。", f"查阅资料（{trial}-{writer}）。"

        def call() -> ChecklistItem:
            current = ChecklistItem.objects.get(pk=item.pk)
            return checklists.update_item(
                by=admin,
                item=current,
                expected_version=version,
                code=current.code,
                text=text,
                max_score=current.max_score,
                guidance=current.guidance,
                evidence=evidence,
            )

        return call

    with Writers(2) as writers:
        for trial in range(TRIALS["checklist_item"]):
            version = ChecklistItem.objects.values_list("version", flat=True).get(pk=item.pk)
            mark = AuditMark()
            outcomes = writers.race([edit(trial, writer, version) for writer in range(2)])
            won = one_winner(outcomes, Conflict).writer
            assert [e.messages for e in _refusals(outcomes)] == [[ITEM_CONFLICT]]
            stored = ChecklistItem.objects.get(pk=item.pk)
            expected = {"text": f"评价内容：第{trial}次，第{won}人。", "evidence": f"查阅资料（{trial}-{won}）。"}
            assert {"text": stored.text, "evidence": stored.evidence} == expected
            assert (stored.code, stored.max_score, stored.version) == ("X-01", Decimal(60), version + 1)
            assert _the_event(mark, "checklist_item.update", stored).after == expected
        assert writers.trials == TRIALS["checklist_item"]
    assert verify_chain() is None


@transactional
def test_concurrent_group_member_edits_lose_no_update(cast: Cast):
    """The town union and the city admin correct the same member at once."""
    member = GroupMemberFactory(group=cast.group_a, name="成员乙", work_unit="甲一机械", phone="13912340000")
    users = [cast.users["town_a_union"], cast.users["city_admin"]]

    def edit(trial: int, writer: int, version: int) -> Any:
        name, work_unit = f"成员{trial}-{writer}", f"单位{trial}-{writer}"

        def call() -> GroupMember:
            current = GroupMember.objects.select_related("group").get(pk=member.pk)
            return organisations.update_member(
                by=users[writer],
                member=current,
                expected_version=version,
                name=name,
                work_unit=work_unit,
                phone=current.phone,
            )

        return call

    with Writers(2) as writers:
        for trial in range(TRIALS["group_member"]):
            version = GroupMember.objects.values_list("version", flat=True).get(pk=member.pk)
            mark = AuditMark()
            outcomes = writers.race([edit(trial, writer, version) for writer in range(2)])
            won = one_winner(outcomes, Conflict).writer
            assert [e.messages for e in _refusals(outcomes)] == [[MEMBER_CONFLICT]]
            stored = GroupMember.objects.get(pk=member.pk)
            expected = {"name": f"成员{trial}-{won}", "work_unit": f"单位{trial}-{won}"}
            assert {"name": stored.name, "work_unit": stored.work_unit} == expected
            assert (stored.phone, stored.version) == ("13912340000", version + 1)
            event = _the_event(mark, "group_member.update", stored)
            assert (event.after, event.actor_id) == (expected, users[won].pk)
        assert writers.trials == TRIALS["group_member"]
    assert verify_chain() is None


# --- the pages: a stale form gets the conflict and changes nothing -------------------


def _hidden(page: str, name: str) -> str:
    """The value of a hidden input of the form on `page`, as the browser would post it back."""
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden {name} on the page"
    return match.group(1)


def _stale_post(client: Client, url: str, data: dict[str, Any], message: str) -> None:
    response = client.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.django_db
def test_a_stale_enterprise_form_gets_the_conflict_and_changes_nothing(cast: Cast):
    enterprise = cast.enterprise_a
    url = reverse("enterprises:edit", args=[enterprise.pk])
    client = cast.client_for("town_a_union")
    version = _hidden(client.get(url).content.decode(), "version")
    enterprises.update_enterprise(
        by=cast.users["city_admin"], enterprise=enterprise, data={"headcount": 150}, expected_version=int(version)
    )
    before = Enterprise.objects.filter(pk=enterprise.pk).values().get()
    events = AuditEvent.objects.count()

    _stale_post(client, url, enterprise_form(enterprise, headcount=200, version=version), ENTERPRISE_CONFLICT)

    assert Enterprise.objects.filter(pk=enterprise.pk).values().get() == before
    assert before["headcount"] == 150
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_stale_interview_record_gets_the_conflict_and_changes_nothing(cast: Cast):
    pk = _due_interviews(cast, 1)[0]
    url = reverse("interviews:record", args=[pk])
    client = cast.client_for("town_a_emergency")
    version = _hidden(client.get(url).content.decode(), "version")
    interview = WarningInterview.objects.get(pk=pk)
    interviews.cancel_interview(by=cast.users["city_emergency"], interview=interview, expected_version=1, reason="更正")
    before = WarningInterview.objects.filter(pk=pk).values().get()
    events = AuditEvent.objects.count()

    form = {
        "version": version,
        "held_on": "2001-02-01",
        "place": "会议室",
        "attendees": "张三",
        "content": "通报。",
        "commitments": "整改。",
    }
    _stale_post(client, url, form, INTERVIEW_CONFLICT)

    assert WarningInterview.objects.filter(pk=pk).values().get() == before
    assert before["status"] == "cancelled"
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_stale_light_override_gets_the_conflict_and_changes_nothing(cast: Cast):
    row = QuarterLight.objects.create(
        enterprise=cast.enterprise_a2, quarter="2026Q3", year=2026, number=3, light="green", computed_light="green"
    )
    url = reverse("periods:light_override", args=[row.pk])
    client = cast.client_for("town_a_union")
    state = _hidden(client.get(url).content.decode(), "state")
    assert state == light_state(row)
    override_light(by=cast.users["city_admin"], light_row=row, light="yellow", reason="复查发现问题")
    before = QuarterLight.objects.filter(pk=row.pk).values().get()
    events = AuditEvent.objects.count()

    _stale_post(client, url, {"light": "not_inspected", "reason": "未能进入现场", "state": state}, LIGHT_CONFLICT)

    assert QuarterLight.objects.filter(pk=row.pk).values().get() == before
    assert (before["light"], before["override_reason"]) == ("yellow", "复查发现问题")
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_light_override_saved_from_a_fresh_page_goes_through(cast: Cast):
    row = QuarterLight.objects.create(
        enterprise=cast.enterprise_a2, quarter="2026Q3", year=2026, number=3, light="green", computed_light="green"
    )
    url = reverse("periods:light_override", args=[row.pk])
    client = cast.client_for("town_a_union")
    state = _hidden(client.get(url).content.decode(), "state")
    response = client.post(url, {"light": "yellow", "reason": "复查发现问题", "state": state})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.light, row.override_reason) == ("yellow", "复查发现问题")
    # The same page posted again is now stale: its light was changed (by its own first save).
    _stale_post(client, url, {"light": "not_inspected", "reason": "再次调整", "state": state}, LIGHT_CONFLICT)


def _item_form(item: ChecklistItem, **changes: Any) -> dict[str, Any]:
    data = {f: getattr(item, f) for f in checklists.ITEM_FIELDS} | {"reason": "", "version": item.version}
    data = data | changes
    data["is_veto"] = "on" if data["is_veto"] else ""
    return data


@pytest.mark.django_db
def test_a_stale_checklist_item_form_gets_the_conflict_and_changes_nothing(cast: Cast):
    item = _draft_item()
    url = reverse("checklists:item_edit", args=[item.pk])
    client = cast.client_for("city_admin")
    version = _hidden(client.get(url).content.decode(), "version")
    fields = {f: getattr(item, f) for f in checklists.ITEM_FIELDS} | {"text": "别人改过的内容。"}
    checklists.update_item(by=cast.users["city_admin"], item=item, expected_version=int(version), **fields)
    before = ChecklistItem.objects.filter(pk=item.pk).values().get()
    events = AuditEvent.objects.count()

    _stale_post(client, url, _item_form(item, text="我改的内容。", version=version), ITEM_CONFLICT)

    assert ChecklistItem.objects.filter(pk=item.pk).values().get() == before
    assert (before["text"], before["version"]) == ("别人改过的内容。", 2)
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_stale_group_member_form_gets_the_conflict_and_changes_nothing(cast: Cast):
    member = GroupMemberFactory(group=cast.group_a, name="成员乙", work_unit="甲一机械", phone="13912340000")
    url = reverse("organisations:member_edit", args=[cast.group_a.pk, member.pk])
    client = cast.client_for("town_a_union")
    version = _hidden(client.get(url).content.decode(), "version")
    organisations.update_member(
        by=cast.users["city_admin"],
        member=member,
        expected_version=int(version),
        name="成员乙",
        work_unit="甲二纺织",
        phone="13912340000",
    )
    before = GroupMember.objects.filter(pk=member.pk).values().get()
    events = AuditEvent.objects.count()

    form = {"name": "成员丙", "work_unit": "甲一机械", "phone": "13912340000", "reason": "", "version": version}
    _stale_post(client, url, form, MEMBER_CONFLICT)

    assert GroupMember.objects.filter(pk=member.pk).values().get() == before
    assert (before["work_unit"], before["version"]) == ("甲二纺织", 2)
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["light", "checklist_item", "group_member"])
def test_a_form_without_its_version_is_refused_and_changes_nothing(cast: Cast, path: str):
    """A post that lacks the version the page was opened at cannot be checked for staleness: it is refused."""
    if path == "light":
        row = QuarterLight.objects.create(
            enterprise=cast.enterprise_a2, quarter="2026Q3", year=2026, number=3, light="green", computed_light="green"
        )
        client, url = cast.client_for("town_a_union"), reverse("periods:light_override", args=[row.pk])
        data: dict[str, Any] = {"light": "yellow", "reason": "复查发现问题"}
        rows: Any = QuarterLight.objects.filter(pk=row.pk)
    elif path == "checklist_item":
        item = _draft_item()
        client, url = cast.client_for("city_admin"), reverse("checklists:item_edit", args=[item.pk])
        data = _item_form(item, text="我改的内容。")
        del data["version"]
        rows = ChecklistItem.objects.filter(pk=item.pk)
    else:
        member = GroupMemberFactory(group=cast.group_a, name="成员乙")
        client = cast.client_for("town_a_union")
        url = reverse("organisations:member_edit", args=[cast.group_a.pk, member.pk])
        data = {"name": "成员丙", "work_unit": "", "phone": "", "reason": ""}
        rows = GroupMember.objects.filter(pk=member.pk)
    before = rows.values().get()

    for version in ({}, {"version": ""}, {"version": "abc"}, {"version": "0"}, {"state": ""}):
        _stale_post(client, url, data | version, INCOMPLETE_FORM)

    assert rows.values().get() == before
    assert not AuditEvent.objects.filter(action__in=["light.override", "checklist_item.update", "group_member.update"])

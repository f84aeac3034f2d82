"""Template services: copy, edit a draft, activate; immutability, validation, transitions, audit."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from liangpai.checklists import services
from liangpai.checklists.models import ChecklistCategory, ChecklistItem, ChecklistTemplate
from liangpai.core.audit import verify_chain
from liangpai.core.errors import TransitionError
from liangpai.core.models import AuditEvent
from tests.checklists.conftest import item_fields, item_of, small_template

pytestmark = pytest.mark.django_db

Status = ChecklistTemplate.Status


def _contents(template: ChecklistTemplate) -> list[tuple]:
    return [
        (c.code, c.name, c.order, i.code, i.text, i.max_score, i.guidance, i.evidence, i.is_veto, i.veto_key, i.order)
        for c in template.categories.prefetch_related("items")
        for i in c.items.all()
    ]


def _add(by, category: ChecklistCategory, code: str = "GS-1-99", **fields) -> ChecklistItem:
    """`services.add_item` with plausible contents (a one-point item), `fields` changing any of them."""
    contents = {"text": "新增项目。", "max_score": Decimal(1), "guidance": "扣完为止。", "evidence": "查阅资料。"}
    return services.add_item(by=by, category=category, code=code, **(contents | fields))


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return exc.value.messages


# --- copy -------------------------------------------------------------------------------


def test_a_copy_is_a_draft_for_the_year_with_the_same_contents(admin_user, gs_2026):
    copy = services.copy_template(by=admin_user, template=gs_2026, year=2027)
    assert (copy.code, copy.name, copy.scale, copy.year, copy.version) == ("GS", gs_2026.name, "above", 2027, 1)
    assert copy.status == Status.DRAFT
    assert copy.based_on == gs_2026
    assert copy.created_by == admin_user
    assert _contents(copy) == _contents(gs_2026)
    assert ChecklistItem.objects.filter(category__template=copy).count() == 30


def test_a_copy_may_take_a_new_name(admin_user, gx_2026):
    copy = services.copy_template(by=admin_user, template=gx_2026, year=2027, name="  规下企业评估标准（2027年）  ")
    assert copy.name == "规下企业评估标准（2027年）"


def test_copies_for_the_same_scale_and_year_take_the_next_version(admin_user, gs_2026, gx_2026):
    first = services.copy_template(by=admin_user, template=gs_2026, year=2027)
    second = services.copy_template(by=admin_user, template=first, year=2027)
    other_scale = services.copy_template(by=admin_user, template=gx_2026, year=2027)
    same_year = services.copy_template(by=admin_user, template=gs_2026, year=2026)
    assert (first.version, second.version, other_scale.version, same_year.version) == (1, 2, 1, 2)
    assert second.based_on == first


def test_editing_the_copy_never_changes_the_original(admin_user, gs_2026, draft):
    original = _contents(gs_2026)
    item = item_of(draft, "GS-1-01")
    services.update_item(by=admin_user, item=item, **item_fields(item, text="新的评价内容。", max_score=Decimal(3)))
    services.remove_item(by=admin_user, item=item_of(draft, "GS-1-02"))
    services.add_item(
        by=admin_user,
        category=draft.categories.get(code="GS-1"),
        code="GS-1-09",
        text="新增的项目。",
        max_score=Decimal(1),
        guidance="不符合的扣1分，扣完为止。",
        evidence="查阅资料。",
    )
    assert _contents(gs_2026) == original
    assert _contents(draft) != original
    assert item_of(gs_2026, "GS-1-01").text != "新的评价内容。"


@pytest.mark.parametrize("year", [1999, 2101])
def test_a_copy_needs_a_sensible_year(admin_user, gs_2026, year):
    with pytest.raises(ValidationError) as exc:
        services.copy_template(by=admin_user, template=gs_2026, year=year)
    assert exc.value.message_dict == {"year": ["年度应在2000到2100之间。"]}
    assert ChecklistTemplate.objects.count() == 2


# --- editing a draft --------------------------------------------------------------------


def test_an_item_of_a_draft_can_be_changed(admin_user, draft):
    item = item_of(draft, "GS-1-01")
    updated = services.update_item(
        by=admin_user, item=item, **item_fields(item, code="GS-1-01A", max_score=Decimal("2.5"), order=7)
    )
    item.refresh_from_db()
    assert (item.code, item.max_score, item.order) == ("GS-1-01A", Decimal("2.5"), 7)
    assert updated.pk == item.pk


def test_an_item_is_added_last_in_its_category(admin_user, draft):
    category = draft.categories.get(code="GS-2")
    last = category.items.order_by("order").last()
    item = _add(admin_user, category, "GS-2-99", max_score=Decimal(2))
    assert item.order == last.order + 1
    assert list(category.items.all())[-1] == item


def test_an_item_can_be_removed_from_a_draft(admin_user, draft):
    services.remove_item(by=admin_user, item=item_of(draft, "GS-1-01"))
    assert not ChecklistItem.objects.filter(category__template=draft, code="GS-1-01").exists()
    assert ChecklistItem.objects.filter(category__template=draft).count() == 29


# --- active and retired templates never change ------------------------------------------


def test_no_item_of_an_active_or_retired_template_can_be_changed(admin_user, settled):
    before = _contents(settled)
    item = item_of(settled, "GS-1-01")
    status = settled.get_status_display()
    expected = f"“{settled}”{status}，不能再修改。往年和在用的模板保持不变；如需调整，请复制为新版本。"
    attempts = [
        lambda: services.update_item(by=admin_user, item=item, **item_fields(item, text="改过的内容。")),
        lambda: services.remove_item(by=admin_user, item=item),
        lambda: _add(admin_user, item.category),
    ]
    events = AuditEvent.objects.count()
    for attempt in attempts:
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert _messages(exc) == [expected]
    assert _contents(settled) == before
    assert AuditEvent.objects.count() == events


def test_an_item_is_refused_even_when_the_caller_holds_a_stale_draft(admin_user, draft):
    """The service reads the template's status itself, under a lock: it does not trust the caller's copy."""
    item = ChecklistItem.objects.select_related("category__template").get(category__template=draft, code="GS-1-01")
    ChecklistTemplate.objects.filter(pk=draft.pk).update(status=Status.RETIRED)
    assert item.category.template.is_draft  # the stale object still says draft
    with pytest.raises(ValidationError):
        services.update_item(by=admin_user, item=item, **item_fields(item, text="改过的内容。"))


# --- validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"code": "GS-1-02"}, {"code": ["代码“GS-1-02”在本模板中已被使用。"]}),
        ({"code": "GS-5-07"}, {"code": ["代码“GS-5-07”在本模板中已被使用。"]}),
        ({"code": "  "}, {"code": ["请填写代码。"]}),
        ({"text": ""}, {"text": ["请填写评价内容。"]}),
        ({"guidance": " "}, {"guidance": ["请填写评分标准。"]}),
        ({"evidence": ""}, {"evidence": ["请填写评价方法。"]}),
        ({"max_score": Decimal(-1)}, {"max_score": ["分值不能为负数。"]}),
        ({"max_score": Decimal("100.5")}, {"max_score": ["分值不能超过100分。"]}),
        ({"max_score": Decimal("2.25")}, {"max_score": ["分值最多保留一位小数。"]}),
        ({"is_veto": True}, {"max_score": ["否决项不计分，分值须为0。"], "veto_key": ["请选择否决情形。"]}),
        ({"veto_key": "fatal_accident"}, {"veto_key": ["只有否决项才选择否决情形。"]}),
        (
            {"is_veto": True, "max_score": Decimal(0), "veto_key": "fatal_accident"},
            {"veto_key": ["“发生生产安全死亡事故”已是项目GS-5-07的否决情形。"]},
        ),
        ({"is_veto": True, "max_score": Decimal(0), "veto_key": "flood"}, {"veto_key": ["没有这种否决情形。"]}),
    ],
)
def test_a_bad_item_is_refused_with_a_chinese_message_and_nothing_changes(admin_user, draft, changes, errors):
    item = item_of(draft, "GS-1-01")
    before, events = _contents(draft), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.update_item(by=admin_user, item=item, **item_fields(item, **changes))
    assert exc.value.message_dict == errors
    assert _contents(draft) == before
    assert AuditEvent.objects.count() == events


def test_a_new_item_may_not_reuse_a_code_of_another_category(admin_user, draft):
    with pytest.raises(ValidationError) as exc:
        _add(admin_user, draft.categories.get(code="GS-5"), "GS-1-01")
    assert exc.value.message_dict == {"code": ["代码“GS-1-01”在本模板中已被使用。"]}


def test_the_same_code_may_be_used_in_another_template(admin_user, draft, gx_2026):
    gx_draft = services.copy_template(by=admin_user, template=gx_2026, year=2027)
    item = item_of(gx_draft, "GX-01")
    services.update_item(by=admin_user, item=item, **item_fields(item, code="GS-1-01"))
    assert item_of(gx_draft, "GS-1-01").pk == item.pk


def test_the_database_refuses_a_veto_item_with_points(draft):
    item = item_of(draft, "GS-5-07")
    item.max_score = Decimal(5)
    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()


# --- activation -------------------------------------------------------------------------


def test_activating_a_draft_retires_the_active_template_of_its_scale_and_year(admin_user, gs_2026, gx_2026):
    revision = services.copy_template(by=admin_user, template=gs_2026, year=2026)
    services.activate_template(by=admin_user, template=revision)
    revision.refresh_from_db()
    gs_2026.refresh_from_db()
    gx_2026.refresh_from_db()
    assert (revision.status, gs_2026.status, gx_2026.status) == (Status.ACTIVE, Status.RETIRED, Status.ACTIVE)


def test_activating_a_new_year_leaves_the_past_year_active(admin_user, gs_2026, draft):
    services.activate_template(by=admin_user, template=draft)
    gs_2026.refresh_from_db()
    assert gs_2026.status == Status.ACTIVE
    assert set(
        ChecklistTemplate.objects.filter(status=Status.ACTIVE, scale="above").values_list("year", flat=True)
    ) == {
        2026,
        2027,
    }


def test_a_later_year_replaces_only_its_own_year(admin_user, gs_2026, draft):
    services.activate_template(by=admin_user, template=draft)
    second = services.copy_template(by=admin_user, template=draft, year=2027)
    services.activate_template(by=admin_user, template=second)
    draft.refresh_from_db()
    gs_2026.refresh_from_db()
    assert (gs_2026.status, draft.status) == (Status.ACTIVE, Status.RETIRED)


def test_the_database_keeps_one_active_template_per_scale_and_year(gs_2026, draft):
    ChecklistTemplate.objects.filter(pk=draft.pk).update(year=2026, version=9)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChecklistTemplate.objects.filter(pk=draft.pk).update(status=Status.ACTIVE)


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        (("60", "30"), "评分项的分值合计为90分，须为100分。"),
        (("60", "40.5"), "评分项的分值合计为100.5分，须为100分。"),
        ((), "模板中至少要有一个评分项。"),
    ],
)
def test_a_draft_whose_scores_do_not_add_up_to_100_is_not_activated(admin_user, scores, message):
    template = small_template(scores=scores)
    with pytest.raises(ValidationError) as exc:
        services.activate_template(by=admin_user, template=template)
    assert message in _messages(exc)
    template.refresh_from_db()
    assert template.status == Status.DRAFT


def test_an_empty_draft_or_category_is_not_activated(admin_user):
    empty = ChecklistTemplate.objects.create(code="GX", name="空模板", scale="below", year=2031, version=1)
    with pytest.raises(ValidationError) as exc:
        services.activate_template(by=admin_user, template=empty)
    assert _messages(exc) == ["模板中还没有评价项目。"]

    template = small_template(year=2032)
    ChecklistCategory.objects.create(template=template, code="X-2", name="类别二", order=2)
    with pytest.raises(ValidationError) as exc:
        services.activate_template(by=admin_user, template=template)
    assert _messages(exc) == ["类别“类别二”中还没有评价项目。"]


def test_veto_items_count_for_nothing_in_the_total(admin_user):
    template = small_template(scores=("60", "40"), with_veto=True)
    services.activate_template(by=admin_user, template=template)
    template.refresh_from_db()
    assert template.status == Status.ACTIVE


def test_points_moved_between_items_make_a_draft_ready_again(admin_user, draft):
    a, b = item_of(draft, "GS-1-01"), item_of(draft, "GS-1-02")
    services.update_item(by=admin_user, item=a, **item_fields(a, max_score=a.max_score + 1))
    with pytest.raises(ValidationError):
        services.activate_template(by=admin_user, template=draft)
    services.update_item(by=admin_user, item=b, **item_fields(b, max_score=b.max_score - 1))
    services.activate_template(by=admin_user, template=draft)
    draft.refresh_from_db()
    assert draft.status == Status.ACTIVE


# --- the transition table ---------------------------------------------------------------


def test_the_transition_table_allows_only_activation_and_retirement():
    allowed = {(a, b) for a, targets in services.TRANSITIONS.items() for b in targets}
    assert allowed == {(Status.DRAFT, Status.ACTIVE), (Status.ACTIVE, Status.RETIRED)}
    assert set(services.TRANSITIONS) == set(Status)


@pytest.mark.parametrize("current", list(Status))
@pytest.mark.parametrize("target", list(Status))
def test_every_move_outside_the_table_is_rejected(current, target):
    template = ChecklistTemplate(name="模板", code="GS", scale="above", year=2027, version=1, status=current)
    if target in services.TRANSITIONS[current]:
        services.check_transition(template, target)
        return
    with pytest.raises(TransitionError) as exc:
        services.check_transition(template, target)
    assert _messages(exc) == [
        f"“模板（2027年第1版）”的状态是“{Status(current).label}”，不能改为“{Status(target).label}”。"
    ]


def test_an_active_or_retired_template_is_not_activated_again(admin_user, settled):
    events = AuditEvent.objects.count()
    with pytest.raises(TransitionError):
        services.activate_template(by=admin_user, template=settled)
    assert AuditEvent.objects.count() == events


# --- access -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["city_emergency", "town_a_union", "town_a_emergency", "group_leader", "expert", "contact_a", "outsider"]
)
def test_only_the_city_union_may_change_templates(cast, gs_2026, draft, role):
    user = cast.users[role]
    item = item_of(draft, "GS-1-01")
    before, counts = _contents(draft), (ChecklistTemplate.objects.count(), AuditEvent.objects.count())
    calls = [
        lambda: services.copy_template(by=user, template=gs_2026, year=2028),
        lambda: services.update_item(by=user, item=item, **item_fields(item, text="改过的内容。")),
        lambda: services.remove_item(by=user, item=item),
        lambda: _add(user, item.category),
        lambda: services.activate_template(by=user, template=draft),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied, match="只有市总工会可以管理评估模板。"):
            call()
    assert _contents(draft) == before
    assert (ChecklistTemplate.objects.count(), AuditEvent.objects.count()) == counts


# --- audit ------------------------------------------------------------------------------


def _events(after_id: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=after_id).order_by("id"))


def test_every_change_writes_one_audit_record(admin_user, gs_2026):
    start = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    revision = services.copy_template(by=admin_user, template=gs_2026, year=2026, reason="年中修订")
    item = item_of(revision, "GS-1-01")
    services.update_item(by=admin_user, item=item, **item_fields(item, text="改过的内容。"), reason="措辞")
    services.update_item(by=admin_user, item=item, **item_fields(item, text="改过的内容。"))  # no change, no record
    removed = item_of(revision, "GS-1-02")
    services.remove_item(by=admin_user, item=removed, reason="合并")
    added = services.add_item(
        by=admin_user,
        category=item.category,
        code="GS-1-02",
        text="合并后的项目。",
        max_score=removed.max_score,
        guidance="扣完为止。",
        evidence="查阅资料。",
    )
    services.activate_template(by=admin_user, template=revision, reason="启用修订版")

    events = _events(start)
    assert [(e.action, e.object_type, e.object_id) for e in events] == [
        ("checklist_template.copy", "checklists.checklisttemplate", str(revision.pk)),
        ("checklist_item.update", "checklists.checklistitem", str(item.pk)),
        ("checklist_item.delete", "checklists.checklistitem", str(removed.pk)),
        ("checklist_item.create", "checklists.checklistitem", str(added.pk)),
        ("checklist_template.retire", "checklists.checklisttemplate", str(gs_2026.pk)),
        ("checklist_template.activate", "checklists.checklisttemplate", str(revision.pk)),
    ]
    copy, update, delete, create, retire, activate = events
    assert all(e.actor == admin_user for e in events)
    assert copy.after["based_on"] == gs_2026.pk
    assert copy.after["year"] == 2026
    assert copy.after["version"] == 2
    assert copy.after["items"] == 30
    assert copy.reason == "年中修订"
    assert update.before == {"text": item_of(gs_2026, "GS-1-01").text}
    assert update.after == {"text": "改过的内容。"}
    assert update.reason == "措辞"
    assert delete.before["code"] == "GS-1-02"
    assert delete.before["template"] == revision.pk
    assert delete.reason == "合并"
    assert create.after["code"] == "GS-1-02"
    assert create.after["max_score"] == str(removed.max_score)
    assert retire.before == {"status": "active"}
    assert retire.after == {"status": "retired", "replaced_by": revision.pk}
    assert activate.before == {"status": "draft"}
    assert activate.after == {"status": "active", "replaces": [gs_2026.pk]}
    assert activate.reason == "启用修订版"
    assert verify_chain() is None

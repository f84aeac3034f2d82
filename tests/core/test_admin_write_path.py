"""The Django admin is no second write path (STYLE.md, "Services").

Every model the admin registers for the apps accounts, regions, organisations, checklists,
enterprises, rulesets, lights, grades and interviews is either read-only there, or saved and deleted
through its app's service: the admin change's record is then the service's own (the action the app's
pages record too), with its actor, before → after and the reason typed in the form. An invalid change
shows on the form and changes nothing. The cases are checked against the admin's registry, so a model
registered later without a case here fails `test_every_model_the_apps_register_has_a_case`.

The models of rulesets, lights, grades and interviews are stored under the `ratings` label
(docs/architecture.md, "The ratings label"): their admin is found by the module that registers it.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db.models import Model
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from liangpai.accounts.models import LoginLock, Membership, Role, User
from liangpai.checklists import services as checklists
from liangpai.checklists.models import ChecklistItem, ChecklistTemplate
from liangpai.core.admin import ADMIN_DEFAULT_REASON
from liangpai.core.models import AuditEvent
from liangpai.enterprises.models import Industry
from liangpai.grades.models import AnnualGrade, GradeInput
from liangpai.interviews.models import WarningInterview
from liangpai.lights.models import InspectionResult, QuarterLight
from liangpai.organisations.models import Body, RepresentativeGroup
from liangpai.regions.models import District, Town
from liangpai.rules.ruleset import DEFAULT_RULESET
from liangpai.rulesets.models import CalendarOverride, RulesetVersion
from tests.conftest import Cast
from tests.factories import UserFactory
from tests.otp import admin_client

pytestmark = pytest.mark.django_db

APPS = {
    "accounts",
    "regions",
    "organisations",
    "checklists",
    "enterprises",
    "rulesets",
    "lights",
    "grades",
    "interviews",
}
REASON = "测试：在管理后台修改"


def _registered() -> set[str]:
    """The models whose admin one of APPS registers, by the module of the admin class: TOTPDevice's is
    accounts', its model django-otp's; the rating apps' models have the label `ratings`."""
    labels = set()
    for model, model_admin in admin.site._registry.items():
        module = type(model_admin).__module__.split(".")
        if model._meta.app_label in APPS or (module[:1] == ["liangpai"] and module[1] in APPS):
            labels.add(model._meta.label_lower)
    return labels


# --- the cases ----------------------------------------------------------------------------


@dataclass
class Case:
    """What the admin may do with one model, on rows of the fixed cast."""

    row: Model  # an existing row: its change page is opened
    change: dict[str, Any] | None = None  # a valid change of `row` (None: the admin is read-only for it)
    action: str = ""  # … recorded by the service as this,
    before: dict[str, Any] = field(default_factory=dict)  # … with these values before
    after: dict[str, Any] = field(default_factory=dict)  # … and after
    invalid: dict[str, Any] | None = None  # a change that is refused
    message: str = ""  # … saying this on the form ("" when the form's own checks refuse it)
    add: dict[str, Any] | None = None  # a valid new row (None: no row is added here)
    add_action: str = ""
    doomed: Model | None = None  # a row deleted through the service (None: no row is deleted here)
    delete_action: str = ""


def _user(cast: Cast) -> Case:
    return Case(
        row=cast.users["outsider"],
        change={"full_name": "改名的人"},
        action="user.update",
        before={"full_name": "outsider"},
        after={"full_name": "改名的人"},
        invalid={"username": "有 空格"},
        add={"username": "new_inspector", "usable_password": "false"},
        add_action="user.create",
    )


def _login_lock(cast: Cast) -> Case:
    now = timezone.now()
    lock = LoginLock.objects.create(
        username="outsider", locked_at=now, until=now + datetime.timedelta(minutes=30), failures=5
    )
    return Case(row=lock)


def _device(cast: Cast) -> Case:
    owner = UserFactory(username="city_it", is_staff=True)
    return Case(
        row=TOTPDevice.objects.create(user=owner, name="身份验证器", confirmed=True),
        doomed=TOTPDevice.objects.create(user=owner, name="旧手机", confirmed=True),
        delete_action="user.otp_remove",
    )


def _city(cast: Cast) -> Case:
    return Case(
        row=cast.town_a.city,
        change={"name": "示范市（改）"},
        action="city.update",
        before={"name": "示范市"},
        after={"name": "示范市（改）"},
        invalid={"division_code": "33048"},
        message="行政区划代码是6位数字",
        add={"name": "邻市", "division_code": "330100"},
        add_action="city.create",
    )


def _town(cast: Cast) -> Case:
    return Case(
        row=cast.town_a,
        change={"short_name": "甲甲", "sort_order": 3},
        action="town.update",
        before={"short_name": "甲", "sort_order": 0},
        after={"short_name": "甲甲", "sort_order": 3},
        invalid={"name": "乙街道"},
        message="已有名为“乙街道”的镇/街道。",
        add={"city": cast.town_a.city, "name": "丙镇", "short_name": "丙", "kind": "town", "sort_order": 9},
        add_action="town.create",
    )


def _district(cast: Cast) -> Case:
    return Case(
        row=cast.district_a,
        change={"name": "甲一片（改）", "sort_order": 5},
        action="district.update",
        before={"name": "甲一片", "sort_order": 0},
        after={"name": "甲一片（改）", "sort_order": 5},
        invalid={"name": "甲二片"},
        message="甲镇已有名为“甲二片”的片区。",
        add={"town": cast.town_b, "name": "乙三片", "sort_order": 2},
        add_action="district.create",
        doomed=District.objects.create(town=cast.town_b, name="乙二片"),
        delete_action="district.delete",
    )


def _body(cast: Cast) -> Case:
    return Case(
        row=Body.objects.create(kind=Body.Kind.TOWN_UNION, name="甲镇总工会", town=cast.town_a),
        change={"head": "钱主席"},
        action="body.update",
        before={"head": ""},
        after={"head": "钱主席"},
        invalid={"kind": Body.Kind.CITY_UNION},  # a city body in a town
        add={"kind": Body.Kind.CITY_EMERGENCY, "name": "示范市应急管理局"},
        add_action="body.create",
        doomed=Body.objects.create(kind=Body.Kind.TOWN_EMERGENCY, name="乙街道应急办", town=cast.town_b),
        delete_action="body.delete",
    )


def _group(cast: Cast) -> Case:
    return Case(
        row=cast.group_a,
        change={"districts": [cast.district_a, cast.district_a2]},
        action="group.update",
        before={"districts": [cast.district_a.pk]},
        after={"districts": sorted([cast.district_a.pk, cast.district_a2.pk])},
        invalid={"districts": [cast.district_b]},
        message="片区“乙一片”不属于甲镇",
        add={"town": cast.town_b, "name": "乙街道第一代表小组", "is_active": True},
        add_action="group.create",
        doomed=RepresentativeGroup.objects.create(town=cast.town_b, name="临时小组"),
        delete_action="group.delete",
    )


def _expert(cast: Cast) -> Case:
    return Case(
        row=cast.expert,
        change={"title": "高级工程师"},
        action="expert.update",
        before={"title": ""},
        after={"title": "高级工程师"},
        invalid={"name": ""},
        add={"name": "钱专家", "towns": [cast.town_a], "is_active": True},
        add_action="expert.create",
    )


def _draft(cast: Cast, year: int) -> ChecklistTemplate:
    active = ChecklistTemplate.objects.get(scale="above", year=2026, status=ChecklistTemplate.Status.ACTIVE)
    return checklists.copy_template(by=cast.users["city_admin"], template=active, year=year)


def _item(draft: ChecklistTemplate, code: str) -> ChecklistItem:
    return ChecklistItem.objects.get(category__template=draft, code=code)


def _template(cast: Cast) -> Case:
    draft = _draft(cast, 2027)
    return Case(
        row=draft,
        change={"name": "规上企业评估标准（2027年）"},
        action="checklist_template.rename",
        before={"name": draft.name},
        after={"name": "规上企业评估标准（2027年）"},
        invalid={"name": ""},
        doomed=_draft(cast, 2028),
        delete_action="checklist_template.delete",
    )


def _checklist_item(cast: Cast) -> Case:
    draft = _draft(cast, 2027)
    item = _item(draft, "GS-1-01")
    return Case(
        row=item,
        change={"text": "改过的评价内容。"},
        action="checklist_item.update",
        before={"text": item.text},
        after={"text": "改过的评价内容。"},
        invalid={"code": "GS-1-02"},
        message="代码“GS-1-02”在本模板中已被使用。",
        add={
            "category": item.category,
            "code": "GS-1-99",
            "text": "新的评价内容。",
            "max_score": "0",
            "guidance": "按实际情况评分。",
            "evidence": "查阅资料。",
            "order": 99,
        },
        add_action="checklist_item.create",
        doomed=_item(draft, "GS-1-02"),
        delete_action="checklist_item.delete",
    )


# The rating apps' rows are made directly: a row made by a service would leave a record of the
# action an added row is looked up by.


def _ruleset(version: str) -> RulesetVersion:
    year = int(version.split("-")[0])
    return RulesetVersion.objects.create(year=year, version=version, **RulesetVersion.values_of(DEFAULT_RULESET))


def _ruleset_version(cast: Cast) -> Case:
    return Case(
        row=_ruleset("2027-1"),
        change={"interview_deadline_working_days": 8, "note": "约谈期限缩短"},
        action="ruleset.update",
        before={"interview_deadline_working_days": 10, "note": ""},
        after={"interview_deadline_working_days": 8, "note": "约谈期限缩短"},
        invalid={"minimum_b": "95"},
        message="分数线应依次降低",  # R-RULESET-2, checked by the form
        add={"year": 2028, "version": "2028-1", "minimum_a": "92"},
        add_action="ruleset.create",
        doomed=_ruleset("2027-2"),
        delete_action="ruleset.delete",
    )


def _calendar_override(cast: Cast) -> Case:
    return Case(
        row=CalendarOverride.objects.create(date=datetime.date(2027, 2, 6), is_working_day=True, note="春节调休"),
        change={"note": "春节调休上班"},
        action="calendar.update",
        before={"note": "春节调休"},
        after={"note": "春节调休上班"},
        invalid={"date": "2027-10-08"},  # the other override's day
        add={"date": "2027-05-06", "is_working_day": False, "note": "地方停工"},
        add_action="calendar.create",
        doomed=CalendarOverride.objects.create(date=datetime.date(2027, 10, 8), is_working_day=False),
        delete_action="calendar.delete",
    )


def _inspection(cast: Cast, on: str, **findings: Any) -> InspectionResult:
    return InspectionResult.objects.create(
        enterprise=cast.enterprise_a, inspected_on=datetime.date.fromisoformat(on), **findings
    )


def _inspection_result(cast: Cast) -> Case:
    return Case(
        row=_inspection(cast, "2026-08-03", general_hazards_fixed_on_spot=2),
        change={"inspected_on": "2026-10-12", "major_hazards": 1},
        action="inspection_result.update",
        before={"inspected_on": "2026-08-03", "major_hazards": 0},
        after={"inspected_on": "2026-10-12", "major_hazards": 1},
        invalid={"accidents": "-1"},
        add={"enterprise": cast.enterprise_b, "inspected_on": "2026-09-01", "refused_inspection": True},
        add_action="inspection_result.create",
        doomed=_inspection(cast, "2026-09-15", major_hazards=1),
        delete_action="inspection_result.delete",
    )


def _quarter_light(cast: Cast, enterprise: Any, light: str) -> QuarterLight:
    return QuarterLight.objects.create(enterprise=enterprise, quarter="2026Q3", year=2026, number=3, light=light)


def _grade_input(cast: Cast) -> Case:
    return Case(
        row=GradeInput.objects.create(enterprise=cast.enterprise_a, year=2026, grade="B"),
        change={"grade": "", "score": "91.5"},
        action="grade_input.update",
        before={"grade": "B", "score": None},
        after={"grade": "", "score": "91.5"},
        invalid={"failed_vetoes": '["no_such_veto"]'},
        message="应为否决项代码的列表",
        add={"enterprise": cast.enterprise_b, "year": 2026, "score": "85.5"},
        add_action="grade_input.create",
        doomed=GradeInput.objects.create(enterprise=cast.enterprise_a2, year=2026, score="70"),
        delete_action="grade_input.delete",
    )


def _warning_interview(cast: Cast) -> Case:
    return Case(
        row=WarningInterview.objects.create(
            enterprise=cast.enterprise_a,
            quarter_light=_quarter_light(cast, cast.enterprise_a, "red"),
            town=cast.town_a,
            quarter="2026Q3",
            due_on=datetime.date(2026, 10, 23),
        )
    )


CASES: dict[str, Callable[[Cast], Case]] = {
    "accounts.user": _user,
    "accounts.loginlock": _login_lock,
    "otp_totp.totpdevice": _device,
    "regions.city": _city,
    "regions.town": _town,
    "regions.district": _district,
    "organisations.body": _body,
    "organisations.representativegroup": _group,
    "organisations.expert": _expert,
    "checklists.checklisttemplate": _template,
    "checklists.checklistitem": _checklist_item,
    "enterprises.industry": lambda cast: Case(row=Industry.objects.get(code="13")),
    "enterprises.enterprise": lambda cast: Case(row=cast.enterprise_a),
    "ratings.rulesetversion": _ruleset_version,
    "ratings.calendaroverride": _calendar_override,
    "ratings.inspectionresult": _inspection_result,
    "ratings.quarterlight": lambda cast: Case(row=_quarter_light(cast, cast.enterprise_a, "green")),
    "ratings.gradeinput": _grade_input,
    "ratings.annualgrade": lambda cast: Case(
        row=AnnualGrade.objects.create(enterprise=cast.enterprise_a, year=2025, base_grade="B", final_grade="B")
    ),
    "ratings.warninginterview": _warning_interview,
}

#: The models whose rows cannot be changed in the admin (their cases have no `change`).
READ_ONLY = {
    "accounts.loginlock",
    "otp_totp.totpdevice",
    "enterprises.industry",
    "enterprises.enterprise",
    "ratings.quarterlight",
    "ratings.annualgrade",
    "ratings.warninginterview",
}


# --- helpers ------------------------------------------------------------------------------


@pytest.fixture
def root(cast: Cast) -> User:
    """The system administrator, also the city admin (the services ask for the role as the pages do)."""
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    Membership.objects.create(user=user, role=Role.CITY_ADMIN)
    return user


@pytest.fixture
def client(root: User) -> Client:
    return admin_client(root)


def _url(obj_or_model: Any, view: str, *args: Any) -> str:
    meta = obj_or_model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def _shown(response: Any) -> dict[str, Any]:
    """What the admin form on `response` posts when nothing is changed: its fields and its inlines' rows."""
    shown = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        shown += [inline.formset.management_form, *inline.formset.forms]
    data: dict[str, Any] = {}
    for form in shown:
        for name, form_field in form.fields.items():
            value = form[name].value()
            if form_field.disabled or value is None:
                continue
            if isinstance(form_field.widget, forms.CheckboxInput):
                if value:
                    data[form.add_prefix(name)] = "on"
            elif isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(v) for v in value]
            else:
                data[form.add_prefix(name)] = value
    return data


def _posted(data: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """`data` with `changes` as a browser would post them (rows by id, ticked boxes as "on")."""
    posted = dict(data)
    for name, value in changes.items():
        if value is False:
            posted.pop(name, None)
        elif value is True:
            posted[name] = "on"
        elif isinstance(value, Model):
            posted[name] = value.pk
        elif isinstance(value, list):
            posted[name] = [v.pk if isinstance(v, Model) else v for v in value]
        else:
            posted[name] = value
    return posted


def _stored(obj: Model) -> dict[str, Any]:
    return model_to_dict(type(obj)._default_manager.get(pk=obj.pk))


def _form_errors(response: Any) -> Any:
    return response.context["adminform"].form.errors


# --- every model has a case ---------------------------------------------------------------


def test_every_model_the_apps_register_has_a_case() -> None:
    assert _registered() == set(CASES)


# --- adding -------------------------------------------------------------------------------


@pytest.mark.parametrize("label", sorted(CASES))
def test_adding_is_refused_or_goes_through_the_service(cast: Cast, client: Client, root: User, label: str) -> None:
    case = CASES[label](cast)
    model = type(case.row)
    url = _url(model, "add")
    rows, events = model._default_manager.count(), AuditEvent.objects.count()
    if case.add is None:
        assert client.get(url).status_code == 403
        assert client.post(url, {"name": "不该有的"}).status_code == 403
        assert (model._default_manager.count(), AuditEvent.objects.count()) == (rows, events)
        return
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, _posted(_shown(page), case.add | {"reason": REASON}))
    assert response.status_code == 302, _form_errors(response)
    assert model._default_manager.count() == rows + 1
    event = AuditEvent.objects.get(action=case.add_action)
    assert (event.actor, event.reason, event.before) == (root, REASON, None)
    assert event.object_id == str(model._default_manager.latest("pk").pk)


# --- changing -----------------------------------------------------------------------------


@pytest.mark.parametrize("label", sorted(CASES))
def test_a_change_is_refused_or_is_the_services_record(cast: Cast, client: Client, root: User, label: str) -> None:
    case = CASES[label](cast)
    url = _url(case.row, "change", case.row.pk)
    page = client.get(url)
    assert page.status_code == 200
    before, events = _stored(case.row), AuditEvent.objects.count()
    assert (case.change is None) == (label in READ_ONLY)
    if case.change is None:
        assert 'name="_save"' not in page.content.decode()
        assert client.post(url, {"name": "不该有的"}).status_code == 403
        assert (_stored(case.row), AuditEvent.objects.count()) == (before, events)
        return
    assert 'name="_save"' in page.content.decode()
    response = client.post(url, _posted(_shown(page), case.change | {"reason": REASON}))
    assert response.status_code == 302, _form_errors(response)
    event = AuditEvent.objects.get(action=case.action)
    assert (event.actor, event.object_id, event.reason) == (root, str(case.row.pk), REASON)
    assert (event.before, event.after) == (case.before, case.after)
    assert AuditEvent.objects.count() == events + 1  # the service's record, and no other


@pytest.mark.parametrize("label", sorted(set(CASES) - READ_ONLY))
def test_an_invalid_change_shows_on_the_form_and_changes_nothing(cast: Cast, client: Client, label: str) -> None:
    case = CASES[label](cast)
    assert case.invalid is not None
    url = _url(case.row, "change", case.row.pk)
    page = client.get(url)
    before, events = _stored(case.row), AuditEvent.objects.count()
    response = client.post(url, _posted(_shown(page), case.invalid | {"reason": REASON}))
    assert response.status_code == 200
    assert _form_errors(response)
    assert case.message in response.content.decode()
    assert (_stored(case.row), AuditEvent.objects.count()) == (before, events)


# --- deleting -----------------------------------------------------------------------------


@pytest.mark.parametrize("label", sorted(CASES))
def test_deleting_is_refused_or_goes_through_the_service(cast: Cast, client: Client, root: User, label: str) -> None:
    case = CASES[label](cast)
    model = type(case.row)
    if case.doomed is None:
        events = AuditEvent.objects.count()
        assert client.post(_url(case.row, "delete", case.row.pk), {"post": "yes"}).status_code == 403
        assert model._default_manager.filter(pk=case.row.pk).exists()
        assert AuditEvent.objects.count() == events
        return
    doomed = case.doomed
    response = client.post(_url(doomed, "delete", doomed.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not model._default_manager.filter(pk=doomed.pk).exists()
    event = AuditEvent.objects.get(action=case.delete_action)
    assert event.actor == root
    assert event.before is not None


# --- refusals are shown, never a server error ----------------------------------------------


def test_a_refusal_by_the_service_shows_on_the_form_and_changes_nothing(cast: Cast) -> None:
    """A superuser without the city admin's role may open the admin, but the service refuses the change."""
    stranger = UserFactory(username="root_without_role", is_staff=True, is_superuser=True)
    client = admin_client(stranger)
    url = _url(cast.town_a, "change", cast.town_a.pk)
    data = _posted(_shown(client.get(url)), {"short_name": "甲甲"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "只有市总工会可以设置城市及其镇/街道。" in response.content.decode()
    assert Town.objects.get(pk=cast.town_a.pk).short_name == "甲"
    assert not AuditEvent.objects.exists()


def test_a_refused_delete_is_a_message_and_deletes_nothing(cast: Cast, client: Client) -> None:
    """No enterprise is in the district (Django's own page would say so), but a group covers it."""
    district = District.objects.create(town=cast.town_a, name="甲三片")
    cast.group_a.districts.add(district)
    response = client.post(_url(district, "delete", district.pk), {"post": "yes"}, follow=True)
    assert "片区“甲三片”仍由代表小组负责" in response.content.decode()
    assert District.objects.filter(pk=district.pk).exists()
    assert not AuditEvent.objects.exists()


def test_a_refused_list_action_is_a_message(cast: Cast) -> None:
    """A staff user the Django permissions let into the users list is still not the system administrator."""
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.set(Permission.objects.filter(codename__in=["view_user", "change_user"]))
    response = admin_client(clerk).post(
        _url(User, "changelist"),
        {"action": "unlock_login", "_selected_action": [cast.users["outsider"].pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "只有系统管理员可以管理用户账号及其角色。" in response.content.decode()


def test_an_admin_may_not_take_away_their_own_superuser_status(client: Client, root: User) -> None:
    url = _url(root, "change", root.pk)
    response = client.post(url, _posted(_shown(client.get(url)), {"is_superuser": False}))
    assert response.status_code == 200
    assert "不能停用自己的账号或取消自己的超级用户身份" in response.content.decode()
    root.refresh_from_db()
    assert root.is_superuser
    assert not AuditEvent.objects.exists()


def test_a_refusal_by_the_grades_service_shows_on_the_form_and_changes_nothing(cast: Cast, client: Client) -> None:
    """The form is valid, but the year's grades are published: its bases stay as they were."""
    grade_input = GradeInput.objects.create(enterprise=cast.enterprise_a, year=2026, grade="B")
    AnnualGrade.objects.create(enterprise=cast.enterprise_b, year=2026, final_grade="B", is_published=True)
    url = _url(grade_input, "change", grade_input.pk)
    response = client.post(url, _posted(_shown(client.get(url)), {"grade": "A", "reason": REASON}))
    assert response.status_code == 200
    assert "2026 年度等级已公布，评级依据不能再修改。" in response.content.decode()
    assert GradeInput.objects.get(pk=grade_input.pk).grade == "B"
    assert not AuditEvent.objects.exists()


def test_a_delete_refused_by_the_grades_service_is_a_message_and_deletes_nothing(cast: Cast, client: Client) -> None:
    grade_input = GradeInput.objects.create(enterprise=cast.enterprise_a, year=2026, grade="B")
    AnnualGrade.objects.create(enterprise=cast.enterprise_b, year=2026, final_grade="B", is_published=True)
    response = client.post(_url(grade_input, "delete", grade_input.pk), {"post": "yes"}, follow=True)
    assert "2026 年度等级已公布，评级依据不能再修改。" in response.content.decode()
    assert GradeInput.objects.filter(pk=grade_input.pk).exists()
    assert not AuditEvent.objects.exists()


def test_an_active_ruleset_is_not_deleted(cast: Cast, client: Client) -> None:
    active = _ruleset("2027-1")
    RulesetVersion.objects.filter(pk=active.pk).update(status=RulesetVersion.Status.ACTIVE)
    assert client.post(_url(active, "delete", active.pk), {"post": "yes"}).status_code == 403
    assert RulesetVersion.objects.filter(pk=active.pk).exists()
    assert not AuditEvent.objects.exists()


def test_a_refused_ruleset_action_is_a_message_and_changes_nothing(cast: Cast, client: Client) -> None:
    """Two drafts of a year, one inconsistent: activating both activates neither (the list shows the newer
    first, so the good one is activated before the other is refused, and rolled back with it)."""
    bad, good = _ruleset("2027-1"), _ruleset("2027-2")
    RulesetVersion.objects.filter(pk=bad.pk).update(minimum_c=90)
    response = client.post(
        _url(RulesetVersion, "changelist"),
        {"action": "activate", "_selected_action": [good.pk, bad.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "分数线应依次降低" in response.content.decode()
    assert set(RulesetVersion.objects.filter(year=2027).values_list("status", flat=True)) == {"draft"}
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("label", sorted(label for label in CASES if label.startswith("ratings.")))
def test_only_those_who_manage_the_rules_see_the_rating_admins(cast: Cast, label: str) -> None:
    """Staff of a town (even with Django's permissions on the model) do not see them; the city admin does."""
    town_union = cast.users["town_a_union"]
    town_union.is_staff = True
    town_union.save()
    model = type(CASES[label](cast).row)
    codename = model._meta.model_name
    town_union.user_permissions.set(Permission.objects.filter(codename__endswith=f"_{codename}"))
    assert admin_client(town_union).get(_url(model, "changelist")).status_code == 403
    city_admin = cast.users["city_admin"]
    city_admin.is_staff = True
    city_admin.save()
    assert admin_client(city_admin).get(_url(model, "changelist")).status_code == 200


# --- the writes only the admin offers --------------------------------------------------------


def test_the_towns_list_edits_the_order_through_the_service(cast: Cast, client: Client) -> None:
    response = client.post(
        _url(Town, "changelist"),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": cast.town_b.pk,
            "form-0-sort_order": "7",
            "_save": "保存",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="town.update")
    assert (event.object_id, event.before, event.after) == (str(cast.town_b.pk), {"sort_order": 0}, {"sort_order": 7})


def test_linking_an_expert_to_an_account_is_recorded(cast: Cast, client: Client, root: User) -> None:
    url = _url(cast.expert, "change", cast.expert.pk)
    other = UserFactory(username="expert_two")
    response = client.post(url, _posted(_shown(client.get(url)), {"user": other}))
    assert response.status_code == 302, _form_errors(response)
    event = AuditEvent.objects.get(action="expert.link_account")
    assert (event.actor, event.before, event.after) == (root, {"user": cast.users["expert"].pk}, {"user": other.pk})


def test_setting_a_password_in_the_admin_is_recorded_without_it(cast: Cast, client: Client, root: User) -> None:
    user = cast.users["outsider"]
    password = "Liangpai-New-2026!"
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    response = client.post(url, {"usable_password": "true", "password1": password, "password2": password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(password)
    event = AuditEvent.objects.get(action="user.update")
    assert (event.actor, event.after) == (root, {"password": "（已修改）"})
    assert password not in str(event.after)


def test_a_role_granted_in_the_admin_carries_the_reason_typed(cast: Cast, client: Client, root: User) -> None:
    user = cast.users["outsider"]
    url = _url(user, "change", user.pk)
    data = _posted(
        _shown(client.get(url)),
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-role": Role.TOWN_UNION,
            "memberships-0-town": cast.town_a,
            "memberships-0-user": user,
            "reason": "新任甲镇总工会干事",
        },
    )
    assert client.post(url, data).status_code == 302
    event = AuditEvent.objects.get(action="role.grant")
    assert (event.actor, event.reason, event.after["town"]) == (root, "新任甲镇总工会干事", cast.town_a.pk)


def test_the_rulesets_list_activates_a_draft_through_the_service(cast: Cast, client: Client, root: User) -> None:
    active, draft = _ruleset("2027-1"), _ruleset("2027-2")
    RulesetVersion.objects.filter(pk=active.pk).update(status=RulesetVersion.Status.ACTIVE)
    response = client.post(_url(RulesetVersion, "changelist"), {"action": "activate", "_selected_action": [draft.pk]})
    assert response.status_code == 302
    events = {e.action: e for e in AuditEvent.objects.all()}
    assert set(events) == {"ruleset.retire", "ruleset.activate"}
    assert (events["ruleset.retire"].object_id, events["ruleset.activate"].object_id) == (str(active.pk), str(draft.pk))
    assert {(e.actor, e.reason) for e in events.values()} == {(root, ADMIN_DEFAULT_REASON)}


def test_the_rulesets_list_copies_a_ruleset_as_a_new_draft(cast: Cast, client: Client, root: User) -> None:
    original = _ruleset("2027-1")
    RulesetVersion.objects.filter(pk=original.pk).update(minimum_a=92, note="原版")
    response = client.post(
        _url(RulesetVersion, "changelist"), {"action": "copy_as_new_version", "_selected_action": [original.pk]}
    )
    assert response.status_code == 302
    copy = RulesetVersion.objects.get(version="2027-2")
    assert (copy.year, copy.status, copy.minimum_a, copy.created_by) == (2027, "draft", 92, root)
    event = AuditEvent.objects.get(action="ruleset.create")
    assert (event.actor, event.object_id, event.reason) == (root, str(copy.pk), ADMIN_DEFAULT_REASON)
    assert (event.after["copied_from"], event.after["minimum_a"]) == ("2027-1", "92.0")

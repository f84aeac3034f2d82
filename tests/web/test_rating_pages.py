"""The ratings pages: the panel on the enterprise page, the override page, the interview list and record form.
Access matrix (own = town A, other = town B), query budgets, and the record flow as a phone would post it."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liangpai.core.models import AuditEvent
from liangpai.grades.models import AnnualGrade, GradeInput
from liangpai.interviews.models import WarningInterview
from liangpai.lights.models import QuarterLight
from liangpai.periods.closing import close_quarter
from liangpai.periods.grading import BASE_GRADE_SOURCES, compute_grades
from liangpai.periods.overrides import light_state
from tests.conftest import SIGNED_IN_ROLES
from tests.factories import EnterpriseFactory
from tests.interviews.test_scans import JPEG, PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine) -> None:
    """Monday 2026-10-12, after 2026Q3 closed."""
    time_machine.move_to(datetime.datetime(2026, 10, 12, 9, 0, tzinfo=datetime.UTC), tick=False)


ROLES = SIGNED_IN_ROLES


@pytest.fixture
def world(cast, inspect):
    """Q3 closed: A red (with an interview), B yellow; 2026 grades computed."""
    inspect(cast.enterprise_a, "2026-08-03", major_hazards=1)
    inspect(cast.enterprise_b, "2026-08-04", general_hazards_not_fixed_on_spot=1)
    GradeInput.objects.create(enterprise=cast.enterprise_a, year=2026, grade="B")
    close_quarter(quarter="2026Q3", today=datetime.date(2026, 10, 9))
    compute_grades(year=2026, sources=BASE_GRADE_SOURCES)
    return cast


def _light(enterprise) -> QuarterLight:
    return QuarterLight.objects.get(enterprise=enterprise, quarter="2026Q3")


def _interview(enterprise) -> WarningInterview:
    return WarningInterview.objects.get(enterprise=enterprise)


# --- access matrix --------------------------------------------------------------------

OVERRIDE = {  # (own light, other light)
    "city_admin": (200, 200),
    "city_emergency": (403, 403),
    "town_a_union": (200, 404),
    "town_a_emergency": (403, 403),
    "town_b_union": (404, 200),
    "group_leader": (403, 403),
    "group_member": (403, 403),
    "expert": (403, 403),
    "contact_a": (403, 403),
    "outsider": (403, 403),
}
INTERVIEW_LIST = dict.fromkeys(ROLES, 403) | dict.fromkeys(
    ["city_admin", "city_emergency", "town_a_union", "town_a_emergency", "town_b_union"], 200
)
INTERVIEW_DETAIL = {  # (own interview, other interview)
    "city_admin": (200, 200),
    "city_emergency": (200, 200),
    "town_a_union": (200, 404),
    "town_a_emergency": (200, 404),
    "town_b_union": (404, 200),
    "group_leader": (403, 403),
    "group_member": (403, 403),
    "expert": (403, 403),
    "contact_a": (403, 403),
    "outsider": (403, 403),
}
INTERVIEW_RECORD = {
    "city_admin": (403, 403),
    "city_emergency": (200, 200),
    "town_a_union": (403, 403),
    "town_a_emergency": (200, 404),
    "town_b_union": (403, 403),
    "group_leader": (403, 403),
    "group_member": (403, 403),
    "expert": (403, 403),
    "contact_a": (403, 403),
    "outsider": (403, 403),
}


@pytest.fixture
def other_interview(world):
    """A red light and its interview in town B too."""
    light = _light(world.enterprise_b)
    from liangpai.periods.closing import override_light

    override_light(by=world.users["city_admin"], light_row=light, light="red", reason="补录事故")
    return _interview(world.enterprise_b)


@pytest.mark.parametrize("role", ROLES)
def test_override_page_access(world, role):
    client = world.client_for(role)
    own = client.get(reverse("periods:light_override", args=[_light(world.enterprise_a).pk])).status_code
    other = client.get(reverse("periods:light_override", args=[_light(world.enterprise_b).pk])).status_code
    assert (own, other) == OVERRIDE[role]


@pytest.mark.parametrize("role", ROLES)
def test_interview_list_access(world, role):
    assert world.client_for(role).get(reverse("interviews:list")).status_code == INTERVIEW_LIST[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("page", "matrix"),
    [
        ("detail", INTERVIEW_DETAIL),
        ("record", INTERVIEW_RECORD),
        ("cancel", INTERVIEW_RECORD),
    ],
)
def test_interview_page_access(world, other_interview, role, page, matrix):
    client = world.client_for(role)
    own = client.get(reverse(f"interviews:{page}", args=[_interview(world.enterprise_a).pk])).status_code
    other = client.get(reverse(f"interviews:{page}", args=[other_interview.pk])).status_code
    assert (own, other) == matrix[role]


def test_anonymous_users_are_sent_to_the_login_page(world):
    response = world.client_for("anonymous").get(reverse("interviews:list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_an_unknown_light_or_interview_is_404(world):
    client = world.client_for("city_admin")
    assert client.get(reverse("periods:light_override", args=[99999])).status_code == 404
    assert world.client_for("city_emergency").get(reverse("interviews:detail", args=[99999])).status_code == 404


# --- the panel on the enterprise page -----------------------------------------------------


def _detail(client, enterprise) -> str:
    response = client.get(reverse("enterprise_detail", args=[enterprise.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_enterprise_page_shows_its_lights_and_its_explained_grade(world):
    page = _detail(world.client_for("town_a_union"), world.enterprise_a)
    assert "季度亮灯与年度等级" in page
    assert "红灯" in page
    assert "重大隐患 1 项" in page
    assert "2026-08-03 督查" in page
    assert "B → C" in page
    assert "第三季度红灯（2026-08-03 督查）" in page
    assert "警示约谈：待约谈" in page
    assert reverse("periods:light_override", args=[_light(world.enterprise_a).pk]) in page


def test_an_enterprise_contact_sees_only_published_results(world):
    client = world.client_for("contact_a")
    page = _detail(client, world.enterprise_a)
    assert "暂无亮灯和等级结果" in page
    QuarterLight.objects.filter(enterprise=world.enterprise_a).update(is_published=True)
    AnnualGrade.objects.filter(enterprise=world.enterprise_a).update(is_published=True)
    page = _detail(client, world.enterprise_a)
    assert "只显示已公布的结果" in page
    assert "B → C" in page
    assert "人工调整灯色" not in page
    assert "警示约谈" not in page


def test_the_panel_in_english(world):
    client = world.client_for("town_a_union")
    client.cookies["django_language"] = "en"
    page = _detail(client, world.enterprise_a)
    assert "Quarterly lights and annual grades" in page
    assert "Q3 red light (inspected 2026-08-03)" in page
    assert "Major hazards: 1" in page


def _detail_queries(client, enterprise) -> int:
    with CaptureQueriesContext(connection) as ctx:
        _detail(client, enterprise)
    return len(ctx.captured_queries)


def test_the_panel_costs_the_same_queries_for_one_year_and_for_five(world):
    client = world.client_for("town_a_union")
    client.get(reverse("home"))
    one = _detail_queries(client, world.enterprise_a)
    for year in range(2022, 2026):
        for number in range(1, 5):
            QuarterLight.objects.create(
                enterprise=world.enterprise_a, quarter=f"{year}Q{number}", year=year, number=number, light="green"
            )
        AnnualGrade.objects.create(enterprise=world.enterprise_a, year=year, final_grade="A", base_grade="A")
    assert _detail_queries(client, world.enterprise_a) == one


# --- the override page --------------------------------------------------------------------


def test_overriding_a_light_on_the_page(world):
    client = world.client_for("town_b_union")
    light = _light(world.enterprise_b)
    url = reverse("periods:light_override", args=[light.pk])
    response = client.post(url, {"light": "green", "reason": "复查确认已整改", "state": light_state(light)})
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprise_detail", args=[world.enterprise_b.pk])
    light.refresh_from_db()
    assert (light.light, light.override_reason) == ("green", "复查确认已整改")


def test_the_override_page_requires_a_reason(world):
    light = _light(world.enterprise_b)
    response = world.client_for("town_b_union").post(
        reverse("periods:light_override", args=[light.pk]), {"light": "green", "reason": ""}
    )
    assert response.status_code == 200
    assert "人工调整灯色必须填写理由。" in response.content.decode()
    light.refresh_from_db()
    assert light.light == "yellow"


def test_the_override_page_explains_a_published_light(world):
    QuarterLight.objects.update(is_published=True)
    light = _light(world.enterprise_b)
    response = world.client_for("town_b_union").post(
        reverse("periods:light_override", args=[light.pk]),
        {"light": "green", "reason": "理由", "state": light_state(light)},
    )
    assert "已公布" in response.content.decode()


# --- interviews -------------------------------------------------------------------------


def test_the_list_shows_due_and_overdue_interviews_with_filters(world, other_interview):
    WarningInterview.objects.filter(pk=other_interview.pk).update(due_on=datetime.date(2026, 10, 1))
    client = world.client_for("city_emergency")
    page = client.get(reverse("interviews:list")).content.decode()
    assert "甲一机械有限公司" in page
    assert "乙一化工有限公司" in page
    assert "已逾期 1" in page
    overdue = client.get(reverse("interviews:list"), {"status": "overdue"}).content.decode()
    assert "乙一化工有限公司" in overdue
    assert "甲一机械有限公司" not in overdue
    by_town = client.get(reverse("interviews:list"), {"town": world.town_a.pk}).content.decode()
    assert "乙一化工有限公司" not in by_town
    by_quarter = client.get(reverse("interviews:list"), {"quarter": "2026Q2"}).content.decode()
    assert "没有符合条件的警示约谈" in by_quarter


def test_the_list_says_when_its_filters_cannot_be_used(world, other_interview):
    client = world.client_for("city_emergency")
    bad_quarter = client.get(reverse("interviews:list"), {"quarter": "2026Q9"}).content.decode()
    assert "无法识别这个季度" in bad_quarter
    assert "没有符合条件的警示约谈" in bad_quarter
    bad_town = client.get(reverse("interviews:list"), {"town": "abc"}).content.decode()
    assert "筛选条件有误，已按默认条件显示。" in bad_town
    assert "甲一机械有限公司" in bad_town
    fine = client.get(reverse("interviews:list"), {"quarter": "2026Q3"}).content.decode()
    assert "筛选条件有误" not in fine
    assert "无法识别这个季度" not in fine


def test_a_town_office_sees_only_its_towns_interviews(world, other_interview):
    page = world.client_for("town_a_emergency").get(reverse("interviews:list")).content.decode()
    assert "甲一机械有限公司" in page
    assert "乙一化工有限公司" not in page


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("interviews:list")).status_code == 200
    return len(ctx.captured_queries)


def test_the_interview_list_costs_the_same_queries_for_one_row_and_for_many(world, inspect):
    client = world.client_for("town_a_emergency")
    client.get(reverse("home"))
    one = _list_queries(client)
    for enterprise in EnterpriseFactory.create_batch(30, district=world.district_a):
        inspect(enterprise, "2026-08-10", accidents=1)
    close_quarter(quarter="2026Q3", today=datetime.date(2026, 10, 9))
    assert WarningInterview.objects.count() == 31
    assert _list_queries(client) == one


def _record_data(version: int = 1, **changes):
    data = {
        "version": version,
        "held_on": "2026-10-12",
        "place": "甲镇应急办会议室",
        "attendees": "张三（企业负责人）",
        "content": "警示教育",
        "commitments": "十日内整改",
    }
    return data | changes


def test_recording_an_interview_from_the_form_with_a_photo(world):
    interview = _interview(world.enterprise_a)
    client = world.client_for("town_a_emergency")
    url = reverse("interviews:record", args=[interview.pk])
    assert 'enctype="multipart/form-data"' in client.get(url).content.decode()
    scan = SimpleUploadedFile("IMG_0001.jpg", JPEG, content_type="image/jpeg")

    response = client.post(url, _record_data(signed_scan=scan))

    assert response.status_code == 302
    interview.refresh_from_db()
    assert (interview.status, interview.place, interview.version) == ("held", "甲镇应急办会议室", 2)
    detail = client.get(reverse("interviews:detail", args=[interview.pk])).content.decode()
    assert "已约谈" in detail
    download = client.get(reverse("interviews:scan", args=[interview.pk]))
    assert download["Content-Type"] == "image/jpeg"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == JPEG


def test_the_scan_cannot_be_fetched_out_of_scope(world):
    interview = _interview(world.enterprise_a)
    world.client_for("town_a_emergency").post(
        reverse("interviews:record", args=[interview.pk]),
        _record_data(signed_scan=SimpleUploadedFile("s.pdf", PDF)),
    )
    assert world.client_for("town_b_union").get(reverse("interviews:scan", args=[interview.pk])).status_code == 404
    assert world.client_for("contact_a").get(reverse("interviews:scan", args=[interview.pk])).status_code == 403


def test_the_form_rejects_a_fake_scan_and_a_future_date(world):
    interview = _interview(world.enterprise_a)
    response = world.client_for("town_a_emergency").post(
        reverse("interviews:record", args=[interview.pk]),
        _record_data(held_on="2026-10-20", signed_scan=SimpleUploadedFile("scan.pdf", b"<html></html>")),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "约谈日期不能晚于今天。" in page
    assert "文件内容不是完整的 PDF、JPEG 或 PNG 文件" in page
    interview.refresh_from_db()
    assert interview.status == "due"


def test_a_stale_form_gets_the_conflict_message_and_changes_nothing(world):
    interview = _interview(world.enterprise_a)
    url = reverse("interviews:record", args=[interview.pk])
    first = world.client_for("town_a_emergency")
    second = world.client_for("city_emergency")
    assert first.post(url, _record_data(place="第一会议室")).status_code == 302
    response = second.post(url, _record_data(place="第二会议室"))
    assert response.status_code == 200
    assert "别人已修改了这次约谈的记录" in response.content.decode()
    interview.refresh_from_db()
    assert interview.place == "第一会议室"
    assert AuditEvent.objects.filter(action="interview.hold").count() == 1


def test_cancelling_an_interview_from_the_page(world):
    interview = _interview(world.enterprise_a)
    client = world.client_for("town_a_emergency")
    url = reverse("interviews:cancel", args=[interview.pk])
    assert client.post(url, {"version": 1, "reason": ""}).status_code == 200
    assert client.post(url, {"version": 1, "reason": "企业已注销"}).status_code == 302
    interview.refresh_from_db()
    assert (interview.status, interview.cancel_reason) == ("cancelled", "企业已注销")
    response = client.get(url, follow=True)
    assert "这次约谈已经记录或取消，不能再修改。" in response.content.decode()


def test_the_navigation_shows_interviews_to_the_offices_only(world):
    assert reverse("interviews:list") in world.client_for("town_a_emergency").get(reverse("home")).content.decode()
    assert reverse("interviews:list") not in world.client_for("group_leader").get(reverse("home")).content.decode()


# --- English -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("town_a_union", lambda w, i: reverse("enterprise_detail", args=[w.enterprise_a.pk])),
        ("town_a_union", lambda w, i: reverse("periods:light_override", args=[_light(w.enterprise_a).pk])),
        ("city_emergency", lambda w, i: reverse("interviews:list")),
        ("city_emergency", lambda w, i: reverse("interviews:list") + "?status=overdue"),
        ("city_emergency", lambda w, i: reverse("interviews:detail", args=[i.pk])),
        ("city_emergency", lambda w, i: reverse("interviews:record", args=[i.pk])),
        ("city_emergency", lambda w, i: reverse("interviews:cancel", args=[i.pk])),
    ],
)
def test_the_pages_in_english_show_no_chinese_besides_user_data(world, other_interview, role, page):
    from tests.core.test_translations import _chinese_left, _user_data

    client = world.client_for(role)
    client.cookies["django_language"] = "en"
    response = client.get(page(world, other_interview))
    assert response.status_code == 200
    assert _chinese_left(response.content.decode(), [*_user_data(), "补录事故"]) == []


def test_a_held_interview_in_english(world):
    interview = _interview(world.enterprise_a)
    client = world.client_for("town_a_emergency")
    client.cookies["django_language"] = "en"
    response = client.post(reverse("interviews:record", args=[interview.pk]), _record_data(), follow=True)
    from tests.core.test_translations import _chinese_left, _user_data

    page = response.content.decode()
    assert "Interview recorded." in page
    entered = ["甲镇应急办会议室", "张三（企业负责人）", "警示教育", "十日内整改"]
    data = sorted([*_user_data(), *entered], key=len, reverse=True)
    assert "Held" in page
    assert _chinese_left(page, data) == []


def test_a_refused_interview_record_keeps_the_date_in_the_form_a_phone_can_show(world):
    """A date input shows only an ISO date: re-shown as 2026/10/12 it would look empty and be lost."""
    interview = _interview(world.enterprise_a)
    client = world.client_for("town_a_emergency")
    url = reverse("interviews:record", args=[interview.pk])
    page = client.post(url, _record_data(place="")).content.decode()
    assert 'value="2026-10-12"' in page

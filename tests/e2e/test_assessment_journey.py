"""The annual assessment on a phone, from the enterprise page to the published score (MISSION.md R2).

Town A's emergency office starts enterprise A's assessment on a phone, gets a wrong
score refused on its item, answers items in the ways the checklist offers (a score with
a note and a photo from the camera, 不适用, a veto item that held), and — the rest of the
30 items answered through the service to keep the run short — submits it. Town A's union
reviews it on another phone and the city union publishes it. Every page fits the phone's
width and the save bar stays on screen while the checklist scrolls.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Page, expect

from liangpai.accounts.models import User
from liangpai.assessments import services
from liangpai.assessments.models import Assessment, AssessmentAnswer, EvidencePhoto
from liangpai.checklists.loading import load_default_templates
from liangpai.checklists.models import ChecklistCategory, ChecklistItem, ChecklistTemplate
from liangpai.core.models import AuditEvent
from tests.e2e.assessment_fixtures import PhoneFactory, Shots, phone_jpeg

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

#: The default templates are active for 2026; the journey happens in that year's assessment season.
ASSESSMENT_DAY = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def fits_the_phone(page: Page) -> None:
    """Nothing is wider than the screen: the page never scrolls sideways."""
    scroll_width, inner_width = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert inner_width == 390
    assert scroll_width <= inner_width, f"{page.url} is {scroll_width}px wide on a {inner_width}px phone"


def _item_answers(assessment: Assessment) -> list[AssessmentAnswer]:
    return list(assessment.answers.select_related("item").order_by("item__category__order", "item__order"))


@pytest.fixture
def assessment_season(cast):
    """The journey's clock (the server's; the browser's cookies count their age from their own clock)."""
    # A browser test runs in a transaction that is flushed afterwards: the migration's templates may be gone.
    load_default_templates(ChecklistTemplate, ChecklistCategory, ChecklistItem)
    User.objects.filter(username="town_a_emergency").update(full_name="甲镇应急办 李强")
    User.objects.filter(username="town_a_union").update(full_name="甲镇总工会 张敏")
    User.objects.filter(username="city_admin").update(full_name="市总工会 王芳")
    with time_machine.travel(ASSESSMENT_DAY, tick=True):
        yield


def test_an_assessment_from_a_phone_to_the_published_score(
    cast, live_server, assessment_season, phone: PhoneFactory, shots: Shots
):
    enterprise = cast.enterprise_a
    console_errors: list[str] = []

    # --- the assessor, in the factory, starts the assessment from the enterprise page ------------
    assessor = phone("town_a_emergency")
    assessor.on(
        "console",
        lambda msg: console_errors.append(msg.text + " @ " + str(msg.location)) if msg.type == "error" else None,
    )
    assessor.goto(live_server.url + reverse("enterprise_detail", args=[enterprise.pk]))
    fits_the_phone(assessor)
    assessor.get_by_role("button", name="开始 2026 年度评估").tap()
    expect(assessor.get_by_text("已开始 2026 年度评估，请逐项填写。")).to_be_visible()
    assessment = Assessment.objects.get(enterprise=enterprise, year=2026)
    assert assessor.url.endswith(reverse("assessments:edit", args=[assessment.pk]))
    answers = _item_answers(assessment)
    scored, not_applicable = [a for a in answers if not a.item.is_veto][:2]
    veto = next(a for a in answers if a.item.is_veto)
    assert scored.item.max_score == Decimal(3)

    # The checklist fits the phone, and the save bar is on screen at the top, in the middle and at the end.
    fits_the_phone(assessor)
    save_bar = assessor.locator(".sticky-actions")
    expect(save_bar).to_be_in_viewport()
    expect(save_bar.get_by_role("button", name="保存草稿")).to_be_visible()
    assessor.locator(f"#item-{veto.pk}").scroll_into_view_if_needed()
    expect(save_bar).to_be_in_viewport()
    box = save_bar.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 844 + 0.5
    shots(assessor, "1-checklist")

    # --- a score above the item's points: refused on that item, nothing saved -------------------
    card = assessor.locator(f"#item-{scored.pk}")
    card.get_by_label("得分").fill("999")
    save_bar.get_by_role("button", name="保存草稿").tap()
    expect(assessor.get_by_role("alert")).to_contain_text("没有保存。请修正下面标出的问题后再保存。")
    expect(card).to_have_class("card mb-2 border-danger")
    expect(card.locator(".text-danger")).to_have_text("得分不能超过本项分值 3 分。")
    expect(card.get_by_role("spinbutton", name="得分")).to_have_attribute("aria-invalid", "true")
    expect(card.get_by_role("spinbutton", name="得分")).to_have_accessible_description("得分不能超过本项分值 3 分。")
    # On a phone the wrong item may be far down: the alert links to it.
    assessor.get_by_role("alert").get_by_role("link", name=scored.item.code).tap()
    expect(card).to_be_in_viewport()
    assert assessor.url.endswith(f"#item-{scored.pk}")
    expect(card.get_by_label("得分")).to_have_value("999")  # what was typed is kept, to be corrected
    fits_the_phone(assessor)
    shots(assessor, "2-refused")
    assessment.refresh_from_db()
    assert assessment.version == 1
    assert not AssessmentAnswer.objects.filter(assessment=assessment, awarded__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="assessment.save").exists()

    # --- answers of each kind, a note and a photo from the camera ---------------------------------
    card.get_by_label("得分").fill("2.5")
    card.get_by_label("说明").fill("消防通道有少量堆物，已当场要求清理。")
    card.get_by_label("添加照片").set_input_files(
        files=[{"name": "IMG_20261120_093512.jpg", "mimeType": "image/jpeg", "buffer": phone_jpeg()}]
    )
    # The photo goes up as soon as it is chosen, before the checklist is saved.
    expect(card.get_by_text("已上传 1 张照片。")).to_be_visible()
    expect(card.get_by_role("img", name="照片 1")).to_be_visible()
    assert EvidencePhoto.objects.count() == 1
    assessor.locator(f"#item-{not_applicable.pk}").get_by_label("不适用").check()
    assessor.locator(f"#item-{veto.pk}").get_by_label("未发生，符合").check()
    save_bar.get_by_role("button", name="保存草稿").tap()
    expect(assessor.get_by_text("已保存。")).to_be_visible()
    expect(assessor.get_by_text(f"已填 3/{len(answers)} 项")).to_be_visible()
    card = assessor.locator(f"#item-{scored.pk}")
    expect(card.get_by_label("得分")).to_have_value("2.5")
    expect(card.get_by_label("说明")).to_have_value("消防通道有少量堆物，已当场要求清理。")
    expect(assessor.locator(f"#item-{not_applicable.pk}").get_by_label("不适用")).to_be_checked()
    expect(assessor.locator(f"#item-{veto.pk}").get_by_label("未发生，符合")).to_be_checked()
    thumbnail = card.get_by_role("img", name="照片 1")
    thumbnail.scroll_into_view_if_needed()
    expect(thumbnail).to_be_visible()
    assessor.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    assert thumbnail.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [1200, 900]
    fits_the_phone(assessor)
    shots(assessor, "3-saved")

    photo = EvidencePhoto.objects.get()
    with photo.file.open("rb") as handle, Image.open(handle) as stored:
        assert stored.size == (1200, 900)
        assert not stored.getexif()  # the camera, the place and the comment are gone (SECURITY.md T4)
        assert "comment" not in stored.info

    # The remaining items, at full points, through the service (as many more taps would).
    assessment.refresh_from_db()
    rest = {
        a.pk: services.Answer(a.item.max_score) for a in answers if a.pk not in {scored.pk, not_applicable.pk, veto.pk}
    }
    services.save_answers(
        by=cast.users["town_a_emergency"],
        assessment=assessment,
        expected_version=assessment.version,
        changes=services.Changes(services.Header(ASSESSMENT_DAY.date(), "李强（甲镇应急办）", ""), rest),
    )

    # --- submitting from the assessment page -----------------------------------------------------
    assessor.goto(live_server.url + reverse("assessments:detail", args=[assessment.pk]))
    expect(assessor.get_by_text(f"已填 {len(answers)}/{len(answers)} 项")).to_be_visible()
    expect(assessor.locator("h1 + .badge")).to_have_text("填报中")
    fits_the_phone(assessor)
    assessor.get_by_role("button", name="提交审核").tap()
    expect(assessor.get_by_text("已提交审核。")).to_be_visible()
    expect(assessor.locator("h1 + .badge")).to_have_text("待审核")
    expect(assessor.get_by_role("button", name="审核通过")).to_have_count(0)  # not the assessor's to review
    applicable = [a for a in answers if not a.item.is_veto and a.pk != not_applicable.pk]
    applicable_max = sum((a.item.max_score for a in applicable), Decimal(0))
    awarded = applicable_max - Decimal("0.5")
    score = (awarded * 100 / applicable_max).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    expect(assessor.locator(".stat-card .display-6").first).to_have_text(str(score))
    expect(assessor.get_by_text(f"实得 {awarded} / 适用项满分 {applicable_max}")).to_be_visible()
    fits_the_phone(assessor)

    # --- the town union reviews it on another phone -----------------------------------------------
    reviewer = phone("town_a_union")
    reviewer.goto(live_server.url + reverse("assessments:list") + "?year=2026&status=submitted")
    fits_the_phone(reviewer)
    reviewer.get_by_role("link", name=enterprise.name).tap()
    expect(reviewer.locator("h1 + .badge")).to_have_text("待审核")
    fits_the_phone(reviewer)
    shots(reviewer, "4-to-review")
    reviewer.get_by_label("审核意见（选填）").fill("照片清楚，资料齐全。")
    reviewer.get_by_role("button", name="审核通过").tap()
    expect(reviewer.get_by_text("已审核通过。")).to_be_visible()
    expect(reviewer.locator("h1 + .badge")).to_have_text("已审核")

    # --- the city union publishes the score ------------------------------------------------------
    publisher = phone("city_admin")
    publisher.goto(live_server.url + reverse("assessments:detail", args=[assessment.pk]))
    publisher.get_by_role("button", name="发布评估结果").tap()
    expect(publisher.get_by_text("已发布评估结果。")).to_be_visible()
    expect(publisher.locator("h1 + .badge")).to_have_text("已发布")
    expect(publisher.get_by_text("评估结果已发布：重新计算年度等级时以此得分为基础。")).to_be_visible()
    expect(publisher.locator(".stat-card .display-6").first).to_have_text(str(score))
    expect(publisher.get_by_role("button", name="发布评估结果")).to_have_count(0)
    for who, did in (("甲镇应急办 李强", "提交"), ("甲镇总工会 张敏", "审核"), ("市总工会 王芳", "发布")):
        expect(publisher.get_by_text(f"2026-11-20 09:30 由 {who} {did}")).to_be_visible()
    fits_the_phone(publisher)
    # The answers' table fits too: the notes and photos are not pushed off to the side.
    answers_table = publisher.locator(".table-responsive")
    assert answers_table.evaluate("el => el.scrollWidth <= el.clientWidth")
    note = answers_table.get_by_role("cell", name="消防通道有少量堆物，已当场要求清理。")
    note.scroll_into_view_if_needed()
    expect(note).to_be_in_viewport()
    cell = note.bounding_box()
    assert cell is not None
    assert cell["x"] + cell["width"] <= 390

    # Every step in the record, newest first, by the name of the person who took it.
    record = publisher.locator("h2:has-text('处理记录') + ul > li")
    expect(record).to_have_count(7)
    names = dict(User.objects.values_list("username", "full_name"))
    expected = [
        (names["city_admin"], "发布评估结果"),
        (names["town_a_union"], "审核通过"),
        (names["town_a_emergency"], "提交审核"),
        (names["town_a_emergency"], "保存填写内容"),
        (names["town_a_emergency"], "保存填写内容"),
        (names["town_a_emergency"], "上传照片"),
        (names["town_a_emergency"], "开始评估"),
    ]
    for row, (who, what) in zip(record.all(), expected, strict=True):
        expect(row).to_contain_text(f"{who} · {what}")
    expect(record.first).to_contain_text("2026-11-20")
    expect(record.nth(1)).to_contain_text("照片清楚，资料齐全。")
    shots(publisher, "5-published")
    shots(publisher, "5-published-whole", full_page=True)

    # The list on the phone shows the published score.
    publisher.goto(live_server.url + reverse("assessments:list") + "?year=2026")
    row = publisher.get_by_role("link", name=enterprise.name)
    expect(row.locator(".badge").first).to_have_text("已发布")
    expect(row).to_contain_text(f"{score} 分")
    fits_the_phone(publisher)
    shots(publisher, "6-list")

    assessment.refresh_from_db()
    assert (assessment.status, assessment.score) == ("published", score)
    assert (assessment.submitted_by, assessment.reviewed_by, assessment.published_by) == (
        cast.users["town_a_emergency"],
        cast.users["town_a_union"],
        cast.users["city_admin"],
    )
    assert console_errors == []

"""The assessment pages as an assessor, a reviewer and everyone else sees them."""

import datetime
import io
import os
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from liangpai.assessments import services
from liangpai.assessments.models import Assessment, EvidencePhoto
from tests.assessments.conftest import jpeg_upload
from tests.conftest import SIGNED_IN_ROLES


def _form_data(assessment, **overrides):
    """What the phone form posts when nothing is changed (its initial values)."""
    data = {"version": assessment.version, "assessed_on": "2026-11-20", "assessors": "", "summary": ""}
    data.update(overrides)
    return data


def _scored(assessment):
    return assessment.answers.select_related("item").filter(item__is_veto=False).order_by("item__order").first()


def test_the_list_counts_by_status_and_offers_to_start_the_rest(cast, draft):
    client = cast.client_for("town_a_union")
    page = client.get(reverse("assessments:list"), {"year": 2026})
    assert page.status_code == 200
    text = page.content.decode()
    assert "甲一机械有限公司" in text
    assert "填报中 1" in text
    assert "尚未开始 1" in text
    assert "乙一化工有限公司" not in text  # town B is not theirs
    rest = client.get(reverse("assessments:list"), {"year": 2026, "status": "not_started"}).content.decode()
    assert "甲二纺织有限公司" in rest
    assert "开始评估" in rest
    assert "甲一机械有限公司" not in rest


def test_the_list_searches_and_survives_bad_filters(cast, draft):
    client = cast.client_for("city_admin")
    found = client.get(reverse("assessments:list"), {"year": 2026, "q": "甲一"}).content.decode()
    assert "甲一机械有限公司" in found
    missing = client.get(reverse("assessments:list"), {"year": 2026, "q": "不存在的企业"}).content.decode()
    assert "没有符合条件的年度评估" in missing
    bad = client.get(reverse("assessments:list"), {"year": "abc", "town": "x", "status": "nonsense", "page": "-3"})
    assert bad.status_code == 200
    assert "筛选条件有误" in bad.content.decode()


@time_machine.travel(datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_starting_from_the_enterprise_page_opens_the_checklist(cast):
    client = cast.client_for("town_a_emergency")
    detail = client.get(reverse("enterprise_detail", args=[cast.enterprise_a.pk])).content.decode()
    assert "开始 2026 年度评估" in detail
    response = client.post(reverse("assessments:start"), {"enterprise": cast.enterprise_a.pk, "year": 2026})
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:edit", args=[assessment.pk])
    again = client.post(reverse("assessments:start"), {"enterprise": cast.enterprise_a.pk, "year": 2026})
    assert again["Location"] == reverse("assessments:detail", args=[assessment.pk])
    assert Assessment.objects.count() == 1


def test_starting_outside_ones_scope_is_not_found(cast):
    client = cast.client_for("town_b_union")
    response = client.post(reverse("assessments:start"), {"enterprise": cast.enterprise_a.pk, "year": 2026})
    assert response.status_code == 404
    assert not Assessment.objects.exists()


def test_the_phone_form_shows_every_item_with_its_guidance(cast, draft):
    page = cast.client_for("expert").get(reverse("assessments:edit", args=[draft.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    for answer in draft.answers.select_related("item"):
        assert answer.item.code in text
    assert 'accept="image/*"' in text
    assert 'inputmode="decimal"' in text
    assert "评分标准与评价方法" in text
    assert "保存草稿" in text


def test_saving_the_form_with_a_photo(cast, draft):
    answer = _scored(draft)
    prefix = f"a{answer.pk}"
    data = _form_data(
        draft, **{f"{prefix}-score": "1.5", f"{prefix}-note": "消防通道堆物", f"{prefix}-photos": jpeg_upload()}
    )
    response = cast.client_for("group_leader").post(reverse("assessments:edit", args=[draft.pk]), data)
    assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.awarded, answer.note) == (Decimal("1.5"), "消防通道堆物")
    photo = EvidencePhoto.objects.get()
    detail = cast.client_for("town_a_union").get(reverse("assessments:detail", args=[draft.pk])).content.decode()
    assert reverse("assessments:photo", args=[draft.pk, photo.pk]) in detail
    assert "消防通道堆物" in detail


def test_a_wrong_score_is_shown_on_its_item_and_nothing_is_saved(cast, draft):
    answer = _scored(draft)
    data = _form_data(draft, **{f"a{answer.pk}-score": "999"})
    response = cast.client_for("town_a_union").post(reverse("assessments:edit", args=[draft.pk]), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "没有保存" in text
    answer.refresh_from_db()
    assert answer.awarded is None


def test_a_bad_photo_is_named_on_its_item(cast, draft):
    answer = _scored(draft)
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("现场.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    data = _form_data(draft, **{f"a{answer.pk}-score": "1", f"a{answer.pk}-photos": fake})
    response = cast.client_for("town_a_union").post(reverse("assessments:edit", args=[draft.pk]), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert "现场.png" in text
    assert "刚才选择的照片需要重新选择" in text
    assert not EvidencePhoto.objects.exists()


def test_a_stale_form_shows_the_conflict_and_keeps_the_other_save(cast, draft):
    answer = _scored(draft)
    url = reverse("assessments:edit", args=[draft.pk])
    first = cast.client_for("town_a_union").post(url, _form_data(draft, **{f"a{answer.pk}-score": "1"}))
    assert first.status_code == 302
    second = cast.client_for("town_a_emergency").post(url, _form_data(draft, version=1, **{f"a{answer.pk}-score": "2"}))
    assert second.status_code == 200
    assert "别人已修改了这份评估" in second.content.decode()
    answer.refresh_from_db()
    assert answer.awarded == Decimal(1)


def test_the_workflow_from_the_detail_page(cast, draft, fill):
    fill(draft, fraction=Decimal("0.9"))
    draft.refresh_from_db()
    url = reverse("assessments:move", args=[draft.pk])
    assessor = cast.client_for("town_a_emergency")
    assert "提交审核" in assessor.get(reverse("assessments:detail", args=[draft.pk])).content.decode()
    assessor.post(url, {"version": draft.version, "move": "submit"})
    draft.refresh_from_db()
    assert draft.status == "submitted"
    reviewer = cast.client_for("town_a_union")
    page = reviewer.get(reverse("assessments:detail", args=[draft.pk])).content.decode()
    assert "审核通过" in page
    assert "退回修改" in page
    refused = reviewer.post(url, {"version": draft.version, "move": "return", "reason": ""}, follow=True)
    assert "必须填写理由" in refused.content.decode()
    reviewer.post(url, {"version": draft.version, "move": "review", "reason": "资料齐全"})
    draft.refresh_from_db()
    assert draft.status == "reviewed"
    history = reviewer.get(reverse("assessments:detail", args=[draft.pk])).content.decode()
    assert "审核通过" in history
    assert "资料齐全" in history
    assert "提交审核" in history


def test_a_move_with_a_broken_request_changes_nothing(cast, draft):
    response = cast.client_for("town_a_union").post(
        reverse("assessments:move", args=[draft.pk]), {"move": "submit", "version": "x"}, follow=True
    )
    assert response.status_code == 200
    assert "操作请求不完整" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_photo_is_served_as_an_image_to_those_who_see_the_assessment(cast, draft):
    answer = _scored(draft)
    services.save_answers(
        by=cast.users["town_a_union"],
        assessment=draft,
        expected_version=1,
        changes=services.Changes(services.Header(None, "", ""), {}, {answer.pk: [jpeg_upload()]}),
    )
    photo = EvidencePhoto.objects.get()
    url = reverse("assessments:photo", args=[draft.pk, photo.pk])
    response = cast.client_for("group_member").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == photo.content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert cast.client_for("town_b_union").get(url).status_code == 404
    assert cast.client_for("contact_a").get(url).status_code in (403, 404)
    assert cast.client_for("anonymous").get(url).status_code == 302
    other = reverse("assessments:photo", args=[draft.pk, photo.pk + 1000])
    assert cast.client_for("town_a_union").get(other).status_code == 404


#: Expected status of each page for each role (enterprise A's assessment, a draft).
MATRIX = {
    #                 list  detail edit
    "city_admin": (200, 200, 200),
    "city_emergency": (200, 200, 200),
    "town_a_union": (200, 200, 200),
    "town_a_emergency": (200, 200, 200),
    "town_b_union": (200, 404, 404),
    "group_leader": (200, 200, 200),
    "group_member": (200, 200, 403),
    "expert": (200, 200, 200),
    "contact_a": (403, 403, 403),
    "outsider": (403, 403, 403),
}


@pytest.mark.parametrize("role", SIGNED_IN_ROLES)
def test_who_sees_which_page(cast, draft, role):
    client = cast.client_for(role)
    got = (
        client.get(reverse("assessments:list")).status_code,
        client.get(reverse("assessments:detail", args=[draft.pk])).status_code,
        client.get(reverse("assessments:edit", args=[draft.pk])).status_code,
    )
    assert got == MATRIX[role]


def test_anonymous_users_are_sent_to_sign_in(cast, draft):
    client = cast.client_for("anonymous")
    for url in (reverse("assessments:list"), reverse("assessments:detail", args=[draft.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_the_list_exports_to_excel_with_every_answer(cast, draft, fill):
    from io import BytesIO

    from python_calamine import CalamineWorkbook

    fill(draft, fraction=Decimal("0.9"))
    draft.refresh_from_db()
    services.save_answers(
        by=cast.users["town_a_union"],
        assessment=draft,
        expected_version=draft.version,
        changes=services.Changes(services.Header(None, "=HYPERLINK(1)", ""), {}),
    )
    response = cast.client_for("town_a_union").get(reverse("assessments:export"), {"year": 2026})
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(BytesIO(b"".join(response.streaming_content)))
    summary = book.get_sheet_by_name("年度评估").to_python()
    assert summary[1][0] == "甲一机械有限公司"
    assert summary[1][11] == "=HYPERLINK(1)"
    details = book.get_sheet_by_name("逐项得分").to_python()
    assert len(details) == 1 + draft.answers.count()
    assert cast.client_for("group_member").get(reverse("assessments:export")).status_code == 403


def test_a_returned_checklist_shows_why_and_the_record_names_people(cast, draft, fill):
    fill(draft, fraction=Decimal("0.9"))
    draft.refresh_from_db()
    services.move(by=cast.users["town_a_emergency"], assessment=draft, expected_version=draft.version, move="submit")
    draft.refresh_from_db()
    services.move(
        by=cast.users["town_a_union"],
        assessment=draft,
        expected_version=draft.version,
        move="return",
        reason="补拍消防通道",
    )
    client = cast.client_for("town_a_emergency")
    assert "退回理由：补拍消防通道" in client.get(reverse("assessments:edit", args=[draft.pk])).content.decode()
    cast.users["town_a_union"].full_name = "王工会"
    cast.users["town_a_union"].save()
    detail = client.get(reverse("assessments:detail", args=[draft.pk])).content.decode()
    assert "王工会 · 退回修改" in detail


def test_a_photo_above_the_limit_stops_the_upload_and_saves_nothing(cast, draft, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 2048
    answer = _scored(draft)
    noise = Image.frombytes("RGB", (200, 200), os.urandom(200 * 200 * 3))  # noise does not compress
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG")
    big = SimpleUploadedFile("大照片.jpg", buffer.getvalue(), content_type="image/jpeg")
    assert big.size > 2048
    data = _form_data(draft, **{f"a{answer.pk}-photos": big, f"a{answer.pk}-score": "1"})
    response = cast.client_for("town_a_union").post(reverse("assessments:edit", args=[draft.pk]), data)
    assert response.status_code == 413
    assert "本次填写没有保存" in response.content.decode()
    answer.refresh_from_db()
    assert answer.awarded is None
    assert not EvidencePhoto.objects.exists()
    draft.refresh_from_db()
    assert draft.version == 1

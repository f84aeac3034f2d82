"""What a review of the annual assessment found, each kept fixed by a test; and the pages' query counts."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liangpai.assessments import services
from liangpai.assessments.models import Assessment, EvidencePhoto
from liangpai.checklists.loading import load_default_templates
from liangpai.checklists.models import ChecklistCategory, ChecklistItem, ChecklistTemplate
from tests.assessments.conftest import full_answers, jpeg_upload
from tests.factories import EnterpriseFactory


def _scored(assessment, n=0):
    return list(
        assessment.answers.select_related("item")
        .filter(item__is_veto=False)
        .order_by("item__category__order", "item__order")
    )[n]


def _veto(assessment):
    return assessment.answers.select_related("item").filter(item__is_veto=True).first()


def _post_edit(client, assessment, **fields):
    data = {"version": assessment.version, "assessed_on": "2026-11-20", "assessors": "", "summary": ""}
    data.update(fields)
    return client.post(reverse("assessments:edit", args=[assessment.pk]), data)


def _move(by, assessment, move, reason=""):
    assessment.refresh_from_db()
    return services.move(by=by, assessment=assessment, expected_version=assessment.version, move=move, reason=reason)


# --- the assessment date ----------------------------------------------------------------


def test_the_date_input_holds_an_iso_date_so_a_phone_shows_it_and_sends_it_back(cast, draft):
    """A type=date input ignores "2026/11/20" (the Chinese format): the date looked empty and the next save erased it."""
    services.save_answers(
        by=cast.users["town_a_union"],
        assessment=draft,
        expected_version=1,
        changes=services.Changes(services.Header(datetime.date(2026, 11, 20), "", ""), {}),
    )
    html = cast.client_for("town_a_union").get(reverse("assessments:edit", args=[draft.pk])).content.decode()
    (date_input,) = re.findall(r"<input[^>]*name=\"assessed_on\"[^>]*>", html)
    assert 'type="date"' in date_input
    assert 'value="2026-11-20"' in date_input


# --- what a wrong score says ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("999", "得分不能超过本项分值 3 分。"),
        ("3.5", "得分不能超过本项分值 3 分。"),
        ("99999999999999999999", "得分不能超过本项分值 3 分。"),  # said once, not again as too many digits
        ("1e400", "得分不能超过本项分值 3 分。"),
        ("-1", "得分不能是负数。"),
        ("abc", "得分请填写数字，如 2 或 2.5。"),
        ("NaN", "得分请填写数字，如 2 或 2.5。"),
        ("1.25", "得分最多保留一位小数，如 2.5。"),
    ],
)
def test_a_wrong_score_is_told_once_in_the_assessors_words(cast, draft, typed, message):
    answer = _scored(draft)
    assert answer.item.max_score == Decimal(3)
    response = _post_edit(cast.client_for("town_a_union"), draft, **{f"a{answer.pk}-score": typed})
    assert response.status_code == 200
    assert response.context["form"].errors[f"a{answer.pk}-score"] == [message]
    answer.refresh_from_db()
    assert answer.awarded is None


def test_points_are_printed_without_a_trailing_zero(cast, draft, fill):
    answer = _scored(draft)
    html = cast.client_for("town_a_union").get(reverse("assessments:edit", args=[draft.pk])).content.decode()
    card = html[html.index(f'id="item-{answer.pk}"') :]
    assert "3 分" in card[:600]
    assert "/ 3<" in card[:3000]
    assert "3.0 分" not in card[:3000]
    assert "/ 3.0" not in card[:3000]
    fill(draft, answers={answer.pk: services.Answer(Decimal("2.5"))})
    detail = cast.client_for("town_a_union").get(reverse("assessments:detail", args=[draft.pk])).content.decode()
    assert "2.5 / 3<" in detail


# --- finding and hearing the errors -----------------------------------------------------


def test_the_alert_links_to_every_item_to_correct(cast, draft):
    first, second = _scored(draft, 0), _scored(draft, 1)
    veto = _veto(draft)
    response = _post_edit(
        cast.client_for("town_a_union"),
        draft,
        **{f"a{first.pk}-score": "9", f"a{second.pk}-score": "2", f"a{second.pk}-na": "on", f"a{veto.pk}-veto": "x"},
    )
    html = response.content.decode()
    alert = html[html.index('role="alert"') : html.index("</div>", html.index('role="alert"'))]
    for answer in (first, second, veto):
        assert f'href="#item-{answer.pk}">{answer.item.code}</a>' in alert
    assert "得分不能超过本项分值 3 分。" in alert
    assert alert.count("<li>") == 3


def test_an_items_error_has_the_id_its_input_is_described_by(cast, draft):
    answer, veto = _scored(draft), _veto(draft)
    response = _post_edit(
        cast.client_for("town_a_union"), draft, **{f"a{answer.pk}-score": "9", f"a{veto.pk}-veto": "maybe"}
    )
    html = response.content.decode()
    described = set(re.findall(r'aria-describedby="([^"]+)"', html))
    assert f"id_a{answer.pk}-score_error" in described
    assert f"id_a{veto.pk}-veto_error" in described
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    assert described <= ids  # no description points at nothing


def test_the_not_applicable_box_and_the_veto_choices_are_drawn_as_form_controls(cast, draft):
    answer, veto = _scored(draft), _veto(draft)
    html = cast.client_for("town_a_union").get(reverse("assessments:edit", args=[draft.pk])).content.decode()
    (box,) = re.findall(rf'<input[^>]*name="a{answer.pk}-na"[^>]*>', html)
    radios = re.findall(rf'<input[^>]*name="a{veto.pk}-veto"[^>]*>', html)
    assert 'class="form-check-input"' in box
    assert len(radios) == 3
    assert all('class="form-check-input"' in radio for radio in radios)


def test_a_refused_submit_names_a_few_items_and_counts_the_rest(cast, draft):
    client = cast.client_for("town_a_emergency")
    response = client.post(reverse("assessments:move", args=[draft.pk]), {"version": 1, "move": "submit"})
    shown = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    total = draft.answers.count()
    assert shown[0] == ("error", f"还有 {total} 个评价项目没有填写，全部填完才能提交审核。")
    assert [tag for tag, _text in shown[1:]] == ["warning"] * 4
    assert all("还没有评分" in text for _tag, text in shown[1:4])
    assert shown[4][1] == f"另有 {total - 3} 个评价项目需要处理，请在填写页面逐项查看。"
    draft.refresh_from_db()
    assert draft.status == "draft"


# --- the workflow as the page tells it --------------------------------------------------


def test_a_returned_and_resubmitted_assessment_does_not_show_the_earlier_review(cast, draft, fill):
    fill(draft)
    union, emergency = cast.users["town_a_union"], cast.users["town_a_emergency"]
    _move(emergency, draft, "submit")
    _move(union, draft, "review")
    client = cast.client_for("town_a_union")
    assert "由 town_a_union 审核" in client.get(reverse("assessments:detail", args=[draft.pk])).content.decode()
    _move(union, draft, "return", "照片看不清，请补拍")
    _move(emergency, draft, "submit")
    page = client.get(reverse("assessments:detail", args=[draft.pk])).content.decode()
    assert "待审核" in page
    assert "审核通过" in page  # the button, for the new review
    assert "由 town_a_union 审核" not in page  # the old review is not this submission's


# --- services ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_photo_file_that_cannot_be_deleted_does_not_take_the_new_photo_with_it(cast, monkeypatch, caplog):
    """Removing a photo deletes its file after the commit; if that fails, the photo just added must stay whole."""
    load_default_templates(ChecklistTemplate, ChecklistCategory, ChecklistItem)  # a flushed database has none
    by = cast.users["town_a_union"]
    assessment = services.start_assessment(by=by, enterprise=cast.enterprise_a, year=2026)
    answer = _scored(assessment)
    header = services.Header(None, "", "")
    services.save_answers(
        by=by,
        assessment=assessment,
        expected_version=1,
        changes=services.Changes(header, {}, {answer.pk: [jpeg_upload("旧.jpg")]}),
    )
    old = EvidencePhoto.objects.get()
    storage = EvidencePhoto._meta.get_field("file").storage

    def delete(name: str) -> None:
        raise PermissionError(f"cannot delete {name}")

    monkeypatch.setattr(storage, "delete", delete)
    services.save_answers(
        by=by,
        assessment=assessment,
        expected_version=2,
        changes=services.Changes(header, {}, {answer.pk: [jpeg_upload("新.jpg")]}, frozenset({old.pk})),
    )
    monkeypatch.undo()
    new = EvidencePhoto.objects.get()
    assert new.pk != old.pk
    assert storage.exists(new.file.name)
    assert "cannot delete" in caplog.text  # logged for someone to clean up
    storage.delete(old.file.name)
    storage.delete(new.file.name)


def test_a_save_locks_the_assessment_row_only(cast, draft):
    """Not the enterprise row beside it: an import or an enterprise edit does not wait for a save with photos."""
    with CaptureQueriesContext(connection) as queries:
        services.save_answers(
            by=cast.users["town_a_union"],
            assessment=draft,
            expected_version=1,
            changes=services.Changes(services.Header(None, "张三", ""), {}),
        )
    locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    if connection.features.has_select_for_update_of:
        (sql,) = locking
        assert sql.endswith('FOR UPDATE OF "assessments_assessment"')
    else:
        assert locking == []  # SQLite locks the whole database for a write instead


# --- query counts: the pages do not grow with rows or photos ----------------------------


def _queries(client, url, data=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, data or {})
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _assessed(cast, photos_per_item: int) -> Assessment:
    by = cast.users["town_a_union"]
    assessment = services.start_assessment(by=by, enterprise=EnterpriseFactory(district=cast.district_a), year=2026)
    first = list(assessment.answers.order_by("pk")[:3])
    uploads = {a.pk: [jpeg_upload() for _ in range(photos_per_item)] for a in first}
    services.save_answers(
        by=by,
        assessment=assessment,
        expected_version=1,
        changes=services.Changes(services.Header(None, "", ""), full_answers(assessment), uploads),
    )
    return assessment


def test_the_pages_query_counts_do_not_grow_with_assessments_or_photos(cast):
    client = cast.client_for("town_a_union")
    one = _assessed(cast, 1)
    pages = {
        "list": (reverse("assessments:list"), {"year": 2026}),
        "export": (reverse("assessments:export"), {"year": 2026}),
        "detail": (reverse("assessments:detail", args=[one.pk]), None),
        "edit": (reverse("assessments:edit", args=[one.pk]), None),
    }
    _queries(client, reverse("assessments:list"))  # the first request of a session reads more
    before = {name: _queries(client, url, data) for name, (url, data) in pages.items()}
    for _ in range(4):
        _assessed(cast, 3)
    more = _assessed(cast, 3)
    pages["detail"] = (reverse("assessments:detail", args=[more.pk]), None)
    pages["edit"] = (reverse("assessments:edit", args=[more.pk]), None)
    after = {name: _queries(client, url, data) for name, (url, data) in pages.items()}
    assert after == before
    assert max(after.values()) <= 10

"""The phone checklist page: dates a phone can show, errors in the assessors' words and where they are,
form controls, and what a returned assessment shows."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from liangpai.assessments import services


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

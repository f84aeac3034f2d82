"""What a review of the annual assessment found, each kept fixed by a test; and the pages' query counts."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from liangpai.assessments import services


def _scored(assessment, n=0):
    return list(assessment.answers.select_related("item").filter(item__is_veto=False).order_by("item__order"))[n]


def _post_edit(client, assessment, **fields):
    data = {"version": assessment.version, "assessed_on": "2026-11-20", "assessors": "", "summary": ""}
    data.update(fields)
    return client.post(reverse("assessments:edit", args=[assessment.pk]), data)


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

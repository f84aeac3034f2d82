"""R-SCORE-1 … R-SCORE-4: checklist scoring — normalised to 100 over applicable items, rounded half
up to one decimal, not-applicable items leave the score, bad answers are rejected, vetoes recorded."""

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liangpai.rules.scoring import (
    ChecklistScore,
    ItemAnswer,
    ScoringError,
    ScoringProblem,
    check_answers,
    normalise,
    score_checklist,
)
from tests.rules.rulebook import RULEBOOK, rulebook_table


def answers(notation: str) -> list[ItemAnswer]:
    """The rulebook's item notation: `8/10`, `不适用/10`, `空/10`, veto passed `0/0*`, failed `0/0!`."""
    if notation == "—":
        return []
    items = []
    for key, token in enumerate(notation.split(", "), start=1):
        veto_failed, is_veto = token.endswith("!"), token.endswith(("!", "*"))
        awarded_text, max_text = token.rstrip("!*").split("/")
        not_applicable = awarded_text == "不适用"
        awarded = None if awarded_text in ("不适用", "空") else Decimal(awarded_text)
        items.append(ItemAnswer(str(key), Decimal(max_text), awarded, not_applicable, is_veto, veto_failed))
    return items


def _score_text(result: ChecklistScore) -> str:
    return "未评级" if result.score is None else str(result.score)


# --- the rulebook's tables ---------------------------------------------------------------


@pytest.mark.parametrize("row", rulebook_table("R-SCORE-1"), ids=lambda row: row["items"])
def test_r_score_1_scores_are_normalised_to_100_and_rounded_half_up(row):
    assert _score_text(score_checklist(answers(row["items"]))) == row["score"]


@pytest.mark.parametrize("row", rulebook_table("R-SCORE-2"), ids=lambda row: row["items"])
def test_r_score_2_not_applicable_items_leave_the_score(row):
    assert _score_text(score_checklist(answers(row["items"]))) == row["score"]


@pytest.mark.parametrize("row", rulebook_table("R-SCORE-3"), ids=lambda row: row["items"])
def test_r_score_3_invalid_answers_are_rejected_with_every_problem(row):
    expected = [code.strip() for code in row["errors"].split(",")]
    assert [problem.code for problem in check_answers(answers(row["items"]))] == expected
    with pytest.raises(ScoringError) as caught:
        score_checklist(answers(row["items"]))
    assert [problem.code for problem in caught.value.problems] == expected
    assert caught.value.code == expected[0]


@pytest.mark.parametrize("row", rulebook_table("R-SCORE-4"), ids=lambda row: row["items"])
def test_r_score_4_failed_veto_items_are_recorded_and_the_score_is_still_computed(row):
    result = score_checklist(answers(row["items"]))
    assert _score_text(result) == row["score"]
    expected = () if row["failed_vetoes"] == "—" else tuple(k.strip() for k in row["failed_vetoes"].split(","))
    assert result.failed_vetoes == expected


def test_every_score_rule_in_the_rulebook_has_an_example_table():
    rule_ids = re.findall(r"^### (R-SCORE-\d+) ", RULEBOOK, flags=re.MULTILINE)
    assert rule_ids == ["R-SCORE-1", "R-SCORE-2", "R-SCORE-3", "R-SCORE-4"]
    assert all(rulebook_table(rule_id) for rule_id in rule_ids)


# --- more examples -----------------------------------------------------------------------


def test_the_result_keeps_the_sums_it_was_computed_from():
    result = score_checklist(answers("9/10, 18/20, 不适用/30"))
    assert result == ChecklistScore(
        score=Decimal("90.0"),
        awarded_total=Decimal(27),
        applicable_max=Decimal(30),
        not_applicable=("3",),
    )
    assert result.is_scored


def test_the_same_item_twice_is_rejected():
    twice = [ItemAnswer("1.1", Decimal(5), Decimal(5)), ItemAnswer("1.1", Decimal(5), Decimal(4))]
    assert check_answers(twice) == (ScoringProblem("duplicate_item", "1.1"),)


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (ItemAnswer("1", Decimal(5), Decimal(3), not_applicable=True), "scored_but_not_applicable"),
        (ItemAnswer("1", Decimal(5), Decimal(3), veto_failed=True), "not_a_veto_item"),
        (ItemAnswer("1", Decimal(0), None, not_applicable=True, is_veto=True), "veto_not_applicable"),
        (ItemAnswer("1", Decimal("NaN"), Decimal(3)), "not_a_number"),
        (ItemAnswer("1", Decimal(5), Decimal("sNaN")), "not_a_number"),
        (ItemAnswer("1", Decimal(5), 3), "not_a_number"),  # type: ignore[arg-type]
        (ItemAnswer("1", 5, Decimal(3)), "not_a_number"),  # type: ignore[arg-type]
    ],
)
def test_contradictory_answers_are_rejected(answer, code):
    assert [problem.code for problem in check_answers([answer])] == [code]


def test_a_problem_names_the_item_and_the_values():
    assert check_answers(answers("5/5, 11/10")) == (ScoringProblem("above_max", "2", {"awarded": "11", "max": "10"}),)


def test_rounding_does_not_depend_on_the_callers_decimal_context():
    import decimal

    with decimal.localcontext() as context:
        context.prec = 3
        context.rounding = decimal.ROUND_FLOOR
        assert normalise(Decimal("17.99"), Decimal(20)) == Decimal("90.0")
        assert normalise(Decimal(2), Decimal(3)) == Decimal("66.7")


# --- properties ----------------------------------------------------------------------------

MAXIMA = st.decimals(min_value=Decimal(1), max_value=Decimal(20), places=1)


@st.composite
def valid_checklists(draw: st.DrawFn) -> list[ItemAnswer]:
    items = []
    for key in range(draw(st.integers(1, 30))):
        max_score = draw(MAXIMA)
        if draw(st.integers(0, 4)) == 0:
            items.append(ItemAnswer(str(key), max_score, None, not_applicable=True))
        else:
            awarded = draw(st.decimals(min_value=Decimal(0), max_value=max_score, places=1))
            items.append(ItemAnswer(str(key), max_score, awarded))
    return items


@given(valid_checklists())
def test_a_score_is_between_0_and_100_with_one_decimal(items):
    result = score_checklist(items)
    if result.score is None:
        assert all(item.not_applicable for item in items)
    else:
        assert Decimal(0) <= result.score <= Decimal(100)
        assert result.score == result.score.quantize(Decimal("0.1"))
        assert abs(result.score - result.awarded_total * 100 / result.applicable_max) <= Decimal("0.05")


@given(valid_checklists(), MAXIMA)
def test_adding_a_not_applicable_item_never_changes_the_score(items, max_score):
    extra = ItemAnswer("extra", max_score, None, not_applicable=True)
    assert score_checklist([*items, extra]).score == score_checklist(items).score


@given(valid_checklists(), st.data())
def test_one_more_point_on_an_item_never_lowers_the_score(items, data):
    index = data.draw(st.integers(0, len(items) - 1))
    item = items[index]
    if item.not_applicable or item.awarded is None or item.awarded + 1 > item.max_score:
        return
    better = [*items[:index], ItemAnswer(item.key, item.max_score, item.awarded + 1), *items[index + 1 :]]
    assert score_checklist(better).score >= score_checklist(items).score


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.decimals(allow_nan=True, allow_infinity=True)),
            st.one_of(st.none(), st.decimals(allow_nan=True, allow_infinity=True)),
            st.booleans(),
            st.booleans(),
            st.booleans(),
        ),
        max_size=6,
    )
)
def test_scoring_raises_only_scoring_errors(rows):
    items = [ItemAnswer(str(i), m, a, na, veto, failed) for i, (m, a, na, veto, failed) in enumerate(rows)]  # type: ignore[arg-type]
    problems = check_answers(items)
    if problems:
        with pytest.raises(ScoringError) as caught:
            score_checklist(items)
        assert caught.value.problems == problems
    else:
        result = score_checklist(items)
        assert result.score is None or Decimal(0) <= result.score <= Decimal(100)

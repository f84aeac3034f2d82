"""R-GRADE-1 … R-GRADE-3 and R-DOWNGRADE-1 … R-DOWNGRADE-6: the annual grade from the score band,
vetoes and the year's quarterly lights, and the one-line Chinese explanation of every grade."""

import dataclasses
import datetime
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liangpai.rules.grading import (
    Grade,
    GradeResult,
    GradingError,
    QuarterLight,
    Reason,
    ReasonKind,
    annual_grade,
    downgrade_levels,
    explain,
    explain_reason,
    grade_for_score,
    posted_grade,
)
from liangpai.rules.lights import Light
from liangpai.rules.periods import Quarter, Year
from liangpai.rules.ruleset import DEFAULT_RULESET, Ruleset
from tests.rules.rulebook import RULEBOOK, rulebook_table

YEAR = Year(2026)
LIGHTS = {"绿": Light.GREEN, "黄": Light.YELLOW, "红": Light.RED, "未检": Light.NOT_INSPECTED}
YES_NO = {"是": True, "否": False}
UNGRADED = "未评级"


def base(text: str) -> Grade | Decimal | None:
    """`B` a given grade, `85.0` a score, `未评估` not assessed."""
    if text == "未评估":
        return None
    return Grade(text) if text in Grade.__members__ else Decimal(text)


def lights(notation: str) -> list[QuarterLight]:
    """`黄@2026-03-15 绿 红 未检`: Q1 to Q4 of 2026, a date after @ when the inspection is known."""
    if notation == "—":
        return []
    result = []
    for quarter, token in zip(YEAR.quarters(), notation.split(), strict=False):
        colour, _, on = token.partition("@")
        result.append(QuarterLight(quarter, LIGHTS[colour], datetime.date.fromisoformat(on) if on else None))
    return result


def grade_text(grade: Grade | None) -> str:
    return UNGRADED if grade is None else grade.value


def ruleset(row: dict[str, str]) -> Ruleset:
    changes: dict[str, object] = {}
    if "stacking" in row:
        changes["downgrade_stacking"] = YES_NO[row["stacking"]]
    if "floor" in row:
        changes["downgrade_floor"] = Grade(row["floor"])
    if "mid_year" in row:
        changes["plaque_changes_mid_year"] = YES_NO[row["mid_year"]]
    return dataclasses.replace(DEFAULT_RULESET, **changes)


def graded(row: dict[str, str]) -> GradeResult:
    vetoes = () if row.get("vetoes", "—") == "—" else tuple(row["vetoes"].split("、"))
    return annual_grade(
        year=YEAR,
        base=base(row["base"]),
        lights=lights(row.get("lights", "—")),
        ruleset=ruleset(row),
        failed_vetoes=vetoes,
    )


def _ids(row: dict[str, str]) -> str:
    return " ".join(value for key, value in row.items() if key not in ("text", "note"))


# --- the rulebook's tables ---------------------------------------------------------------


@pytest.mark.parametrize("row", rulebook_table("R-GRADE-1"), ids=_ids)
def test_r_grade_1_the_grade_is_the_band_of_the_score_shown(row):
    assert grade_for_score(Decimal(row["score"]), DEFAULT_RULESET) is Grade(row["grade"])


@pytest.mark.parametrize("row", rulebook_table("R-GRADE-2"), ids=_ids)
def test_r_grade_2_not_assessed_is_ungraded_never_a(row):
    result = graded(row)
    assert grade_text(result.final) == row["final"]
    assert result.reasons == (Reason(ReasonKind.NOT_ASSESSED, "R-GRADE-2"),)
    assert grade_for_score(None, DEFAULT_RULESET) is None


@pytest.mark.parametrize("row", rulebook_table("R-GRADE-3"), ids=_ids)
def test_r_grade_3_a_failed_veto_gives_d_directly(row):
    result = graded(row)
    assert grade_text(result.final) == row["final"]
    assert explain(result) == row["text"]


@pytest.mark.parametrize("row", rulebook_table("R-DOWNGRADE-1"), ids=_ids)
def test_r_downgrade_1_one_red_or_two_yellows_take_one_level(row):
    assert grade_text(graded(row).final) == row["final"]


@pytest.mark.parametrize("row", rulebook_table("R-DOWNGRADE-2"), ids=_ids)
def test_r_downgrade_2_no_stacking_by_default_one_level_per_trigger_with_it(row):
    assert grade_text(graded(row).final) == row["final"]


@pytest.mark.parametrize("row", rulebook_table("R-DOWNGRADE-3"), ids=_ids)
def test_r_downgrade_3_never_below_the_floor_and_the_floor_never_raises(row):
    assert grade_text(graded(row).final) == row["final"]


@pytest.mark.parametrize("row", rulebook_table("R-DOWNGRADE-4"), ids=_ids)
def test_r_downgrade_4_ungraded_stays_ungraded_and_not_inspected_does_not_count(row):
    assert grade_text(graded(row).final) == row["final"]


@pytest.mark.parametrize("row", rulebook_table("R-DOWNGRADE-5"), ids=_ids)
def test_r_downgrade_5_every_grade_explains_itself_in_one_line(row):
    assert explain(graded(row)) == row["text"]


@pytest.mark.parametrize("row", rulebook_table("R-DOWNGRADE-6"), ids=_ids)
def test_r_downgrade_6_the_posted_plaque_changes_mid_year_only_when_set(row):
    published = base(row["published"])
    assert not isinstance(published, Decimal)
    posted = posted_grade(published=published, year=YEAR, lights_so_far=lights(row["lights"]), ruleset=ruleset(row))
    assert grade_text(posted.final) == row["posted"]


def test_every_grade_and_downgrade_rule_in_the_rulebook_has_an_example_table():
    rule_ids = re.findall(r"^### (R-(?:GRADE|DOWNGRADE)-\d+) ", RULEBOOK, flags=re.MULTILINE)
    expected = [f"R-GRADE-{i}" for i in range(1, 4)] + [f"R-DOWNGRADE-{i}" for i in range(1, 7)]
    assert rule_ids == expected
    assert all(rulebook_table(rule_id) for rule_id in rule_ids)


# --- the structured reasons ----------------------------------------------------------------


def test_the_mission_example_has_structured_reasons_and_the_ruleset_version():
    result = annual_grade(
        year=YEAR,
        base=Decimal("84.5"),
        lights=lights("黄@2026-03-15 绿@2026-06-02 黄@2026-09-20 未检"),
        ruleset=dataclasses.replace(DEFAULT_RULESET, version="2026-1"),
    )
    assert result == GradeResult(
        year=YEAR,
        final=Grade.C,
        base=Grade.B,
        reasons=(
            Reason(ReasonKind.SCORE_BAND, "R-GRADE-1", {"score": Decimal("84.5"), "grade": Grade.B}),
            Reason(
                ReasonKind.YELLOW_LIGHT,
                "R-DOWNGRADE-1",
                {"quarter": Quarter(2026, 1), "inspected_on": datetime.date(2026, 3, 15)},
            ),
            Reason(
                ReasonKind.YELLOW_LIGHT,
                "R-DOWNGRADE-1",
                {"quarter": Quarter(2026, 3), "inspected_on": datetime.date(2026, 9, 20)},
            ),
        ),
        ruleset_version="2026-1",
    )
    assert result.levels_down == 1
    assert explain(result) == "B → C：第一季度黄灯（2026-03-15 督查），第三季度黄灯（2026-09-20 督查）"
    assert [explain_reason(r) for r in result.reasons] == [
        "评估得分 84.5，B 级",
        "第一季度黄灯（2026-03-15 督查）",
        "第三季度黄灯（2026-09-20 督查）",
    ]


def test_a_veto_on_an_unassessed_enterprise_keeps_both_reasons():
    result = annual_grade(year=YEAR, base=None, lights=[], ruleset=DEFAULT_RULESET, failed_vetoes=["拒绝督查"])
    assert (result.base, result.final, result.levels_down) == (None, Grade.D, 0)
    assert [r.kind for r in result.reasons] == [ReasonKind.NOT_ASSESSED, ReasonKind.VETO]


def test_the_floor_is_named_when_it_stops_a_downgrade():
    result = annual_grade(year=YEAR, base=Grade.D, lights=lights("红"), ruleset=DEFAULT_RULESET)
    assert result.reasons[-1] == Reason(ReasonKind.AT_FLOOR, "R-DOWNGRADE-3", {"floor": Grade.D})


def test_a_posted_plaque_that_does_not_change_says_so():
    posted = posted_grade(published=Grade.B, year=YEAR, lights_so_far=lights("红"), ruleset=DEFAULT_RULESET)
    assert explain(posted) == "B：评估等级 B，年度中途不换牌"


@pytest.mark.parametrize(
    ("entries", "code"),
    [
        ([QuarterLight(Quarter(2025, 4), Light.RED)], "other_year"),
        ([QuarterLight(Quarter(2026, 2), Light.RED), QuarterLight(Quarter(2026, 2), Light.GREEN)], "duplicate_quarter"),
    ],
)
def test_lights_of_another_year_or_twice_the_same_quarter_are_rejected(entries, code):
    with pytest.raises(GradingError) as caught:
        annual_grade(year=YEAR, base=Grade.A, lights=entries, ruleset=DEFAULT_RULESET)
    assert caught.value.code == code


@pytest.mark.parametrize("score", [Decimal("-0.1"), Decimal("100.1"), Decimal("NaN"), Decimal("Infinity")])
def test_a_score_outside_0_to_100_is_rejected(score):
    with pytest.raises(GradingError) as caught:
        grade_for_score(score, DEFAULT_RULESET)
    assert caught.value.code == "score_out_of_range"


@pytest.mark.parametrize(
    ("reds", "yellows", "stacking", "levels"),
    [(0, 1, False, 0), (1, 0, False, 1), (0, 2, False, 1), (2, 4, False, 1), (2, 4, True, 4), (1, 3, True, 2)],
)
def test_downgrade_levels_count_triggers(reds, yellows, stacking, levels):
    ruleset = dataclasses.replace(DEFAULT_RULESET, downgrade_stacking=stacking)
    assert downgrade_levels(reds, yellows, ruleset) == levels


def test_grades_rank_from_a_to_d():
    assert [g.rank for g in Grade] == [0, 1, 2, 3]
    assert Grade.B.lowered(1, Grade.D) is Grade.C
    assert Grade.B.lowered(5, Grade.D) is Grade.D
    assert Grade.D.lowered(1, Grade.C) is Grade.D


# --- properties ----------------------------------------------------------------------------

BASES = st.one_of(st.none(), st.sampled_from(Grade))
LIGHT_LIST = st.lists(st.sampled_from(Light), min_size=0, max_size=4).map(
    lambda colours: [QuarterLight(q, c) for q, c in zip(YEAR.quarters(), colours, strict=False)]
)
RULESETS = st.builds(
    Ruleset,
    downgrade_reds=st.integers(1, 3),
    downgrade_yellows=st.integers(1, 4),
    downgrade_stacking=st.booleans(),
    downgrade_floor=st.sampled_from(Grade),
)


def _with(entries: list[QuarterLight], quarter: Quarter, light: Light) -> list[QuarterLight]:
    kept = [entry for entry in entries if entry.quarter != quarter]
    return [*kept, QuarterLight(quarter, light)]


def _grade(base_grade: Grade | None, entries: list[QuarterLight], rules: Ruleset) -> GradeResult:
    return annual_grade(year=YEAR, base=base_grade, lights=entries, ruleset=rules)


@given(BASES, LIGHT_LIST, RULESETS, st.sampled_from(YEAR.quarters()))
def test_one_more_yellow_never_improves_a_grade(base_grade, entries, rules, quarter):
    before = _grade(base_grade, entries, rules).final
    if any(entry.quarter == quarter and entry.light is Light.RED for entry in entries):
        return  # turning a red quarter yellow is one red fewer, not one yellow more
    after = _grade(base_grade, _with(entries, quarter, Light.YELLOW), rules).final
    assert (before is None) == (after is None)
    if before is not None and after is not None:
        assert after.rank >= before.rank


@given(st.sampled_from(Grade), LIGHT_LIST, RULESETS, st.sampled_from(YEAR.quarters()))
def test_a_red_light_always_downgrades_unless_already_at_the_floor(base_grade, entries, rules, quarter):
    rules = dataclasses.replace(rules, downgrade_reds=1)
    final = _grade(base_grade, _with(entries, quarter, Light.RED), rules).final
    assert final is not None
    floor = rules.downgrade_floor
    if base_grade.rank >= floor.rank:
        assert final is base_grade
    else:
        assert base_grade.rank < final.rank <= floor.rank


@given(BASES, LIGHT_LIST, RULESETS, st.randoms())
def test_the_order_of_the_quarters_never_changes_the_grade_or_its_explanation(base_grade, entries, rules, random):
    shuffled = list(entries)
    random.shuffle(shuffled)
    assert _grade(base_grade, shuffled, rules) == _grade(base_grade, entries, rules)


@given(LIGHT_LIST, RULESETS)
def test_ungraded_stays_ungraded_whatever_the_lights(entries, rules):
    result = _grade(None, entries, rules)
    assert result.final is None
    assert explain(result) == "未评级：未开展年度评估"


@given(st.decimals(min_value=0, max_value=100, places=2), st.decimals(min_value=0, max_value=100, places=2))
def test_a_higher_score_never_gets_a_worse_grade(low, high):
    low, high = sorted((low, high))
    assert grade_for_score(high, DEFAULT_RULESET).rank <= grade_for_score(low, DEFAULT_RULESET).rank


@given(BASES, LIGHT_LIST, RULESETS, st.lists(st.text("否决项拒绝督查事故", min_size=1, max_size=8), max_size=2))
def test_every_result_explains_itself_and_shows_an_arrow_exactly_when_the_grade_changed(
    base_grade, entries, rules, vetoes
):
    result = annual_grade(year=YEAR, base=base_grade, lights=entries, ruleset=rules, failed_vetoes=vetoes)
    text = explain(result)
    assert text.startswith(grade_text(result.base))
    assert ("→" in text) is (result.base != result.final)
    if vetoes:
        assert result.final is Grade.D

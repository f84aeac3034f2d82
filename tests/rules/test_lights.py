"""R-LIGHT-1 … R-LIGHT-10: the quarterly light from a quarter's facts — red, yellow, green or 未检,
with the rules that decided it; a manual override needs a reason."""

import dataclasses
import datetime
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liangpai.rules.lights import (
    FactsError,
    Light,
    LightReason,
    LightReasonKind,
    LightResult,
    OverrideError,
    QuarterFacts,
    override_light,
    quarter_light,
)
from liangpai.rules.periods import Quarter
from liangpai.rules.ruleset import DEFAULT_RULESET, LightThresholds
from tests.rules.rulebook import RULEBOOK, rulebook_table

Q1 = Quarter(2026, 1)
LIGHTS = {"绿": Light.GREEN, "黄": Light.YELLOW, "红": Light.RED, "未检": Light.NOT_INSPECTED}
FLAGS = {"已检": "inspected", "拒检": "refused_inspection", "拒收": "refused_letter"}
COUNTS = {
    "一般当改": "general_hazards_fixed_on_spot",
    "一般未改": "general_hazards_not_fixed_on_spot",
    "重大": "major_hazards",
    "事故": "accidents",
    "逾期意见书": "overdue_letters",
    "逾期随手拍": "overdue_hazard_reports",
}


def facts(notation: str, quarter: Quarter = Q1) -> QuarterFacts:
    """The rulebook's fact notation: `已检; 一般未改 2; 逾期意见书 1`, or `—` for nothing."""
    values: dict[str, bool | int] = {}
    for token in notation.split("; "):
        if token in FLAGS:
            values[FLAGS[token]] = True
        elif token != "—":
            name, count = token.split()
            values[COUNTS[name]] = int(count)
    return QuarterFacts(quarter, **values)


def _rules(result: LightResult) -> list[str]:
    return [reason.rule for reason in result.reasons]


LIGHT_RULES = [f"R-LIGHT-{i}" for i in range(1, 10)]


@pytest.mark.parametrize(
    ("rule_id", "row"),
    [(rule_id, row) for rule_id in LIGHT_RULES for row in rulebook_table(rule_id)],
    ids=lambda value: value if isinstance(value, str) else value["facts"],
)
def test_r_light_1_to_9_the_light_of_a_quarter_from_its_facts(rule_id, row):
    result = quarter_light(facts(row["facts"]), DEFAULT_RULESET)
    assert result.light is LIGHTS[row["light"]]
    assert _rules(result) == [rule.strip() for rule in row["rules"].split(",")]


@pytest.mark.parametrize("row", rulebook_table("R-LIGHT-10"), ids=lambda row: f"{row['facts']} → {row['light']}")
def test_r_light_10_a_manual_override_needs_a_reason_and_keeps_the_computed_light(row):
    computed = quarter_light(facts(row["facts"]), DEFAULT_RULESET)
    reason = "" if row["reason"] == "—" else row["reason"]
    if row["result"] == "reason_required":
        with pytest.raises(OverrideError) as caught:
            override_light(computed, LIGHTS[row["light"]], reason=reason)
        assert caught.value.code == "reason_required"
        return
    result = override_light(computed, LIGHTS[row["light"]], reason=reason)
    assert result.light is LIGHTS[row["result"]]
    assert result.overridden_from is computed.light
    assert result.reasons == (
        LightReason("R-LIGHT-10", LightReasonKind.MANUAL_OVERRIDE, LIGHTS[row["light"]], note=reason),
        *computed.reasons,
    )


def test_every_light_rule_in_the_rulebook_has_an_example_table():
    rule_ids = re.findall(r"^### (R-LIGHT-\d+) ", RULEBOOK, flags=re.MULTILINE)
    assert rule_ids == [*LIGHT_RULES, "R-LIGHT-10"]
    for rule_id in LIGHT_RULES[1:]:
        assert any(rule_id in row["rules"] for row in rulebook_table(rule_id)), rule_id


# --- more examples -----------------------------------------------------------------------


def test_a_reason_says_what_was_counted_and_which_light_it_leads_to():
    result = quarter_light(facts("已检; 重大 2; 一般未改 3; 逾期意见书 1"), DEFAULT_RULESET)
    assert result == LightResult(
        Light.RED,
        (
            LightReason("R-LIGHT-2", LightReasonKind.MAJOR_HAZARDS, Light.RED, 2),
            LightReason("R-LIGHT-5", LightReasonKind.GENERAL_HAZARDS_NOT_FIXED_ON_SPOT, Light.YELLOW, 3),
            LightReason("R-LIGHT-6", LightReasonKind.OVERDUE_LETTERS, Light.YELLOW, 1),
        ),
    )


def test_a_green_quarter_counts_the_hazards_fixed_on_the_spot():
    assert quarter_light(facts("已检; 一般当改 4"), DEFAULT_RULESET).reasons == (
        LightReason("R-LIGHT-8", LightReasonKind.CLEAN_INSPECTION, Light.GREEN, 4),
    )


def test_thresholds_come_from_the_ruleset():
    lenient = dataclasses.replace(
        DEFAULT_RULESET,
        lights=LightThresholds(yellow_general_hazards_not_fixed_on_spot=3, red_on_refusal=False),
    )
    assert quarter_light(facts("已检; 一般未改 2"), lenient).light is Light.GREEN
    assert quarter_light(facts("已检; 一般未改 3"), lenient).light is Light.YELLOW
    assert quarter_light(facts("已检; 拒收"), lenient).light is Light.GREEN
    assert quarter_light(facts("拒检"), lenient).light is Light.NOT_INSPECTED


@pytest.mark.parametrize("reason", ["", "   ", "\u3000\n"])
def test_a_blank_reason_is_no_reason(reason):
    computed = quarter_light(facts("已检"), DEFAULT_RULESET)
    with pytest.raises(OverrideError):
        override_light(computed, Light.RED, reason=reason)


def test_an_override_reason_is_kept_trimmed():
    computed = quarter_light(facts("已检"), DEFAULT_RULESET)
    assert override_light(computed, Light.YELLOW, reason="  补录逾期意见书 ").reasons[0].note == "补录逾期意见书"


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"major_hazards": -1}, "negative_count"),
        ({"accidents": True}, "not_a_count"),
        ({"overdue_letters": 1.0}, "not_a_count"),
        ({"inspected_on": datetime.date(2026, 3, 15)}, "date_without_inspection"),
    ],
)
def test_impossible_facts_are_rejected(values, code):
    with pytest.raises(FactsError) as caught:
        QuarterFacts(Q1, **values)
    assert caught.value.code == code


def test_not_inspected_is_not_a_colour_and_counts_as_nothing_bad():
    assert [light.severity for light in Light] == [0, 1, 2, 0]


# --- properties ----------------------------------------------------------------------------

COUNT = st.integers(0, 3)
FACTS = st.builds(
    QuarterFacts,
    quarter=st.just(Q1),
    inspected=st.booleans(),
    general_hazards_fixed_on_spot=COUNT,
    general_hazards_not_fixed_on_spot=COUNT,
    major_hazards=COUNT,
    refused_inspection=st.booleans(),
    refused_letter=st.booleans(),
    accidents=COUNT,
    overdue_letters=COUNT,
    overdue_hazard_reports=COUNT,
)
THRESHOLDS = st.builds(
    LightThresholds,
    red_major_hazards=st.integers(1, 3),
    red_accidents=st.integers(1, 3),
    red_on_refusal=st.booleans(),
    yellow_general_hazards_not_fixed_on_spot=st.integers(1, 3),
    yellow_overdue_letters=st.integers(1, 3),
    yellow_overdue_hazard_reports=st.integers(1, 3),
)
WORSENING = [
    "general_hazards_not_fixed_on_spot",
    "major_hazards",
    "accidents",
    "overdue_letters",
    "overdue_hazard_reports",
]


@given(FACTS, THRESHOLDS)
def test_one_more_overdue_letter_never_improves_a_light(quarter_facts, thresholds):
    ruleset = dataclasses.replace(DEFAULT_RULESET, lights=thresholds)
    before = quarter_light(quarter_facts, ruleset).light
    worse = dataclasses.replace(quarter_facts, overdue_letters=quarter_facts.overdue_letters + 1)
    after = quarter_light(worse, ruleset).light
    assert after.severity >= before.severity
    assert after is not Light.GREEN or before is Light.GREEN


@given(FACTS, THRESHOLDS, st.sampled_from(WORSENING))
def test_one_more_bad_fact_of_any_kind_never_improves_a_light(quarter_facts, thresholds, name):
    ruleset = dataclasses.replace(DEFAULT_RULESET, lights=thresholds)
    worse = dataclasses.replace(quarter_facts, **{name: getattr(quarter_facts, name) + 1})
    assert quarter_light(worse, ruleset).light.severity >= quarter_light(quarter_facts, ruleset).light.severity


@given(FACTS)
def test_the_light_is_the_worst_of_its_reasons_and_every_reason_cites_a_light_rule(quarter_facts):
    result = quarter_light(quarter_facts, DEFAULT_RULESET)
    assert result.reasons
    assert result.light.severity == max(reason.light.severity for reason in result.reasons)
    assert all(re.fullmatch(r"R-LIGHT-[1-9]", reason.rule) for reason in result.reasons)


@given(FACTS)
def test_a_quarter_is_green_only_if_inspected_and_not_inspected_only_if_not(quarter_facts):
    light = quarter_light(quarter_facts, DEFAULT_RULESET).light
    if light is Light.GREEN:
        assert quarter_facts.inspected
    if light is Light.NOT_INSPECTED:
        assert not quarter_facts.inspected

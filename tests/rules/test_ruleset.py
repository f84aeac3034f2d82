"""R-RULESET-1 / R-RULESET-2: the program's configuration — MISSION.md's defaults, and what makes a
ruleset unusable."""

import dataclasses
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liangpai.rules.ruleset import (
    DEFAULT_RULESET,
    Grade,
    LightThresholds,
    Ruleset,
    RulesetError,
    is_valid,
    validate,
)
from tests.rules.rulebook import RULEBOOK, rulebook_table

YES_NO = {"是": True, "否": False}


def _setting(ruleset: Ruleset, name: str) -> object:
    owner: object = ruleset
    for part in name.split("."):
        owner = getattr(owner, part)
    return owner


def _value_like(current: object, text: str) -> object:
    """`text` read as the type of the setting it replaces."""
    if isinstance(current, bool):
        return YES_NO[text]
    if isinstance(current, Grade):
        return Grade(text)
    if isinstance(current, Decimal):
        return Decimal(text)
    if isinstance(current, int):
        return int(text)
    return text


def _changed(ruleset: Ruleset, name: str, value: object) -> Ruleset:
    if name.startswith("lights."):
        lights = dataclasses.replace(ruleset.lights, **{name.removeprefix("lights."): value})
        return dataclasses.replace(ruleset, lights=lights)
    return dataclasses.replace(ruleset, **{name: value})


# --- the rulebook's tables ---------------------------------------------------------------


@pytest.mark.parametrize("row", rulebook_table("R-RULESET-1"), ids=lambda row: row["setting"])
def test_r_ruleset_1_the_defaults_are_mission_md_s(row):
    current = _setting(DEFAULT_RULESET, row["setting"])
    assert current == _value_like(current, row["default"])
    assert type(current) is type(_value_like(current, row["default"]))


def test_r_ruleset_1_the_table_lists_every_setting():
    listed = {row["setting"] for row in rulebook_table("R-RULESET-1")}
    settings = {f.name for f in dataclasses.fields(Ruleset) if f.name != "lights"}
    settings |= {f"lights.{f.name}" for f in dataclasses.fields(LightThresholds)}
    assert listed == settings


@pytest.mark.parametrize("row", rulebook_table("R-RULESET-2"), ids=lambda row: row["change"])
def test_r_ruleset_2_validation_reports_every_inconsistency_by_code(row):
    ruleset = DEFAULT_RULESET
    if row["change"] != "—":
        name, _, text = row["change"].partition("=")
        ruleset = _changed(ruleset, name, _value_like(_setting(ruleset, name), text))
    expected = [] if row["errors"] == "—" else [code.strip() for code in row["errors"].split(",")]
    assert [error.code for error in validate(ruleset)] == expected
    assert is_valid(ruleset) is (not expected)


def test_every_ruleset_rule_in_the_rulebook_has_an_example_table():
    rule_ids = re.findall(r"^### (R-RULESET-\d+) ", RULEBOOK, flags=re.MULTILINE)
    assert rule_ids == ["R-RULESET-1", "R-RULESET-2"]
    assert all(rulebook_table(rule_id) for rule_id in rule_ids)


# --- more examples -----------------------------------------------------------------------


def test_the_bands_run_from_a_down_to_c():
    assert DEFAULT_RULESET.bands == ((Grade.A, Decimal(90)), (Grade.B, Decimal(80)), (Grade.C, Decimal(60)))


def test_a_ruleset_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_RULESET.minimum_a = Decimal(95)  # type: ignore[misc]


def test_an_error_names_the_setting_and_the_values_a_message_needs():
    ruleset = dataclasses.replace(DEFAULT_RULESET, minimum_b=Decimal(95), letter_reply_working_days=90)
    assert validate(ruleset) == (
        RulesetError("bands_not_descending", "minimum_b", {"values": "90, 95, 60"}),
        RulesetError("deadline_out_of_range", "letter_reply_working_days", {"value": "90", "max": 60}),
    )


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"minimum_a": 90}, "band_not_a_number"),
        ({"minimum_a": Decimal("Infinity")}, "band_not_a_number"),
        ({"downgrade_reds": True}, "count_too_small"),
        ({"downgrade_reds": 1.0}, "count_too_small"),
        ({"downgrade_floor": "D"}, "not_a_grade"),
        ({"downgrade_floor": "E"}, "not_a_grade"),
        ({"downgrade_stacking": 1}, "not_a_flag"),
        ({"plaque_changes_mid_year": "否"}, "not_a_flag"),
        ({"version": None}, "version_empty"),
        ({"interview_deadline_working_days": "10"}, "deadline_out_of_range"),
    ],
)
def test_values_of_the_wrong_type_are_reported_not_crashed_on(change, code):
    # A ruleset is built from stored data; validation must report bad values, whatever their type.
    errors = validate(dataclasses.replace(DEFAULT_RULESET, **change))
    assert [error.code for error in errors] == [code]


def test_a_light_setting_that_is_not_a_flag_is_reported():
    ruleset = dataclasses.replace(DEFAULT_RULESET, lights=LightThresholds(red_on_refusal=None))  # type: ignore[arg-type]
    assert [(e.code, e.setting) for e in validate(ruleset)] == [("not_a_flag", "lights.red_on_refusal")]


# --- properties ----------------------------------------------------------------------------

BANDS = st.decimals(min_value=Decimal("0.1"), max_value=Decimal(100), places=1)


@given(BANDS, BANDS, BANDS)
def test_bands_are_valid_exactly_when_they_descend(a, b, c):
    ruleset = dataclasses.replace(DEFAULT_RULESET, minimum_a=a, minimum_b=b, minimum_c=c)
    assert is_valid(ruleset) is (a > b > c)


@given(st.integers(-5, 100), st.integers(-5, 100))
def test_deadlines_are_valid_from_one_to_sixty_working_days(interview, reply):
    ruleset = dataclasses.replace(
        DEFAULT_RULESET, interview_deadline_working_days=interview, letter_reply_working_days=reply
    )
    assert is_valid(ruleset) is (1 <= interview <= 60 and 1 <= reply <= 60)

"""R-CODE-1: unified social credit codes (GB 32100-2015) — valid codes pass, every
single-character mistake is caught, messy input is forgiven, and nothing makes it raise."""

import datetime
import random
import string
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from liangpai.enterprises.validators import credit_code_message, validate_credit_code
from liangpai.rules.credit_code import (
    ALPHABET,
    FORBIDDEN_LETTERS,
    LENGTH,
    CreditCodeError,
    check_character,
    is_valid,
    normalise,
    validate,
)
from tests.factories import make_credit_code

# Codes in the format printed on real business licences and registration certificates
# (companies 91…, a public institution 12…, a social organisation 53…); the test below
# confirms each against the algorithm.
PUBLISHED_CODES = [
    "91110108551385082Q",
    "914403001922038216",
    "91330100716105852F",
    "91440300708461136T",
    "91350100M000100Y43",
    "91310000MA1FL1MMXL",
    "12100000400000624D",
    "53100000500021676K",
]

GENERATED_CODES = [make_credit_code(random.Random(seed)) for seed in range(6)]
SAMPLE_CODES = PUBLISHED_CODES[:4] + GENERATED_CODES[:3]
ERROR_CODES = {"empty", "length", "character", "division", "check"}


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def _expected_error(position: int, char: str) -> str:
    """What a single wrong character at 1-based `position` must be reported as."""
    if char not in ALPHABET:
        return "character"
    if 3 <= position <= 8 and not char.isdigit():
        return "division"
    return "check"


# --- valid codes ------------------------------------------------------------------------


@pytest.mark.parametrize("code", PUBLISHED_CODES)
def test_published_codes_are_accepted(code):
    assert validate(code) is None
    assert check_character(code[:17]) == code[17]


@pytest.mark.parametrize("seed", range(50))
def test_codes_made_by_the_algorithm_are_accepted(seed):
    code = make_credit_code(random.Random(seed), division=f"{330400 + seed:06d}")
    assert len(code) == LENGTH
    assert is_valid(code)


def test_the_check_character_is_computed_from_the_first_seventeen():
    assert check_character("91350100M000100Y4") == "3"
    assert check_character("12100000400000624") == "D"


# --- every single-character mistake is caught -------------------------------------------


@pytest.mark.parametrize("code", SAMPLE_CODES)
def test_every_substitution_by_another_alphabet_character_is_rejected(code):
    missed = []
    for index in range(LENGTH):
        for char in ALPHABET:
            if char == code[index]:
                continue
            mutated = code[:index] + char + code[index + 1 :]
            error = validate(mutated)
            if error is None or error.code != _expected_error(index + 1, char):
                missed.append((index + 1, char, error))
    assert missed == []


@pytest.mark.parametrize("code", SAMPLE_CODES)
@pytest.mark.parametrize("char", [*FORBIDDEN_LETTERS, "!", "#", "中", "Ö", "_"])
def test_every_substitution_by_a_character_outside_the_alphabet_is_rejected_as_a_bad_character(code, char):
    for index in range(LENGTH):
        mutated = code[:index] + char + code[index + 1 :]
        assert validate(mutated) == CreditCodeError("character", {"position": index + 1, "char": char})


@pytest.mark.parametrize("code", SAMPLE_CODES)
def test_lowercase_forbidden_letters_are_rejected_after_being_upper_cased(code):
    for char in FORBIDDEN_LETTERS.lower():
        mutated = code[:10] + char + code[11:]
        assert validate(mutated) == CreditCodeError("character", {"position": 11, "char": char.upper()})


@pytest.mark.parametrize("code", SAMPLE_CODES)
def test_swapping_two_different_neighbouring_characters_is_rejected(code):
    # Neighbouring weights always differ (3^i·(1-3) ≠ 0 mod 31), so any swap within the
    # weighted first 17 characters changes the sum.
    for index in range(LENGTH - 2):
        if code[index] == code[index + 1]:
            continue
        swapped = code[:index] + code[index + 1] + code[index] + code[index + 2 :]
        assert not is_valid(swapped), (index, swapped)


# --- messy input is forgiven ------------------------------------------------------------


@pytest.mark.parametrize("code", PUBLISHED_CODES)
@pytest.mark.parametrize(
    "mess",
    [
        str.lower,
        _fullwidth,
        lambda c: f"  {c}\t",
        lambda c: f"{c[:6]} {c[6:12]} {c[12:]}",
        lambda c: f"\u3000{c[:9]}\u3000{c[9:]}\u00a0",
        lambda c: f"{c[:8]}-{c[8:]}",
        lambda c: f"\ufeff{c}\u200b",
        lambda c: _fullwidth(c.lower()),
    ],
)
def test_lowercase_full_width_spaces_and_dashes_are_normalised_and_accepted(code, mess):
    messy = mess(code)
    assert normalise(messy) == code
    assert validate(messy) is None


# --- error codes ------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000", "-"])
def test_nothing_is_an_empty_code(raw):
    assert validate(raw) == CreditCodeError("empty")


@pytest.mark.parametrize(
    ("raw", "length"), [("9133", 4), (PUBLISHED_CODES[0][:17], 17), (PUBLISHED_CODES[0] + "1", 19)]
)
def test_a_wrong_length_is_reported_with_the_length_found(raw, length):
    assert validate(raw) == CreditCodeError("length", {"length": length})


def test_a_bad_character_is_reported_with_its_position_and_the_character():
    code = PUBLISHED_CODES[0]
    assert validate(code[:4] + "O" + code[5:]) == CreditCodeError("character", {"position": 5, "char": "O"})


def test_letters_in_the_division_code_are_reported_as_a_bad_division():
    code = make_credit_code(random.Random(1), division="33048A")
    assert validate(code) == CreditCodeError("division", {"value": "33048A"})


def test_a_wrong_check_character_is_reported_with_the_expected_one():
    code = PUBLISHED_CODES[1]
    wrong = "0" if code[17] != "0" else "1"
    assert validate(code[:17] + wrong) == CreditCodeError("check", {"expected": code[17], "actual": wrong})


def test_the_length_is_checked_before_the_characters():
    assert validate("IOSVZ").code == "length"


# --- validate never raises --------------------------------------------------------------


def _assert_a_verdict(result: object) -> None:
    assert result is None or (isinstance(result, CreditCodeError) and result.code in ERROR_CODES)


@given(st.text())
def test_validate_never_raises_on_any_text(text):
    _assert_a_verdict(validate(text))


@given(st.from_regex(r"\A[0-9A-Za-z\s\-\u3000\uff10-\uff5a]{0,24}\Z"))
def test_validate_never_raises_on_code_like_text(text):
    _assert_a_verdict(validate(text))


@given(st.from_regex(r"\A[0-9A-HJ-NP-RTUW-Y]{18}\Z"))
def test_an_eighteen_character_alphabet_string_is_judged_only_on_its_division_and_check(text):
    result = validate(text)
    _assert_a_verdict(result)
    assert result is None or result.code in {"division", "check"}


@given(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.decimals(allow_nan=True),
        st.binary(),
        st.dates(),
        st.datetimes(),
        st.lists(st.text(max_size=5), max_size=4),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
        st.tuples(st.integers(), st.text(max_size=3)),
        st.builds(object),
    )
)
def test_validate_never_raises_on_arbitrary_objects(value):
    _assert_a_verdict(validate(value))


@given(st.text())
def test_normalising_twice_changes_nothing(text):
    assert normalise(normalise(text)) == normalise(text)


@given(st.text(alphabet=string.printable + "\u3000\uff10\uff21\uff41", max_size=30))
def test_a_code_and_its_normalised_form_get_the_same_verdict(text):
    assert validate(text) == validate(normalise(text))


def test_spreadsheet_cells_that_are_not_text_get_a_verdict():
    assert validate(91330482.0).code == "length"
    assert validate(Decimal("913304820000000000")).code == "check"
    assert validate(datetime.date(2026, 1, 1)).code == "length"


# --- the Django validator's messages ----------------------------------------------------


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize(
    ("raw", "code", "names"),
    [
        ("", "empty", ["不能为空"]),
        ("9133048", "length", ["18位", "7位"]),
        (PUBLISHED_CODES[0][:4] + "O" + PUBLISHED_CODES[0][5:], "character", ["第5位", "“O”"]),
        ("91" + "33048A" + PUBLISHED_CODES[0][8:], "division", ["第3–8位", "“33048A”"]),
        (PUBLISHED_CODES[1][:17] + "0", "check", ["校验位", "“6”", "“0”"]),
    ],
)
def test_the_validator_rejects_with_a_chinese_message_that_names_the_problem(raw, code, names):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        validate_credit_code(raw)
    assert caught.value.code == f"credit_code_{code}"
    message = caught.value.messages[0]
    assert _has_chinese(message)
    for name in names:
        assert name in message


@pytest.mark.parametrize("code", PUBLISHED_CODES)
def test_the_validator_accepts_valid_codes_silently(code):
    assert validate_credit_code(code) is None
    assert validate_credit_code(code.lower()) is None


@pytest.mark.parametrize(
    "error",
    [
        CreditCodeError("empty"),
        CreditCodeError("length", {"length": 3}),
        CreditCodeError("character", {"position": 2, "char": "I"}),
        CreditCodeError("division", {"value": "ABCDEF"}),
        CreditCodeError("check", {"expected": "Q", "actual": "1"}),
    ],
)
def test_every_error_code_has_its_own_chinese_message(error):
    with translation.override("zh-hans"):
        message = credit_code_message(error)
    assert _has_chinese(message)
    assert "统一社会信用代码" in message or "校验位" in message or "行政区划" in message
    for value in error.params.values():
        assert str(value) in message

"""R-TEXT-1 / R-TEXT-2: cleaning what real spreadsheets and forms contain."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liangpai.rules.text import clean_code, clean_text, to_halfwidth

SPACES = [" ", "\t", "\n", "\r", "\u00a0", "\u3000", "\u200b", "\u200c", "\u200d", "\ufeff", "\u2003"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３", "ABC123"),
        ("ａｂｃ", "abc"),
        ("！＂＃～", '!"#~'),
        ("（有限公司）", "(有限公司)"),
        ("甲，乙", "甲,乙"),
        ("\u3000", " "),
        ("平湖市当湖街道", "平湖市当湖街道"),
        ("", ""),
    ],
)
def test_full_width_ascii_forms_become_half_width_and_chinese_is_left_alone(raw, expected):
    assert to_halfwidth(raw) == expected


def test_only_the_full_width_ascii_block_is_converted():
    # U+FF00 and U+FF5F lie just outside the block, half-width katakana are not ASCII
    # forms, and the ideographic full stop and comma are Chinese punctuation, kept as typed.
    for ch in ["\uff00", "\uff5f", "\uff65", "。", "、", "“"]:
        assert to_halfwidth(ch) == ch


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  示范机械  有限公司 ", "示范机械 有限公司"),
        ("\u3000示范\u3000\u3000机械\u00a0", "示范 机械"),
        ("示范\u200b机械", "示范 机械"),
        ("\ufeff示范机械", "示范机械"),
        ("示范\n\t机械", "示范 机械"),
        ("ＸＹＺ有限公司", "XYZ有限公司"),
        ("Cafe\u0301", "Café"),
        ("   ", ""),
    ],
)
def test_clean_text_trims_collapses_every_kind_of_space_and_normalises(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" 9133 0482-ma29 ", "91330482MA29"),
        ("１３８ ００１３ ８０００", "13800138000"),
        ("0573-8512\u30003456", "057385123456"),
        ("\u200b913\u00a0304", "913304"),
        ("ｍａ２９", "MA29"),
    ],
)
def test_clean_code_removes_all_spaces_and_dashes_and_upper_cases(raw, expected):
    assert clean_code(raw) == expected


def test_every_kind_of_space_is_a_space():
    for space in SPACES:
        assert clean_text(f"a{space}b") == "a b", repr(space)
        assert clean_code(f"a{space}b") == "AB", repr(space)


@given(st.text())
def test_to_halfwidth_keeps_the_length_and_leaves_no_full_width_ascii(text):
    out = to_halfwidth(text)
    assert len(out) == len(text)
    assert not any(0xFF01 <= ord(ch) <= 0xFF5E or ch == "\u3000" for ch in out)


@given(st.text())
def test_clean_text_leaves_no_edge_spaces_and_no_runs_of_spaces(text):
    out = clean_text(text)
    assert out == out.strip()
    assert "  " not in out
    assert not any(ch in out for ch in SPACES if ch != " ")
    assert unicodedata.is_normalized("NFC", out)


@given(st.text())
def test_clean_text_is_idempotent(text):
    assert clean_text(clean_text(text)) == clean_text(text)


@given(st.text())
def test_clean_code_leaves_no_spaces_or_dashes_and_is_idempotent(text):
    out = clean_code(text)
    assert not any(ch.isspace() or ch in "-\u200b\ufeff" for ch in out)
    assert out == out.upper()
    assert clean_code(out) == out


@given(st.text(alphabet=st.characters(categories=["Lo"]), max_size=20))
def test_chinese_text_without_spaces_is_unchanged(text):
    text = unicodedata.normalize("NFC", text)
    assert clean_text(text) == text

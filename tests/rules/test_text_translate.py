"""R-TEXT-1 / R-TEXT-2 with translation tables: the same results as the rule written out character by character."""

import re
import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from liangpai.rules.text import clean_code, clean_text, to_halfwidth

# --- the rule, written out plainly --------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\u200c\u200d\ufeff]+")


def reference_to_halfwidth(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        elif code == 0x3000:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def reference_clean_text(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", reference_to_halfwidth(text))).strip()


def reference_clean_code(text: str) -> str:
    return _SPACES.sub("", reference_to_halfwidth(text)).replace("-", "").upper()


# --- texts that exercise it: both ends of the full-width block and beyond, every kind of space,
# combining marks (NFC), Chinese, and plain ASCII ------------------------------------------

INTERESTING = st.sampled_from(
    [
        *map(chr, range(0xFF00, 0xFF61)),  # the block, and a character either side of it
        *"\u3000\u00a0\u200b\u200c\u200d\ufeff\u2003\t\n\r \x1c\x85",
        *"\u0301\u0308\u0327\u1100\u1161\u11a8",  # combining accents; Hangul jamo compose under NFC
        *"eEaAcC-_()（）。、“”有限公司平湖机械ǅǆßİ",
    ]
)
TEXTS = st.one_of(
    st.text(),
    st.text(alphabet=st.one_of(INTERESTING, st.characters()), max_size=40),
    st.text(alphabet=st.characters(max_codepoint=127), max_size=40),
)


@given(TEXTS)
@example("ＡＢＣ　１２３")
@example("Cafe\u0301 ")
@example("")
def test_to_halfwidth_is_the_rule(text: str) -> None:
    result = to_halfwidth(text)
    assert result == reference_to_halfwidth(text)
    assert type(result) is str


@given(TEXTS)
@example("\u3000示范\u3000\u3000机械\u00a0")
@example("ｅ\u0301")  # becomes "e" + accent: NFC composes them after the half-width step
def test_clean_text_is_the_rule(text: str) -> None:
    assert clean_text(text) == reference_clean_text(text)


@given(TEXTS)
@example(" 9133 0482-ｍａ２９ ")
def test_clean_code_is_the_rule(text: str) -> None:
    assert clean_code(text) == reference_clean_code(text)


class _Marked(str):
    """A str subclass (like Django's SafeString): the result is a plain str, as before."""


def test_a_str_subclass_comes_back_as_a_plain_str() -> None:
    for text in ("平湖", "ＡＢ"):
        assert type(to_halfwidth(_Marked(text))) is str
        assert type(clean_text(_Marked(text))) is str
        assert type(clean_code(_Marked(text))) is str

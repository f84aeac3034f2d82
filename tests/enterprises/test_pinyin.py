"""Pinyin initials: the table-driven fast path gives exactly what pypinyin's `lazy_pinyin` gives.

`reference` below is the rule as it was written before the fast path: every name is
compared against it — generated company names (with polyphones and the words that read
them differently), the demo city's names, the import corpus, and every character and
exception word pypinyin knows.
"""

import random
import string

from hypothesis import example, given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

from liangpai.demo import enterprises as demo
from liangpai.demo import words as w
from liangpai.enterprises.pinyin import _initials_by_table, letter_table, name_initials
from tests.imports import make_corpus


def reference(name: str) -> str:
    parts = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default", strict=False)
    return "".join(p for p in parts if p.isalnum()).lower()[:200]


# --- known cases ---------------------------------------------------------------------------


def test_words_decide_the_reading_of_a_polyphone() -> None:
    assert name_initials("中国银行平湖支行") == reference("中国银行平湖支行")
    assert name_initials("中国银行平湖支行").startswith("zgyh")  # 银行: yín háng
    assert name_initials("平湖行业协会") == "phhyxh"
    assert name_initials("长安汽车") == "caqc"
    assert name_initials("重庆长城机械厂") == reference("重庆长城机械厂")
    assert name_initials("茂盛饭店") == reference("茂盛饭店")


def test_other_text_is_kept_when_it_is_letters_and_digits() -> None:
    assert name_initials("ABC纺织有限公司") == "abcfzyxgs"
    assert name_initials("平湖3M胶带(中国)有限公司") == reference("平湖3M胶带(中国)有限公司") == "ph3mjdzgyxgs"
    assert name_initials("A-B平湖") == "ph"  # "A-B" is not all letters and digits: dropped, as lazy_pinyin's part is
    assert name_initials("") == ""


# --- generated names -----------------------------------------------------------------------

_POLYPHONES = "行长重盛食乐传调车万不信属强混纤革朝和省会藏都单仇朴曾查解降差着扎"
_COMMON = "".join(sorted(set(w.TRADE_FIRST + w.TRADE_SECOND + "".join(sum(w.PRODUCTS.values(), ())))))
_EXCEPTIONS = sorted(letter_table().exceptions)
_PHRASES = sorted(PHRASES_DICT)[::7]

PIECES = st.one_of(
    st.sampled_from(["浙江", "平湖", "平澜市", "嘉兴", "上海", "长沙", "重庆", "银川", "朝阳", "乐清", "单县"]),
    st.text(alphabet=_COMMON + _POLYPHONES, min_size=1, max_size=4),
    st.sampled_from(_EXCEPTIONS),
    st.sampled_from(_PHRASES),
    st.sampled_from(
        ["有限公司", "股份有限公司", "厂", "银行", "支行", "分公司", "（普通合伙）", "(平湖)", "·", " ", "\u3000"]
    ),
    st.text(alphabet=string.ascii_letters + string.digits + "ＡＢｃ１２-&.（）()ΣσςΑ ", min_size=1, max_size=4),
    st.characters(codec="utf-8"),
)
COMPANY_NAMES = st.lists(PIECES, min_size=1, max_size=8).map("".join)


@settings(max_examples=1000, deadline=None)  # the first example builds the table
@given(COMPANY_NAMES)
@example("平湖" * 150)  # cut at 200 letters
@example("ΑΣ平")  # upper-case sigma lowers by its context: the whole is lowered, as before
@example("\ue815平湖")  # a private-use character pypinyin reads
@example("𠀀𪚥平湖")  # characters beyond the basic plane
def test_generated_company_names(name: str) -> None:
    assert name_initials(name) == reference(name)


@settings(deadline=None)
@given(st.text(max_size=30))
def test_any_text(name: str) -> None:
    assert name_initials(name) == reference(name)


def test_every_character_on_its_own() -> None:
    for code in PINYIN_DICT:
        assert name_initials(chr(code)) == reference(chr(code)), hex(code)


def test_every_word_that_reads_a_character_differently_inside_a_name() -> None:
    for word in _EXCEPTIONS:
        for name in (word, f"平湖{word}有限公司", f"{word}{word[::-1]}"):
            assert name_initials(name) == reference(name), name


def test_words_of_the_phrase_dictionary_inside_a_name() -> None:
    for word in _PHRASES:
        name = f"浙江{word}科技有限公司"
        assert name_initials(name) == reference(name), name


# --- real names: the demo city's and the import corpus ---------------------------------------


def _demo_names(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    seen: set[str] = set()
    return [
        demo._unique_name(rng, seen, rng.choice(w.TOWNS).short_name, rng.choice(list(w.PRODUCTS)), rng.random() < 0.5)
        for _ in range(count)
    ]


def test_the_demo_city_names() -> None:
    names = [demo.DEMO_ENTERPRISE_NAME, *_demo_names(2026, 5000)]
    for name in names:
        assert name_initials(name) == reference(name), name
    # The table answers for almost all of them; lazy_pinyin is the exception.
    assert sum(_initials_by_table(name) is not None for name in names) > 0.9 * len(names)


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=2**32))
def test_demo_names_from_any_seed(seed: int) -> None:
    for name in _demo_names(seed, 20):
        assert name_initials(name) == reference(name), name


def test_the_import_corpus_names() -> None:
    names = [row[0] for row in make_corpus.big_rows(20_000)]
    names += [row[1] for row in make_corpus.messy_rows() if isinstance(row[1], str)]
    names += [
        row["企业名称"]
        for rows in make_corpus.error_files().values()
        for row in rows
        if isinstance(row.get("企业名称"), str)
    ]
    names += [make_corpus.good_row(n)["企业名称"] for n in range(len(make_corpus.CODES))]
    for name in names:
        assert name_initials(name) == reference(name), name
    assert all(_initials_by_table(name) is not None for name in names[:20_000])

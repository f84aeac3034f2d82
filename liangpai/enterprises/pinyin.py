"""Pinyin initials of enterprise names, for search (e.g. 平湖机械 → phjx).

The rule is pypinyin's `lazy_pinyin` (first letters, phrase-aware: 银行 → yh, 行业 → hy),
made fast without changing its result. `lazy_pinyin` splits a name into runs of Chinese
characters and runs of other text, cuts each Chinese run into the words of its phrase
dictionary (longest first) and single characters, and reads a single character by its
first listed reading, a word by the word's reading. So a character's letter is its
first reading's letter unless it is read differently inside a word — and only about two
thousand words read a character with another first letter (银行, 长大, 盛饭 …). A Chinese
run that contains none of those words therefore gets its characters' default letters,
which a translation table gives at C speed. Names with such a word, or with a character
the table does not know, go through `lazy_pinyin` itself. The tests check both ways give
the same result on generated and real names.
"""

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import accumulate, compress, count
from operator import ne

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT, RE_HANS
from pypinyin.style import convert

MAX_LENGTH = 200

# RE_HANS is `^(?:[…])+$`: its character class is what pypinyin splits a text by.
_HANS_CLASS = RE_HANS.pattern.removeprefix("^(?:").removesuffix(")+$")
if not (_HANS_CLASS.startswith("[") and _HANS_CLASS.endswith("]")):
    raise RuntimeError("pypinyin's RE_HANS is no longer one character class: the fast path needs revisiting")
_CHINESE_RUNS = re.compile(f"({_HANS_CLASS}+)", RE_HANS.flags)


def name_initials(name: str) -> str:
    """Lower-case initials; non-Chinese letters and digits are kept as they are."""
    initials = _initials_by_table(name)
    return initials if initials is not None else initials_by_lazy_pinyin(name)


def initials_by_lazy_pinyin(name: str) -> str:
    """The rule itself, word by word through pypinyin."""
    parts = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default", strict=False)
    return "".join(p for p in parts if p.isalnum()).lower()[:MAX_LENGTH]


def _initials_by_table(name: str) -> str | None:
    """`initials_by_lazy_pinyin(name)`, or None when the table cannot tell.

    As `lazy_pinyin` does, a run of other text is one part (kept when it is all letters
    and digits) and each Chinese character one letter.
    """
    letters = letter_table()
    parts = []
    for index, run in enumerate(_CHINESE_RUNS.split(name)):
        if index % 2 == 0:  # split() alternates: other text, Chinese, other text, …
            if run.isalnum():
                parts.append(run)
            continue
        initials = run.translate(letters.plain)
        if not initials.isascii():  # a character with a reading of another letter in some word
            initials = run.translate(letters.default)
            if not initials.isascii() or letters.has_exception(run):
                return None
        parts.append(initials)
    return "".join(parts).lower()[:MAX_LENGTH]


class _Letters(dict[int, str]):
    """A translation table filled as characters come: character → its letter, or → itself
    (left as it is, so a translated run with it is not ASCII) when `letter_of` gives None."""

    def __init__(self, letter_of: Callable[[int], str | None]) -> None:
        super().__init__()
        self._letter_of = letter_of

    def __missing__(self, code: int) -> str:
        letter = self._letter_of(code)
        self[code] = found = chr(code) if letter is None else letter
        return found


@dataclass(frozen=True)
class LetterTable:
    """For the characters of a Chinese run (see `_CHINESE_RUNS`)."""

    default: dict[int, str]  # character → the first letter of its first reading
    plain: dict[int, str]  # the characters of `default` that no word reads with another letter
    exceptions: frozenset[str]  # the words that read a character with another letter than its default
    exception_lengths: tuple[int, ...]

    def has_exception(self, run: str) -> bool:
        """Whether one of the exception words occurs in `run` (a run of Chinese characters)."""
        for length in self.exception_lengths:
            for start in range(len(run) - length + 1):
                if run[start : start + length] in self.exceptions:
                    return True
        return False


@cache
def letter_table() -> LetterTable:
    """Built once per process from pypinyin's dictionaries, as loaded (the letters as characters come).

    The exception words are found in one pass: all words of one reading per character
    written one after another, against the default letters of the same characters.
    """
    letter_of_reading = cache(lambda reading: convert(reading, Style.FIRST_LETTER, False))

    def default_letter(code: int) -> str | None:
        readings = PINYIN_DICT.get(code)
        letter = letter_of_reading(readings.split(",", 1)[0]) if readings else ""
        return letter if len(letter) == 1 and letter.isascii() and letter.isalnum() else None

    default = _Letters(default_letter)
    even = [(phrase, readings) for phrase, readings in PHRASES_DICT.items() if len(readings) == len(phrase)]
    uneven = [phrase for phrase, readings in PHRASES_DICT.items() if len(readings) != len(phrase)]
    chars = "".join(phrase for phrase, _ in even)
    said = "".join(_one_char(letter_of_reading(options[0])) for _, readings in even for options in readings)
    expected = chars.translate(default)  # a character without a default letter stays, and differs
    ends = list(accumulate(len(phrase) for phrase, _ in even))
    exceptions = set(uneven)  # not one reading per character: all of their characters are suspect
    polyphones = set("".join(uneven))
    for index in compress(count(), map(ne, expected, said)):
        exceptions.add(even[bisect_right(ends, index)][0])
        polyphones.add(chars[index])
    return LetterTable(
        default=default,
        plain=_Letters(lambda code: None if chr(code) in polyphones else default[code]),
        exceptions=frozenset(exceptions),
        exception_lengths=tuple(sorted({len(phrase) for phrase in exceptions})),
    )


def _one_char(letter: str) -> str:
    """The letter, or a character no default letter is, so that every reading stays one character."""
    return letter if len(letter) == 1 else "\0"

"""Unified social credit codes (统一社会信用代码), GB 32100-2015 — rule R-CODE-1.

An 18-character code: registration authority (1), organisation category (1),
administrative division (6 digits), organisation code (9), check character (1).
The check character is computed over the first 17 characters with weights 3^i mod 31
on the 31-character alphabet below (I, O, S, V and Z are never used). Because every
weight is invertible modulo 31, changing any single character to another character of
the alphabet always changes the check character, so every single-character mistake
is caught.
"""

from dataclasses import dataclass, field

from liangpai.rules.text import clean_code

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, …
LENGTH = 18
FORBIDDEN_LETTERS = "IOSVZ"


@dataclass(frozen=True)
class CreditCodeError:
    """Why a code is invalid: a stable code and the values a message needs."""

    code: str  # "empty" | "length" | "character" | "division" | "check"
    params: dict[str, str | int] = field(default_factory=dict)


def check_character(first17: str) -> str:
    """R-CODE-1: the check character for the first 17 characters of a code."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(raw: str) -> str:
    """Full-width, spaces, dashes and lower case are forgiven; nothing else is."""
    return clean_code(raw)


def validate(raw: object) -> CreditCodeError | None:
    """R-CODE-1: None when `raw` (after `normalise`) is a valid code, else the first problem.

    Never raises, whatever it is given.
    """
    if raw is None:
        return CreditCodeError("empty")
    try:
        text = raw if isinstance(raw, str) else str(raw)
    except Exception:  # an object whose str() fails is not a code
        return CreditCodeError("character", {"position": 1, "char": "?"})
    code = normalise(text)
    if not code:
        return CreditCodeError("empty")
    if len(code) != LENGTH:
        return CreditCodeError("length", {"length": len(code)})
    for position, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            return CreditCodeError("character", {"position": position, "char": ch})
    if not code[2:8].isdigit():
        return CreditCodeError("division", {"value": code[2:8]})
    expected = check_character(code[:17])
    if code[17] != expected:
        return CreditCodeError("check", {"expected": expected, "actual": code[17]})
    return None


def is_valid(raw: object) -> bool:
    return validate(raw) is None

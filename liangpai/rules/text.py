"""Text clean-up for what real government spreadsheets and forms contain (rule R-TEXT-1).

Full-width digits and letters become half-width; every kind of space (ASCII, no-break,
ideographic, zero-width) is trimmed at the ends and collapsed inside.
"""

import re
import unicodedata

_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\u200c\u200d\ufeff]+")


def to_halfwidth(text: str) -> str:
    """R-TEXT-1: full-width ASCII forms (Ａ１！) and the ideographic space become half-width."""
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


def clean_text(text: str) -> str:
    """R-TEXT-1: half-width, NFC-normalised, spaces collapsed and trimmed."""
    text = unicodedata.normalize("NFC", to_halfwidth(text))
    return _SPACES.sub(" ", text).strip()


def clean_code(text: str) -> str:
    """R-TEXT-2: a code (credit code, phone) has no spaces at all and is upper-case."""
    return _SPACES.sub("", to_halfwidth(text)).replace("-", "").upper()

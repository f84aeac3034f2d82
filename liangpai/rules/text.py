"""Text clean-up for what real government spreadsheets and forms contain (rule R-TEXT-1).

Full-width digits and letters become half-width; every kind of space (ASCII, no-break,
ideographic, zero-width) is trimmed at the ends and collapsed inside.
"""

import re
import unicodedata

_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\u200c\u200d\ufeff]+")
#: R-TEXT-1 maps each character on its own: the full-width ASCII forms U+FF01–U+FF5E to
#: U+0021–U+007E, the ideographic space to a space.
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]")


def to_halfwidth(text: str) -> str:
    """R-TEXT-1: full-width ASCII forms (Ａ１！) and the ideographic space become half-width."""
    if _FULLWIDTH.search(text) is None:  # most text has none, and a search is ten times faster than translate()
        return str.__str__(text)  # unchanged, as a plain str like translate() returns
    return text.translate(_HALFWIDTH)


def clean_text(text: str) -> str:
    """R-TEXT-1: half-width, NFC-normalised, spaces collapsed and trimmed."""
    if not text.isascii():  # ASCII text is half-width and NFC already
        text = unicodedata.normalize("NFC", to_halfwidth(text))
    return _SPACES.sub(" ", text).strip()


def clean_code(text: str) -> str:
    """R-TEXT-2: a code (credit code, phone) has no spaces at all and is upper-case."""
    return _SPACES.sub("", to_halfwidth(text)).replace("-", "").upper()

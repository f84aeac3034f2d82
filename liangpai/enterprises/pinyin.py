"""Pinyin initials of enterprise names, for search (e.g. 平湖机械 → phjx)."""

from pypinyin import Style, lazy_pinyin


def name_initials(name: str) -> str:
    """Lower-case initials; non-Chinese letters and digits are kept as they are."""
    parts = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default", strict=False)
    return "".join(p for p in parts if p.isalnum()).lower()[:200]

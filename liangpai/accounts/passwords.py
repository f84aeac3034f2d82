"""Password rules beyond Django's own (SECURITY.md T7, 等保 8.1.4.1 a: 口令复杂度).

Django's CommonPasswordValidator refuses the ~20,000 most common passwords as typed, but not
the way people dress them up to pass a length or a symbol rule: "Password123!" is "password"
with digits and a mark added, and guessing tools try exactly that first. The validators here
refuse such variants, and ask for several kinds of characters.
"""

import re
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: Words every guesser of this site's passwords tries, in the forms people type them.
SITE_WORDS = frozenset({"liangpai", "lp", "anquan", "aqsc", "gonghui", "zonggonghui", "yingji", "admin", "password"})

# Letters typed as digits or marks ("p@ssw0rd"), read back as letters.
_UNLEET = str.maketrans(
    {"@": "a", "4": "a", "8": "b", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s", "7": "t"}
)
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


def _cores(password: str) -> set[str]:
    """The password without the digits and marks around it, as typed and with digits read as letters."""
    core = _EDGES.sub("", password.lower().strip())
    return {core, _EDGES.sub("", core.translate(_UNLEET))} - {""}


class CommonPasswordVariantValidator:
    """Refuses a common password (or a word of this site) with only digits or marks around it."""

    def __init__(self) -> None:
        self._common = CommonPasswordValidator().passwords

    def validate(self, password: str, user: Any = None) -> None:
        as_typed = password.lower().strip()
        for core in _cores(password):
            if core == as_typed and core in self._common:
                continue  # the common password itself: CommonPasswordValidator says so
            if core in SITE_WORDS or (len(core) >= 4 and core in self._common):
                raise ValidationError(
                    _("这个密码只是在常见密码或单词前后加了数字或符号（如 Password123!），很容易被猜到。"),
                    code="password_common_variant",
                )

    def get_help_text(self) -> str:
        return _("不能是常见密码加数字或符号的变形（如 Password123!）。")


def character_classes(password: str) -> int:
    """How many of: lowercase letters, uppercase letters, digits, anything else (marks, Chinese…)."""
    return sum(
        [
            any(c.islower() and c.isascii() for c in password),
            any(c.isupper() and c.isascii() for c in password),
            any(c.isdigit() and c.isascii() for c in password),
            any(not (c.isascii() and c.isalnum()) for c in password),
        ]
    )


class CharacterClassesValidator:
    """Asks for `min_classes` kinds of characters (lowercase, uppercase, digits, other)."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码至少要包含小写字母、大写字母、数字、符号（或汉字）中的 %(count)d 种。")
                % {"count": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("包含小写字母、大写字母、数字、符号（或汉字）中的至少 %(count)d 种。") % {"count": self.min_classes}

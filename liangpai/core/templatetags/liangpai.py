from typing import Any

from django import template
from django.utils.http import urlencode

from liangpai.core.masking import mask_phone

register = template.Library()


@register.filter
def phone(value: str | None, reveal: bool) -> str:
    """{{ e.safety_contact_phone|phone:can_reveal }} — full only for roles allowed to reveal."""
    if reveal:
        return value or ""
    return mask_phone(value)


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for pagination and sorting)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True) if params else "?"

"""Reads of enterprises: scoped, filtered, with their related rows already joined."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from liangpai.core.access import Action
from liangpai.core.models import AuditEvent
from liangpai.enterprises.models import Enterprise
from liangpai.rules.credit_code import ALPHABET
from liangpai.rules.text import clean_code, clean_text

_CODE_CHARS = frozenset(ALPHABET)


@dataclass(frozen=True)
class EnterpriseFilters:
    q: str = ""
    town: int | None = None
    district: int | None = None
    industry: str = ""  # a GB/T 4754 section letter or a division code
    scale: str = ""
    status: str = ""
    has_union: bool | None = None


def search_q(text: str) -> Q:
    """Name (any part), pinyin initials (any part) or the start of a credit code."""
    text = clean_text(text)
    if not text:
        return Q()
    # Chinese has no letter case: a plain LIKE is several times cheaper than a case-folding one.
    has_latin = any(ch.isascii() and ch.isalpha() for ch in text)
    q = Q(name__icontains=text) if has_latin else Q(name__contains=text)
    lowered = text.lower()
    if lowered.isascii() and lowered.isalpha():
        q |= Q(name_initials__contains=lowered)
    code = clean_code(text)
    if len(code) >= 4 and set(code) <= _CODE_CHARS:
        q |= Q(credit_code__startswith=code)
    return q


def filter_enterprises(qs: QuerySet[Enterprise], f: EnterpriseFilters) -> QuerySet[Enterprise]:
    if f.q:
        qs = qs.filter(search_q(f.q))
    if f.town:
        qs = qs.filter(town_id=f.town)
    if f.district:
        qs = qs.filter(district_id=f.district)
    if f.industry:
        if f.industry.isalpha():
            qs = qs.filter(industry__parent__code=f.industry)
        else:
            qs = qs.filter(industry__code=f.industry)
    if f.scale:
        qs = qs.filter(scale=f.scale)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.has_union is not None:
        qs = qs.filter(has_union=f.has_union)
    return qs


def enterprise_list(
    *, user: Any, filters: EnterpriseFilters, action: Action = Action.ENTERPRISE_VIEW
) -> QuerySet[Enterprise]:
    """The enterprises `user` may see that match `filters`, ready to show in a list."""
    qs = filter_enterprises(Enterprise.objects.visible_to(user, action), filters)
    return qs.select_related("town", "district", "industry", "industry__parent")


def enterprise_history(enterprise: Enterprise, limit: int = 100) -> QuerySet[AuditEvent]:
    """The recorded changes of one enterprise, newest first."""
    return AuditEvent.objects.filter(object_type=Enterprise._meta.label_lower, object_id=str(enterprise.pk)).order_by(
        "-id"
    )[:limit]

"""Reads of warning interviews, scoped through `core.access`."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from liangpai.core.access import Action, get_scoped_or_404
from liangpai.interviews.models import WarningInterview


def interview_for(user: Any, pk: Any, action: Action) -> WarningInterview:
    """One interview with what its pages show, if `user` may see it (404) and take `action` on it (403)."""
    rows = WarningInterview.objects.select_related("enterprise", "town", "quarter_light", "recorded_by")
    return get_scoped_or_404(user, rows, pk, action)


@dataclass(frozen=True)
class InterviewFilters:
    status: str = ""  # "due", "overdue", "held", "cancelled", or "" for all
    quarter: str = ""
    town: int | None = None
    q: str = ""


#: Due interviews first (the nearest deadline on top), then the held and cancelled ones.
_STATUS_ORDER = Case(
    When(status=WarningInterview.Status.DUE, then=Value(0)),
    When(status=WarningInterview.Status.HELD, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def interview_list(*, user: Any, filters: InterviewFilters, today: datetime.date) -> QuerySet[WarningInterview]:
    qs = WarningInterview.objects.visible_to(user).select_related("enterprise", "town")
    if filters.status == "overdue":
        qs = qs.filter(status=WarningInterview.Status.DUE, due_on__lt=today)
    elif filters.status == "due":
        qs = qs.filter(status=WarningInterview.Status.DUE, due_on__gte=today)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.quarter:
        qs = qs.filter(quarter=filters.quarter)
    if filters.town:
        qs = qs.filter(town_id=filters.town)
    if filters.q:
        qs = qs.filter(
            Q(enterprise__name__contains=filters.q) | Q(enterprise__credit_code__startswith=filters.q.upper())
        )
    return qs.order_by(_STATUS_ORDER, "due_on", "id")


def interview_counts(*, user: Any, today: datetime.date) -> dict[str, int]:
    """How many interviews `user` sees are due, overdue and held (one query)."""
    due = Q(status=WarningInterview.Status.DUE)
    return WarningInterview.objects.visible_to(user).aggregate(
        due=Count("pk", filter=due & Q(due_on__gte=today)),
        overdue=Count("pk", filter=due & Q(due_on__lt=today)),
        held=Count("pk", filter=Q(status=WarningInterview.Status.HELD)),
    )

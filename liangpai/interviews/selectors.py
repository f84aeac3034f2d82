"""Reads of warning interviews, scoped through `core.access`."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from liangpai.core.access import Action, can
from liangpai.enterprises.models import Enterprise
from liangpai.interviews.models import WarningInterview


def interviews_visible_to(user: Any, action: Action = Action.INTERVIEW_VIEW) -> QuerySet[WarningInterview]:
    """The interviews of the enterprises `user` may take `action` on (the scoping rule of `core.access`)."""
    return WarningInterview.objects.filter(enterprise__in=Enterprise.objects.visible_to(user, action))


def get_interview_for_user_or_404(user: Any, pk: int, action: Action) -> WarningInterview:
    try:
        interview = (
            interviews_visible_to(user).select_related("enterprise", "town", "quarter_light", "recorded_by").get(pk=pk)
        )
    except WarningInterview.DoesNotExist as exc:
        raise Http404 from exc
    if not can(user, action, interview.enterprise):
        raise PermissionDenied
    return interview


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
    qs = interviews_visible_to(user).select_related("enterprise", "town")
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
    return interviews_visible_to(user).aggregate(
        due=Count("pk", filter=due & Q(due_on__gte=today)),
        overdue=Count("pk", filter=due & Q(due_on__lt=today)),
        held=Count("pk", filter=Q(status=WarningInterview.Status.HELD)),
    )

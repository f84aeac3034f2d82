"""Reads of towns and districts, scoped to what the user may see, with their counts in one query."""

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from liangpai.core.access import districts_visible_to, enterprises_visible_to, groups_visible_to, towns_visible_to
from liangpai.enterprises.models import Enterprise
from liangpai.regions.models import District, Town


def count_of(rows: QuerySet[Any], field: str) -> Coalesce:
    """How many of `rows` point at the outer row through `field` — a correlated subquery, so a
    list gets its counts in the same query whatever its length (no N+1, no join fan-out)."""
    counted = rows.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _active_enterprises(user: Any) -> QuerySet[Enterprise]:
    return enterprises_visible_to(user).filter(status=Enterprise.Status.ACTIVE)


def towns_with_counts(*, user: Any) -> QuerySet[Town]:
    """The towns `user` may see, each with the districts, active groups and active enterprises
    the user may see in it."""
    return towns_visible_to(user).annotate(
        district_count=count_of(districts_visible_to(user), "town"),
        group_count=count_of(groups_visible_to(user).filter(is_active=True), "town"),
        enterprise_count=count_of(_active_enterprises(user), "town"),
    )


def districts_with_counts(*, user: Any, town: Town) -> QuerySet[District]:
    """The districts of `town` that `user` may see, with their active enterprises."""
    return (
        districts_visible_to(user)
        .filter(town=town)
        .select_related("town")
        .annotate(enterprise_count=count_of(_active_enterprises(user), "district"))
    )

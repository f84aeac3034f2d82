"""Query pieces every app's selectors use."""

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_of(rows: QuerySet[Any], field: str) -> Coalesce:
    """How many of `rows` point at the outer row through `field` — a correlated subquery, so a
    list gets its counts in the same query whatever its length (no N+1, no join fan-out)."""
    counted = rows.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

"""What the public may read: only published lights and grades (R7), one query each."""

from typing import Any

from django.db.models import QuerySet

from liangpai.grades.models import AnnualGrade
from liangpai.lights.models import QuarterLight
from liangpai.rules.periods import Quarter, Year, parse_quarter, parse_year


def published_lights(quarter: str | Quarter) -> QuerySet[QuarterLight]:
    """The quarter's published lights (nothing while unpublished): for public pages and the API."""
    period = str(quarter if isinstance(quarter, Quarter) else parse_quarter(str(quarter)))
    return QuarterLight.objects.filter(quarter=period, is_published=True).select_related("enterprise")


def published_grades(year: int | str | Year) -> QuerySet[AnnualGrade]:
    """The year's published grades (nothing while unpublished): for public pages and the API."""
    value = year.value if isinstance(year, Year) else parse_year(str(year)).value
    return AnnualGrade.objects.filter(year=value, is_published=True).select_related("enterprise")


def enterprise_published_grades(enterprise: Any) -> QuerySet[AnnualGrade]:
    """`enterprise`'s published grades, latest first: the first is the plaque it posts (R-DOWNGRADE-6)."""
    return AnnualGrade.objects.filter(enterprise=enterprise, is_published=True).order_by("-year")


def enterprise_published_lights(enterprise: Any, year: int | str | Year) -> QuerySet[QuarterLight]:
    """`enterprise`'s published lights of `year`, by quarter (a quarter not yet published is absent)."""
    value = year.value if isinstance(year, Year) else parse_year(str(year)).value
    return QuarterLight.objects.filter(enterprise=enterprise, year=value, is_published=True).order_by("number")

"""What anyone may read about an enterprise: its name, its town and its published results (MISSION.md R7).

The public page (the plaque's QR code) and the open API read through here, so both show
exactly the same thing. Results come only through `publication.selectors`'s published
selectors (a period's: `published_grades` / `published_lights`; an enterprise's:
`enterprise_published_grades` / `enterprise_published_lights`), so working data
(computed, overridden, requested but not approved) never leaves. Nothing personal
is read: no contact, phone or address column is even selected.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from liangpai.enterprises.models import Enterprise
from liangpai.enterprises.selectors import search_q
from liangpai.grades.models import AnnualGrade
from liangpai.lights.models import QuarterLight
from liangpai.publication.selectors import (
    enterprise_published_grades,
    enterprise_published_lights,
    published_grades,
    published_lights,
)
from liangpai.rules import credit_code
from liangpai.rules.credit_code import CreditCodeError
from liangpai.rules.periods import Quarter, Year

#: The only enterprise columns a public reader needs (and the only ones selected).
PUBLIC_FIELDS = ("credit_code", "name", "status", "town__name")


@dataclass(frozen=True)
class PublishedGrade:
    """A published annual grade: `level` None is 未评级 (published as not graded, R-GRADE-2)."""

    year: int
    level: str | None


@dataclass(frozen=True)
class QuarterResult:
    """One quarter of the year: `light` None when no light of the enterprise is published for it."""

    quarter: Quarter
    light: str | None


@dataclass(frozen=True)
class PublicStatus:
    enterprise: Enterprise
    grade: PublishedGrade | None  # None: no grade of the enterprise has been published yet
    year: int
    quarters: list[QuarterResult]


@dataclass(frozen=True)
class CodeLookup:
    """A typed credit code, normalised: why it is invalid, or the enterprise it names (None if unknown)."""

    code: str
    error: CreditCodeError | None
    enterprise: Enterprise | None


def public_enterprises() -> QuerySet[Enterprise]:
    return Enterprise.objects.select_related("town").only(*PUBLIC_FIELDS)


def find_by_credit_code(raw: str) -> CodeLookup:
    """Look up `raw` as typed (lower case, spaces and dashes forgiven): an invalid code is never queried."""
    code = credit_code.normalise(raw)
    error = credit_code.validate(code)
    if error is not None:
        return CodeLookup(code, error, None)
    return CodeLookup(code, None, public_enterprises().filter(credit_code=code).first())


def public_status(enterprise: Enterprise, *, year: int) -> PublicStatus:
    """The latest published grade and `year`'s published lights of `enterprise` (two queries).

    The latest published grade is the plaque the enterprise posts (R-DOWNGRADE-6).
    """
    grade_row = enterprise_published_grades(enterprise).values_list("year", "final_grade").first()
    lights = dict(enterprise_published_lights(enterprise, year).values_list("number", "light"))
    return PublicStatus(
        enterprise=enterprise,
        grade=PublishedGrade(year=grade_row[0], level=grade_row[1]) if grade_row else None,
        year=year,
        quarters=[QuarterResult(quarter, lights.get(quarter.number)) for quarter in Year(year).quarters()],
    )


def search_enterprises(text: str) -> QuerySet[Enterprise]:
    """Enterprises whose name, pinyin initials or credit code match `text`, in pinyin order."""
    return public_enterprises().filter(search_q(text)).order_by("name_initials", "credit_code")


# --- open data --------------------------------------------------------------------------


def published_grade_rows(year: Year) -> QuerySet[AnnualGrade, tuple[str, str, str, str | None]]:
    """The year's published grades as (credit code, name, town, level) rows, by credit code: one query per page."""
    return (
        published_grades(year)
        .order_by("enterprise__credit_code")
        .values_list("enterprise__credit_code", "enterprise__name", "enterprise__town__name", "final_grade")
    )


def published_light_rows(quarter: Quarter) -> QuerySet[QuarterLight, tuple[str, str, str, str]]:
    """The quarter's published lights as (credit code, name, town, light) rows, by credit code: one query per page."""
    return (
        published_lights(quarter)
        .order_by("enterprise__credit_code")
        .values_list("enterprise__credit_code", "enterprise__name", "enterprise__town__name", "light")
    )

"""Public status and open data (INTERFACES.md "HTTP API"): published results only, for anyone.

Every endpoint reads through `liangpai.publicsite.selectors`, as the public page does,
so the API and the page can never disagree on what is public. Paged lists are ordered
by credit code (unique), so paging is stable; a page costs two queries (count and rows)
whatever its size.
"""

import math

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from liangpai.api.errors import ApiError, ErrorOut
from liangpai.api.schemas import (
    EnterpriseStatusOut,
    GradeOut,
    GradePageOut,
    GradeRowOut,
    LightOut,
    LightPageOut,
    LightRowOut,
    QuarterLightsOut,
)
from liangpai.enterprises.validators import credit_code_message
from liangpai.lights.models import LightChoice
from liangpai.publicsite import selectors
from liangpai.rules.periods import PeriodError, Quarter, Year, parse_quarter, parse_year

ERRORS = {400: ErrorOut, 404: ErrorOut}

#: Rows per page unless asked otherwise, and the most a client may ask for.
PAGE_SIZE = 50
MAX_PAGE_SIZE = 100

public_router = Router(tags=["public"])
open_data_router = Router(tags=["open data"])


def light_label(light: str) -> str:
    return str(LightChoice(light).label)


def grade_label(level: str | None) -> str:
    return level or _("未评级")


# --- parameters ------------------------------------------------------------------------


class PageIn(Schema):
    page: int = Field(1, ge=1, description="1 for the first page")
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


def _shown(raw: str) -> str:
    return raw[:40]


def _period_message(error: PeriodError, raw: str, *, quarter: bool) -> str:
    value = {"value": _shown(raw)}
    if error.code == "empty":
        return _("请给出季度，如“2026Q3”。") if quarter else _("请给出年度，如“2026”。")
    if error.code == "year_range":
        return _("年度应在 %(min)s 到 %(max)s 之间。") % {"min": error.params["min"], "max": error.params["max"]}
    if error.code == "quarter_range":
        return _("季度序号应为 1 到 4，如“2026Q3”。")
    if error.code == "kind":
        if quarter:
            return _("“%(value)s”是年度，这里需要季度，写作“%(value)sQ3”这样的形式。") % value
        return _("“%(value)s”是季度，这里需要年度，写作四位数字，如“2026”。") % value
    if quarter:
        return _("无法识别季度“%(value)s”：季度写作“2026Q3”这样的形式。") % value
    return _("无法识别年度“%(value)s”：年度写作四位数字，如“2026”。") % value


def parse_year_param(raw: str) -> Year:
    try:
        return parse_year(raw)
    except PeriodError as error:
        raise ApiError(400, "invalid_year", _period_message(error, raw, quarter=False)) from error


def parse_quarter_param(raw: str) -> Quarter:
    try:
        return parse_quarter(raw)
    except PeriodError as error:
        raise ApiError(400, "invalid_quarter", _period_message(error, raw, quarter=True)) from error


def _page[M: Model, R](rows: QuerySet[M, R], paging: PageIn) -> tuple[list[R], dict[str, int]]:
    total = rows.count()
    offset = (paging.page - 1) * paging.page_size
    # Past the last page there is nothing to read (and a huge offset must not reach the database).
    items = list(rows[offset : offset + paging.page_size]) if offset < total else []
    meta = {
        "page": paging.page,
        "page_size": paging.page_size,
        "total": total,
        "pages": math.ceil(total / paging.page_size),
    }
    return items, meta


# --- endpoints ---------------------------------------------------------------------------


@public_router.get(
    "/enterprises/{credit_code}",
    response={200: EnterpriseStatusOut, **ERRORS},
    summary="An enterprise's public status",
    description=(
        "Name, town, the latest published annual grade and this year's published quarterly lights. "
        "The credit code may be typed in lower case or with spaces and dashes. "
        "400 invalid_credit_code, 404 not_found."
    ),
)
def enterprise_status(request: HttpRequest, credit_code: str) -> EnterpriseStatusOut:
    lookup = selectors.find_by_credit_code(credit_code)
    if lookup.error is not None:
        raise ApiError(400, "invalid_credit_code", credit_code_message(lookup.error))
    if lookup.enterprise is None:
        raise ApiError(404, "not_found", _("没有统一社会信用代码为“%(code)s”的企业。") % {"code": lookup.code})
    status = selectors.public_status(lookup.enterprise, year=timezone.localdate().year)
    grade = status.grade
    lights = {
        f"Q{result.quarter.number}": LightOut(
            quarter=str(result.quarter), light=result.light, label=light_label(result.light)
        )
        if result.light
        else None
        for result in status.quarters
    }
    return EnterpriseStatusOut(
        credit_code=status.enterprise.credit_code,
        name=status.enterprise.name,
        town=status.enterprise.town.name,
        latest_grade=GradeOut(year=grade.year, level=grade.level, label=grade_label(grade.level)) if grade else None,
        lights=QuarterLightsOut(year=status.year, **lights),
    )


@open_data_router.get(
    "/grades",
    response={200: GradePageOut, **ERRORS},
    summary="A year's published annual grades",
    description="Paged, by credit code. An unpublished year has no rows. 400 invalid_year, invalid_parameter.",
)
def grades(request: HttpRequest, year: str, paging: Query[PageIn]) -> GradePageOut:
    period = parse_year_param(year)
    rows, meta = _page(selectors.published_grade_rows(period), paging)
    items = [
        GradeRowOut(credit_code=code, name=name, town=town, level=level, label=grade_label(level))
        for code, name, town, level in rows
    ]
    return GradePageOut(year=period.value, items=items, **meta)


@open_data_router.get(
    "/lights",
    response={200: LightPageOut, **ERRORS},
    summary="A quarter's published lights",
    description="Paged, by credit code. An unpublished quarter has no rows. 400 invalid_quarter, invalid_parameter.",
)
def lights(request: HttpRequest, quarter: str, paging: Query[PageIn]) -> LightPageOut:
    period = parse_quarter_param(quarter)
    rows, meta = _page(selectors.published_light_rows(period), paging)
    items = [
        LightRowOut(credit_code=code, name=name, town=town, light=light, label=light_label(light))
        for code, name, town, light in rows
    ]
    return LightPageOut(quarter=str(period), items=items, **meta)

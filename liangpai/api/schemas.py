"""The shapes the public endpoints return: names, towns and published results, nothing personal."""

from ninja import Field, Schema

GRADE_DOC = "A–D, or null for 未评级 (published as not graded)"
LIGHT_DOC = "green, yellow, red or not_inspected (未检)"


class GradeOut(Schema):
    year: int
    level: str | None = Field(description=GRADE_DOC)
    label: str = Field(description="the level, or 未评级 / Not graded, in the request language")


class LightOut(Schema):
    quarter: str = Field(examples=["2026Q3"])
    light: str = Field(description=LIGHT_DOC)
    label: str = Field(description="the light in the request language")


class QuarterLightsOut(Schema):
    """A year's lights by quarter; a quarter is null until its light is published."""

    year: int
    Q1: LightOut | None
    Q2: LightOut | None
    Q3: LightOut | None
    Q4: LightOut | None


class EnterpriseStatusOut(Schema):
    credit_code: str
    name: str
    town: str
    latest_grade: GradeOut | None = Field(description="the latest published annual grade; null if none is published")
    lights: QuarterLightsOut = Field(description="this year's published quarterly lights")


class PageMeta(Schema):
    page: int
    page_size: int
    total: int = Field(description="rows in the whole result")
    pages: int


class GradeRowOut(Schema):
    credit_code: str
    name: str
    town: str
    level: str | None = Field(description=GRADE_DOC)
    label: str


class LightRowOut(Schema):
    credit_code: str
    name: str
    town: str
    light: str = Field(description=LIGHT_DOC)
    label: str


class GradePageOut(PageMeta):
    year: int
    items: list[GradeRowOut]


class LightPageOut(PageMeta):
    quarter: str
    items: list[LightRowOut]

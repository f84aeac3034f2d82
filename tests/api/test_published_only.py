"""MISSION.md R7: an unpublished result never leaves — not on the public page, not through any endpoint, in
either language. Expectations are read straight from the `is_published` rows, independently of the code
under test; the fixture holds computed-only and requested-but-not-approved periods beside published ones."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from liangpai.grades.models import AnnualGrade
from liangpai.lights.models import QuarterLight
from tests.api.helpers import ENGLISH, get_json, status_url

pytestmark = pytest.mark.django_db

LANGUAGES = pytest.mark.parametrize("headers", [{}, ENGLISH], ids=["zh-hans", "en"])
QUARTERS = ["2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4"]


def published_lights(quarter: str) -> set[tuple[str, str]]:
    return set(
        QuarterLight.objects.filter(quarter=quarter, is_published=True).values_list("enterprise__credit_code", "light")
    )


def published_grades(year: int) -> set[tuple[str, str | None]]:
    return set(
        AnnualGrade.objects.filter(year=year, is_published=True).values_list("enterprise__credit_code", "final_grade")
    )


def test_the_fixture_holds_unpublished_results_that_differ_from_the_published_ones(results):
    assert QuarterLight.objects.filter(is_published=False, year=2026).count() == 5
    assert AnnualGrade.objects.filter(is_published=False, year=2026).count() == 2
    assert published_lights("2026Q2") == published_lights("2026Q3") == published_grades(2026) == set()


@LANGUAGES
def test_open_data_holds_exactly_the_published_rows(results, headers):
    for year in (2025, 2026):
        _, body = get_json("/api/v1/open-data/grades", {"year": str(year)}, **headers)
        assert {(row["credit_code"], row["level"]) for row in body["items"]} == published_grades(year)
        assert body["total"] == len(published_grades(year))
    for quarter in QUARTERS:
        _, body = get_json("/api/v1/open-data/lights", {"quarter": quarter}, **headers)
        assert {(row["credit_code"], row["light"]) for row in body["items"]} == published_lights(quarter)
        assert body["total"] == len(published_lights(quarter))


@LANGUAGES
def test_the_status_endpoint_shows_only_published_results(results, headers):
    for enterprise in (results.enterprise_a, results.enterprise_a2, results.enterprise_b):
        code = enterprise.credit_code
        _, body = get_json(status_url(code), **headers)
        shown = {f"2026Q{n}": (body["lights"][f"Q{n}"] or {}).get("light") for n in range(1, 5)}
        expected = {q: dict(published_lights(q)).get(code) for q in QUARTERS if q.startswith("2026")}
        assert shown == expected
        grade = AnnualGrade.objects.filter(enterprise=enterprise, is_published=True).order_by("-year").first()
        assert body["latest_grade"]["year"] == grade.year
        assert body["latest_grade"]["level"] == grade.final_grade


@LANGUAGES
def test_the_public_page_shows_only_published_results(results, headers):
    unpublished = "未公布" if not headers else "Not published"
    for enterprise in (results.enterprise_a, results.enterprise_a2, results.enterprise_b):
        html = Client().get(reverse("publicsite:enterprise", args=[enterprise.credit_code]), **headers).content
        classes = re.findall(r'class="light-dot light-([a-z_]+)"', html.decode())
        labels = re.findall(r'class="light-label">([^<]*)<', html.decode())
        expected = [dict(published_lights(f"2026Q{n}")).get(enterprise.credit_code) for n in range(1, 5)]
        assert classes == [light or "unpublished" for light in expected]
        assert [label == unpublished for label in labels] == [light is None for light in expected]
        plaque = re.search(
            r'class="plaque-level">([^<]*)</span>\s*<span class="plaque-caption">([^<]*)<', html.decode()
        )
        grade = AnnualGrade.objects.filter(enterprise=enterprise, is_published=True).order_by("-year").first()
        assert plaque[1] == grade.final_grade or (plaque[1] in {"未评级", "Ungraded"} and grade.final_grade is None)
        assert str(grade.year) in plaque[2]  # 2025, published: never 2026's unpublished D or A

"""`publication.selectors`'s per-enterprise selectors, which the public page and the API read through:
only published rows, whatever else the enterprise has (computed, requested, last year's)."""

import pytest

from liangpai.publication.selectors import enterprise_published_grades, enterprise_published_lights
from liangpai.rules.periods import Year
from tests.publicsite.results import GRADES

pytestmark = pytest.mark.django_db


def test_an_enterprises_published_grades_are_latest_first_and_only_published(results):
    a1, b = results.enterprise_a, results.enterprise_b
    assert list(enterprise_published_grades(a1).values_list("year", "final_grade")) == [(2025, "B")]
    assert list(enterprise_published_grades(b).values_list("year", "final_grade")) == [(2025, None)]


def test_a_newer_published_grade_comes_first(results, publisher):
    publisher.publish(GRADES, "2026")
    years = enterprise_published_grades(results.enterprise_a).values_list("year", flat=True)
    assert list(years) == [2026, 2025]


def test_an_enterprises_published_lights_of_a_year_leave_out_requested_and_computed_quarters(results):
    a1 = results.enterprise_a
    lights = enterprise_published_lights(a1, 2026).values_list("quarter", "light")
    assert list(lights) == [("2026Q1", "green")]
    assert list(enterprise_published_lights(a1, Year(2025)).values_list("quarter", "light")) == [("2025Q4", "yellow")]
    assert not enterprise_published_lights(results.enterprise_a2, "2025").exists()

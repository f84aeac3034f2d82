"""The data migration gives every database the two default templates, active for 2026."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from liangpai.checklists.default_templates import ABOVE_SCALE_TEMPLATE, BELOW_SCALE_TEMPLATE, DEFAULT_TEMPLATES
from liangpai.checklists.loading import load_default_templates
from liangpai.checklists.models import ChecklistCategory, ChecklistItem, ChecklistTemplate

pytestmark = pytest.mark.django_db


def _items(template: ChecklistTemplate):
    return ChecklistItem.objects.filter(category__template=template)


def test_the_two_defaults_are_active_for_2026_as_version_1(gs_2026, gx_2026):
    assert ChecklistTemplate.objects.count() == 2
    for template, code in [(gs_2026, "GS"), (gx_2026, "GX")]:
        assert (template.code, template.year, template.version, template.status) == (code, 2026, 1, "active")
        assert template.based_on is None
        assert template.created_by is None


def test_above_scale_has_five_named_categories_and_30_items(gs_2026):
    assert [c.name for c in gs_2026.categories.all()] == [
        "组织建设",
        "制度和台账",
        "宣传教育培训",
        "监督检查",
        "安全生产工作落实",
    ]
    assert _items(gs_2026).count() == 30


def test_below_scale_has_20_items(gx_2026):
    assert _items(gx_2026).count() == 20


@pytest.mark.parametrize("scale", ["above", "below"])
def test_scored_items_sum_to_100_and_the_three_veto_items_carry_none(scale):
    template = ChecklistTemplate.objects.get(scale=scale, year=2026)
    items = _items(template)
    assert items.filter(is_veto=False).aggregate(t=Sum("max_score"))["t"] == Decimal(100)
    vetoes = items.filter(is_veto=True)
    assert sorted(vetoes.values_list("veto_key", flat=True)) == [
        "fatal_accident",
        "inspection_refused",
        "major_hazard_overdue",
    ]
    assert set(vetoes.values_list("max_score", flat=True)) == {Decimal(0)}


@pytest.mark.parametrize("spec", DEFAULT_TEMPLATES, ids=lambda s: s.code)
def test_every_item_is_stored_as_written_and_in_order(spec):
    template = ChecklistTemplate.objects.get(code=spec.code, year=spec.version_year)
    stored = [
        (c.code, c.name, i.code, i.text, i.max_score, i.guidance, i.evidence, i.is_veto, i.veto_key)
        for c in template.categories.prefetch_related("items")
        for i in c.items.all()
    ]
    written = [
        (c.code, c.name, i.code, i.text, i.max_score, i.guidance, i.evidence, i.is_veto, i.veto_key)
        for c in spec.categories
        for i in c.items
    ]
    assert stored == written


def test_loading_again_changes_nothing():
    counts = (ChecklistTemplate.objects.count(), ChecklistCategory.objects.count(), ChecklistItem.objects.count())
    assert load_default_templates(ChecklistTemplate, ChecklistCategory, ChecklistItem) == 0
    assert (
        ChecklistTemplate.objects.count(),
        ChecklistCategory.objects.count(),
        ChecklistItem.objects.count(),
    ) == counts
    assert counts == (2, 10, len(ABOVE_SCALE_TEMPLATE.items) + len(BELOW_SCALE_TEMPLATE.items))


def test_loading_into_an_empty_database_creates_both():
    ChecklistTemplate.objects.all().delete()
    assert load_default_templates(ChecklistTemplate, ChecklistCategory, ChecklistItem) == 2
    assert ChecklistItem.objects.count() == 50

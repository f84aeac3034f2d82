"""The default assessment checklists (MISSION.md R2): 规上 5 categories / 30 items, 规下 20 items,
100 points each, the three veto items in both, well-formed codes and Chinese wording throughout."""

import importlib.util
import re
from decimal import Decimal
from pathlib import Path

import pytest

from liangpai.checklists.default_templates import (
    ABOVE_SCALE_TEMPLATE,
    BELOW_SCALE_TEMPLATE,
    DEFAULT_TEMPLATES,
    SCALE_ABOVE,
    SCALE_BELOW,
    ItemSpec,
    TemplateSpec,
    default_template_for,
)
from liangpai.rules.vetoes import VETO_FATAL_ACCIDENT, VETO_INSPECTION_REFUSED, VETO_KEYS, VETO_MAJOR_HAZARD_OVERDUE

ROOT = Path(__file__).resolve().parents[2]
HAN = re.compile(r"[\u4e00-\u9fff]")
BOTH = pytest.mark.parametrize("template", DEFAULT_TEMPLATES, ids=lambda t: t.code)


def test_above_scale_has_the_five_named_categories_in_order():
    assert [c.name for c in ABOVE_SCALE_TEMPLATE.categories] == [
        "组织建设",
        "制度和台账",
        "宣传教育培训",
        "监督检查",
        "安全生产工作落实",
    ]


def test_above_scale_has_30_items_and_below_scale_has_20():
    assert len(ABOVE_SCALE_TEMPLATE.items) == 30
    assert len(BELOW_SCALE_TEMPLATE.items) == 20


def test_templates_are_for_their_scale():
    assert ABOVE_SCALE_TEMPLATE.scale == SCALE_ABOVE == "above"
    assert BELOW_SCALE_TEMPLATE.scale == SCALE_BELOW == "below"
    assert default_template_for("above") is ABOVE_SCALE_TEMPLATE
    assert default_template_for("below") is BELOW_SCALE_TEMPLATE
    with pytest.raises(KeyError):
        default_template_for("huge")


@BOTH
def test_scored_items_sum_to_100_and_veto_items_carry_no_points(template: TemplateSpec):
    assert template.max_score == Decimal(100)
    assert sum(item.max_score for item in template.items if not item.is_veto) == Decimal(100)
    assert all(item.max_score == 0 for item in template.veto_items)


@BOTH
def test_scores_are_decimals_in_half_points_and_every_scored_item_is_worth_something(template: TemplateSpec):
    for item in template.items:
        assert isinstance(item.max_score, Decimal), item.code
        assert (item.max_score * 2) == (item.max_score * 2).to_integral_value(), item.code
        if not item.is_veto:
            assert item.max_score > 0, item.code


@BOTH
def test_category_scores_add_up_to_the_template(template: TemplateSpec):
    assert sum(c.max_score for c in template.categories) == template.max_score
    assert all(c.items for c in template.categories)


def test_above_scale_codes_are_category_then_item_in_sequence():
    for c_index, category in enumerate(ABOVE_SCALE_TEMPLATE.categories, start=1):
        assert category.code == f"GS-{c_index}"
        assert [item.code for item in category.items] == [
            f"GS-{c_index}-{i:02d}" for i in range(1, len(category.items) + 1)
        ]


def test_below_scale_codes_run_through_the_template():
    assert [c.code for c in BELOW_SCALE_TEMPLATE.categories] == [f"GX-{i}" for i in range(1, 6)]
    assert [item.code for item in BELOW_SCALE_TEMPLATE.items] == [f"GX-{i:02d}" for i in range(1, 21)]


def test_codes_are_unique_across_both_templates():
    codes = [item.code for t in DEFAULT_TEMPLATES for item in t.items]
    codes += [c.code for t in DEFAULT_TEMPLATES for c in t.categories]
    codes += [t.code for t in DEFAULT_TEMPLATES]
    assert len(codes) == len(set(codes))


@BOTH
def test_every_item_has_chinese_text_guidance_and_evidence(template: TemplateSpec):
    for item in template.items:
        for field in (item.text, item.guidance, item.evidence):
            assert field.strip() == field, item.code
            assert len(HAN.findall(field)) >= 8, item.code
        assert item.text.endswith("。"), item.code


@BOTH
def test_guidance_of_scored_items_says_how_points_are_deducted(template: TemplateSpec):
    for item in template.items:
        if item.is_veto:
            assert "否决项" in item.guidance
            assert "D级" in item.guidance
        else:
            assert "扣" in item.guidance, item.code
            assert "扣完为止" in item.guidance, item.code


@BOTH
def test_no_item_text_guidance_or_evidence_is_duplicated(template: TemplateSpec):
    for field in ("text", "guidance", "evidence"):
        values = [getattr(item, field) for item in template.items]
        assert len(values) == len(set(values)), field


@BOTH
def test_the_three_veto_items_are_in_both_templates(template: TemplateSpec):
    by_key = {item.veto_key: item for item in template.veto_items}
    assert sorted(by_key) == sorted(VETO_KEYS)
    assert len(template.veto_items) == 3
    assert "死亡" in by_key[VETO_FATAL_ACCIDENT].text
    assert "拒绝、阻挠工会" in by_key[VETO_INSPECTION_REFUSED].text
    assert "重大事故隐患" in by_key[VETO_MAJOR_HAZARD_OVERDUE].text


def test_veto_items_mean_the_same_in_both_templates():
    above = {item.veto_key: item for item in ABOVE_SCALE_TEMPLATE.veto_items}
    below = {item.veto_key: item for item in BELOW_SCALE_TEMPLATE.veto_items}
    for key in VETO_KEYS:
        assert (above[key].text, above[key].guidance) == (below[key].text, below[key].guidance)


@BOTH
def test_codes_named_in_guidance_exist_and_are_veto_items(template: TemplateSpec):
    veto_codes = {item.code for item in template.veto_items}
    for item in template.items:
        for named in re.findall(r"G[SX]-[\d-]+\d", item.guidance):
            assert named in veto_codes, (item.code, named)


def test_below_scale_asks_no_safety_committee_of_a_small_enterprise():
    assert not any("安全生产委员会" in item.text for item in BELOW_SCALE_TEMPLATE.items)
    assert any("安全生产委员会" in item.text for item in ABOVE_SCALE_TEMPLATE.items)


def test_templates_cover_the_core_labour_protection_duties():
    above = "".join(item.text for item in ABOVE_SCALE_TEMPLATE.items)
    for phrase in (
        "全员安全生产责任制",
        "工会劳动保护监督检查委员会",
        "群监员",
        "隐患排查治理台账",
        "三级安全教育",
        "特种作业人员",
        "职业病危害因素检测",
        "劳动防护用品",
        "应急",
        "职工代表大会",
        "厂务公开",
        "有限空间",
        "工伤保险",
        "女职工",
        "集体合同",
    ):
        assert phrase in above, phrase
    below = "".join(item.text for item in BELOW_SCALE_TEMPLATE.items)
    for phrase in ("安全生产责任制", "群监员", "隐患排查治理", "特种作业人员", "劳动防护用品", "工伤保险", "应急"):
        assert phrase in below, phrase


def test_specs_are_frozen():
    item = ABOVE_SCALE_TEMPLATE.items[0]
    with pytest.raises(AttributeError):
        item.max_score = Decimal(99)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_score": Decimal(-1)}, "non-negative"),
        ({"max_score": 3}, "non-negative"),
        ({"is_veto": True}, "veto_key"),
        ({"veto_key": VETO_FATAL_ACCIDENT}, "veto_key"),
        ({"is_veto": True, "veto_key": VETO_FATAL_ACCIDENT}, "no points"),
    ],
)
def test_an_inconsistent_item_is_refused(kwargs, message):
    fields = {"code": "X-01", "text": "文", "max_score": Decimal(3), "guidance": "扣", "evidence": "查"} | kwargs
    with pytest.raises(ValueError, match=message):
        ItemSpec(**fields)


def test_docs_checklists_md_is_rendered_from_the_current_data():
    spec = importlib.util.spec_from_file_location("render_checklists", ROOT / "scripts" / "render_checklists.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.render()
    assert (ROOT / "docs" / "checklists.md").read_text(encoding="utf-8") == text, (
        "docs/checklists.md is stale: run python scripts/render_checklists.py"
    )
    for template in DEFAULT_TEMPLATES:
        for item in template.items:
            assert item.code in text

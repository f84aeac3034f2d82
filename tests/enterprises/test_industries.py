"""GB/T 4754-2017: the data migration gives every database the sections and divisions."""

import pytest

from liangpai.enterprises.data.gbt4754 import DIVISIONS, SECTIONS, upsert_industries
from liangpai.enterprises.models import Industry

pytestmark = pytest.mark.django_db


def test_there_are_twenty_sections_a_to_t() -> None:
    sections = Industry.objects.filter(parent__isnull=True)
    assert sections.count() == 20
    assert [s.code for s in sections.order_by("code")] == list("ABCDEFGHIJKLMNOPQRST")


def test_there_are_ninety_seven_divisions_01_to_97() -> None:
    divisions = Industry.objects.filter(parent__isnull=False)
    assert divisions.count() == 97
    assert sorted(d.code for d in divisions) == [f"{n:02d}" for n in range(1, 98)]


def test_every_division_sits_under_a_section() -> None:
    for division in Industry.objects.filter(parent__isnull=False).select_related("parent"):
        assert division.parent is not None
        assert division.parent.is_section
        assert division.parent.code.isalpha()


def test_codes_are_unique_in_the_data() -> None:
    codes = [s.code for s in SECTIONS] + [c for s in SECTIONS for c, _ in s.divisions]
    assert len(codes) == len(set(codes)) == 117
    assert len(DIVISIONS) == 97


@pytest.mark.parametrize(
    ("code", "name", "section"),
    [
        ("01", "农业", "A"),
        ("13", "农副食品加工业", "C"),
        ("18", "纺织服装、服饰业", "C"),
        ("19", "皮革、毛皮、羽毛及其制品和制鞋业", "C"),
        ("39", "计算机、通信和其他电子设备制造业", "C"),
        ("43", "金属制品、机械和设备修理业", "C"),
        ("44", "电力、热力生产和供应业", "D"),
        ("50", "建筑装饰、装修和其他建筑业", "E"),
        ("58", "多式联运和运输代理业", "G"),
        ("79", "土地管理业", "N"),
        ("96", "基层群众自治组织及其他组织", "S"),
        ("97", "国际组织", "T"),
    ],
)
def test_spot_checks(code: str, name: str, section: str) -> None:
    industry = Industry.objects.select_related("parent").get(code=code)
    assert industry.name == name
    assert industry.parent is not None
    assert industry.parent.code == section


def test_manufacturing_spans_divisions_13_to_43() -> None:
    manufacturing = Industry.objects.get(code="C")
    assert manufacturing.name == "制造业"
    assert sorted(manufacturing.children.values_list("code", flat=True)) == [str(n) for n in range(13, 44)]


def test_upsert_is_idempotent_and_repairs_names() -> None:
    assert upsert_industries(Industry) == 0
    Industry.objects.filter(code="34").update(name="通用设备")
    assert upsert_industries(Industry) == 1
    assert Industry.objects.get(code="34").name == "通用设备制造业"
    assert Industry.objects.count() == 117

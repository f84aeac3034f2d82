"""Real spreadsheets' mess is forgiven: title rows, synonyms, full-width, NBSP, floats, blank and duplicate rows."""

from decimal import Decimal
from pathlib import Path

import pytest

from liangpai.core.models import AuditEvent
from liangpai.enterprises.models import Enterprise
from liangpai.imports.services import IMPORT_COMMAND, run_import
from tests.imports.conftest import industry
from tests.imports.make_corpus import CODES, HEADERS, good_row, write_xlsx

MESSY = ["messy.xlsx", "messy.xls", "messy_utf8_bom.csv", "messy_utf8.csv", "messy_gbk.csv"]


def _fields(e: Enterprise) -> dict[str, object]:
    return {
        "name": e.name,
        "town": e.town.name,
        "district": e.district.name,
        "address": e.address,
        "industry": e.industry.code,
        "scale": e.scale,
        "headcount": e.headcount,
        "has_union": e.has_union,
        "union_chair": e.union_chair,
        "union_chair_phone": e.union_chair_phone,
        "safety_contact": e.safety_contact,
        "safety_contact_phone": e.safety_contact_phone,
        "longitude": e.longitude,
        "latitude": e.latitude,
        "status": e.status,
    }


EXPECTED = {
    # Row 4: NBSP / ideographic space around the name, a spaced lower-case code, "甲镇 ", 34.0,
    # 规模以上, full-width １２０, 有, phones stored as numbers, status left blank.
    CODES[0]: {
        "name": "甲一精密机械有限公司",
        "town": "甲镇",
        "district": "甲一片",
        "address": "甲镇 工业路1号",
        "industry": "34",
        "scale": Enterprise.Scale.ABOVE,
        "headcount": 120,
        "has_union": True,
        "union_chair": "王建国",
        "union_chair_phone": "13800001111",
        "safety_contact": "李安全",
        "safety_contact_phone": "13912345678",
        "longitude": Decimal("121.015300"),
        "latitude": Decimal("30.697800"),
        "status": Enterprise.Status.ACTIVE,
    },
    # Row 6: full-width letters in the name and a full-width code, the industry by its name, N, a landline.
    CODES[1]: {
        "name": "ABC纺织有限公司",
        "town": "甲镇",
        "district": "甲二片",
        "address": "",
        "industry": "34",
        "scale": Enterprise.Scale.BELOW,
        "headcount": 35,
        "has_union": False,
        "union_chair": "",
        "union_chair_phone": "",
        "safety_contact": "赵安全",
        "safety_contact_phone": "0573-85012345",
        "longitude": None,
        "latitude": None,
        "status": Enterprise.Status.CLOSED,
    },
    # Row 8: the town by its short name, industry 6.0 → "06", "1,200人", "+86 138 0000 2222", text coordinates.
    CODES[2]: {
        "name": "乙一煤业有限公司",
        "town": "乙街道",
        "district": "乙一片",
        "address": "乙街道矿山路8号",
        "industry": "06",
        "scale": Enterprise.Scale.ABOVE,
        "headcount": 1200,
        "has_union": True,
        "union_chair": "钱主席",
        "union_chair_phone": "13800002222",
        "safety_contact": "孙安全",
        "safety_contact_phone": "13700003333",
        "longitude": Decimal("121.100000"),
        "latitude": Decimal("30.800000"),
        "status": Enterprise.Status.ACTIVE,
    },
}


@pytest.mark.parametrize("name", MESSY)
def test_messy_files_import_cleaned_values(world: object, corpus: dict[str, Path], name: str) -> None:
    outcome = run_import(by=IMPORT_COMMAND, data=corpus[name].read_bytes(), filename=name)

    assert outcome.errors == []
    assert (outcome.created, outcome.updated) == (3, 0)
    assert outcome.plan.rows == 4  # rows 4, 6, 7 and 8; rows 5, 9, 10 and 11 are blank
    assert [(n.row, n.message) for n in outcome.plan.notes] == [(7, "第7行与第4行完全相同，已合并为一条。")]
    imported = {e.credit_code: _fields(e) for e in Enterprise.objects.filter(credit_code__in=EXPECTED)}
    assert imported == EXPECTED


def test_imported_enterprises_get_pinyin_initials_and_a_system_audit_row(
    world: object, corpus: dict[str, Path]
) -> None:
    run_import(by=IMPORT_COMMAND, data=corpus["messy.xlsx"].read_bytes(), filename="messy.xlsx")

    enterprise = Enterprise.objects.get(credit_code=CODES[0])
    assert enterprise.name_initials == "jyjmjxyxgs"
    event = AuditEvent.objects.get(action="enterprise.create", object_id=str(enterprise.pk))
    assert event.actor is None
    assert event.actor_label == "系统"
    assert event.reason == "批量导入：messy.xlsx"
    assert event.before is None
    assert event.after["credit_code"] == CODES[0]
    assert event.after["headcount"] == 120
    assert event.after["industry"] == industry("34").pk


def test_a_numeric_industry_code_keeps_its_leading_zero(world: object, corpus: dict[str, Path]) -> None:
    run_import(by=IMPORT_COMMAND, data=corpus["messy.xls"].read_bytes(), filename="messy.xls")
    assert Enterprise.objects.get(credit_code=CODES[2]).industry == industry("06")


def test_an_industry_class_code_is_filed_under_its_division(world: object, tmp_path: Path) -> None:
    path = tmp_path / "class_code.xlsx"
    write_xlsx(path, HEADERS, [[good_row(5, 行业="3411").get(h) for h in HEADERS]])
    assert run_import(by=IMPORT_COMMAND, data=path.read_bytes(), filename=path.name).created == 1
    assert Enterprise.objects.get(credit_code=CODES[5]).industry == industry("34")

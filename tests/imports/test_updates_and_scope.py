"""Updates by credit code (audited before → after, changed fields only) and who may import where."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from liangpai.core.models import AuditEvent
from liangpai.enterprises.models import Enterprise
from liangpai.imports.services import IMPORT_COMMAND, run_import
from tests.conftest import Cast
from tests.imports.conftest import industry
from tests.imports.make_corpus import CODES, HEADERS, good_row, write_xlsx


def _file(tmp_path: Path, *rows: dict[str, object], name: str = "f.xlsx") -> tuple[bytes, str]:
    path = tmp_path / name
    write_xlsx(path, HEADERS, [[row.get(h) for h in HEADERS] for row in rows])
    return path.read_bytes(), name


def test_an_update_changes_only_what_differs_and_audits_before_and_after(world: Cast, corpus: dict[str, Path]) -> None:
    run_import(by=IMPORT_COMMAND, data=corpus["clean.xlsx"].read_bytes(), filename="clean.xlsx")
    enterprise = Enterprise.objects.get(credit_code=CODES[0])
    version, initials = enterprise.version, enterprise.name_initials

    outcome = run_import(by=IMPORT_COMMAND, data=corpus["update.xlsx"].read_bytes(), filename="update.xlsx")

    assert (outcome.created, outcome.updated, outcome.plan.unchanged_count) == (0, 1, 1)
    enterprise.refresh_from_db()
    assert (enterprise.headcount, enterprise.safety_contact_phone) == (150, "13711112222")
    assert enterprise.version == version + 1
    assert enterprise.name_initials == initials
    event = AuditEvent.objects.get(action="enterprise.update")
    assert event.object_id == str(enterprise.pk)
    assert event.before == {"headcount": 120, "safety_contact_phone": "13912345678"}
    assert event.after == {"headcount": 150, "safety_contact_phone": "13711112222"}
    assert event.actor_label == "系统"


def test_importing_the_same_file_again_changes_and_audits_nothing(world: Cast, corpus: dict[str, Path]) -> None:
    run_import(by=IMPORT_COMMAND, data=corpus["clean.xlsx"].read_bytes(), filename="clean.xlsx")
    events = AuditEvent.objects.count()

    outcome = run_import(by=IMPORT_COMMAND, data=corpus["clean.xlsx"].read_bytes(), filename="clean.xlsx")

    assert (outcome.created, outcome.updated, outcome.plan.unchanged_count) == (0, 0, 3)
    assert AuditEvent.objects.count() == events


def test_a_new_name_gets_new_initials(world: Cast, tmp_path: Path) -> None:
    run_import(by=IMPORT_COMMAND, data=_file(tmp_path, good_row(0))[0], filename="a.xlsx")
    run_import(by=IMPORT_COMMAND, data=_file(tmp_path, good_row(0, 企业名称="乙丙纺织有限公司"))[0], filename="a.xlsx")

    enterprise = Enterprise.objects.get(credit_code=CODES[0])
    assert (enterprise.name, enterprise.name_initials) == ("乙丙纺织有限公司", "ybfzyxgs")
    assert AuditEvent.objects.get(action="enterprise.update").after == {"name": "乙丙纺织有限公司"}


def test_blank_optional_cells_keep_what_is_recorded(world: Cast, tmp_path: Path) -> None:
    run_import(by=IMPORT_COMMAND, data=_file(tmp_path, good_row(0))[0], filename="a.xlsx")
    blanks = {"地址": None, "工会主席": None, "工会主席电话": None, "经度": None, "纬度": None, "状态": None}

    outcome = run_import(by=IMPORT_COMMAND, data=_file(tmp_path, good_row(0, **blanks))[0], filename="a.xlsx")

    assert outcome.plan.unchanged_count == 1
    enterprise = Enterprise.objects.get(credit_code=CODES[0])
    assert (enterprise.address, enterprise.union_chair_phone) == ("甲镇工业路0号", "13800001111")
    assert enterprise.longitude is not None


def test_a_town_union_cannot_import_into_another_town(world: Cast, corpus: dict[str, Path]) -> None:
    before = Enterprise.objects.count()
    outcome = run_import(
        by=world.users["town_b_union"], data=corpus["out_of_scope.xlsx"].read_bytes(), filename="x.xlsx"
    )

    assert [(e.row, e.column, e.message) for e in outcome.errors] == [
        (3, "镇(街道)", "您无权导入“甲镇”的企业，只能导入您所辖镇/街道的企业。")
    ]
    assert Enterprise.objects.count() == before


def test_a_town_union_imports_into_its_own_town(world: Cast, tmp_path: Path) -> None:
    data, name = _file(tmp_path, good_row(0), good_row(1, 片区="甲二片"))
    outcome = run_import(by=world.users["town_a_union"], data=data, filename=name)

    assert (outcome.errors, outcome.created) == ([], 2)
    assert AuditEvent.objects.filter(action="enterprise.create", actor=world.users["town_a_union"]).count() == 2


def test_a_town_union_cannot_update_another_towns_enterprise(world: Cast, tmp_path: Path) -> None:
    other = world.enterprise_b  # in 乙街道
    row = good_row(0, 统一社会信用代码=other.credit_code, **{"镇(街道)": "甲镇"})
    outcome = run_import(by=world.users["town_a_union"], data=_file(tmp_path, row)[0], filename="x.xlsx")

    assert [(e.row, e.column, e.message) for e in outcome.errors] == [
        (3, "统一社会信用代码", "该统一社会信用代码的企业已在您的管辖范围以外登记，不能由您导入或修改。")
    ]
    other.refresh_from_db()
    assert other.town == world.town_b


def test_a_town_union_cannot_move_its_enterprise_to_another_town(world: Cast, tmp_path: Path) -> None:
    own = world.enterprise_a
    row = good_row(0, 统一社会信用代码=own.credit_code, **{"镇(街道)": "乙街道", "片区": "乙一片"})
    outcome = run_import(by=world.users["town_a_union"], data=_file(tmp_path, row)[0], filename="x.xlsx")

    assert [(e.row, e.column, e.message) for e in outcome.errors] == [
        (3, "镇(街道)", "您无权导入“乙街道”的企业，只能导入您所辖镇/街道的企业。")
    ]


def test_the_city_admin_imports_anywhere(world: Cast, corpus: dict[str, Path]) -> None:
    outcome = run_import(by=world.users["city_admin"], data=corpus["out_of_scope.xlsx"].read_bytes(), filename="x.xlsx")
    assert (outcome.errors, outcome.created) == ([], 2)


@pytest.mark.parametrize(
    "role", ["group_member", "group_leader", "town_a_emergency", "city_emergency", "contact_a", "outsider"]
)
def test_roles_without_the_import_right_are_refused(world: Cast, corpus: dict[str, Path], role: str) -> None:
    with pytest.raises(PermissionDenied):
        run_import(by=world.users[role], data=corpus["clean.xlsx"].read_bytes(), filename="clean.xlsx")


def test_every_kind_of_field_can_be_updated(world: Cast, tmp_path: Path) -> None:
    run_import(by=IMPORT_COMMAND, data=_file(tmp_path, good_row(0))[0], filename="a.xlsx")
    changed = good_row(
        0,
        片区="甲二片",
        行业="06",
        规模="规下",
        是否建会="否",
        经度=120.5,
        纬度=30.25,
        状态="迁出",
        **{"镇(街道)": "甲镇"},
    )

    outcome = run_import(by=world.users["city_admin"], data=_file(tmp_path, changed)[0], filename="a.xlsx")

    assert (outcome.errors, outcome.updated) == ([], 1)
    e = Enterprise.objects.select_related("district", "industry").get(credit_code=CODES[0])
    assert (e.district.name, e.industry.code, e.scale, e.has_union, e.status) == (
        "甲二片",
        "06",
        "below",
        False,
        "moved_out",
    )
    assert (e.longitude, e.latitude) == (Decimal("120.500000"), Decimal("30.250000"))
    event = AuditEvent.objects.get(action="enterprise.update")
    assert event.before == {
        "district": world.district_a.pk,
        "has_union": True,
        "industry": industry("34").pk,
        "latitude": "30.697800",
        "longitude": "121.015300",
        "scale": "above",
        "status": "active",
    }
    assert event.after == {
        "district": world.district_a2.pk,
        "has_union": False,
        "industry": industry("06").pk,
        "latitude": "30.250000",
        "longitude": "120.500000",
        "scale": "below",
        "status": "moved_out",
    }

"""What an import writes: the rows `bulk_create` would write, and one verifiable audit event per enterprise.

The import inserts with its own statements (executemany / COPY) and builds the audit
events without model instances; these tests hold it to what the ORM and `record()` do.
"""

import gc
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.forms.models import model_to_dict

from liangpai.core import audit
from liangpai.core.models import AuditEvent
from liangpai.enterprises import bulk
from liangpai.enterprises import services as enterprise_services
from liangpai.enterprises.models import Enterprise
from liangpai.enterprises.pinyin import name_initials
from liangpai.imports import analysis, services
from liangpai.imports.services import IMPORT_COMMAND, run_import
from tests.conftest import Cast
from tests.imports.conftest import Counts, industry
from tests.imports.make_corpus import CODES, HEADERS, big_rows, write_xlsx

pytestmark = pytest.mark.django_db


def _values(world: Cast, n: int, **changes: Any) -> dict[str, Any]:
    """A new enterprise's values as the import parses them; optional fields may be left out."""
    values: dict[str, Any] = {
        "name": f"甲{n}长安精密机械有限公司",
        "credit_code": CODES[n],
        "town": world.town_a,
        "district": world.district_a,
        "address": f"甲镇工业路{n}号",
        "industry": industry("34"),
        "scale": Enterprise.Scale.ABOVE,
        "headcount": 120 + n,
        "has_union": True,
        "union_chair": "王建国",
        "union_chair_phone": "13800001111",
        "safety_contact": "李安全",
        "safety_contact_phone": "0573-85012345",
        "longitude": Decimal("121.015300"),
        "latitude": Decimal("30.697800"),
        "status": Enterprise.Status.CLOSED,
    }
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


_NOT_COMPARED = {"id", "credit_code", "created_at", "updated_at"}


def test_new_rows_are_the_rows_bulk_create_writes(world: Cast) -> None:
    creates = [
        _values(world, 0),
        _values(world, 1, address=None, union_chair=None, latitude=None, longitude=None, status=None),
        _values(world, 2, has_union=None, union_chair_phone=None, safety_contact=None, safety_contact_phone=None),
    ]
    twins = []
    for n, values in enumerate(creates):  # the former way: model instances, bulk_create, audit_values
        twin = Enterprise(**{**values, "credit_code": CODES[n + 5]})
        twin.name_initials = name_initials(twin.name)
        twins.append(twin)
    with transaction.atomic():
        Enterprise.objects.bulk_create(twins)
        expected_after = [enterprise_services.audit_values(twin) for twin in twins]
        bulk.save_enterprises(by=IMPORT_COMMAND, creates=creates, changes=[], reason="导入")

    for n, twin in enumerate(twins):
        saved = Enterprise.objects.get(credit_code=CODES[n])
        twin.refresh_from_db()
        fields = [f.name for f in Enterprise._meta.concrete_fields if f.name not in _NOT_COMPARED]
        assert model_to_dict(saved, fields=fields) == model_to_dict(twin, fields=fields)
        assert {f: getattr(saved, f) for f in fields} == {f: getattr(twin, f) for f in fields}
        assert saved.created_at == saved.updated_at is not None
        event = AuditEvent.objects.get(action="enterprise.create", object_id=str(saved.pk))
        assert event.after == {**expected_after[n], "credit_code": CODES[n]}
        assert event.after == enterprise_services.audit_values(saved)
        assert (event.object_type, event.object_repr, event.before) == ("enterprises.enterprise", str(saved), None)
    assert audit.verify_chain() is None


def test_every_imported_enterprise_has_its_own_verifiable_audit_event(world: Cast, tmp_path: Path) -> None:
    rows = big_rows(300)
    path = tmp_path / "three_hundred.xlsx"
    write_xlsx(path, HEADERS, rows)
    outcome = run_import(by=world.users["city_admin"], data=path.read_bytes(), filename=path.name)
    assert (outcome.errors, outcome.created) == ([], 300)

    events = AuditEvent.objects.filter(action="enterprise.create")
    assert sorted(int(e.object_id) for e in events) == sorted(
        Enterprise.objects.filter(credit_code__in=[r[1] for r in rows]).values_list("pk", flat=True)
    )
    for event in events:
        enterprise = Enterprise.objects.get(pk=event.object_id)
        assert event.after == enterprise_services.audit_values(enterprise)
        assert (event.object_repr, event.actor_label) == (enterprise.name, "city_admin")
        assert enterprise.name_initials == name_initials(enterprise.name)

    changed = [[*row[:7], row[7] + 1, *row[8:]] for row in rows]  # every headcount
    write_xlsx(path, HEADERS, changed)
    outcome = run_import(by=IMPORT_COMMAND, data=path.read_bytes(), filename=path.name)
    assert (outcome.errors, outcome.updated) == ([], 300)
    updates = AuditEvent.objects.filter(action="enterprise.update")
    assert updates.count() == 300
    assert all(e.after == {"headcount": e.before["headcount"] + 1} for e in updates)
    assert audit.verify_chain() is None


def test_a_credit_code_registered_meanwhile_writes_nothing(
    world: Cast, tmp_path: Path, counts: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone saves one of the file's codes after the plan was made: the insert fails, nothing is kept."""
    rows = big_rows(30)
    path = tmp_path / "thirty.xlsx"
    write_xlsx(path, HEADERS, rows)
    taken = Enterprise.objects.create(**{**_values(world, 0), "credit_code": rows[17][1]}, name_initials="x")
    before: Counts = counts()
    monkeypatch.setattr(analysis, "_existing_by_code", lambda codes, *, lock: {})  # the plan does not see it

    outcome = run_import(by=IMPORT_COMMAND, data=path.read_bytes(), filename=path.name)

    assert not outcome.applied
    assert [e.message for e in outcome.errors] == ["导入时有人同时修改了企业数据，未导入任何数据，请重试。"]
    assert counts() == before
    assert Enterprise.objects.get(credit_code=rows[17][1]) == taken


def test_an_import_leaves_the_cycle_collector_as_it_found_it(world: Cast, corpus: dict[str, Path]) -> None:
    data = corpus["messy.xlsx"].read_bytes()
    seen: list[bool] = []
    real_analyse = services.analyse

    def analyse(**kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real_analyse(**kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "analyse", analyse)
        services.check_import(by=IMPORT_COMMAND, data=data, filename="messy.xlsx")
        services.run_import(by=IMPORT_COMMAND, data=data, filename="messy.xlsx")
    assert seen == [False, False]  # paused while the rows are read and checked
    assert gc.isenabled()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "analyse", lambda **kwargs: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            services.run_import(by=IMPORT_COMMAND, data=data, filename="messy.xlsx")
    assert gc.isenabled()

    gc.disable()  # paused by the caller: still paused afterwards
    try:
        services.check_import(by=IMPORT_COMMAND, data=data, filename="messy.xlsx")
        assert not gc.isenabled()
    finally:
        gc.enable()

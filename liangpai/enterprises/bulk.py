"""Writing many enterprises at once (imports): bulk inserts and updates with their audit records.

The same guarantees as `services.create_enterprise` / `update_enterprise` — pinyin
initials, a version bump on every update, one audit event per created or changed
enterprise (updates record only the changed fields, before → after) — without a query
per row. Validation and access checks are the caller's job and happen before this runs,
inside the same transaction.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from liangpai.core import audit
from liangpai.enterprises.models import Enterprise
from liangpai.enterprises.pinyin import name_initials
from liangpai.enterprises.services import EDITABLE_FIELDS

_FOREIGN_KEYS = frozenset({"town", "district", "industry"})
BATCH_SIZE = 500


def audit_value(enterprise: Enterprise, field: str) -> Any:
    """A field's value as the audit log stores it (related objects by id), like `services`."""
    if field in _FOREIGN_KEYS:
        return getattr(enterprise, f"{field}_id")
    return audit.snapshot(enterprise, [field])[field]


def audit_values(enterprise: Enterprise) -> dict[str, Any]:
    return {field: audit_value(enterprise, field) for field in EDITABLE_FIELDS}


@dataclass
class EnterpriseChange:
    """An existing enterprise with new values already set, and the changed fields before → after."""

    enterprise: Enterprise
    before: dict[str, Any]
    after: dict[str, Any]


def save_enterprises(
    *, by: Any, creates: list[Enterprise], changes: list[EnterpriseChange], reason: str
) -> tuple[int, int]:
    """Insert `creates`, update `changes`, and audit each; returns (created, updated)."""
    with transaction.atomic():
        for enterprise in creates:
            enterprise.name_initials = name_initials(enterprise.name)
        Enterprise.objects.bulk_create(creates, batch_size=BATCH_SIZE)

        now = timezone.now()
        by_fields: dict[tuple[str, ...], list[Enterprise]] = defaultdict(list)
        for change in changes:
            enterprise = change.enterprise
            names = set(change.after) | {"version", "updated_at"}
            if "name" in change.after:
                enterprise.name_initials = name_initials(enterprise.name)
                names.add("name_initials")
            enterprise.version += 1
            enterprise.updated_at = now
            by_fields[tuple(sorted(names))].append(enterprise)
        for fields, enterprises in by_fields.items():
            _update_rows(enterprises, fields)

        audit.record_many(
            actor=by,
            action="enterprise.create",
            changes=[(e, None, audit_values(e)) for e in creates],
            reason=reason,
        )
        audit.record_many(
            actor=by,
            action="enterprise.update",
            changes=[(c.enterprise, c.before, c.after) for c in changes],
            reason=reason,
        )
    return len(creates), len(changes)


def _update_rows(enterprises: list[Enterprise], fields: tuple[str, ...]) -> None:
    """Write `fields` of each enterprise: UPDATE … WHERE id = %s as one executemany (PostgreSQL:
    one UPDATE … FROM (VALUES …) per batch, which saves a round trip per row).

    Not `bulk_update`: its CASE WHEN statements took 7 s for 20,000 rows here (SQLite,
    any batch size), this takes 0.2 s. Values are adapted by the fields themselves
    (`get_db_prep_save`), as the ORM does; table and column names come from the model.
    """
    meta = Enterprise._meta
    assert meta.pk is not None
    concrete = {f.name: f for f in meta.concrete_fields}
    model_fields = [concrete[name] for name in fields]
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(str(meta.pk.column))
    params = [
        [f.get_db_prep_save(getattr(e, f.attname), connection) for f in model_fields] + [e.pk] for e in enterprises
    ]
    columns = [quote(str(f.column)) for f in model_fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = [f"::{f.db_type(connection)}" for f in model_fields] + [f"::{meta.pk.rel_db_type(connection)}"]
            row = "(" + ", ".join(f"%s{cast}" for cast in types) + ")"
            assignments = ", ".join(f"{c} = v.{c}" for c in columns)
            names = ", ".join([*columns, pk])
            for start in range(0, len(params), BATCH_SIZE):
                batch = params[start : start + BATCH_SIZE]
                values = ", ".join([row] * len(batch))
                cursor.execute(
                    f"UPDATE {table} AS t SET {assignments} FROM (VALUES {values}) AS v({names}) WHERE t.{pk} = v.{pk}",  # noqa: S608 -- names from model meta
                    [value for item in batch for value in item],
                )
            return
        assignments = ", ".join(f"{c} = %s" for c in columns)
        sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 -- names from model meta
        for start in range(0, len(params), BATCH_SIZE * 10):
            cursor.executemany(sql, params[start : start + BATCH_SIZE * 10])

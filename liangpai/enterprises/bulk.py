"""Writing many enterprises at once (imports): bulk inserts and updates with their audit records.

The same guarantees as `services.create_enterprise` / `update_enterprise` — pinyin
initials, a version bump on every update, one audit event per created or changed
enterprise (updates record only the changed fields, before → after) — without a query
per row. Validation and access checks are the caller's job and happen before this runs,
inside the same transaction.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import DecimalField, Field
from django.utils import timezone

from liangpai.core import audit
from liangpai.enterprises.models import Enterprise
from liangpai.enterprises.pinyin import name_initials
from liangpai.enterprises.services import EDITABLE_FIELDS

BATCH_SIZE = 500


@dataclass
class EnterpriseChange:
    """An existing enterprise with new values already set, and the changed fields before → after."""

    enterprise: Enterprise
    before: dict[str, Any]
    after: dict[str, Any]


def save_enterprises(
    *, by: Any, creates: list[dict[str, Any]], changes: list[EnterpriseChange], reason: str
) -> tuple[int, int]:
    """Insert `creates` (each a new enterprise's values by field name, as `Enterprise(**values)`
    takes them), update `changes`, and audit each; returns (created, updated)."""
    with transaction.atomic():
        now = timezone.now()
        created = _insert_rows(creates, now=now)

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

        audit.record_entries(actor=by, action="enterprise.create", entries=created, reason=reason)
        audit.record_many(
            actor=by,
            action="enterprise.update",
            changes=[(c.enterprise, c.before, c.after) for c in changes],
            reason=reason,
        )
    return len(creates), len(changes)


def _insert_rows(creates: list[dict[str, Any]], *, now: datetime) -> list[audit.Entry]:
    """INSERT the new enterprises as `bulk_create` would (defaults, pinyin initials, both
    timestamps `now`); the audit entry of each, its values as `audit_values` gives them.

    Not `bulk_create`: a model instance per row and the compilation of every value took
    2 s for 20,000 rows. Here each column is made in one pass over the rows, and the rows
    go in with one statement (PostgreSQL: COPY).
    """
    if not creates:
        return []
    meta = Enterprise._meta
    fields = {field.name: field for field in meta.concrete_fields if not field.primary_key}
    values = {name: _column(field, creates, now=now) for name, field in fields.items()}
    ids = _insert_and_read_ids({field: _db_values(field, values[name]) for name, field in fields.items()})
    audited = [_audit_values(fields[name], values[name]) for name in EDITABLE_FIELDS]
    object_type = meta.label_lower
    # An enterprise is named by its name (`Enterprise.__str__`), the same in every language.
    return [
        audit.Entry(object_type, str(pk), name[:200], None, dict(zip(EDITABLE_FIELDS, row, strict=True)))
        for pk, name, *row in zip(ids, values["name"], *audited, strict=True)
    ]


def _column(field: Field[Any, Any], creates: list[dict[str, Any]], *, now: datetime) -> list[Any]:
    """The field's value for each new enterprise, as the model instance would hold it (relations by id)."""
    if field.name == "name_initials":
        return [name_initials(row["name"]) for row in creates]
    if _set_on_save(field):
        return [now] * len(creates)
    if field.is_relation:
        return [row[field.name].pk for row in creates]
    default = field.get_default()
    return [row.get(field.name, default) for row in creates]


def _set_on_save(field: Field[Any, Any]) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


#: Field types whose values (str, int, bool; ids for relations) the drivers take as they are: the ORM passes them unchanged.
_PASSED_AS_IS = frozenset(
    {"CharField", "TextField", "BooleanField", "IntegerField", "PositiveIntegerField", "ForeignKey"}
)


def _db_values(field: Field[Any, Any], values: list[Any]) -> list[Any]:
    """The values adapted for the database by the field itself (`get_db_prep_save`), as the ORM does."""
    if field.get_internal_type() in _PASSED_AS_IS:
        return values
    if _set_on_save(field):  # one value for all rows
        return [field.get_db_prep_save(values[0], connection)] * len(values)
    return [field.get_db_prep_save(v, connection) for v in values]


def _audit_values(field: Field[Any, Any], values: list[Any]) -> list[Any]:
    """The values as the audit log stores them (`audit.snapshot`): decimals as text, the rest as they are."""
    if isinstance(field, DecimalField):
        return [None if v is None else str(v) for v in values]
    return values


def _insert_and_read_ids(columns: dict[Field[Any, Any], list[Any]]) -> list[int]:
    """INSERT rows given column by column (PostgreSQL: COPY); their ids, in row order, read
    back by credit code."""
    meta = Enterprise._meta
    assert meta.pk is not None
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(str(meta.pk.column))
    code_field = meta.get_field("credit_code")
    code = quote(str(code_field.column))
    names = ", ".join(quote(str(field.column)) for field in columns)
    rows = list(zip(*columns.values(), strict=True))
    codes: list[str] = columns[code_field]
    ids: dict[str, int] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The driver's own cursor (COPY is not in Django's); its errors still become Django's.
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"SELECT {code}, {pk} FROM {table} WHERE {code} = ANY(%s)", [codes])  # noqa: S608 -- names from model meta
            ids.update(cursor.fetchall())
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})",  # noqa: S608 -- names from model meta
                rows,
            )
            batch_size = connection.features.max_query_params or BATCH_SIZE
            for start in range(0, len(codes), batch_size):
                batch = codes[start : start + batch_size]
                cursor.execute(
                    f"SELECT {code}, {pk} FROM {table} WHERE {code} IN ({', '.join(['%s'] * len(batch))})",  # noqa: S608 -- names from model meta
                    batch,
                )
                ids.update(cursor.fetchall())
    return [ids[credit_code] for credit_code in codes]


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

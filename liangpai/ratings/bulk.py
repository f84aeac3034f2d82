"""Writing a city's lights and grades in bulk: rows as tuples, without model instances.

`close_quarter` and `compute_grades` write up to one row per enterprise of the city; model
instances and `bulk_create`'s per-value compilation cost more than the rules themselves.
Here a chunk's rows go to the database as plain values — one INSERT run for each row
(SQLite) or COPY (PostgreSQL), one UPDATE run for each changed row — adapted the way the
model fields would adapt them.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.db.models import DateField, DateTimeField, JSONField, Model


def _adapter(field: Any) -> Callable[[Any], Any] | None:
    ops = connection.ops
    if isinstance(field, JSONField):
        encoder = field.encoder
        return lambda value: ops.adapt_json_value(value, encoder)
    if isinstance(field, DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, DateField):
        return ops.adapt_datefield_value
    return None


class Table:
    """The columns of `model` named by `fields`, ready to insert or update rows of plain values.

    Values of JSON and date columns are adapted here; a column named in `prepared` is
    given ready for the database (e.g. one timestamp adapted once for a whole chunk).
    """

    def __init__(self, model: type[Model], fields: Sequence[str], *, prepared: Sequence[str] = ()) -> None:
        meta = model._meta
        found = [meta.get_field(name) for name in fields]
        self.table = connection.ops.quote_name(meta.db_table)
        self.columns = [connection.ops.quote_name(str(f.column)) for f in found]  # type: ignore[union-attr]
        adapters = [
            (i, _adapter(f)) for i, (name, f) in enumerate(zip(fields, found, strict=True)) if name not in prepared
        ]
        self.adapters = [(i, adapt) for i, adapt in adapters if adapt is not None]

    def adapt(self, row: Sequence[Any]) -> list[Any]:
        values = list(row)
        for i, adapt in self.adapters:
            if values[i] is not None:
                values[i] = adapt(values[i])
        return values

    def insert(self, rows: Sequence[Sequence[Any]]) -> None:
        """INSERT `rows` (values in `fields` order)."""
        if not rows:
            return
        adapted = [self.adapt(row) for row in rows]
        columns = ", ".join(self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
                    for row in adapted:
                        copy.write_row(row)
                return
            placeholders = ", ".join(["%s"] * len(self.columns))
            cursor.executemany(f"INSERT INTO {self.table} ({columns}) VALUES ({placeholders})", adapted)  # noqa: S608 -- names from model meta

    def update(self, rows: Sequence[tuple[int, Sequence[Any]]]) -> None:
        """UPDATE each (primary key, values in `fields` order)."""
        if not rows:
            return
        assignments = ", ".join(f"{column} = %s" for column in self.columns)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {self.table} SET {assignments} WHERE id = %s",  # noqa: S608 -- names from model meta
                [(*self.adapt(values), pk) for pk, values in rows],
            )

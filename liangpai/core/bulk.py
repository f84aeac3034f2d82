"""Writing a city's lights and grades in bulk: rows as tuples of values ready for the database.

`close_quarter` and `compute_grades` write up to one row per enterprise of the city; model
instances and `bulk_create`'s per-value compilation cost more than the rules themselves.
Here a chunk's rows go to the database as plain values — INSERT statements of many rows
(SQLite) or COPY (PostgreSQL), one UPDATE run for each changed row. The caller adapts
each value once with `Table.value` (the way the model field would adapt it): most rows of
a city share their values, so a value adapted once serves many rows.
"""

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models import DateField, DateTimeField, JSONField, Model


def _adapter(field: Any) -> Callable[[Any], Any] | None:
    """How `field` adapts a value for the database; None when the driver takes the value as it is."""
    ops = connection.ops
    if isinstance(field, JSONField):
        # The text `get_db_prep_value` would send: SQLite stores it, PostgreSQL parses it into the same jsonb.
        encoder = field.encoder
        return lambda value: json.dumps(value, cls=encoder)
    if isinstance(field, DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, DateField):
        return ops.adapt_datefield_value
    return None


#: SQLite's page cache while a city is written, in KiB (its default is 2 MiB): the new rows go into
#: several indexes at once, and the audit records' hash index takes them in random order. With
#: 2 MiB, pages are written out and read back again and again before the commit; 64 MiB keeps most
#: of a 100,000-enterprise city's in memory (about 130 MB at the peak instead of 65 MB).
BULK_CACHE_KIB = 65_536


@contextmanager
def bulk_writes() -> Iterator[None]:
    """A larger page cache for SQLite while a whole city is written (its own setting again afterwards)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before):d}")


#: Rows per INSERT statement on SQLite: one statement for 100 rows costs the engine about 40% less
#: than a statement run for each row.
ROWS_PER_INSERT = 100


def _insert_sqlite(
    cursor: Any, insert: str, returning: str, width: int, rows: Sequence[Sequence[Any]]
) -> list[tuple[Any, ...]]:
    """Run `insert` ("INSERT INTO t (columns) VALUES ") for `rows` of `width` values, many rows a statement,
    on the driver's own cursor (Django's rewrites each statement's placeholders, which costs as much again);
    the rows `returning` (" RETURNING …") gives."""
    per = max(1, min(ROWS_PER_INSERT, (connection.features.max_query_params or 999) // width))
    one = "(" + ", ".join(["?"] * width) + ")"
    full = insert + ", ".join([one] * per) + returning
    returned: list[tuple[Any, ...]] = []
    with connection.wrap_database_errors:
        for start in range(0, len(rows), per):
            part = rows[start : start + per]
            sql = full if len(part) == per else insert + ", ".join([one] * len(part)) + returning
            cursor.execute(sql, [value for row in part for value in row])
            returned += cursor.fetchall()
    return returned


class Table:
    """The columns of `model` named by `fields`, to insert or update rows of values ready for the database."""

    def __init__(self, model: type[Model], fields: Sequence[str]) -> None:
        meta = model._meta
        found = {name: meta.get_field(name) for name in fields}
        self.fields = list(fields)
        self.table = connection.ops.quote_name(meta.db_table)
        self.pk_column = str(meta.pk.column)
        self.quoted_pk = connection.ops.quote_name(self.pk_column)
        self.columns = [connection.ops.quote_name(str(f.column)) for f in found.values()]  # type: ignore[union-attr]
        self._adapters = {name: _adapter(f) for name, f in found.items()}

    def value(self, name: str, value: Any) -> Any:
        """`value` for the column of field `name`, ready for the database (None stays None)."""
        adapt = self._adapters[name]
        return value if adapt is None or value is None else adapt(value)

    def insert(self, rows: Sequence[Sequence[Any]], *, key: str) -> dict[Any, int]:
        """INSERT `rows` (ready values in `fields` order); the new rows' ids by their value of field `key`
        (which tells the rows apart).

        The ids come from the insert itself (ids taken from the table's sequence and sent
        with the rows on PostgreSQL, RETURNING on SQLite), not from reading the rows back: the
        rows of a period closed for the first time would be read through whichever index the
        statistics favour, and statistics that say the period has no rows make PostgreSQL
        pick one that scans every row written so far, chunk after chunk.
        """
        if not rows:
            return {}
        place = self.fields.index(key)
        columns = ", ".join(self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [self.table, self.pk_column, len(rows)],
                )
                ids = [pk for (pk,) in cursor.fetchall()]
                # The driver's own cursor (COPY is not in Django's); its errors still become Django's.
                copy_sql = f"COPY {self.table} ({self.quoted_pk}, {columns}) FROM STDIN"
                with connection.wrap_database_errors, cursor.cursor.copy(copy_sql) as copy:
                    for pk, row in zip(ids, rows, strict=True):
                        copy.write_row((pk, *row))
                return {row[place]: pk for pk, row in zip(ids, rows, strict=True)}
            insert = f"INSERT INTO {self.table} ({columns}) VALUES "  # noqa: S608 -- names from model meta
            returning = f" RETURNING {self.columns[place]}, {self.quoted_pk}"
            return dict(_insert_sqlite(cursor.cursor, insert, returning, len(self.columns), rows))

    def update(self, rows: Sequence[tuple[int, Sequence[Any]]]) -> None:
        """UPDATE each (primary key, ready values in `fields` order)."""
        if not rows:
            return
        assignments = ", ".join(f"{column} = %s" for column in self.columns)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {self.table} SET {assignments} WHERE {self.quoted_pk} = %s",  # noqa: S608 -- names from model meta
                [(*values, pk) for pk, values in rows],
            )

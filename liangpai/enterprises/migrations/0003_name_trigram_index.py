"""On PostgreSQL, a trigram index makes searching enterprise names by any part fast.

Other databases skip it. If the pg_trgm extension cannot be created (no privilege),
the search still works, only without the index.
"""

from django.db import migrations, transaction


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # noqa: BLE001 -- an optional speed-up; the app works without it
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS enterprise_name_trgm ON enterprises_enterprise USING gin (name gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS enterprise_name_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_industries"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]

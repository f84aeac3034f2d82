"""On PostgreSQL, searching by pinyin initials (any part) uses a trigram index too."""

from django.db import migrations


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:  # 0003 could not create the extension: search works without the index
            return
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS enterprise_initials_trgm "
            "ON enterprises_enterprise USING gin (name_initials gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS enterprise_initials_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0003_name_trigram_index"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]

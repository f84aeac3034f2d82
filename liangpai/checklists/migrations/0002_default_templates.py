from django.db import migrations

from liangpai.checklists.loading import load_default_templates


def load_defaults(apps, schema_editor):
    """Every database starts with the default 规上 and 规下 templates, active for 2026; safe to run again."""
    load_default_templates(
        apps.get_model("checklists", "ChecklistTemplate"),
        apps.get_model("checklists", "ChecklistCategory"),
        apps.get_model("checklists", "ChecklistItem"),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('checklists', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(load_defaults, migrations.RunPython.noop),
    ]

"""The 2026 ruleset with MISSION.md's defaults (rules.ruleset.DEFAULT_RULESET), active."""

from dataclasses import asdict

from django.db import migrations

from liangpai.rules.ruleset import DEFAULT_RULESET

YEAR = 2026
VERSION = "2026-1"


def create_default(apps, schema_editor):
    RulesetVersion = apps.get_model("ratings", "RulesetVersion")
    if RulesetVersion.objects.filter(year=YEAR).exists():
        return
    values = asdict(DEFAULT_RULESET)
    lights = values.pop("lights")
    values.pop("version")
    values["downgrade_floor"] = DEFAULT_RULESET.downgrade_floor.value
    RulesetVersion.objects.create(
        year=YEAR,
        version=VERSION,
        status="active",
        note="MISSION.md 默认值",
        **values,
        **lights,
    )


def remove_default(apps, schema_editor):
    RulesetVersion = apps.get_model("ratings", "RulesetVersion")
    RulesetVersion.objects.filter(version=VERSION, status="active").delete()


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]

    operations = [migrations.RunPython(create_default, remove_default)]

"""Who filled in an assessment's current round becomes data on the assessment (the four-eyes rule of review).

Until now it was read from the audit records each time; this migration reads them once for the
assessments that exist, the same way: back from the newest record to the start of the round.
"""

from django.conf import settings
from django.db import migrations, models

ROUND_STARTS = ("assessment.create", "assessment.return", "assessment.reopen")
AUTHORED = ("assessment.save", "assessment.photo_add", "assessment.submit")


def fill_round_authors(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    AuditEvent = apps.get_model("core", "AuditEvent")
    for assessment in Assessment.objects.iterator():
        authors = {assessment.submitted_by_id} if assessment.submitted_by_id else set()
        events = (
            AuditEvent.objects.filter(object_type="assessments.assessment", object_id=str(assessment.pk))
            .order_by("-id")
            .values_list("action", "actor_id")
        )
        for action, actor_id in events.iterator():
            if action in ROUND_STARTS:
                break
            if action in AUTHORED and actor_id:
                authors.add(actor_id)
        if authors:
            assessment.round_authors.add(*authors)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("core", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="round_authors",
            field=models.ManyToManyField(
                blank=True, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="本轮填写人"
            ),
        ),
        migrations.RunPython(fill_round_authors, migrations.RunPython.noop),
    ]

"""record_entries with values shared between entries: a city's bulk write records many events whose
before / after are one object, encoded once; each event must still hold and hash its own values."""

import pytest
from django.db import transaction

from liangpai.core import audit
from liangpai.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_shared_values_are_stored_and_hashed_for_every_entry(cast):
    green = {"light": "green", "computed_light": "green", "ruleset": 1}
    red = {"light": "red", "computed_light": "red", "ruleset": 1}
    entries = [
        audit.Entry("ratings.quarterlight", "1", "甲一 2026Q3亮灯", None, green),
        audit.Entry("ratings.quarterlight", "2", "甲二 2026Q3亮灯", None, red),
        audit.Entry("ratings.quarterlight", "3", "乙一 2026Q3亮灯", green, red),
        audit.Entry("ratings.quarterlight", "4", "乙二 %s 2026Q3亮灯", None, green),
    ]
    with transaction.atomic():
        audit.record_entries(actor=cast.users["city_admin"], action="light.compute", entries=entries, reason="结算")
        audit.record(actor=None, action="enterprise.update", target=cast.enterprise_a, after={"headcount": 2})

    assert audit.verify_chain() is None
    stored = AuditEvent.objects.filter(action="light.compute").order_by("id")
    assert [(e.object_id, e.object_repr, e.before, e.after) for e in stored] == [
        (e.object_id, e.object_repr, e.before, e.after) for e in entries
    ]
    assert len({e.hash for e in stored}) == 4


def test_equal_values_in_distinct_objects_give_the_same_records_as_one_shared_object(cast):
    def stored_values(entries):
        with transaction.atomic():
            audit.record_entries(actor=None, action="x", entries=entries)
        rows = list(AuditEvent.objects.order_by("-id").values_list("before", "after")[: len(entries)])
        return rows[::-1]

    shared = {"a": [1, "二"]}
    one_object = stored_values([audit.Entry("t.t", str(n), "x", shared, shared) for n in range(3)])
    distinct = stored_values([audit.Entry("t.t", str(n), "x", {"a": [1, "二"]}, {"a": [1, "二"]}) for n in range(3)])
    assert one_object == distinct == [({"a": [1, "二"]}, {"a": [1, "二"]})] * 3
    assert audit.verify_chain() is None


def test_a_changed_event_with_shared_values_is_detected(cast):
    shared = {"light": "green"}
    with transaction.atomic():
        audit.record_entries(
            actor=None,
            action="light.compute",
            entries=[audit.Entry("t.t", str(n), "x", None, shared) for n in range(3)],
        )
    second = AuditEvent.objects.order_by("id")[1]
    AuditEvent.objects.filter(pk=second.pk).update(after={"light": "red"})
    assert audit.verify_chain().pk == second.pk

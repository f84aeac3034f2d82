import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liangpai.core import audit
from liangpai.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _record_three(cast):
    with transaction.atomic():
        for n in range(3):
            audit.record(
                actor=cast.users["city_admin"],
                action="enterprise.update",
                target=cast.enterprise_a,
                before={"headcount": n},
                after={"headcount": n + 1},
                reason=f"第{n}次",
            )


def test_an_untouched_chain_verifies(cast, capsys):
    _record_three(cast)
    assert audit.verify_chain() is None
    call_command("verify_audit")
    assert "共 3 条" in capsys.readouterr().out


def test_editing_any_row_in_the_database_is_detected(cast):
    _record_three(cast)
    middle = AuditEvent.objects.order_by("id")[1]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET reason = %s WHERE id = %s", ["改过", middle.pk])
    assert audit.verify_chain().pk == middle.pk
    with pytest.raises(CommandError, match="与哈希链不符"):
        call_command("verify_audit")


def test_deleting_a_row_in_the_database_is_detected(cast):
    _record_three(cast)
    first = AuditEvent.objects.order_by("id").first()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [first.pk])
    assert audit.verify_chain() is not None


def test_the_application_cannot_update_or_delete_an_event(cast):
    _record_three(cast)
    event = AuditEvent.objects.first()
    event.reason = "改过"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_record_outside_a_transaction_is_refused(cast):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit.record(actor=None, action="x", target=cast.enterprise_a)


def test_bulk_records_continue_the_same_chain(cast):
    _record_three(cast)
    with transaction.atomic():
        audit.record_many(
            actor=None,
            action="enterprise.import",
            changes=[(cast.enterprise_a, None, {"name": "a"}), (cast.enterprise_b, None, {"name": "b"})],
        )
    assert AuditEvent.objects.count() == 5
    assert audit.verify_chain() is None
    assert AuditEvent.objects.order_by("-id").first().actor_label == "系统"


# --- bulk records without model instances (record_entries) ------------------------------------

JSON_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=12)
JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**53), 2**53), JSON_TEXT)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(JSON_TEXT, children, max_size=4),
    max_leaves=12,
)
VALUES = st.none() | st.dictionaries(JSON_TEXT, JSON_VALUES, max_size=6)
ENTRIES = st.builds(
    audit.Entry,
    object_type=st.sampled_from(["enterprises.enterprise", "regions.district"]),
    object_id=st.integers(1, 10**9).map(str),
    object_repr=JSON_TEXT,
    before=VALUES,
    after=VALUES,
)


SHARED = st.fixed_dictionaries(
    {
        "at": JSON_TEXT,
        "actor_id": st.none() | st.integers(1, 10**6),
        "actor_label": JSON_TEXT,
        "action": JSON_TEXT,
        "reason": JSON_TEXT,
    }
)


@given(shared=SHARED, entry=ENTRIES, floats=st.lists(st.floats(allow_nan=False, allow_infinity=False), max_size=3))
def test_the_bulk_payload_is_the_text_digest_hashes(shared, entry, floats):
    after = {**(entry.after or {}), "floats": floats}
    own = {"object_type": entry.object_type, "object_id": entry.object_id, "object_repr": entry.object_repr,
           "before": entry.before, "after": after}  # fmt: skip
    payload = audit._payload_template(shared) % tuple(audit._ENCODE(own[name]) for name in audit._OWN_FIELDS)
    assert payload == json.dumps({**shared, **own}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.lists(ENTRIES, min_size=1, max_size=5), reason=JSON_TEXT)
def test_bulk_entries_continue_the_chain_and_verify(cast, entries, reason):
    with transaction.atomic():
        audit.record(actor=None, action="enterprise.update", target=cast.enterprise_a, after={"headcount": 1})
        assert audit.record_entries(
            actor=cast.users["city_admin"], action="enterprise.create", entries=entries, reason=reason
        ) == len(entries)
        audit.record(actor=None, action="enterprise.update", target=cast.enterprise_a, after={"headcount": 2})
    assert audit.verify_chain() is None
    stored = list(AuditEvent.objects.order_by("-id")[1 : len(entries) + 1])[::-1]
    assert [(e.object_type, e.object_id, e.object_repr, e.before, e.after) for e in stored] == [
        tuple(x) for x in entries
    ]
    assert {(e.actor_id, e.actor_label, e.action, e.reason) for e in stored} == {
        (cast.users["city_admin"].pk, "city_admin", "enterprise.create", reason)
    }


def test_bulk_entries_store_what_the_model_fields_store(cast):
    values = {"name": "甲一机械有限公司", "quote": 'a"b\\c%s', "n": 12, "ok": True, "none": None, "list": [1, "二"]}
    with transaction.atomic():
        by_orm = audit.record(actor=None, action="x", target=cast.enterprise_a, before=values, after=values)
        audit.record_entries(
            actor=None,
            action="x",
            entries=[
                audit.Entry("enterprises.enterprise", str(cast.enterprise_a.pk), "甲一机械有限公司", values, values)
            ],
        )
    raw = AuditEvent.objects.order_by("id").values_list("at", "before", "after", "object_repr", "prev_hash")
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(AuditEvent._meta.db_table)
        cursor.execute(f"SELECT before, after FROM {table} ORDER BY id")
        (orm_before, orm_after), (bulk_before, bulk_after) = cursor.fetchall()
    assert (bulk_before, bulk_after) == (orm_before, orm_after)  # the same text (SQLite) or jsonb (PostgreSQL)
    first, second = raw
    assert second[1:4] == first[1:4]
    assert second[4] == by_orm.hash
    assert audit.verify_chain() is None


def test_record_many_names_objects_in_the_site_language(cast):
    with translation.override("en"), transaction.atomic():
        audit.record_many(actor=None, action="x", changes=[(cast.district_a, None, {"name": "甲一片"})])
    assert AuditEvent.objects.get().object_repr == audit._repr(cast.district_a)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bulk_entries_outside_a_transaction_are_refused(cast):
    entry = audit.Entry("enterprises.enterprise", "1", "x", None, {})
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit.record_entries(actor=None, action="x", entries=[entry])
    assert audit.record_entries(actor=None, action="x", entries=[]) == 0


def test_changes_keep_only_what_changed():
    before = {"name": "甲", "headcount": 10, "note": ""}
    after = {"name": "甲", "headcount": 12, "note": "", "town": "乙镇"}
    assert audit.changes(before, after) == ({"headcount": 10, "town": None}, {"headcount": 12, "town": "乙镇"})
    assert audit.changes(after, dict(after)) == ({}, {})

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

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


@pytest.mark.django_db(transaction=True)
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

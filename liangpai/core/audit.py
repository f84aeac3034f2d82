"""The one way to record who changed what and why (SECURITY.md T8).

`record()` must be called inside the transaction that makes the change, so a change
never lands without its record. Rows form a hash chain: each hash covers the previous
one, and `verify_chain()` finds the first row that does not fit.
"""

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone, translation

from liangpai.core.models import AuditEvent

GENESIS = "0" * 64
_LOCK_KEY = 7_401_352  # arbitrary, fixed: the advisory lock that serialises the chain on PostgreSQL


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Model):
        return value.pk
    return value


def _repr(target: Model) -> str:
    """How `target` is described in the record: in the site's language, whatever the user's
    interface language (a role or a member's title would otherwise be stored in English)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(target)[:200]


def _digest(prev_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
    }


def record(
    *,
    actor: Any,
    action: str,
    target: Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one audit event for a change to `target` made by `actor` (a user, or None for the system)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must run inside the transaction of the change it records")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        at=timezone.now(),
        actor=actor_obj,
        actor_label=str(actor_obj.get_username()) if actor_obj else "系统",
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        object_repr=_repr(target),
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        reason=reason,
        prev_hash=last or GENESIS,
    )
    event.hash = _digest(event.prev_hash, _hashed_fields(event))
    event.save()
    return event


def verify_chain(batch_size: int = 2000) -> AuditEvent | None:
    """The first event whose hash or link does not fit the chain, or None when intact."""
    prev = GENESIS
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != prev or event.hash != _digest(event.prev_hash, _hashed_fields(event)):
            return event
        prev = event.hash
    return None


def snapshot(obj: Model, fields: list[str]) -> dict[str, Any]:
    """The values of `fields` on `obj`, ready to store as `before` or `after`."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def record_many(
    *,
    actor: Any,
    action: str,
    changes: list[tuple[Model, dict[str, Any] | None, dict[str, Any] | None]],
    reason: str = "",
) -> int:
    """Append one audit event per (target, before, after), chained, in one bulk insert.

    For bulk operations such as imports: the same guarantees as `record()` without a
    query per row.
    """
    if not changes:
        return 0
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_many() must run inside the transaction of the changes it records")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    label = str(actor_obj.get_username()) if actor_obj else "系统"
    now = timezone.now()
    events = []
    for target, before, after in changes:
        event = AuditEvent(
            at=now,
            actor=actor_obj,
            actor_label=label,
            action=action,
            object_type=target._meta.label_lower,
            object_id=str(target.pk),
            object_repr=_repr(target),
            before=_jsonable(before) if before is not None else None,
            after=_jsonable(after) if after is not None else None,
            reason=reason,
            prev_hash=prev,
        )
        event.hash = prev = _digest(event.prev_hash, _hashed_fields(event))
        events.append(event)
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    return len(events)

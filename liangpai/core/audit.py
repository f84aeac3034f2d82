"""The one way to record who changed what and why (SECURITY.md T8).

`record()` must be called inside the transaction that makes the change, so a change
never lands without its record. Rows form a hash chain: each hash covers the previous
one, and `verify_chain()` finds the first row that does not fit.
"""

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone, translation

from liangpai.core.access import SystemActor
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


#: How a record names an actor that is not a user: the system acting for a command or job.
SYSTEM_LABEL = "系统"


def _actor(actor: Any) -> tuple[Any, str]:
    """The user a record points at (None for the system) and the name it keeps."""
    if isinstance(actor, SystemActor) or actor is None:
        return None, SYSTEM_LABEL
    if not getattr(actor, "is_authenticated", False):
        raise ValueError("an audit record needs a signed-in user or the system actor")
    return actor, str(actor.get_username())


def record(
    *,
    actor: Any,
    action: str,
    target: Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one audit event for a change to `target` made by `actor` (a user, or a `SystemActor`)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must run inside the transaction of the change it records")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    actor_obj, actor_label = _actor(actor)
    event = AuditEvent(
        at=timezone.now(),
        actor=actor_obj,
        actor_label=actor_label,
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


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only what changed, as a record keeps it: (before, after) of the keys of `after` whose value differs.

    A key `before` lacks (a value that did not exist yet) counts as None. Both are empty when nothing changed.
    """
    changed = sorted(k for k in after if after[k] != before.get(k))
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


class Entry(NamedTuple):
    """One change in a bulk write: the object as its record names it, and the values before → after.

    `before` and `after` are ready to store (as `snapshot` returns them): JSON types only.
    """

    object_type: str  # the model's label_lower, e.g. "enterprises.enterprise"
    object_id: str
    object_repr: str  # at most 200 characters, in the site's language
    before: dict[str, Any] | None
    after: dict[str, Any] | None


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
    with translation.override(settings.LANGUAGE_CODE):
        entries = [
            Entry(
                object_type=target._meta.label_lower,
                object_id=str(target.pk),
                object_repr=str(target)[:200],
                before=_jsonable(before) if before is not None else None,
                after=_jsonable(after) if after is not None else None,
            )
            for target, before, after in changes
        ]
    return record_entries(actor=actor, action=action, entries=entries, reason=reason)


#: The fields of `_hashed_fields` that differ between the events of one bulk write, in key order.
#: `record_entries` fills the payload template with these in this (sorted) order.
_OWN_FIELDS = ("after", "before", "object_id", "object_repr", "object_type")
_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode  # as in `_digest`
_encode_basestring = json.encoder.encode_basestring  # what `_ENCODE` does with a str (ensure_ascii=False)


def record_entries(*, actor: Any, action: str, entries: list[Entry], reason: str = "") -> int:
    """`record_many` for changes already described (`Entry`): no model instance needed.

    Each event's hash is `_digest` of its `_hashed_fields`, as `record()` computes it and
    `verify_chain()` checks it; the JSON columns hold what the model fields would store.
    A city's bulk write (a quarter's lights) records up to 100,000 events whose `before` /
    `after` are mostly a few shared dicts: each distinct object is encoded once per call.
    """
    if not entries:
        return 0
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_many() must run inside the transaction of the changes it records")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
    actor_obj, label = _actor(actor)
    actor_id = actor_obj.pk if actor_obj else None
    now = timezone.now()
    shared = {"at": now.isoformat(), "actor_id": actor_id, "actor_label": label, "action": action, "reason": reason}
    template = _payload_template(shared)
    at = AuditEvent._meta.get_field("at").get_db_prep_save(now, connection)
    texts = _Texts(AuditEvent._meta.get_field("after").encoder)
    sha256 = hashlib.sha256
    rows = []
    for object_type, object_id, object_repr, before, after in entries:
        before_hashed, before_stored = texts.of(before)
        after_hashed, after_stored = texts.of(after)
        payload = template % (
            after_hashed,
            before_hashed,
            _encode_str(object_id),
            _encode_str(object_repr),
            _encode_str(object_type),
        )
        digest = sha256((prev + payload).encode()).hexdigest()
        rows.append(
            (
                at,
                actor_id,
                label,
                action,
                object_type,
                object_id,
                object_repr,
                before_stored,
                after_stored,
                reason,
                prev,
                digest,
            )
        )
        prev = digest
    _insert_events(rows)
    return len(rows)


def _encode_str(value: Any) -> str:
    """`_ENCODE` of a string (`object_type`, `object_id`, `object_repr`), without the encoder's dispatch."""
    return _encode_basestring(value) if type(value) is str else _ENCODE(value)


class _Texts:
    """A `before` / `after` value as hashed (`_ENCODE`) and as stored in its JSON column.

    The stored text is what the model field's `get_db_prep_value` sends (`json.dumps` with the
    field's encoder); PostgreSQL parses it into the same jsonb. Values are remembered by
    identity for one call: `record_entries`' `entries` keeps every one of them alive, so an
    id is not reused while it is remembered.
    """

    def __init__(self, encoder: type[json.JSONEncoder] | None) -> None:
        self._encoder = encoder
        self._known: dict[int, tuple[str, str | None]] = {id(None): ("null", None)}

    def of(self, value: Any) -> tuple[str, str | None]:
        known = self._known.get(id(value))
        if known is None:
            known = self._known[id(value)] = (_ENCODE(value), json.dumps(value, cls=self._encoder))
        return known


def _payload_template(shared: dict[str, Any]) -> str:
    """The JSON text `_digest` hashes, with a %s for each of `_OWN_FIELDS`.

    Sorted keys make a JSON object its members in key order, so the members that every
    event of the batch shares are encoded once; filled in with `_ENCODE` of the others,
    the text is the very one `json.dumps(fields, …)` gives in `_digest`.
    """
    members = []
    for key in sorted([*shared, *_OWN_FIELDS]):
        value = "%s" if key in _OWN_FIELDS else _ENCODE(shared[key]).replace("%", "%%")
        members.append(_ENCODE(key) + ":" + value)
    return "{" + ",".join(members) + "}"


_EVENT_COLUMNS = (
    "at", "actor", "actor_label", "action", "object_type", "object_id", "object_repr", "before", "after", "reason",
    "prev_hash", "hash",
)  # fmt: skip


def _insert_events(rows: list[tuple[Any, ...]]) -> None:
    """INSERT the rows (values in `_EVENT_COLUMNS` order, ready for the database) with one
    statement run for each (SQLite), or COPY (PostgreSQL)."""
    meta = AuditEvent._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    concrete = {field.name: field for field in meta.concrete_fields}
    columns = ", ".join(quote(str(concrete[name].column)) for name in _EVENT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The driver's own cursor (COPY is not in Django's); its errors still become Django's.
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        values = ", ".join(["%s"] * len(_EVENT_COLUMNS))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({values})", rows)  # noqa: S608 -- names from model meta

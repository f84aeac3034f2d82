"""Optimistic locking (SECURITY.md T9): a form is saved against the version of the record it showed.

A service locks the row (`select_for_update`), checks the actor, then `check_version`:
the version the form carries must still be the row's, else `Conflict` with the service's
message and nothing is saved. `save_next_version` writes the changed fields with the next
version, on the condition that the version is still the one checked — the row is locked,
so that condition is a last line of defence, not the lock.

A record's version is its `version` column. A record without one (a quarter's light) is
versioned by a digest of what any change alters, given as `version_of`.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model

from liangpai.core.errors import Conflict


def _version_column(record: Any) -> Any:
    return record.version


def check_version(
    record: Model, expected: Any, message: str, *, version_of: Callable[[Any], Any] = _version_column
) -> None:
    """Raise Conflict(`message`) unless `record` (as locked now) is still at the version the form showed."""
    if version_of(record) != expected:
        raise Conflict(message)


def save_next_version(record: Model, *, expected: int, fields: Iterable[str], message: str) -> None:
    """Write `fields` of `record` and raise its version to `expected + 1`, if the stored version is `expected`."""
    values = {name: getattr(record, name) for name in fields}
    updated = (
        type(record)._default_manager.filter(pk=record.pk, version=expected).update(version=expected + 1, **values)
    )
    if updated == 0:
        raise Conflict(message)
    record.version = expected + 1  # type: ignore[attr-defined]

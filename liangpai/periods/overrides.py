"""A light override saved against the light the page showed (SECURITY.md T9).

A quarter's light has no version column: the override page carries `light_state`, a
digest of everything about the light that an override or a closing changes, which is its
version for `core.locking.check_version`. Two people adjusting the same light at once get
one saved adjustment and one conflict, never a silent overwrite. The override itself is
`closing.override_light`, run in the same transaction, under the same row lock.
"""

import datetime
import hashlib
import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from liangpai.core.access import Action, can
from liangpai.core.locking import check_version
from liangpai.lights.models import QuarterLight
from liangpai.periods import closing


def _moment(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def light_state(row: QuarterLight) -> str:
    """A digest of the light as stored: what it is, why, who set it by hand and when it was last computed.

    Any override (even one back to the same colour with another reason) and any closing
    that changes the row change the digest. Publishing does not: `override_light` refuses
    a published light with its own message.
    """
    fields: list[Any] = [
        row.light,
        row.computed_light,
        row.override_reason,
        row.overridden_by_id,
        _moment(row.overridden_at),
        _moment(row.computed_at),
        row.reasons,
    ]
    payload = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def override_seen(
    *, by: Any, light_row: QuarterLight, seen: str, light: str, reason: str, today: datetime.date | None = None
) -> QuarterLight:
    """`closing.override_light`, unless the light changed since the page showed it (`seen`, a `light_state`)."""
    if not can(by, Action.LIGHT_OVERRIDE, light_row.enterprise):
        raise PermissionDenied
    with transaction.atomic():
        current = QuarterLight.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=light_row.pk)
        check_version(
            current,
            seen,
            _("保存失败：在您打开此页面之后，别人已调整或重新计算了这个灯色。请刷新页面查看最新内容后再操作。"),
            version_of=light_state,
        )
        return closing.override_light(by=by, light_row=current, light=light, reason=reason, today=today)

"""Writes to enterprises: one function per use case, each in a transaction with its audit record."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liangpai.core import audit
from liangpai.core.access import Action, can
from liangpai.enterprises.models import Enterprise
from liangpai.enterprises.pinyin import name_initials

#: The fields a user edits; each change to them is audited before → after.
EDITABLE_FIELDS = [
    "name",
    "credit_code",
    "town",
    "district",
    "address",
    "industry",
    "scale",
    "headcount",
    "has_union",
    "union_chair",
    "union_chair_phone",
    "safety_contact",
    "safety_contact_phone",
    "latitude",
    "longitude",
    "status",
]


class ConflictError(Exception):
    """Someone else saved the record after this form was opened (optimistic locking)."""


@dataclass(frozen=True)
class Conflict:
    current_version: int


def _audited_values(e: Enterprise) -> dict[str, Any]:
    values = audit.snapshot(e, [f for f in EDITABLE_FIELDS if f not in ("town", "district", "industry")])
    values.update(town=e.town_id, district=e.district_id, industry=e.industry_id)
    return values


def create_enterprise(*, by: Any, data: dict[str, Any], reason: str = "") -> Enterprise:
    enterprise = Enterprise(**data)
    if not can(by, Action.ENTERPRISE_CREATE, enterprise):
        raise PermissionDenied(_("您无权在该镇/街道登记企业。"))
    enterprise.name_initials = name_initials(enterprise.name)
    enterprise.full_clean()
    with transaction.atomic():
        enterprise.save()
        audit.record(
            actor=by, action="enterprise.create", target=enterprise, after=_audited_values(enterprise), reason=reason
        )
    return enterprise


def update_enterprise(
    *, by: Any, enterprise: Enterprise, data: dict[str, Any], expected_version: int, reason: str = ""
) -> Enterprise:
    """Save changes made on a form opened at `expected_version`; a stale form raises ConflictError."""
    if not can(by, Action.ENTERPRISE_EDIT, enterprise):
        raise PermissionDenied
    with transaction.atomic():
        current = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        before = _audited_values(current)
        for field, value in data.items():
            setattr(current, field, value)
        # Moving an enterprise to another town needs the right in the new town too.
        if not can(by, Action.ENTERPRISE_EDIT, current):
            raise PermissionDenied(_("您无权把企业移到该镇/街道。"))
        current.name_initials = name_initials(current.name)
        current.full_clean()
        after = _audited_values(current)
        changed = {k for k in after if after[k] != before[k]}
        if not changed:
            return current
        updated = Enterprise.objects.filter(pk=current.pk, version=expected_version).update(
            **{f: getattr(current, f) for f in [*data.keys(), "name_initials"]},
            version=expected_version + 1,
            updated_at=timezone.now(),
        )
        if updated == 0:
            raise ConflictError
        current.version = expected_version + 1
        audit.record(
            actor=by,
            action="enterprise.update",
            target=current,
            before={k: before[k] for k in sorted(changed)},
            after={k: after[k] for k in sorted(changed)},
            reason=reason,
        )
    return current

"""Writes to enterprises: one function per use case, each in a transaction with its audit record."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liangpai.core import audit
from liangpai.core.access import Action, can
from liangpai.core.locking import save_next_version
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


_FOREIGN_KEYS = frozenset({"town", "district", "industry"})


def audit_value(enterprise: Enterprise, field: str) -> Any:
    """A field's value as the audit log stores it (related objects by id)."""
    if field in _FOREIGN_KEYS:
        return getattr(enterprise, f"{field}_id")
    return audit.snapshot(enterprise, [field])[field]


def audit_values(enterprise: Enterprise) -> dict[str, Any]:
    """Every editable field as the audit log stores it: the one shape for forms, services and imports."""
    return {field: audit_value(enterprise, field) for field in EDITABLE_FIELDS}


def create_enterprise(*, by: Any, data: dict[str, Any], reason: str = "") -> Enterprise:
    enterprise = Enterprise(**data)
    if not can(by, Action.ENTERPRISE_CREATE, enterprise):
        raise PermissionDenied(_("您无权在该镇/街道登记企业。"))
    enterprise.name_initials = name_initials(enterprise.name)
    enterprise.full_clean()
    with transaction.atomic():
        enterprise.save()
        audit.record(
            actor=by, action="enterprise.create", target=enterprise, after=audit_values(enterprise), reason=reason
        )
    return enterprise


def update_enterprise(
    *, by: Any, enterprise: Enterprise, data: dict[str, Any], expected_version: int, reason: str = ""
) -> Enterprise:
    """Save changes made on a form opened at `expected_version`; a stale form raises Conflict."""
    if not can(by, Action.ENTERPRISE_EDIT, enterprise):
        raise PermissionDenied
    with transaction.atomic():
        current = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        before = audit_values(current)
        for field, value in data.items():
            setattr(current, field, value)
        # Moving an enterprise to another town needs the right in the new town too.
        if not can(by, Action.ENTERPRISE_EDIT, current):
            raise PermissionDenied(_("您无权把企业移到该镇/街道。"))
        current.name_initials = name_initials(current.name)
        current.full_clean()
        after = audit_values(current)
        changed = {k for k in after if after[k] != before[k]}
        if not changed:
            return current
        current.updated_at = timezone.now()
        save_next_version(
            current,
            expected=expected_version,
            fields=[*data.keys(), "name_initials", "updated_at"],
            message=_("保存失败：在您打开此页面之后，别人已修改了这家企业的信息。请刷新页面查看最新内容后再修改。"),
        )
        audit.record(
            actor=by,
            action="enterprise.update",
            target=current,
            before={k: before[k] for k in sorted(changed)},
            after={k: after[k] for k in sorted(changed)},
            reason=reason,
        )
    return current

"""Writes to districts: one function per use case, each in a transaction with its audit record."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from liangpai.core import audit
from liangpai.core.access import Action, can
from liangpai.regions.models import District, Town

DISTRICT_FIELDS = ["name", "sort_order", "town_id"]


def _check_name_free(*, town: Town, name: str, exclude_pk: int | None = None) -> None:
    taken = District.objects.filter(town=town, name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"name": _("%(town)s已有名为“%(name)s”的片区。") % {"town": town.name, "name": name}})


def create_district(*, by: Any, town: Town, name: str, sort_order: int = 0, reason: str = "") -> District:
    if not can(by, Action.ORG_MANAGE, town):
        raise PermissionDenied(_("您无权管理该镇/街道的片区。"))
    district = District(town=town, name=name, sort_order=sort_order)
    try:
        with transaction.atomic():
            _check_name_free(town=town, name=name)
            district.save()
            audit.record(
                actor=by,
                action="district.create",
                target=district,
                after=audit.snapshot(district, DISTRICT_FIELDS),
                reason=reason,
            )
    except IntegrityError as exc:  # the same name saved by someone else a moment ago
        raise ValidationError({"name": _("该名称的片区刚被别人登记，请换一个名称。")}) from exc
    return district


def update_district(*, by: Any, district: District, name: str, sort_order: int, reason: str = "") -> District:
    if not can(by, Action.ORG_MANAGE, district):
        raise PermissionDenied(_("您无权管理该片区。"))
    try:
        with transaction.atomic():
            current = District.objects.select_for_update().select_related("town").get(pk=district.pk)
            before = audit.snapshot(current, DISTRICT_FIELDS)
            if name.lower() != current.name.lower():
                _check_name_free(town=current.town, name=name, exclude_pk=current.pk)
            current.name, current.sort_order = name, sort_order
            old, new = audit.changes(before, audit.snapshot(current, DISTRICT_FIELDS))
            if not new:
                return current
            current.save(update_fields=["name", "sort_order"])
            audit.record(actor=by, action="district.update", target=current, before=old, after=new, reason=reason)
    except IntegrityError as exc:
        raise ValidationError({"name": _("该名称的片区刚被别人登记，请换一个名称。")}) from exc
    return current

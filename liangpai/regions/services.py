"""Writes to the city, its towns and their districts: one function per use case, each in a
transaction with its audit record.

The city and its towns are the city union's configuration (set in the admin); districts are
managed by the city union and each town's union (on the town's page).
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from liangpai.core import audit
from liangpai.core.access import Action, can, check
from liangpai.regions.models import City, District, Town

CITY_FIELDS = ["name", "division_code"]
TOWN_FIELDS = ["city_id", "name", "short_name", "kind", "sort_order"]
DISTRICT_FIELDS = ["name", "sort_order", "town_id"]


def _name_taken() -> ValidationError:
    return ValidationError({"name": _("该名称刚被别人使用，请换一个名称。")})


# --- the city -----------------------------------------------------------------------------


def _check_manages_city(by: Any, city: City) -> None:
    # City.covered_by: only a city-wide grant covers the city, so a town's union may not rename towns.
    check(by, Action.ORG_MANAGE, city, _("只有市总工会可以设置城市及其镇/街道。"))


def _check_city(city: City) -> None:
    errors: dict[str, str] = {}
    if not city.name:
        errors["name"] = _("请填写城市名称。")
    elif City.objects.filter(name=city.name).exclude(pk=city.pk).exists():
        errors["name"] = _("已有名为“%(name)s”的城市。") % {"name": city.name}
    code = city.division_code
    if code and not (len(code) == 6 and code.isascii() and code.isdigit()):
        errors["division_code"] = _("行政区划代码是6位数字，如“330482”。")
    if errors:
        raise ValidationError(errors)


def create_city(*, by: Any, name: str, division_code: str = "", reason: str = "") -> City:
    city = City(name=name.strip(), division_code=division_code.strip())
    _check_manages_city(by, city)
    try:
        with transaction.atomic():
            _check_city(city)
            city.save()
            audit.record(
                actor=by, action="city.create", target=city, after=audit.snapshot(city, CITY_FIELDS), reason=reason
            )
    except IntegrityError as exc:  # the same name saved by someone else a moment ago
        raise _name_taken() from exc
    return city


def update_city(*, by: Any, city: City, name: str, division_code: str, reason: str = "") -> City:
    _check_manages_city(by, city)
    try:
        with transaction.atomic():
            current = City.objects.select_for_update().get(pk=city.pk)
            before = audit.snapshot(current, CITY_FIELDS)
            current.name, current.division_code = name.strip(), division_code.strip()
            old, new = audit.changes(before, audit.snapshot(current, CITY_FIELDS))
            if not new:
                return current
            _check_city(current)
            current.save(update_fields=CITY_FIELDS)
            audit.record(actor=by, action="city.update", target=current, before=old, after=new, reason=reason)
    except IntegrityError as exc:
        raise _name_taken() from exc
    return current


# --- towns --------------------------------------------------------------------------------


def _check_town(town: Town) -> None:
    errors: dict[str, str] = {}
    if not town.name:
        errors["name"] = _("请填写镇/街道名称。")
    elif Town.objects.filter(city_id=town.city_id, name=town.name).exclude(pk=town.pk).exists():
        errors["name"] = _("已有名为“%(name)s”的镇/街道。") % {"name": town.name}
    if not town.short_name:
        errors["short_name"] = _("请填写简称（用于文书编号）。")
    if errors:
        raise ValidationError(errors)
    town.full_clean(validate_unique=False, validate_constraints=False)  # lengths, kind, sort order


def create_town(
    *,
    by: Any,
    city: City,
    name: str,
    short_name: str,
    kind: str = Town.Kind.TOWN,
    sort_order: int = 0,
    reason: str = "",
) -> Town:
    _check_manages_city(by, city)
    town = Town(city=city, name=name.strip(), short_name=short_name.strip(), kind=kind, sort_order=sort_order)
    try:
        with transaction.atomic():
            _check_town(town)
            town.save()
            audit.record(
                actor=by, action="town.create", target=town, after=audit.snapshot(town, TOWN_FIELDS), reason=reason
            )
    except IntegrityError as exc:
        raise _name_taken() from exc
    return town


def update_town(
    *, by: Any, town: Town, name: str, short_name: str, kind: str, sort_order: int, reason: str = ""
) -> Town:
    """Rename or reorder a town. Its short name numbers its documents, so a change is recorded like any other."""
    try:
        with transaction.atomic():
            current = Town.objects.select_for_update().select_related("city").get(pk=town.pk)
            _check_manages_city(by, current.city)
            before = audit.snapshot(current, TOWN_FIELDS)
            current.name, current.short_name = name.strip(), short_name.strip()
            current.kind, current.sort_order = kind, sort_order
            old, new = audit.changes(before, audit.snapshot(current, TOWN_FIELDS))
            if not new:
                return current
            _check_town(current)
            current.save(update_fields=["name", "short_name", "kind", "sort_order"])
            audit.record(actor=by, action="town.update", target=current, before=old, after=new, reason=reason)
    except IntegrityError as exc:
        raise _name_taken() from exc
    return current


# --- districts ----------------------------------------------------------------------------


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


def delete_district(*, by: Any, district: District, reason: str = "") -> None:
    """Remove a district entered by mistake: one that no enterprise is in and no group covers."""
    if not can(by, Action.ORG_MANAGE, district):
        raise PermissionDenied(_("您无权管理该片区。"))
    with transaction.atomic():
        current = District.objects.select_for_update().select_related("town").get(pk=district.pk)
        # Deleting would silently take the district off its groups, and their members' scope with it.
        if current.groups.exists():
            raise ValidationError(
                _("片区“%(name)s”仍由代表小组负责，请先在代表小组中去掉这个片区。") % {"name": current.name}
            )
        audit.record(
            actor=by,
            action="district.delete",
            target=current,
            before=audit.snapshot(current, DISTRICT_FIELDS),
            reason=reason,
        )
        try:
            current.delete()
        except ProtectedError as exc:  # enterprises are registered in it
            raise ValidationError(_("片区“%(name)s”中还有企业，不能删除。") % {"name": current.name}) from exc

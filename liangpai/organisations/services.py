"""Writes to union bodies and emergency offices, representative groups, their members and experts.

One function per use case, each in a transaction: access check (`can`), validation, save,
audit record with before → after (only the fields that changed) and the reason given.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from liangpai.core import audit
from liangpai.core.access import Action, can, check
from liangpai.core.errors import Conflict
from liangpai.enterprises.models import Industry
from liangpai.organisations.models import Body, Expert, GroupMember, RepresentativeGroup
from liangpai.regions.models import District, Town

BODY_FIELDS = ["kind", "name", "town_id", "head", "phone", "address"]
GROUP_FIELDS = ["town_id", "name", "is_active", "note"]
MEMBER_FIELDS = ["name", "role", "work_unit", "phone"]
EXPERT_FIELDS = ["name", "employer", "title", "phone", "is_active"]


def _pks(objs: Iterable[Any]) -> list[int]:
    return sorted(o.pk for o in objs)


def _link_account(*, by: Any, row: GroupMember | Expert, user: Any, action: str, reason: str) -> None:
    """Link `row` to the sign-in account `user` (None: unlink), recorded as `action`; nothing when it is already.

    The caller has checked access. The account's roles are granted apart, in accounts.
    """
    user_id = user.pk if user is not None else None
    current = type(row)._default_manager.select_for_update().get(pk=row.pk)
    if current.user_id == user_id:
        return
    before = {"user": current.user_id}
    current.user_id = user_id
    current.save(update_fields=["user"])
    audit.record(actor=by, action=action, target=current, before=before, after={"user": user_id}, reason=reason)


# --- union bodies and emergency offices ------------------------------------------------------


def _check_manages_body(by: Any, body: Body) -> None:
    check(by, Action.ORG_MANAGE, body, _("您无权管理该机构。"))


def _check_body(body: Body) -> None:
    errors: dict[str, str] = {}
    if not body.name:
        errors["name"] = _("请填写机构名称。")
    elif Body.objects.filter(name=body.name).exclude(pk=body.pk).exists():
        errors["name"] = _("已有名为“%(name)s”的机构。") % {"name": body.name}
    # The database's body_town_matches_kind, said in words the form can show.
    if body.kind in Body.CITY_KINDS and body.town_id is not None:
        errors["town"] = _("市级机构不属于某个镇/街道，请不要选择镇/街道。")
    elif body.kind not in Body.CITY_KINDS and body.town_id is None:
        errors["town"] = _("请选择该机构所在的镇/街道。")
    if errors:
        raise ValidationError(errors)
    body.full_clean(validate_unique=False, validate_constraints=False)  # kind, lengths


def create_body(
    *,
    by: Any,
    kind: str,
    name: str,
    town: Town | None = None,
    head: str = "",
    phone: str = "",
    address: str = "",
    reason: str = "",
) -> Body:
    body = Body(
        kind=kind, name=name.strip(), town=town, head=head.strip(), phone=phone.strip(), address=address.strip()
    )
    _check_manages_body(by, body)
    try:
        with transaction.atomic():
            _check_body(body)
            body.save()
            audit.record(
                actor=by, action="body.create", target=body, after=audit.snapshot(body, BODY_FIELDS), reason=reason
            )
    except IntegrityError as exc:
        raise _name_taken() from exc
    return body


def update_body(
    *,
    by: Any,
    body: Body,
    kind: str,
    name: str,
    town: Town | None,
    head: str,
    phone: str,
    address: str,
    reason: str = "",
) -> Body:
    try:
        with transaction.atomic():
            current = Body.objects.select_for_update().get(pk=body.pk)
            _check_manages_body(by, current)
            before = audit.snapshot(current, BODY_FIELDS)
            current.kind, current.name, current.town = kind, name.strip(), town
            current.head, current.phone, current.address = head.strip(), phone.strip(), address.strip()
            _check_manages_body(by, current)  # a town's union moves no body out of its town, nor into the city's
            old, new = audit.changes(before, audit.snapshot(current, BODY_FIELDS))
            if not new:
                return current
            _check_body(current)
            current.save()
            audit.record(actor=by, action="body.update", target=current, before=old, after=new, reason=reason)
    except IntegrityError as exc:
        raise _name_taken() from exc
    return current


def delete_body(*, by: Any, body: Body, reason: str = "") -> None:
    with transaction.atomic():
        current = Body.objects.select_for_update().get(pk=body.pk)
        _check_manages_body(by, current)
        audit.record(
            actor=by, action="body.delete", target=current, before=audit.snapshot(current, BODY_FIELDS), reason=reason
        )
        current.delete()


# --- representative groups --------------------------------------------------------------


def _group_state(group: RepresentativeGroup) -> dict[str, Any]:
    return {**audit.snapshot(group, GROUP_FIELDS), "districts": _pks(group.districts.all())}


def _check_group(*, town: Town, name: str, districts: list[District], exclude_pk: int | None = None) -> None:
    errors: dict[str, str] = {}
    foreign = [d for d in districts if d.town_id != town.pk]
    if foreign:
        names = pgettext("list separator", "、").join(f"“{d.name}”" for d in foreign)
        errors["districts"] = _("片区%(names)s不属于%(town)s：代表小组只能负责本镇/街道的片区。") % {
            "names": names,
            "town": town.name,
        }
    same_name = RepresentativeGroup.objects.filter(town=town, name=name)
    if exclude_pk is not None:
        same_name = same_name.exclude(pk=exclude_pk)
    if same_name.exists():
        errors["name"] = _("%(town)s已有名为“%(name)s”的代表小组。") % {"town": town.name, "name": name}
    if errors:
        raise ValidationError(errors)


def _name_taken() -> ValidationError:
    return ValidationError({"name": _("该名称刚被别人使用，请换一个名称。")})


def create_group(
    *,
    by: Any,
    town: Town,
    name: str,
    districts: Iterable[District] = (),
    is_active: bool = True,
    note: str = "",
    reason: str = "",
) -> RepresentativeGroup:
    if not can(by, Action.ORG_MANAGE, town):
        raise PermissionDenied(_("您无权在该镇/街道设立代表小组。"))
    districts = list(districts)
    group = RepresentativeGroup(town=town, name=name, is_active=is_active, note=note)
    try:
        with transaction.atomic():
            _check_group(town=town, name=name, districts=districts)
            group.save()
            group.districts.set(districts)
            audit.record(actor=by, action="group.create", target=group, after=_group_state(group), reason=reason)
    except IntegrityError as exc:
        raise _name_taken() from exc
    return group


def update_group(
    *,
    by: Any,
    group: RepresentativeGroup,
    town: Town,
    name: str,
    districts: Iterable[District],
    is_active: bool,
    note: str,
    reason: str = "",
) -> RepresentativeGroup:
    if not can(by, Action.ORG_MANAGE, group):
        raise PermissionDenied(_("您无权管理该代表小组。"))
    if town.pk != group.town_id and not can(by, Action.ORG_MANAGE, town):
        raise PermissionDenied(_("您无权把代表小组移到该镇/街道。"))
    districts = list(districts)
    try:
        with transaction.atomic():
            current = RepresentativeGroup.objects.select_for_update().get(pk=group.pk)
            before = _group_state(current)
            _check_group(town=town, name=name, districts=districts, exclude_pk=current.pk)
            current.town, current.name, current.is_active, current.note = town, name, is_active, note
            after = {**audit.snapshot(current, GROUP_FIELDS), "districts": _pks(districts)}
            old, new = audit.changes(before, after)
            if not new:
                return current
            current.save()
            current.districts.set(districts)
            audit.record(actor=by, action="group.update", target=current, before=old, after=new, reason=reason)
    except IntegrityError as exc:
        raise _name_taken() from exc
    return current


def delete_group(*, by: Any, group: RepresentativeGroup, reason: str = "") -> None:
    """Delete a group set up by mistake, with its members. A group whose roles are still granted
    is refused: deleting it would take those users' roles away unrecorded."""
    if not can(by, Action.ORG_MANAGE, group):
        raise PermissionDenied(_("您无权管理该代表小组。"))
    with transaction.atomic():
        current = RepresentativeGroup.objects.select_for_update().get(pk=group.pk)
        if current.memberships.exists():
            raise ValidationError(
                _("还有用户持有“%(name)s”的组长或成员角色，请先由系统管理员撤销这些角色。") % {"name": current.name}
            )
        members = [{"id": m.pk, "name": m.name, "role": m.role} for m in current.members.all()]
        audit.record(
            actor=by,
            action="group.delete",
            target=current,
            before={**_group_state(current), "members": members},
            reason=reason,
        )
        try:
            current.delete()
        except ProtectedError as exc:  # records of the program refer to it
            raise ValidationError(
                _("“%(name)s”已有工作记录，不能删除；可以把它设为不在用。") % {"name": current.name}
            ) from exc


# --- members ----------------------------------------------------------------------------


def add_member(
    *, by: Any, group: RepresentativeGroup, name: str, work_unit: str = "", phone: str = "", reason: str = ""
) -> GroupMember:
    if not can(by, Action.ORG_MANAGE, group):
        raise PermissionDenied(_("您无权管理该代表小组。"))
    member = GroupMember(group=group, name=name, work_unit=work_unit, phone=phone, role=GroupMember.Role.MEMBER)
    with transaction.atomic():
        member.save()
        audit.record(
            actor=by,
            action="group_member.create",
            target=member,
            after={**audit.snapshot(member, MEMBER_FIELDS), "group": group.pk},
            reason=reason,
        )
    return member


def update_member(
    *,
    by: Any,
    member: GroupMember,
    expected_version: int,
    name: str,
    work_unit: str,
    phone: str,
    reason: str = "",
) -> GroupMember:
    """Save a member as the form opened at `expected_version` left them.

    A stale form (someone saved the member since it was opened) raises Conflict and
    changes nothing; one that changes nothing is no overwrite, and is let through.
    """
    if not can(by, Action.ORG_MANAGE, member.group):
        raise PermissionDenied(_("您无权管理该代表小组。"))
    with transaction.atomic():
        current = GroupMember.objects.select_for_update().get(pk=member.pk)
        before = audit.snapshot(current, MEMBER_FIELDS)
        current.name, current.work_unit, current.phone = name, work_unit, phone
        old, new = audit.changes(before, audit.snapshot(current, MEMBER_FIELDS))
        if new:
            if current.version != expected_version:
                raise Conflict(
                    _("保存失败：在您打开此页面之后，别人已修改了这位成员的信息。请刷新页面查看最新内容后再修改。")
                )
            current.version = expected_version + 1
            current.save(update_fields=["name", "work_unit", "phone", "version"])
            audit.record(actor=by, action="group_member.update", target=current, before=old, after=new, reason=reason)
    return current


def remove_member(*, by: Any, member: GroupMember, reason: str = "") -> None:
    """Take a member off the group. Their user account and roles are not touched."""
    if not can(by, Action.ORG_MANAGE, member.group):
        raise PermissionDenied(_("您无权管理该代表小组。"))
    with transaction.atomic():
        audit.record(
            actor=by,
            action="group_member.delete",
            target=member,
            before={**audit.snapshot(member, MEMBER_FIELDS), "group": member.group_id},
            reason=reason,
        )
        member.delete()


def set_leader(*, by: Any, member: GroupMember, reason: str = "") -> GroupMember:
    """Make `member` the group's leader; the previous leader, if any, becomes a member.

    The database allows one leader per group (a partial unique constraint), so the previous
    leader is stepped down first, in the same transaction.
    """
    group = member.group
    if not can(by, Action.ORG_MANAGE, group):
        raise PermissionDenied(_("您无权管理该代表小组。"))
    try:
        with transaction.atomic():
            current = GroupMember.objects.select_for_update().get(pk=member.pk)
            if current.role == GroupMember.Role.LEADER:
                return current
            previous = list(group.members.select_for_update().filter(role=GroupMember.Role.LEADER))
            for old in previous:
                old.role = GroupMember.Role.MEMBER
                old.save(update_fields=["role"])
            current.role = GroupMember.Role.LEADER
            current.save(update_fields=["role"])
            audit.record(
                actor=by,
                action="group.set_leader",
                target=group,
                before={"leader": [{"id": m.pk, "name": m.name} for m in previous]},
                after={"leader": [{"id": current.pk, "name": current.name}]},
                reason=reason,
            )
    except IntegrityError as exc:  # another leader was set at the same moment
        raise ValidationError(_("组长刚被别人更改，请刷新页面后再试。")) from exc
    return current


def link_member_account(*, by: Any, member: GroupMember, user: Any, reason: str = "") -> GroupMember:
    """Link a member to their sign-in account (`user`; None unlinks). Their roles are granted apart."""
    if not can(by, Action.ORG_MANAGE, member.group):
        raise PermissionDenied(_("您无权管理该代表小组。"))
    with transaction.atomic():
        _link_account(by=by, row=member, user=user, action="group_member.link_account", reason=reason)
    return GroupMember.objects.get(pk=member.pk)


# --- experts ----------------------------------------------------------------------------


def _expert_state(expert: Expert, *, specialities: Iterable[Industry], towns: Iterable[Town]) -> dict[str, Any]:
    return {**audit.snapshot(expert, EXPERT_FIELDS), "specialities": _pks(specialities), "towns": _pks(towns)}


def _check_towns(by: Any, towns: list[Town]) -> set[int]:
    """The towns `by` may invite to; inviting to any other town is refused."""
    manageable = set(Town.objects.visible_to(by, Action.ORG_MANAGE).values_list("pk", flat=True))
    outside = [t for t in towns if t.pk not in manageable]
    if outside:
        names = pgettext("list separator", "、").join(t.name for t in outside)
        raise ValidationError({"towns": _("您不能代表%(names)s邀请专家。") % {"names": names}})
    return manageable


def create_expert(
    *,
    by: Any,
    name: str,
    employer: str = "",
    title: str = "",
    phone: str = "",
    specialities: Iterable[Industry] = (),
    towns: Iterable[Town] = (),
    is_active: bool = True,
    reason: str = "",
) -> Expert:
    if not can(by, Action.ORG_MANAGE):
        raise PermissionDenied(_("您无权登记专家。"))
    specialities, towns = list(specialities), list(towns)
    _check_towns(by, towns)
    expert = Expert(name=name, employer=employer, title=title, phone=phone, is_active=is_active)
    with transaction.atomic():
        expert.save()
        expert.specialities.set(specialities)
        expert.towns.set(towns)
        # A town office sees the experts its town invited: one it could not see is a mistake.
        if not can(by, Action.ORG_MANAGE, expert):
            raise ValidationError({"towns": _("请至少选择一个受邀镇/街道，否则您将看不到这位专家。")})
        audit.record(
            actor=by,
            action="expert.create",
            target=expert,
            after=_expert_state(expert, specialities=specialities, towns=towns),
            reason=reason,
        )
    return expert


def update_expert(
    *,
    by: Any,
    expert: Expert,
    name: str,
    employer: str,
    title: str,
    phone: str,
    specialities: Iterable[Industry],
    towns: Iterable[Town],
    is_active: bool,
    reason: str = "",
) -> Expert:
    """`towns` are the invitations `by` makes; invitations by towns outside their scope are kept."""
    if not can(by, Action.ORG_MANAGE, expert):
        raise PermissionDenied(_("您无权管理该专家。"))
    specialities, towns = list(specialities), list(towns)
    manageable = _check_towns(by, towns)
    with transaction.atomic():
        current = Expert.objects.select_for_update().get(pk=expert.pk)
        old_specialities, old_towns = list(current.specialities.all()), list(current.towns.all())
        before = _expert_state(current, specialities=old_specialities, towns=old_towns)
        kept = [t for t in old_towns if t.pk not in manageable]
        new_towns = kept + towns
        current.name, current.employer, current.title = name, employer, title
        current.phone, current.is_active = phone, is_active
        old, new = audit.changes(before, _expert_state(current, specialities=specialities, towns=new_towns))
        if not new:
            return current
        current.save()
        current.specialities.set(specialities)
        current.towns.set(new_towns)
        audit.record(actor=by, action="expert.update", target=current, before=old, after=new, reason=reason)
    return current


def link_expert_account(*, by: Any, expert: Expert, user: Any, reason: str = "") -> Expert:
    """Link an expert to their sign-in account (`user`; None unlinks): with it, the expert sees their
    own profile. The account's expert role is granted apart."""
    if not can(by, Action.ORG_MANAGE, expert):
        raise PermissionDenied(_("您无权管理该专家。"))
    with transaction.atomic():
        _link_account(by=by, row=expert, user=user, action="expert.link_account", reason=reason)
    return Expert.objects.get(pk=expert.pk)

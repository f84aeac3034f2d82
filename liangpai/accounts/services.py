"""Writes to sign-in accounts: users, their role grants, sign-in locks and second factors.

These are the system administrator's (`core.access.is_system_admin`), made in the admin. One
function per use case, each in a transaction: access check, validation, save, audit record with
before → after (only what changed) and the reason given. A password is never recorded, only
that it was set or changed.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from liangpai.accounts import lockout
from liangpai.accounts.models import LoginLock, Membership, User
from liangpai.core import audit
from liangpai.core.access import check_system_admin
from liangpai.enterprises.models import Enterprise
from liangpai.organisations.models import RepresentativeGroup
from liangpai.regions.models import Town

USER_FIELDS = ["username", "full_name", "phone", "email", "is_active", "is_staff", "is_superuser"]

# What a record says of a password (markers, never the password).
PASSWORD_SET = "（已设置）"  # noqa: S105 -- a marker
PASSWORD_CHANGED = "（已修改）"  # noqa: S105 -- as the self-service page (accounts.views) records it
PASSWORD_DISABLED = "（已停用密码登录）"  # noqa: S105 -- a marker


def _check_access(by: Any) -> None:
    check_system_admin(by, _("只有系统管理员可以管理用户账号及其角色。"))


def _pks(rows: Iterable[Any]) -> list[int]:
    return sorted(row.pk for row in rows)


# --- users --------------------------------------------------------------------------------


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc


def create_user(
    *,
    by: Any,
    username: str,
    password: str | None,
    full_name: str = "",
    phone: str = "",
    email: str = "",
    reason: str = "",
) -> User:
    """A new account. `password` None: it cannot sign in with a password until one is set."""
    _check_access(by)
    user = User(username=User.normalize_username(username), full_name=full_name, phone=phone, email=email)
    user.full_clean(exclude=["password"])  # the username's rules, and that it is free
    if password is None:
        user.set_unusable_password()
    else:
        _validate_password(password, user)
        user.set_password(password)
    with transaction.atomic():
        user.save()
        audit.record(
            actor=by,
            action="user.create",
            target=user,
            after={
                **audit.snapshot(user, USER_FIELDS),
                "password": PASSWORD_SET if password is not None else PASSWORD_DISABLED,
            },
            reason=reason,
        )
    return user


def update_user(
    *,
    by: Any,
    user: User,
    username: str,
    full_name: str,
    phone: str,
    email: str,
    is_active: bool,
    is_staff: bool,
    is_superuser: bool,
    groups: Iterable[Group],
    user_permissions: Iterable[Permission],
    reason: str = "",
) -> User:
    """Change an account's details, status and Django permissions (its roles: `grant_role`, `revoke_role`)."""
    _check_access(by)
    groups, user_permissions = list(groups), list(user_permissions)
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        before = {
            **audit.snapshot(current, USER_FIELDS),
            "groups": _pks(current.groups.all()),
            "user_permissions": _pks(current.user_permissions.all()),
        }
        current.username, current.full_name = User.normalize_username(username), full_name
        current.phone, current.email = phone, email
        current.is_active, current.is_staff, current.is_superuser = is_active, is_staff, is_superuser
        if current.pk == getattr(by, "pk", None) and not (is_active and is_superuser):
            # Another system administrator must do it: this one could not undo it.
            raise ValidationError(_("不能停用自己的账号或取消自己的超级用户身份，请由另一位系统管理员操作。"))
        after = {
            **audit.snapshot(current, USER_FIELDS),
            "groups": _pks(groups),
            "user_permissions": _pks(user_permissions),
        }
        old, new = audit.changes(before, after)
        if not new:
            return current
        current.full_clean(exclude=["password"])
        current.save()
        current.groups.set(groups)
        current.user_permissions.set(user_permissions)
        audit.record(actor=by, action="user.update", target=current, before=old, after=new, reason=reason)
    return current


def set_password(*, by: Any, user: User, password: str | None, reason: str = "") -> User:
    """Set an account's password (None: the account may no longer sign in with a password)."""
    _check_access(by)
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        if password is None:
            current.set_unusable_password()
        else:
            _validate_password(password, current)
            current.set_password(password)
        current.save(update_fields=["password"])
        marker = PASSWORD_CHANGED if password is not None else PASSWORD_DISABLED
        audit.record(actor=by, action="user.update", target=current, after={"password": marker}, reason=reason)
    return current


# --- role grants --------------------------------------------------------------------------


def membership_values(m: Membership) -> dict[str, Any]:
    """A grant as its records keep it."""
    return {"user": m.user_id, "role": m.role, "town": m.town_id, "group": m.group_id, "enterprise": m.enterprise_id}


def grant_role(
    *,
    by: Any,
    user: User,
    role: str,
    town: Town | None = None,
    group: RepresentativeGroup | None = None,
    enterprise: Enterprise | None = None,
    reason: str = "",
) -> Membership:
    """Give `user` a role over its scope: the city (no scope), a town, a group or an enterprise."""
    _check_access(by)
    membership = Membership(user=user, role=role, town=town, group=group, enterprise=enterprise)
    membership.full_clean()  # a known role, and the scope its kind of role takes (membership_scope_matches_role)
    with transaction.atomic():
        if Membership.objects.filter(user=user, role=role, town=town, group=group, enterprise=enterprise).exists():
            raise ValidationError(_("该用户已有这个角色。"))
        membership.save()
        audit.record(
            actor=by, action="role.grant", target=membership, after=membership_values(membership), reason=reason
        )
    return membership


def revoke_role(*, by: Any, membership: Membership, reason: str = "") -> None:
    """Take a role back. The record names the user: the grant itself is gone."""
    _check_access(by)
    with transaction.atomic():
        current = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
        audit.record(
            actor=by, action="role.revoke", target=current.user, before=membership_values(current), reason=reason
        )
        current.delete()


# --- sign-in locks and second factors ------------------------------------------------------


def unlock_logins(*, by: Any, usernames: list[str], reason: str = "") -> list[LoginLock]:
    """End the active sign-in locks of `usernames` now (`lockout.unlock` records each)."""
    _check_access(by)
    return lockout.unlock(by=by, usernames=usernames, reason=reason)


def remove_otp_device(*, by: Any, device: TOTPDevice, reason: str = "") -> None:
    """Delete an admin's authenticator (a lost phone): its owner enrols a new one at the next admin visit."""
    _check_access(by)
    with transaction.atomic():
        current = TOTPDevice.objects.select_for_update().select_related("user").get(pk=device.pk)
        audit.record(
            actor=by,
            action="user.otp_remove",
            target=current.user,
            before={"otp_device": current.pk, "name": current.name},
            reason=reason,
        )
        current.delete()

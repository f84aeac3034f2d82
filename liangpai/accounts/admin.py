"""Users and their role memberships are managed in the admin; every change is audited."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from liangpai.accounts import lockout
from liangpai.accounts.models import LoginLock, Membership, User
from liangpai.core import audit

_USER_FIELDS = ["username", "full_name", "phone", "email", "is_active", "is_staff", "is_superuser"]
_ADMIN_REASON = "系统管理后台"


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    fields = ["role", "town", "group", "enterprise", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["enterprise"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "roles", "is_active", "is_staff", "last_login", "locked_until"]
    list_filter = ["is_active", "is_staff", "memberships__role"]
    search_fields = ["username", "full_name", "phone"]
    inlines = [MembershipInline]
    actions = ["unlock_login"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "phone", "email")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )

    def get_queryset(self, request: HttpRequest) -> Any:
        active_lock = LoginLock.objects.filter(
            username=OuterRef("username"), until__gt=timezone.now(), ended_at__isnull=True
        ).order_by("-until")
        return (
            super()
            .get_queryset(request)
            .prefetch_related("memberships")
            .annotate(locked_until=Subquery(active_lock.values("until")[:1]))
        )

    @admin.display(description=_("登录锁定至"))
    def locked_until(self, obj: User) -> str:
        until = getattr(obj, "locked_until", None)
        return timezone.localtime(until).strftime("%Y-%m-%d %H:%M") if until else "—"

    @admin.action(description=_("解除所选用户的登录锁定"), permissions=["change"])
    def unlock_login(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        usernames = list(queryset.values_list("username", flat=True))
        ended = lockout.unlock(by=request.user, usernames=usernames, reason=_ADMIN_REASON)  # type: ignore[arg-type]
        if ended:
            self.message_user(request, gettext("已解除 %(count)d 个用户的登录锁定。") % {"count": len(ended)})
        else:
            self.message_user(request, gettext("所选用户没有被锁定。"), level=messages.WARNING)

    @admin.display(description=pgettext_lazy("plural", "角色"))
    def roles(self, obj: User) -> str:
        return pgettext("list separator", "、").join(m.get_role_display() for m in obj.memberships.all()) or "—"

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        before = None
        if change:
            before = audit.snapshot(User.objects.get(pk=obj.pk), _USER_FIELDS)
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            after = audit.snapshot(obj, _USER_FIELDS)
            if "password" in form.changed_data:
                after["password"] = "（已修改）"  # noqa: S105 -- a marker, never the password
            if before != after:
                audit.record(
                    actor=request.user,
                    action="user.update" if change else "user.create",
                    target=obj,
                    before=before,
                    after=after,
                    reason=_ADMIN_REASON,
                )

    def save_formset(self, request: HttpRequest, form: Any, formset: BaseInlineFormSet, change: bool) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            for m in formset.new_objects:
                audit.record(
                    actor=request.user, action="role.grant", target=m, after=_membership_values(m), reason=_ADMIN_REASON
                )
            for m, _fields in formset.changed_objects:
                audit.record(
                    actor=request.user,
                    action="role.change",
                    target=m,
                    after=_membership_values(m),
                    reason=_ADMIN_REASON,
                )
            for m in formset.deleted_objects:  # already deleted: the instance keeps its values
                audit.record(
                    actor=request.user,
                    action="role.revoke",
                    target=form.instance,
                    before=_membership_values(m),
                    reason=_ADMIN_REASON,
                )


def _membership_values(m: Membership) -> dict[str, Any]:
    return {"user": m.user_id, "role": m.role, "town": m.town_id, "group": m.group_id, "enterprise": m.enterprise_id}


@admin.register(LoginLock)
class LoginLockAdmin(admin.ModelAdmin[LoginLock]):
    """The record of locks (read only): they are made by failed sign-ins and ended by the unlock action."""

    list_display = ["username", "locked_at", "until", "failures", "ip_address", "ended_at", "ended_by"]
    list_filter = ["locked_at"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "locked_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: LoginLock | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: LoginLock | None = None) -> bool:
        return False


class TOTPDeviceAdmin(admin.ModelAdmin[TOTPDevice]):
    """Admins' authenticator apps: listed without their secrets, and deleted (audited) when a phone is
    lost, so that its owner enrols again. Devices are only ever made by their owner's enrolment."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__full_name"]
    list_select_related = ["user"]
    fields = readonly_fields = ("user", "name", "confirmed", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TOTPDevice | None = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: TOTPDevice) -> None:
        with transaction.atomic():
            _record_device_removal(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[TOTPDevice]) -> None:
        with transaction.atomic():
            for device in queryset.select_related("user"):
                _record_device_removal(request, device)
            super().delete_queryset(request, queryset)


def _record_device_removal(request: HttpRequest, device: TOTPDevice) -> None:
    audit.record(
        actor=request.user,
        action="user.otp_remove",
        target=device.user,
        before={"otp_device": device.pk, "name": device.name},
        reason=_ADMIN_REASON,
    )


# django-otp registers an admin that shows each device's secret; this one replaces it.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, TOTPDeviceAdmin)

"""Users and their role memberships are managed in the admin; every change is audited."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from liangpai.accounts.models import Membership, User
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
    list_display = ["username", "full_name", "roles", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "memberships__role"]
    search_fields = ["username", "full_name", "phone"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "phone", "email")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("memberships")

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

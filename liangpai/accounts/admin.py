"""Users, their role grants, sign-in locks and admins' authenticators, in the admin.

Every change is a call to `accounts.services` (the system administrator's), which checks access
and writes the audit record.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_totp.models import TOTPDevice

from liangpai.accounts import services
from liangpai.accounts.models import LoginLock, Membership, User
from liangpai.core.admin import (
    ADMIN_DEFAULT_REASON,
    ReadOnlyAdmin,
    ServiceAdmin,
    ServiceRefused,
    call_service,
    refusal_text,
)

_USER_FIELDS = ("username", "full_name", "phone", "email", "is_active", "is_staff", "is_superuser")


class MembershipInline(admin.TabularInline[Membership, User]):
    """The user's roles: a new row grants one, a row marked for deletion revokes it. A grant is not
    edited in place: a new scope is a new grant, recorded as such."""

    model = Membership
    extra = 0
    fields = ["role", "town", "group", "enterprise", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["enterprise"]

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(ServiceAdmin[User], BaseUserAdmin):
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
    # Kept by sign-in itself; an account is deactivated, never deleted, so that its records keep their author.
    readonly_fields = ["last_login", "date_joined"]

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

    def get_form(self, request: HttpRequest, obj: User | None = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs.setdefault("form", self.add_form)  # Django's: a username and a password to set
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.display(description=_("登录锁定至"))
    def locked_until(self, obj: User) -> str:
        until = getattr(obj, "locked_until", None)
        return timezone.localtime(until).strftime("%Y-%m-%d %H:%M") if until else "—"

    @admin.action(description=_("解除所选用户的登录锁定"), permissions=["change"])
    def unlock_login(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        usernames = list(queryset.values_list("username", flat=True))
        ended = call_service(
            lambda: services.unlock_logins(by=request.user, usernames=usernames, reason=ADMIN_DEFAULT_REASON)
        )
        if ended:
            self.message_user(request, gettext("已解除 %(count)d 个用户的登录锁定。") % {"count": len(ended)})
        else:
            self.message_user(request, gettext("所选用户没有被锁定。"), level=messages.WARNING)

    @admin.display(description=pgettext_lazy("plural", "角色"))
    def roles(self, obj: User) -> str:
        return pgettext("list separator", "、").join(m.get_role_display() for m in obj.memberships.all()) or "—"

    # --- saving through the services ------------------------------------------------------

    def save_via_service(self, request: HttpRequest, *, obj: User | None, data: dict[str, Any], reason: str) -> User:
        if obj is None:
            password = data["password1"] if data.get("set_usable_password") else None
            return services.create_user(by=request.user, username=data["username"], password=password, reason=reason)
        return services.update_user(
            by=request.user,
            user=obj,
            groups=data["groups"],
            user_permissions=data["user_permissions"],
            reason=reason,
            **{name: data[name] for name in _USER_FIELDS},
        )

    def save_inlines_via_service(self, request: HttpRequest, *, obj: User, formsets: list[Any], reason: str) -> None:
        for formset in formsets:
            if formset.model is not Membership:
                continue
            deleted = list(formset.deleted_forms)
            for form in deleted:
                if form.instance.pk is not None:
                    services.revoke_role(by=request.user, membership=form.instance, reason=reason)
            for form in formset.extra_forms:
                if form.has_changed() and form not in deleted:
                    scope = {name: form.cleaned_data.get(name) for name in ("town", "group", "enterprise")}
                    services.grant_role(
                        by=request.user, user=obj, role=form.cleaned_data["role"], reason=reason, **scope
                    )

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """Django's page for setting a password, saved by `services.set_password` instead of by its form."""
        user = self.get_object(request, unquote(id)) if request.method == "POST" else None
        if user is None or not self.has_change_permission(request, user):
            return super().user_change_password(request, id, form_url)  # the page, or Django's 404 / 403
        form = self.change_password_form(user, request.POST)
        usable = form.is_valid() and form.cleaned_data["set_usable_password"]
        if not form.is_valid() or not (usable or "unset-password" in request.POST):
            return super().user_change_password(request, id, form_url)  # the form again, with its errors
        password = form.cleaned_data["password1"] if usable else None
        try:
            user = call_service(
                lambda: services.set_password(
                    by=request.user, user=user, password=password, reason=ADMIN_DEFAULT_REASON
                )
            )
        except ServiceRefused as refused:
            self.message_user(request, refusal_text(refused.error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        self.log_change(request, user, self.construct_change_message(request, form, []))
        self.message_user(request, gettext("密码已修改。") if usable else gettext("已停用该用户的密码登录。"))
        update_session_auth_hash(request, user)  # one's own password: stay signed in
        return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))


@admin.register(LoginLock)
class LoginLockAdmin(ReadOnlyAdmin[LoginLock]):
    """The record of locks: they are made by failed sign-ins and ended by the users list's unlock action."""

    list_display = ["username", "locked_at", "until", "failures", "ip_address", "ended_at", "ended_by"]
    list_filter = ["locked_at"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "locked_at"


class TOTPDeviceAdmin(ServiceAdmin[TOTPDevice]):
    """Admins' authenticator apps: listed without their secrets, and deleted (by the service) when a
    phone is lost, so that its owner enrols again. Devices are only ever made by their owner's enrolment."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__full_name"]
    list_select_related = ["user"]
    fields = readonly_fields = ("user", "name", "confirmed", "created_at", "last_used_at")
    add_allowed = False
    delete_allowed = True

    def has_change_permission(self, request: HttpRequest, obj: TOTPDevice | None = None) -> bool:
        return False

    def delete_via_service(self, request: HttpRequest, *, obj: TOTPDevice, reason: str) -> None:
        services.remove_otp_device(by=request.user, device=obj, reason=reason)


# django-otp registers an admin that shows each device's secret; this one replaces it.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, TOTPDeviceAdmin)

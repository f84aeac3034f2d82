"""Admin screens of rulesets and the working-day calendar, for those who may manage the rules (the city admin)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liangpai.core.access import Action, can
from liangpai.core.admin import ADMIN_REASON, AuditedAdmin
from liangpai.core.errors import ServiceError
from liangpai.rulesets import services as rulesets
from liangpai.rulesets.models import RULESET_FIELDS, CalendarOverride, RulesetVersion


def _may_manage(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and can(user, Action.RULES_MANAGE))


class RulesAccess:
    """The admin screens of this app are for those who may manage the rules (the city admin)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_manage(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_manage(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _may_manage(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_manage(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may_manage(request)


class AuthoredAdmin(AuditedAdmin):
    """Audited; a row added in the admin names the admin who added it, in `author_field`."""

    author_field = "recorded_by"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            setattr(obj, self.author_field, request.user)
        super().save_model(request, obj, form, change)


class ReadOnly(RulesAccess):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RulesetVersionForm(forms.ModelForm):
    class Meta:
        model = RulesetVersion
        fields = ["year", "version", *RULESET_FIELDS, "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        candidate = RulesetVersion(
            version=data.get("version") or "-", **{k: v for k, v in data.items() if k in RULESET_FIELDS}
        )
        if all(name in data and data[name] is not None for name in RULESET_FIELDS):
            for name, problems in rulesets.problems(candidate).items():
                for problem in problems:
                    self.add_error(name or None, problem)
        return data


@admin.register(RulesetVersion)
class RulesetVersionAdmin(RulesAccess, AuthoredAdmin):
    form = RulesetVersionForm
    author_field = "created_by"
    list_display = [
        "version",
        "year",
        "status",
        "minimum_a",
        "minimum_b",
        "minimum_c",
        "interview_deadline_working_days",
    ]
    list_filter = ["status", "year"]
    readonly_fields = ["status", "created_by", "created_at"]
    fieldsets = [
        (None, {"fields": ["year", "version", "status", "note", "created_by", "created_at"]}),
        (gettext_lazy("等级分数线"), {"fields": ["minimum_a", "minimum_b", "minimum_c"]}),
        (
            gettext_lazy("降级"),
            {"fields": ["downgrade_reds", "downgrade_yellows", "downgrade_stacking", "downgrade_floor"]},
        ),
        (gettext_lazy("期限"), {"fields": ["interview_deadline_working_days", "letter_reply_working_days"]}),
        (
            gettext_lazy("亮灯"),
            {
                "fields": [
                    "red_major_hazards",
                    "red_accidents",
                    "red_on_refusal",
                    "yellow_general_hazards_not_fixed_on_spot",
                    "yellow_overdue_letters",
                    "yellow_overdue_hazard_reports",
                ]
            },
        ),
        (gettext_lazy("公示"), {"fields": ["plaque_changes_mid_year"]}),
    ]
    audited_fields = ["year", "version", "status", *RULESET_FIELDS, "note"]
    actions = ["activate", "copy_as_new_version"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or rulesets.frozen_reason(obj) is None)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is not None and obj.status == RulesetVersion.Status.DRAFT and not rulesets.is_referenced(obj)
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.status = RulesetVersion.Status.DRAFT
        super().save_model(request, obj, form, change)

    @admin.action(description=gettext_lazy("启用所选规则集（同年度原规则集停用）"))
    def activate(self, request: HttpRequest, queryset: QuerySet[RulesetVersion]) -> None:
        for ruleset in queryset:
            try:
                rulesets.activate_ruleset(by=request.user, ruleset=ruleset, reason=ADMIN_REASON)
            except ServiceError as exc:
                self.message_user(request, f"{ruleset}：{exc.message}", messages.ERROR)
            else:
                self.message_user(request, _("已启用 %(ruleset)s。") % {"ruleset": ruleset}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("复制为新版本（草稿）"))
    def copy_as_new_version(self, request: HttpRequest, queryset: QuerySet[RulesetVersion]) -> None:
        for ruleset in queryset:
            copy = rulesets.create_ruleset(
                by=request.user,
                year=ruleset.year,
                version=rulesets.next_version_label(ruleset.year),
                copy_from=ruleset,
                reason=f"{ADMIN_REASON}：{ruleset.version}",
            )
            self.message_user(request, _("已复制为 %(ruleset)s。") % {"ruleset": copy}, messages.SUCCESS)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(RulesAccess, AuthoredAdmin):
    author_field = "created_by"
    list_display = ["date", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    search_fields = ["note"]
    date_hierarchy = "date"
    fields = ["date", "is_working_day", "note"]
    audited_fields = ["date", "is_working_day", "note"]

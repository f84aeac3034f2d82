"""Admin screens of rulesets and the working-day calendar, for those who may manage the rules (the city admin).

Every save and delete is a call to `rulesets.services`. A draft not yet used is edited here
(its year stays what it was made with); a ruleset a stored result names, or a retired one, is
shown read-only, and only an unused draft can be deleted. The list actions activate a ruleset
and copy one as a new draft, through the same services.

`RulesAdmin` and `RulesReadOnlyAdmin` are the base classes of the admin screens of the apps the
rules decide (lights, grades, interviews): only those who may manage the rules see them.
"""

from functools import partial
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liangpai.core.access import Action, can
from liangpai.core.admin import ADMIN_DEFAULT_REASON, ReadOnlyAdmin, ServiceAdmin, call_service
from liangpai.rulesets import services as rulesets
from liangpai.rulesets.models import RULESET_FIELDS, CalendarOverride, RulesetVersion


def _may_manage(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and can(user, Action.RULES_MANAGE))


class RulesAccess[M: Model](admin.ModelAdmin[M]):
    """Who may use the screen: those who may manage the rules (Action.RULES_MANAGE), in place of
    Django's model permissions. It comes after ServiceAdmin or ReadOnlyAdmin in the bases (as in
    `RulesAdmin`, `RulesReadOnlyAdmin`), so that what those allow is decided first."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may_manage(request)

    def has_view_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return _may_manage(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _may_manage(request)

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return _may_manage(request)

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return _may_manage(request)


class RulesAdmin[M: Model](ServiceAdmin[M], RulesAccess[M]):
    """Saved and deleted through the services, by those who may manage the rules."""


class RulesReadOnlyAdmin[M: Model](ReadOnlyAdmin[M], RulesAccess[M]):
    """Shown to those who may manage the rules; changed only elsewhere."""


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
class RulesetVersionAdmin(RulesAdmin[RulesetVersion]):
    form = RulesetVersionForm
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
    actions = ["activate", "copy_as_new_version"]
    delete_allowed = True

    def get_readonly_fields(self, request: HttpRequest, obj: RulesetVersion | None = None) -> Any:
        # A ruleset stays in its year: a year has one active ruleset, which activating a draft replaces.
        return [*self.readonly_fields, "year"] if obj is not None else self.readonly_fields

    def has_change_permission(self, request: HttpRequest, obj: RulesetVersion | None = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or rulesets.frozen_reason(obj) is None)

    def has_delete_permission(self, request: HttpRequest, obj: RulesetVersion | None = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is not None and obj.status == RulesetVersion.Status.DRAFT and not rulesets.is_referenced(obj)
        )

    def save_via_service(
        self, request: HttpRequest, *, obj: RulesetVersion | None, data: dict[str, Any], reason: str
    ) -> RulesetVersion:
        values = {name: data[name] for name in RULESET_FIELDS}
        if obj is None:
            return rulesets.create_ruleset(
                by=request.user,
                year=data["year"],
                version=data["version"],
                values=values,
                note=data["note"],
                reason=reason,
            )
        values |= {"version": data["version"], "note": data["note"]}
        return rulesets.update_ruleset(by=request.user, ruleset=obj, values=values, reason=reason)

    def delete_via_service(self, request: HttpRequest, *, obj: RulesetVersion, reason: str) -> None:
        rulesets.delete_ruleset(by=request.user, ruleset=obj, reason=reason)

    @admin.action(description=gettext_lazy("启用所选规则集（同年度原规则集停用）"))
    def activate(self, request: HttpRequest, queryset: QuerySet[RulesetVersion]) -> None:
        # All of them or, when one is refused, none (the list's writes are one transaction).
        activated = [
            call_service(
                partial(rulesets.activate_ruleset, by=request.user, ruleset=ruleset, reason=ADMIN_DEFAULT_REASON)
            )
            for ruleset in queryset
        ]
        for ruleset in activated:
            self.message_user(request, _("已启用 %(ruleset)s。") % {"ruleset": ruleset}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("复制为新版本（草稿）"))
    def copy_as_new_version(self, request: HttpRequest, queryset: QuerySet[RulesetVersion]) -> None:
        copies = [
            call_service(
                partial(
                    rulesets.create_ruleset,
                    by=request.user,
                    year=ruleset.year,
                    version=rulesets.next_version_label(ruleset.year),
                    copy_from=ruleset,
                    reason=ADMIN_DEFAULT_REASON,
                )
            )
            for ruleset in queryset
        ]
        for copy in copies:
            self.message_user(request, _("已复制为 %(ruleset)s。") % {"ruleset": copy}, messages.SUCCESS)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(RulesAdmin[CalendarOverride]):
    list_display = ["date", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    search_fields = ["note"]
    date_hierarchy = "date"
    fields = ["date", "is_working_day", "note"]
    delete_allowed = True

    def save_via_service(
        self, request: HttpRequest, *, obj: CalendarOverride | None, data: dict[str, Any], reason: str
    ) -> CalendarOverride:
        values = {name: data[name] for name in ("date", "is_working_day", "note")}
        if obj is None:
            return rulesets.add_calendar_override(by=request.user, reason=reason, **values)
        return rulesets.update_calendar_override(by=request.user, override=obj, values=values, reason=reason)

    def delete_via_service(self, request: HttpRequest, *, obj: CalendarOverride, reason: str) -> None:
        rulesets.remove_calendar_override(by=request.user, override=obj, reason=reason)

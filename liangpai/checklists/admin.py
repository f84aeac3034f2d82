"""Admin screens for assessment templates: every save and delete is a call to `checklists.services`.

Only a draft can be changed here, as in the app: an active or retired template (and its
categories and items) is shown read-only. Templates are not added here — a new one is a
copy (the app's “复制为新年度模板”) — and the status moves only by activation in the app.
Here a draft is renamed or deleted, and its items are added, changed and removed through the
services the template pages use. Categories are the program's fixed structure (R2: five of them
for larger enterprises), copied with the template: they are shown, not edited.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from liangpai.checklists import services, validation
from liangpai.checklists.models import ChecklistCategory, ChecklistItem, ChecklistTemplate
from liangpai.core.admin import ReadOnlyTabularInline, ServiceAdmin

ITEM_FIELDS = ["category", "code", "text", "max_score", "guidance", "evidence", "is_veto", "veto_key", "order"]


def _is_draft(template: ChecklistTemplate | None) -> bool:
    return template is None or template.is_draft


class ChecklistCategoryInline(ReadOnlyTabularInline[ChecklistCategory, ChecklistTemplate]):
    model = ChecklistCategory
    fields = ["code", "name", "order"]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(ServiceAdmin[ChecklistTemplate]):
    list_display = ["name", "code", "scale", "year", "version", "status", "item_count"]
    list_filter = ["status", "scale", "year"]
    search_fields = ["name", "code"]
    fields = ["code", "name", "scale", "year", "version", "status", "based_on", "created_by", "created_at"]
    readonly_fields = ["code", "scale", "year", "version", "status", "based_on", "created_by", "created_at"]
    inlines = [ChecklistCategoryInline]
    add_allowed = False  # a new template is a copy, made on the template page
    delete_allowed = True

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(n_items=Count("categories__items"))

    @admin.display(description=gettext_lazy("评价项目数"), ordering="n_items")
    def item_count(self, obj: ChecklistTemplate) -> int:
        return obj.n_items  # type: ignore[attr-defined]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and obj.is_draft and super().has_delete_permission(request, obj)

    def save_via_service(
        self, request: HttpRequest, *, obj: ChecklistTemplate | None, data: dict[str, Any], reason: str
    ) -> ChecklistTemplate:
        assert obj is not None  # templates are not added here (add_allowed)
        return services.rename_template(by=request.user, template=obj, name=data["name"], reason=reason)

    def delete_via_service(self, request: HttpRequest, *, obj: ChecklistTemplate, reason: str) -> None:
        services.delete_template(by=request.user, template=obj, reason=reason)


class ChecklistItemAdminForm(forms.ModelForm):
    """The item as the service will take it. The form checks it as the service does first, so that
    each problem shows on its field (rather than as the database constraint it would break)."""

    class Meta:
        model = ChecklistItem
        fields = ITEM_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "category" in self.fields:  # new items go into drafts only
            self.fields["category"].queryset = ChecklistCategory.objects.filter(  # type: ignore[attr-defined]
                template__status=ChecklistTemplate.Status.DRAFT
            ).select_related("template")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A new item's category is chosen; a changed item's is its own (read-only in the form).
        category = data.get("category") or (self.instance.category if self.instance.pk else None)
        if category is None:
            return data
        if not category.template.is_draft:
            raise ValidationError(gettext_lazy("只能修改草稿模板中的评价项目。"))
        others = ChecklistItem.objects.filter(category__template_id=category.template_id).exclude(pk=self.instance.pk)
        errors = validation.item_errors(
            code=data.get("code") or "",
            text=data.get("text") or "",
            max_score=data.get("max_score"),
            guidance=data.get("guidance") or "",
            evidence=data.get("evidence") or "",
            is_veto=bool(data.get("is_veto")),
            veto_key=data.get("veto_key") or "",
            others=others,
        )
        for field, message in errors.items():
            self.add_error(field, message)
        return data


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ServiceAdmin[ChecklistItem]):
    """The same writes as the template page's item forms."""

    form = ChecklistItemAdminForm
    list_display = ["code", "short_text", "max_score", "is_veto", "category", "template"]
    list_filter = ["is_veto", "category__template__status", "category__template__year", "category__template__scale"]
    search_fields = ["code", "text", "guidance"]
    list_select_related = ["category__template"]
    delete_allowed = True

    @admin.display(description=gettext_lazy("评价内容"))
    def short_text(self, obj: ChecklistItem) -> str:
        return obj.text[:40]

    @admin.display(description=gettext_lazy("评估模板"))
    def template(self, obj: ChecklistItem) -> ChecklistTemplate:
        return obj.category.template

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (obj is None or obj.category.template.is_draft) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (obj is None or obj.category.template.is_draft) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: ChecklistItem | None = None) -> Any:
        return ["category"] if obj is not None else []  # an item stays in its category

    def save_via_service(
        self, request: HttpRequest, *, obj: ChecklistItem | None, data: dict[str, Any], reason: str
    ) -> ChecklistItem:
        fields = {name: data[name] for name in services.ITEM_FIELDS} | {"reason": reason}
        if obj is None:
            return services.add_item(by=request.user, category=data["category"], **fields)
        # Against the version as stored now: the admin form carries none, so it overwrites as the last save.
        return services.update_item(by=request.user, item=obj, expected_version=obj.version, **fields)

    def delete_via_service(self, request: HttpRequest, *, obj: ChecklistItem, reason: str) -> None:
        services.remove_item(by=request.user, item=obj, reason=reason)

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from liangpai.core.admin import AuditedAdmin
from liangpai.organisations.models import Body, Expert, GroupMember, RepresentativeGroup


@admin.register(Body)
class BodyAdmin(AuditedAdmin):
    list_display = ["name", "kind", "town", "head", "phone"]
    list_filter = ["kind", "town"]
    search_fields = ["name", "head", "address"]
    list_select_related = ["town"]
    audited_fields = ["kind", "name", "town_id", "head", "phone", "address"]


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    fields = ["name", "role", "work_unit", "phone", "user"]
    raw_id_fields = ["user"]


class RepresentativeGroupAdminForm(forms.ModelForm):
    """The admin obeys the rule the pages obey: a group covers districts of its own town only."""

    class Meta:
        model = RepresentativeGroup
        fields = ["town", "name", "districts", "is_active", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        town, districts = data.get("town"), data.get("districts") or []
        foreign = [d for d in districts if town is not None and d.town_id != town.pk]
        if foreign:
            names = pgettext("list separator", "、").join(f"“{d.name}”" for d in foreign)
            self.add_error(
                "districts",
                _("片区%(names)s不属于%(town)s：代表小组只能负责本镇/街道的片区。") % {"names": names, "town": town},
            )
        return data


@admin.register(RepresentativeGroup)
class RepresentativeGroupAdmin(AuditedAdmin):
    form = RepresentativeGroupAdminForm
    list_display = ["name", "town", "is_active", "member_count"]
    list_filter = ["is_active", "town"]
    search_fields = ["name", "members__name"]
    filter_horizontal = ["districts"]
    inlines = [GroupMemberInline]
    versioned_models = (GroupMember,)
    audited_fields = ["town_id", "name", "is_active", "note"]
    audited_m2m = ["districts"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("town").annotate(n_members=Count("members"))

    @admin.display(description=gettext_lazy("成员数"), ordering="n_members")
    def member_count(self, obj: RepresentativeGroup) -> int:
        return obj.n_members  # type: ignore[attr-defined]


@admin.register(Expert)
class ExpertAdmin(AuditedAdmin):
    list_display = ["name", "employer", "title", "is_active"]
    list_filter = ["is_active", "towns", "specialities__parent"]
    search_fields = ["name", "employer", "title"]
    filter_horizontal = ["specialities", "towns"]
    raw_id_fields = ["user"]
    audited_fields = ["name", "employer", "title", "phone", "is_active", "user_id"]
    audited_m2m = ["specialities", "towns"]

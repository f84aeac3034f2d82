"""Admin screens for the city's geography. Changes made here are audited like any other."""

from typing import Any

from django.contrib import admin
from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from liangpai.core.admin import AuditedAdmin
from liangpai.regions.models import City, District, Town


@admin.register(City)
class CityAdmin(AuditedAdmin):
    list_display = ["name", "division_code"]
    search_fields = ["name", "division_code"]
    audited_fields = ["name", "division_code"]


@admin.register(Town)
class TownAdmin(AuditedAdmin):
    list_display = ["name", "short_name", "kind", "city", "sort_order", "district_count"]
    list_filter = ["kind", "city"]
    search_fields = ["name", "short_name"]
    list_editable = ["sort_order"]
    audited_fields = ["city_id", "name", "short_name", "kind", "sort_order"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("city").annotate(n_districts=Count("districts"))

    @admin.display(description=gettext_lazy("片区数"), ordering="n_districts")
    def district_count(self, obj: Town) -> int:
        return obj.n_districts  # type: ignore[attr-defined]


@admin.register(District)
class DistrictAdmin(AuditedAdmin):
    list_display = ["name", "town", "sort_order"]
    list_filter = ["town"]
    search_fields = ["name", "town__name"]
    list_select_related = ["town"]
    audited_fields = ["town_id", "name", "sort_order"]

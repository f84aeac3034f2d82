"""Admin screens for the city's geography: every save and delete is a call to `regions.services`."""

from typing import Any

from django.contrib import admin
from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from liangpai.core.admin import ServiceAdmin
from liangpai.regions import services
from liangpai.regions.models import City, District, Town


@admin.register(City)
class CityAdmin(ServiceAdmin[City]):
    list_display = ["name", "division_code"]
    search_fields = ["name", "division_code"]

    def save_via_service(self, request: HttpRequest, *, obj: City | None, data: dict[str, Any], reason: str) -> City:
        fields = {"name": data["name"], "division_code": data["division_code"], "reason": reason}
        if obj is None:
            return services.create_city(by=request.user, **fields)
        return services.update_city(by=request.user, city=obj, **fields)


@admin.register(Town)
class TownAdmin(ServiceAdmin[Town]):
    list_display = ["name", "short_name", "kind", "city", "sort_order", "district_count"]
    list_filter = ["kind", "city"]
    search_fields = ["name", "short_name"]
    list_editable = ["sort_order"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("city").annotate(n_districts=Count("districts"))

    def get_readonly_fields(self, request: HttpRequest, obj: Town | None = None) -> Any:
        return ["city"] if obj is not None else []  # a town stays in its city

    @admin.display(description=gettext_lazy("片区数"), ordering="n_districts")
    def district_count(self, obj: Town) -> int:
        return obj.n_districts  # type: ignore[attr-defined]

    def save_via_service(self, request: HttpRequest, *, obj: Town | None, data: dict[str, Any], reason: str) -> Town:
        if obj is None:
            return services.create_town(
                by=request.user,
                city=data["city"],
                name=data["name"],
                short_name=data["short_name"],
                kind=data["kind"],
                sort_order=data["sort_order"],
                reason=reason,
            )
        # The list's editable column sends only the sort order: what it leaves out stays as stored.
        return services.update_town(
            by=request.user,
            town=obj,
            name=data.get("name", obj.name),
            short_name=data.get("short_name", obj.short_name),
            kind=data.get("kind", obj.kind),
            sort_order=data.get("sort_order", obj.sort_order),
            reason=reason,
        )


@admin.register(District)
class DistrictAdmin(ServiceAdmin[District]):
    """The same writes as the town page's district forms, and deleting one entered by mistake."""

    list_display = ["name", "town", "sort_order"]
    list_filter = ["town"]
    search_fields = ["name", "town__name"]
    list_select_related = ["town"]
    delete_allowed = True

    def get_readonly_fields(self, request: HttpRequest, obj: District | None = None) -> Any:
        return ["town"] if obj is not None else []  # a district stays in its town

    def save_via_service(
        self, request: HttpRequest, *, obj: District | None, data: dict[str, Any], reason: str
    ) -> District:
        fields = {"name": data["name"], "sort_order": data["sort_order"], "reason": reason}
        if obj is None:
            return services.create_district(by=request.user, town=data["town"], **fields)
        return services.update_district(by=request.user, district=obj, **fields)

    def delete_via_service(self, request: HttpRequest, *, obj: District, reason: str) -> None:
        services.delete_district(by=request.user, district=obj, reason=reason)

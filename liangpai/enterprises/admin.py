from django.contrib import admin

from liangpai.enterprises.models import Enterprise, Industry


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    """Read-only here: enterprises are edited in the app, where every change is audited."""

    list_display = ["name", "credit_code", "town", "district", "scale", "status"]
    list_filter = ["town", "scale", "status"]
    search_fields = ["name", "credit_code", "name_initials"]
    list_select_related = ["town", "district"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False

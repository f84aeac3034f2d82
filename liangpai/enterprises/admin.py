"""Admin screens for industries and enterprises: both read-only."""

from django.contrib import admin

from liangpai.core.admin import ReadOnlyAdmin
from liangpai.enterprises.models import Enterprise, Industry


@admin.register(Industry)
class IndustryAdmin(ReadOnlyAdmin[Industry]):
    """The national classification GB/T 4754-2017, loaded by a migration: reference data nobody edits."""

    list_display = ["code", "name", "parent"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name"]


@admin.register(Enterprise)
class EnterpriseAdmin(ReadOnlyAdmin[Enterprise]):
    """Enterprises are registered, edited and imported in the app, where every change is audited."""

    list_display = ["name", "credit_code", "town", "district", "scale", "status"]
    list_filter = ["town", "scale", "status"]
    search_fields = ["name", "credit_code", "name_initials"]
    list_select_related = ["town", "district"]

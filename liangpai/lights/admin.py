"""Admin screens of inspection results and quarterly lights."""

from django.contrib import admin

from liangpai.lights.models import InspectionResult, QuarterLight
from liangpai.rulesets.admin import AuthoredAdmin, ReadOnly, RulesAccess


@admin.register(InspectionResult)
class InspectionResultAdmin(RulesAccess, AuthoredAdmin):
    list_display = ["enterprise", "inspected_on", "quarter", "major_hazards", "general_hazards_not_fixed_on_spot"]
    list_filter = ["quarter", "source"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]
    raw_id_fields = ["enterprise"]
    fields = ("enterprise", *InspectionResult.FINDINGS, "note")
    audited_fields = ["enterprise_id", *InspectionResult.FINDINGS, "note"]


@admin.register(QuarterLight)
class QuarterLightAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["enterprise", "quarter", "light", "computed_light", "source", "is_published"]
    list_filter = ["quarter", "light", "source", "is_published"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]

"""Admin screens of inspection results and quarterly lights, for those who may manage the rules.

An inspection result is recorded, corrected and removed through `lights.services` (an
inspection stays the enterprise's it was recorded for); the quarter's light follows at the
next closing. Quarterly lights are read-only: closing a quarter computes them, and a light is
overridden on its own page.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from liangpai.lights import services
from liangpai.lights.models import InspectionResult, QuarterLight
from liangpai.rulesets.admin import RulesAdmin, RulesReadOnlyAdmin

_EDITABLE = (*InspectionResult.FINDINGS, "note")


@admin.register(InspectionResult)
class InspectionResultAdmin(RulesAdmin[InspectionResult]):
    list_display = ["enterprise", "inspected_on", "quarter", "major_hazards", "general_hazards_not_fixed_on_spot"]
    list_filter = ["quarter", "source"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]
    raw_id_fields = ["enterprise"]
    fields = ("enterprise", *_EDITABLE)
    delete_allowed = True

    def get_readonly_fields(self, request: HttpRequest, obj: InspectionResult | None = None) -> Any:
        return ["enterprise"] if obj is not None else []  # an inspection stays the enterprise's

    def save_via_service(
        self, request: HttpRequest, *, obj: InspectionResult | None, data: dict[str, Any], reason: str
    ) -> InspectionResult:
        values = {name: data[name] for name in _EDITABLE}
        if obj is None:
            return services.record_inspection_result(
                by=request.user, enterprise=data["enterprise"], reason=reason, **values
            )
        return services.update_inspection_result(by=request.user, result=obj, values=values, reason=reason)

    def delete_via_service(self, request: HttpRequest, *, obj: InspectionResult, reason: str) -> None:
        services.remove_inspection_result(by=request.user, result=obj, reason=reason)


@admin.register(QuarterLight)
class QuarterLightAdmin(RulesReadOnlyAdmin[QuarterLight]):
    list_display = ["enterprise", "quarter", "light", "computed_light", "source", "is_published"]
    list_filter = ["quarter", "light", "source", "is_published"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]

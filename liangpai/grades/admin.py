"""Admin screens of grade bases and annual grades, for those who may manage the rules.

A grade base is recorded, corrected and removed through `grades.services` (it stays the
enterprise's and the year's it was recorded for; a year whose grades are published keeps its
bases). Annual grades are read-only: computing a year's grades makes them.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from liangpai.grades import services
from liangpai.grades.models import AnnualGrade, GradeInput
from liangpai.rules.vetoes import VETO_NAMES
from liangpai.rulesets.admin import RulesAdmin, RulesReadOnlyAdmin

_VALUES = ("score", "grade", "failed_vetoes", "note")


class GradeInputForm(forms.ModelForm):
    class Meta:
        model = GradeInput
        fields = ["enterprise", "year", *_VALUES]

    def clean_failed_vetoes(self) -> list[str]:
        value = self.cleaned_data.get("failed_vetoes") or []
        if not isinstance(value, list) or any(key not in VETO_NAMES for key in value):
            raise forms.ValidationError(
                _("应为否决项代码的列表，可用：%(keys)s。") % {"keys": ", ".join(sorted(VETO_NAMES))}
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("score") is not None and data.get("grade"):
            self.add_error("grade", _("评估得分和评估等级只填一项。"))
        return data


@admin.register(GradeInput)
class GradeInputAdmin(RulesAdmin[GradeInput]):
    form = GradeInputForm
    list_display = ["enterprise", "year", "score", "grade", "source"]
    list_filter = ["year", "source"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]
    raw_id_fields = ["enterprise"]
    delete_allowed = True

    def get_readonly_fields(self, request: HttpRequest, obj: GradeInput | None = None) -> Any:
        return ["enterprise", "year"] if obj is not None else []  # a base stays the enterprise's for its year

    def save_via_service(
        self, request: HttpRequest, *, obj: GradeInput | None, data: dict[str, Any], reason: str
    ) -> GradeInput:
        values = {name: data[name] for name in _VALUES}
        if obj is None:
            return services.record_grade_input(
                by=request.user, enterprise=data["enterprise"], year=data["year"], reason=reason, **values
            )
        return services.update_grade_input(by=request.user, grade_input=obj, values=values, reason=reason)

    def delete_via_service(self, request: HttpRequest, *, obj: GradeInput, reason: str) -> None:
        services.remove_grade_input(by=request.user, grade_input=obj, reason=reason)


@admin.register(AnnualGrade)
class AnnualGradeAdmin(RulesReadOnlyAdmin[AnnualGrade]):
    list_display = ["enterprise", "year", "base_grade", "final_grade", "source", "is_published"]
    list_filter = ["year", "final_grade", "source", "is_published"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]

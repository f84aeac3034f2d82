"""Admin screens of grade bases and annual grades."""

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from liangpai.grades.models import AnnualGrade, GradeInput
from liangpai.rules.vetoes import VETO_NAMES
from liangpai.rulesets.admin import AuthoredAdmin, ReadOnly, RulesAccess


class GradeInputForm(forms.ModelForm):
    class Meta:
        model = GradeInput
        fields = ["enterprise", "year", "score", "grade", "failed_vetoes", "note"]

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
class GradeInputAdmin(RulesAccess, AuthoredAdmin):
    form = GradeInputForm
    list_display = ["enterprise", "year", "score", "grade", "source"]
    list_filter = ["year", "source"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]
    raw_id_fields = ["enterprise"]
    audited_fields = ["enterprise_id", "year", "score", "grade", "failed_vetoes", "note"]


@admin.register(AnnualGrade)
class AnnualGradeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["enterprise", "year", "base_grade", "final_grade", "source", "is_published"]
    list_filter = ["year", "final_grade", "source", "is_published"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]

"""Forms for towns and districts."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from liangpai.core.forms import StyledForm, reason_field
from liangpai.rules.text import clean_text


class DistrictForm(StyledForm):
    name = forms.CharField(
        label=gettext_lazy("片区名称"), max_length=50, error_messages={"required": gettext_lazy("请填写片区名称。")}
    )
    sort_order = forms.IntegerField(
        label=gettext_lazy("排序"),
        min_value=0,
        max_value=32767,
        initial=0,
        help_text=gettext_lazy("数字小的排在前面。"),
        error_messages={"required": gettext_lazy("请填写排序数字（不确定时填0）。")},
    )
    reason = reason_field()

    def clean_name(self) -> str:
        name = clean_text(self.cleaned_data["name"])
        if not name:
            raise ValidationError(gettext_lazy("请填写片区名称。"))
        return name

"""The form of a light set by hand (R-LIGHT-10)."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liangpai.lights.models import LightChoice


class LightOverrideForm(forms.Form):
    light = forms.ChoiceField(
        label=gettext_lazy("调整为"),
        choices=LightChoice.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("选回计算灯色即取消人工调整。"),
    )
    reason = forms.CharField(
        label=gettext_lazy("调整理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": gettext_lazy("人工调整灯色必须填写理由。")},
    )
    #: `overrides.light_state` of the light the page showed: saving after someone else changed it is a conflict.
    state = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("state"):
            # A hidden field's own error would show nowhere: the form says it above the fields.
            raise forms.ValidationError(_("页面内容不完整或已过期，请刷新页面后重新填写。"), code="no_state")
        return data

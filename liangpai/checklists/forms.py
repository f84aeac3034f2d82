from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from liangpai.checklists.models import ChecklistItem, ChecklistTemplate, VetoKey
from liangpai.checklists.services import MAX_YEAR, MIN_YEAR
from liangpai.core.forms import StyledForm, VersionedForm, reason_field


class CopyTemplateForm(StyledForm):
    year = forms.IntegerField(
        label=gettext_lazy("年度"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={"required": gettext_lazy("请填写年度。")},
    )
    name = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("不填则沿用原模板的名称。"),
    )
    reason = reason_field()

    def __init__(self, *args: Any, template: ChecklistTemplate, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"year": template.year + 1, "name": template.name})
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs["inputmode"] = "numeric"


class ItemForm(VersionedForm):
    code = forms.CharField(label=gettext_lazy("代码"), max_length=20)
    text = forms.CharField(label=gettext_lazy("评价内容"), widget=forms.Textarea(attrs={"rows": 3}))
    max_score = forms.DecimalField(
        label=gettext_lazy("分值"),
        max_digits=5,
        decimal_places=1,
        min_value=Decimal(0),
        max_value=Decimal(100),
        help_text=gettext_lazy("否决项填0。"),
    )
    guidance = forms.CharField(label=gettext_lazy("评分标准"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.CharField(label=gettext_lazy("评价方法"), widget=forms.Textarea(attrs={"rows": 2}))
    is_veto = forms.BooleanField(
        label=gettext_lazy("否决项"),
        required=False,
        help_text=gettext_lazy("否决项不计分：不通过时年度评估直接评定为D级。"),
    )
    veto_key = forms.ChoiceField(
        label=gettext_lazy("否决情形"),
        required=False,
        choices=[("", gettext_lazy("（不是否决项）")), *VetoKey.choices],
    )
    order = forms.IntegerField(label=gettext_lazy("排序"), min_value=0, max_value=32767, required=False)
    reason = reason_field()

    def __init__(self, *args: Any, item: ChecklistItem | None = None, **kwargs: Any) -> None:
        if item is not None:
            kwargs.setdefault("initial", {f: getattr(item, f) for f in self.declared_fields if f != "reason"})
        super().__init__(*args, editing=item is not None, **kwargs)
        self.fields["max_score"].widget.attrs["inputmode"] = "decimal"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("is_veto"):
            data["veto_key"] = ""  # a choice left over from when the item was a veto item
        return data

    def item_fields(self) -> dict[str, Any]:
        """The service's keyword arguments, from a valid form."""
        data = self.cleaned_data
        return {
            "code": data["code"],
            "text": data["text"],
            "max_score": data["max_score"],
            "guidance": data["guidance"],
            "evidence": data["evidence"],
            "is_veto": data["is_veto"],
            "veto_key": data["veto_key"],
            "order": data["order"],
            "reason": data["reason"],
        }


class ReasonForm(StyledForm):
    reason = reason_field()

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liangpai.core.access import Action
from liangpai.core.forms import clean_phone
from liangpai.enterprises.models import Enterprise, Industry
from liangpai.enterprises.selectors import EnterpriseFilters
from liangpai.enterprises.services import EDITABLE_FIELDS
from liangpai.regions.models import District, Town
from liangpai.rules import credit_code
from liangpai.rules.text import clean_text

_YES_NO = [("", gettext_lazy("全部")), ("1", gettext_lazy("是")), ("0", gettext_lazy("否"))]


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("搜索"), required=False, max_length=100)
    town = forms.ModelChoiceField(label=gettext_lazy("镇/街道"), queryset=Town.objects.none(), required=False)
    district = forms.ModelChoiceField(label=gettext_lazy("片区"), queryset=District.objects.none(), required=False)
    industry = forms.ChoiceField(label=gettext_lazy("行业门类"), required=False)
    scale = forms.ChoiceField(
        label=gettext_lazy("规模"), required=False, choices=[("", gettext_lazy("全部")), *Enterprise.Scale.choices]
    )
    status = forms.ChoiceField(
        label=gettext_lazy("状态"), required=False, choices=[("", gettext_lazy("全部")), *Enterprise.Status.choices]
    )
    has_union = forms.ChoiceField(label=gettext_lazy("已建工会"), required=False, choices=_YES_NO)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        towns = Town.objects.visible_to(user, Action.ENTERPRISE_VIEW)
        self.fields["town"].queryset = towns  # type: ignore[attr-defined]
        districts = District.objects.visible_to(user, Action.ENTERPRISE_VIEW).select_related("town")
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]
        self.fields["industry"].choices = [  # type: ignore[attr-defined]
            ("", _("全部")),
            *Industry.objects.filter(parent=None).values_list("code", "name"),
        ]

    def select_fields(self) -> list[dict[str, Any]]:
        """The select boxes with their options and the chosen one, ready to render (lists are long)."""
        out = []
        for name in ("town", "district", "industry", "scale", "status", "has_union"):
            bound = self[name]
            chosen = str(bound.value() or "")
            field = self.fields[name]
            if isinstance(field, forms.ModelChoiceField):
                objects = field.queryset if field.queryset is not None else []
                options = [("", _("全部"))] + [(str(obj.pk), str(obj)) for obj in objects]
            else:
                options = [(str(v), str(label)) for v, label in field.choices]  # type: ignore[attr-defined]
            out.append(
                {
                    "name": name,
                    "id": bound.id_for_label,
                    "label": bound.label,
                    "options": [(v, label, v == chosen) for v, label in options],
                }
            )
        return out

    def filters(self) -> EnterpriseFilters:
        """The filters to apply; invalid values are ignored (the form shows why)."""
        data = self.cleaned_data if self.is_valid() else {}
        union = data.get("has_union")
        return EnterpriseFilters(
            q=data.get("q") or "",
            town=data["town"].pk if data.get("town") else None,
            district=data["district"].pk if data.get("district") else None,
            industry=data.get("industry") or "",
            scale=data.get("scale") or "",
            status=data.get("status") or "",
            has_union=None if not union else union == "1",
        )


class EnterpriseForm(forms.ModelForm):
    """Create or edit an enterprise. The town list holds only the towns the user may write in."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=gettext_lazy("修改说明"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        required=False,
        help_text=gettext_lazy("说明为什么修改，将记入审计记录。"),
    )

    class Meta:
        model = Enterprise
        fields = EDITABLE_FIELDS

    def __init__(self, *args: Any, user: Any, action: Action, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = Town.objects.visible_to(user, action)  # type: ignore[attr-defined]
        self.fields["district"].queryset = District.objects.visible_to(user, action).select_related("town")  # type: ignore[attr-defined]
        self.fields["industry"].queryset = Industry.objects.exclude(parent=None).select_related("parent")  # type: ignore[attr-defined]
        self.fields["credit_code"].help_text = _("18位，大小写、全角和空格会自动纠正。")
        if self.instance.pk:
            self.fields["reason"].required = True
            self.fields["version"].initial = self.instance.version
        for name, field in self.fields.items():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
            if isinstance(field.widget, forms.Select):
                css = "form-select"
            field.widget.attrs.setdefault("class", css)
            if name in ("union_chair_phone", "safety_contact_phone"):
                field.widget.attrs.setdefault("inputmode", "tel")

    def clean_name(self) -> str:
        return clean_text(self.cleaned_data["name"])

    def clean_credit_code(self) -> str:
        return credit_code.normalise(self.cleaned_data["credit_code"])

    def clean_union_chair_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("union_chair_phone") or "")

    def clean_safety_contact_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("safety_contact_phone") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            raise forms.ValidationError(_("经度和纬度要么都填，要么都不填。"))
        if lat is not None and not (3 <= lat <= 54):
            self.add_error("latitude", _("纬度应在3到54之间（中国境内）。"))
        if lon is not None and not (73 <= lon <= 136):
            self.add_error("longitude", _("经度应在73到136之间（中国境内）。"))
        return data

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

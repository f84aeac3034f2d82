from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liangpai.core.access import Action
from liangpai.core.forms import StyledForm, VersionedForm, clean_phone, reason_field
from liangpai.enterprises.models import Industry
from liangpai.organisations import selectors
from liangpai.organisations.models import GroupMember
from liangpai.regions.models import District, Town
from liangpai.rules.text import clean_text


def _required_text(value: str, message: str) -> str:
    text = clean_text(value or "")
    if not text:
        raise ValidationError(message)
    return text


class DistrictChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: District) -> str:
        return f"{obj.town.name}·{obj.name}"


class IndustryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Industry) -> str:
        return str(obj) if obj.is_section else f"— {obj}"


# --- filters ----------------------------------------------------------------------------


class GroupFilterForm(StyledForm):
    q = forms.CharField(label=gettext_lazy("搜索"), required=False, max_length=100)
    town = forms.ModelChoiceField(
        label=gettext_lazy("镇/街道"),
        queryset=Town.objects.none(),
        required=False,
        empty_label=gettext_lazy("全部镇/街道"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = Town.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs["placeholder"] = _("小组名称或成员姓名")

    def filters(self) -> selectors.GroupFilters:
        """The valid filters; a bad value is ignored (and the form says why)."""
        self.is_valid()
        data = self.cleaned_data
        return selectors.GroupFilters(q=data.get("q") or "", town=data["town"].pk if data.get("town") else None)


class ExpertFilterForm(StyledForm):
    q = forms.CharField(label=gettext_lazy("搜索"), required=False, max_length=100)
    speciality = forms.ChoiceField(label=gettext_lazy("专长行业门类"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("姓名或工作单位")
        self.fields["speciality"].choices = [  # type: ignore[attr-defined]
            ("", _("全部行业")),
            *((s.code, f"{s.code} {s.name}") for s in selectors.industry_sections()),
        ]

    def filters(self) -> selectors.ExpertFilters:
        self.is_valid()
        data = self.cleaned_data
        return selectors.ExpertFilters(q=data.get("q") or "", speciality=data.get("speciality") or "")


# --- representative groups --------------------------------------------------------------


class GroupForm(StyledForm):
    """Create or edit a group. Towns and districts offered are those the user may manage; that
    the districts belong to the group's town is checked by the service."""

    town = forms.ModelChoiceField(
        label=gettext_lazy("镇/街道"),
        queryset=Town.objects.none(),
        empty_label=gettext_lazy("请选择"),
        error_messages={
            "required": gettext_lazy("请选择代表小组所属的镇/街道。"),
            "invalid_choice": gettext_lazy("所选镇/街道不存在或不在您的管理范围内。"),
        },
    )
    name = forms.CharField(
        label=gettext_lazy("小组名称"), max_length=100, error_messages={"required": gettext_lazy("请填写小组名称。")}
    )
    districts = DistrictChoiceField(
        label=gettext_lazy("负责片区"),
        queryset=District.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("只能选择本镇/街道的片区。"),
        error_messages={
            "invalid_choice": gettext_lazy("所选片区不存在或不在您的管理范围内。"),
            "invalid_pk_value": gettext_lazy("所选片区不存在或不在您的管理范围内。"),
        },
    )
    is_active = forms.BooleanField(label=gettext_lazy("在用"), required=False, initial=True)
    note = forms.CharField(
        label=gettext_lazy("备注"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = reason_field()

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = Town.objects.visible_to(user, Action.ORG_MANAGE)  # type: ignore[attr-defined]
        self.fields["districts"].queryset = (  # type: ignore[attr-defined]
            District.objects.visible_to(user, Action.ORG_MANAGE).select_related("town")
        )

    def clean_name(self) -> str:
        return _required_text(self.cleaned_data["name"], _("请填写小组名称。"))

    def clean_note(self) -> str:
        return (self.cleaned_data.get("note") or "").strip()


class MemberForm(VersionedForm):
    name = forms.CharField(
        label=gettext_lazy("姓名"), max_length=50, error_messages={"required": gettext_lazy("请填写姓名。")}
    )
    work_unit = forms.CharField(label=gettext_lazy("工作单位"), max_length=200, required=False)
    phone = forms.CharField(
        label=gettext_lazy("联系电话"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    reason = reason_field()

    def __init__(self, *args: Any, member: GroupMember | None = None, **kwargs: Any) -> None:
        if member is not None:
            initial = {"name": member.name, "work_unit": member.work_unit, "phone": member.phone}
            kwargs.setdefault("initial", initial | {"version": member.version})
        super().__init__(*args, editing=member is not None, **kwargs)

    def clean_name(self) -> str:
        return _required_text(self.cleaned_data["name"], _("请填写姓名。"))

    def clean_work_unit(self) -> str:
        return clean_text(self.cleaned_data.get("work_unit") or "")

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone") or "")


class ReasonForm(StyledForm):
    reason = reason_field(gettext_lazy("说明"))


# --- experts ----------------------------------------------------------------------------


class ExpertForm(StyledForm):
    """Create or edit an expert. A town office invites to its own town only; invitations by
    other towns are kept as they are (the service does that)."""

    name = forms.CharField(
        label=gettext_lazy("姓名"), max_length=50, error_messages={"required": gettext_lazy("请填写姓名。")}
    )
    employer = forms.CharField(label=gettext_lazy("工作单位"), max_length=200, required=False)
    title = forms.CharField(label=gettext_lazy("职称/资格"), max_length=100, required=False)
    phone = forms.CharField(
        label=gettext_lazy("联系电话"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    specialities = IndustryChoiceField(
        label=gettext_lazy("专长行业"),
        queryset=Industry.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=gettext_lazy("按国民经济行业分类（GB/T 4754），可多选门类或大类。"),
        error_messages={
            "invalid_choice": gettext_lazy("所选行业不存在。"),
            "invalid_pk_value": gettext_lazy("所选行业不存在。"),
        },
    )
    towns = forms.ModelMultipleChoiceField(
        label=gettext_lazy("受邀镇/街道"),
        queryset=Town.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": gettext_lazy("所选镇/街道不存在或不在您的管理范围内。"),
            "invalid_pk_value": gettext_lazy("所选镇/街道不存在或不在您的管理范围内。"),
        },
    )
    is_active = forms.BooleanField(label=gettext_lazy("在库"), required=False, initial=True)
    reason = reason_field()

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["specialities"].queryset = selectors.industries_by_section()  # type: ignore[attr-defined]
        self.fields["towns"].queryset = Town.objects.visible_to(user, Action.ORG_MANAGE)  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        return _required_text(self.cleaned_data["name"], _("请填写姓名。"))

    def clean_employer(self) -> str:
        return clean_text(self.cleaned_data.get("employer") or "")

    def clean_title(self) -> str:
        return clean_text(self.cleaned_data.get("title") or "")

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone") or "")

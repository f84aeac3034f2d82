"""Forms of the warning interview pages."""

import datetime
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liangpai.core.errors import ServiceError
from liangpai.interviews.models import WarningInterview
from liangpai.interviews.scans import check_signed_scan
from liangpai.interviews.selectors import InterviewFilters
from liangpai.interviews.services import InterviewRecord
from liangpai.rules.periods import PeriodError, parse_quarter


class _Version(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class InterviewRecordForm(_Version):
    held_on = forms.DateField(
        label=gettext_lazy("约谈日期"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"}),
    )
    place = forms.CharField(
        label=gettext_lazy("约谈地点"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    attendees = forms.CharField(
        label=gettext_lazy("参加人员"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=gettext_lazy("姓名与单位、职务，每行一人。"),
    )
    content = forms.CharField(
        label=gettext_lazy("约谈内容"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
    commitments = forms.CharField(
        label=gettext_lazy("整改承诺"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
    signed_scan = forms.FileField(
        label=gettext_lazy("签字扫描件"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png", "class": "form-control"}
        ),
        help_text=gettext_lazy("PDF、JPEG 或 PNG，不超过 10 MB；可用手机直接拍照上传。"),
    )

    def __init__(self, *args: Any, interview: WarningInterview, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.interview = interview

    def clean_held_on(self) -> datetime.date:
        held_on: datetime.date = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("约谈日期不能晚于今天。"))
        first_day = parse_quarter(self.interview.quarter).first_day
        if held_on < first_day:
            raise forms.ValidationError(
                _("约谈日期不能早于亮灯季度的第一天（%(date)s）。") % {"date": first_day.isoformat()}
            )
        return held_on

    def clean_signed_scan(self) -> UploadedFile | None:
        scan = self.cleaned_data.get("signed_scan")
        if scan:
            try:
                check_signed_scan(scan)
            except ServiceError as exc:
                raise forms.ValidationError(exc.message) from exc
        return scan or None

    def record(self) -> InterviewRecord:
        data = self.cleaned_data
        return InterviewRecord(
            held_on=data["held_on"],
            place=data["place"],
            attendees=data["attendees"],
            content=data["content"],
            commitments=data["commitments"],
        )


class InterviewCancelForm(_Version):
    reason = forms.CharField(
        label=gettext_lazy("取消理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": gettext_lazy("取消约谈必须填写理由。")},
    )


STATUS_FILTERS = [
    ("", gettext_lazy("全部")),
    ("overdue", gettext_lazy("已逾期")),
    ("due", gettext_lazy("待约谈")),
    ("held", gettext_lazy("已约谈")),
    ("cancelled", gettext_lazy("已取消")),
]


class InterviewFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("状态"), choices=STATUS_FILTERS, required=False)
    quarter = forms.CharField(label=gettext_lazy("季度"), required=False, max_length=10)
    town = forms.TypedChoiceField(label=gettext_lazy("镇/街道"), coerce=int, required=False, empty_value=None)
    q = forms.CharField(label=gettext_lazy("企业"), required=False, max_length=50)

    def __init__(self, *args: Any, towns: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = [("", _("全部")), *towns]  # type: ignore[attr-defined]

    #: Set by `filters()` when the quarter typed is not one: the page says so (the list is then empty).
    bad_quarter = False

    def filters(self) -> InterviewFilters:
        if not self.is_valid():
            return InterviewFilters()
        data = self.cleaned_data
        quarter = ""
        if data.get("quarter"):
            try:
                quarter = str(parse_quarter(data["quarter"]))
            except PeriodError:
                quarter = "-"  # matches nothing: an unknown quarter shows an empty list, not everything
                self.bad_quarter = True
        return InterviewFilters(
            status=data.get("status") or "",
            quarter=quarter,
            town=data.get("town"),
            q=(data.get("q") or "").strip(),
        )

"""Form base classes and helpers every app's forms share."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liangpai.core.errors import ServiceError
from liangpai.rules.text import clean_code


class StyledForm(forms.Form):
    """A form whose widgets carry Bootstrap classes; invalid fields get `aria-invalid` from Django."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)


class VersionedForm(StyledForm):
    """A form that edits a record under optimistic locking (SECURITY.md T9).

    It carries the record's version as the page showed it; the service refuses the save if
    someone saved the record since. A form for a new record (`editing=False`) has no version.
    """

    #: The record's version when the form was opened (editing only): saving a stale form is a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, editing: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["version"]  # a new record has no version to be stale against

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "version" in self.fields and not data.get("version"):
            # A hidden field's own error would show nowhere: the form says it above the fields.
            self.errors.pop("version", None)
            raise ValidationError(_("页面内容不完整或已过期，请刷新页面后重新填写。"), code="no_version")
        return data


def reason_field(label: str | Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or gettext_lazy("修改说明"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        required=False,
        help_text=gettext_lazy("说明为什么修改，将记入审计记录。"),
    )


def clean_phone(value: str) -> str:
    """A phone number as stored: digits only (spaces, dashes and full-width forms removed)."""
    phone = clean_code(value or "")
    if phone and not (phone.isascii() and phone.isdigit() and 7 <= len(phone) <= 12):  # not ² or ٣
        raise ValidationError(_("请填写7–12位数字的电话号码（手机或座机，座机可带区号）。"))
    return phone


def apply_service_errors(form: forms.BaseForm, error: ValidationError | ServiceError) -> None:
    """The one way a view shows a service's refusal on its form: on the field it names, else above the form.

    `error` is a `core.errors.ServiceError` (not allowed, a conflict, a refusal of the rules), or
    Django's ValidationError for invalid input, which may name several fields."""
    if isinstance(error, ServiceError):
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)

from pathlib import PurePath

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from liangpai.imports.spreadsheet import EXTENSIONS, human_size, max_bytes


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("表格文件"),
        help_text=_("支持 .xlsx、.xls 和 .csv（UTF-8 或 GBK 编码）。"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS), "class": "form-control"}),
    )

    def __init__(self, *args: object, too_large: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.too_large = too_large

    def clean(self) -> dict[str, object]:
        if self.too_large:
            raise forms.ValidationError(self._too_large_message())
        return super().clean() or {}

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if PurePath(upload.name or "").suffix.lower() not in EXTENSIONS:
            raise forms.ValidationError(gettext("只支持 .xlsx、.xls 和 .csv 文件。"))
        if (upload.size or 0) > max_bytes():
            raise forms.ValidationError(self._too_large_message())
        return upload

    @staticmethod
    def _too_large_message() -> str:
        return gettext("文件太大，上限为 %(limit)s。请分成几个文件导入。") % {"limit": human_size(max_bytes())}

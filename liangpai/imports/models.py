import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import InvalidStorageError, Storage, storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def import_storage() -> Storage:
    """Where uploaded spreadsheets are kept: STORAGES["imports"] when configured, else the default.

    They hold personal data (phone numbers); a deployment should point "imports" at a
    directory that is not served under MEDIA_URL.
    """
    try:
        return storages["imports"]
    except InvalidStorageError:
        return storages["default"]


def _upload_to(batch: "ImportBatch", filename: str) -> str:
    """A random name (the user's file name is kept in `original_name`, never used as a path)."""
    suffix = PurePath(filename).suffix.lower()
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ImportBatch(models.Model):
    """One uploaded spreadsheet: checked on upload, imported on confirmation (once)."""

    class Status(models.TextChoices):
        READY = "ready", _("待确认")
        INVALID = "invalid", _("有错误")
        APPLIED = "applied", _("已导入")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_batches", verbose_name=_("上传人")
    )
    file = models.FileField(_("文件"), upload_to=_upload_to, storage=import_storage)
    original_name = models.CharField(_("原文件名"), max_length=255)
    file_size = models.PositiveIntegerField(_("文件大小"))
    sha256 = models.CharField("SHA-256", max_length=64)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    row_count = models.PositiveIntegerField(_("数据行数"), default=0)
    create_count = models.PositiveIntegerField(_("新增"), default=0)
    update_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("无变化"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    notes = models.JSONField(_("提示"), default=list, blank=True)
    preview = models.JSONField(_("预览"), default=list, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    applied_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = pgettext_lazy("plural", "导入批次")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

    @property
    def can_confirm(self) -> bool:
        return self.status == self.Status.READY

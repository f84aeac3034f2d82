"""Warning interviews (R5).

Stored under the `ratings` app label (see liangpai/ratings/apps.py).
"""

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from liangpai.core.access import Action
from liangpai.core.storage import private_storage, random_file_name
from liangpai.enterprises.models import BelongsToEnterprise, Enterprise, EnterpriseRowsQuerySet
from liangpai.lights.models import QuarterLight
from liangpai.regions.models import Town


def interview_storage() -> Storage:
    """Signed scans hold names and signatures: private."""
    return private_storage("interviews")


_scan_path = random_file_name  # the name the migrations know


class InterviewQuerySet(EnterpriseRowsQuerySet["WarningInterview"]):
    view_action = Action.INTERVIEW_VIEW


class WarningInterview(BelongsToEnterprise, models.Model):
    """R5: the warning interview (警示教育约谈) a red light calls for, held by the town emergency office.

    Created by `close_quarter` for each red light, due a ruleset-defined number of
    working days later. Its status moves only as `interviews.services.TRANSITIONS`
    allows; `version` guards against two people saving the same record.
    """

    class Status(models.TextChoices):
        DUE = "due", _("待约谈")
        HELD = "held", _("已约谈")
        CANCELLED = "cancelled", _("已取消")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="warning_interviews", verbose_name=_("企业")
    )
    quarter_light = models.OneToOneField(
        QuarterLight, on_delete=models.PROTECT, related_name="interview", verbose_name=_("季度亮灯")
    )
    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="+", verbose_name=_("镇/街道"))
    quarter = models.CharField(_("季度"), max_length=6)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DUE)
    due_on = models.DateField(_("约谈期限"))
    due_on_unverified = models.BooleanField(
        _("期限待核实"), default=False, help_text=_("该年节假日安排尚未录入，期限按周一至周五推算，可能变动。")
    )
    held_on = models.DateField(_("约谈日期"), null=True, blank=True)
    place = models.CharField(_("约谈地点"), max_length=200, blank=True)
    attendees = models.TextField(_("参加人员"), blank=True)
    content = models.TextField(_("约谈内容"), blank=True)
    commitments = models.TextField(_("整改承诺"), blank=True)
    signed_scan = models.FileField(
        _("签字扫描件"), upload_to=_scan_path, storage=interview_storage, blank=True, max_length=200
    )
    cancel_reason = models.TextField(_("取消理由"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("记录人"),
    )
    recorded_at = models.DateTimeField(_("记录时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = InterviewQuerySet.as_manager()

    class Meta:
        app_label = "ratings"  # the storage label: see liangpai/ratings/apps.py
        verbose_name = _("警示约谈")
        verbose_name_plural = pgettext_lazy("plural", "警示约谈")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["town", "status", "due_on"], name="interview_town_status"),
            models.Index(fields=["status", "due_on"], name="interview_status_due"),
        ]

    def __str__(self) -> str:
        name = getattr(self, "enterprise_name", None) or self.enterprise.name
        return gettext("%(enterprise)s %(quarter)s警示约谈") % {"enterprise": name, "quarter": self.quarter}

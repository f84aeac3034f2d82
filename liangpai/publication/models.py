"""Publication records (R7).

Stored under the `ratings` app label (see liangpai/ratings/apps.py).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    """R7: publishing a quarter's lights or a year's grades, with a second approver.

    One city admin requests, another approves (SECURITY.md T9: no one publishes alone).
    Approving freezes the period: its rows are marked `is_published` and `snapshot`
    keeps what was published (credit code, name, result). The status moves only as
    `publication.TRANSITIONS` allows.
    """

    class Kind(models.TextChoices):
        QUARTER_LIGHTS = "quarter_lights", _("季度亮灯")
        ANNUAL_GRADES = "annual_grades", _("年度等级")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待审核")
        APPROVED = "approved", _("已审核")
        PUBLISHED = "published", _("已公布")
        REJECTED = "rejected", _("已退回")

    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    period = models.CharField(_("期间"), max_length=6)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    request_digest = models.CharField(_("申请时结果摘要"), max_length=64)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审核人"),
    )
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    rejected_reason = models.TextField(_("退回理由"), blank=True)
    counts = models.JSONField(_("各结果数量"), default=dict, blank=True)
    snapshot = models.JSONField(_("公布内容"), default=list, blank=True)

    class Meta:
        app_label = "ratings"  # the storage label: see liangpai/ratings/apps.py
        verbose_name = _("结果公布")
        verbose_name_plural = pgettext_lazy("plural", "结果公布")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period"],
                condition=~models.Q(status="rejected"),
                name="publication_one_open_per_period",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(period)s %(kind)s公布") % {"period": self.period, "kind": self.get_kind_display()}

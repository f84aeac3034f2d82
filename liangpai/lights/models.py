"""Inspection results (the facts of a quarter, for now) and quarterly lights (R4).

Stored under the `ratings` app label (see liangpai/ratings/apps.py).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from liangpai.enterprises.models import BelongsToEnterprise, Enterprise, EnterpriseRowsQuerySet
from liangpai.rules.lights import Light
from liangpai.rules.periods import Quarter
from liangpai.rulesets.models import RulesetVersion


class LightChoice(models.TextChoices):
    """R-LIGHT-1, as stored: the values of `rules.lights.Light`."""

    GREEN = Light.GREEN.value, _("绿灯")
    YELLOW = Light.YELLOW.value, _("黄灯")
    RED = Light.RED.value, _("红灯")
    NOT_INSPECTED = Light.NOT_INSPECTED.value, _("未检")


class InspectionResult(models.Model):
    """What one inspection found: the stand-in fact source for the quarterly light (R4).

    Until the inspection, letter and hazard-report apps exist, these rows (recorded by
    hand or imported) are what `lights.facts.build_quarter_facts` reads. A refused inspection
    is a row with `refused_inspection` set: the refusal is a fact, but no inspection
    took place (R-LIGHT-3).
    """

    class Source(models.TextChoices):
        MANUAL = "manual", _("手工录入")
        IMPORTED = "imported", _("导入")

    # What the inspection found: the fields the admin edits and the audit record keeps.
    FINDINGS = (
        "inspected_on",
        "general_hazards_fixed_on_spot",
        "general_hazards_not_fixed_on_spot",
        "major_hazards",
        "refused_inspection",
        "refused_letter",
        "accidents",
    )

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="inspection_results", verbose_name=_("企业")
    )
    inspected_on = models.DateField(_("督查日期"))
    quarter = models.CharField(_("季度"), max_length=6, editable=False)
    general_hazards_fixed_on_spot = models.PositiveIntegerField(_("一般隐患（当场整改）"), default=0)
    general_hazards_not_fixed_on_spot = models.PositiveIntegerField(_("一般隐患（未当场整改）"), default=0)
    major_hazards = models.PositiveIntegerField(_("重大隐患"), default=0)
    refused_inspection = models.BooleanField(_("拒绝督查"), default=False)
    refused_letter = models.BooleanField(_("拒收意见书"), default=False)
    accidents = models.PositiveIntegerField(_("事故起数"), default=0)
    note = models.TextField(_("备注"), blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        app_label = "ratings"  # the storage label: see liangpai/ratings/apps.py
        verbose_name = _("督查结果")
        verbose_name_plural = pgettext_lazy("plural", "督查结果")
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["quarter", "enterprise"], name="inspection_quarter_enterprise")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.inspected_on.isoformat()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.quarter = str(Quarter.of(self.inspected_on))
        super().save(*args, **kwargs)


class QuarterLight(BelongsToEnterprise, models.Model):
    """R4: one enterprise's light for one quarter, with the facts and rules that decided it.

    `light` is the light in force; `computed_light` what the facts say. They differ only
    after a manual override (R-LIGHT-10: reason, who, when) or for imported history,
    which has no computed light. Closing the quarter again refreshes `computed_light`
    and never replaces an override or an imported light.
    """

    class Source(models.TextChoices):
        COMPUTED = "computed", _("系统计算")
        IMPORTED = "imported", _("历史导入")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="quarter_lights", verbose_name=_("企业")
    )
    quarter = models.CharField(_("季度"), max_length=6)
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveSmallIntegerField(_("季度序号"))
    light = models.CharField(_("灯色"), max_length=15, choices=LightChoice.choices)
    computed_light = models.CharField(_("计算灯色"), max_length=15, choices=LightChoice.choices, blank=True)
    inspected_on = models.DateField(_("督查日期"), null=True, blank=True)
    facts = models.JSONField(_("事实"), default=dict, blank=True)
    reasons = models.JSONField(_("原因"), default=list, blank=True)
    ruleset = models.ForeignKey(
        RulesetVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("规则集")
    )
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.COMPUTED)
    override_reason = models.TextField(_("人工调整理由"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("调整人"),
    )
    overridden_at = models.DateTimeField(_("调整时间"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)
    is_published = models.BooleanField(_("已公布"), default=False)

    objects = EnterpriseRowsQuerySet["QuarterLight"].as_manager()

    class Meta:
        app_label = "ratings"  # the storage label: see liangpai/ratings/apps.py
        verbose_name = _("季度亮灯")
        verbose_name_plural = pgettext_lazy("plural", "季度亮灯")
        ordering = ["-year", "-number", "enterprise_id"]
        constraints = [
            # Quarter first: closing a quarter reads its lights by enterprise id range, chunk by chunk.
            models.UniqueConstraint(fields=["quarter", "enterprise"], name="quarter_light_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1, number__lte=4), name="quarter_light_number"),
        ]
        indexes = [
            models.Index(fields=["quarter", "light"], name="quarter_light_by_light"),
            models.Index(fields=["enterprise", "year"], name="quarter_light_by_year"),
        ]

    def __str__(self) -> str:
        # The services set `enterprise_name` on rows they build in bulk, so the audit
        # record names the enterprise without a query per row.
        name = getattr(self, "enterprise_name", None) or self.enterprise.name
        return gettext("%(enterprise)s %(quarter)s亮灯") % {"enterprise": name, "quarter": self.quarter}

    @property
    def period(self) -> Quarter:
        return Quarter(self.year, self.number)

    @property
    def is_overridden(self) -> bool:
        return self.overridden_at is not None

    @property
    def is_kept(self) -> bool:
        """Whether closing the quarter keeps `light` as it is: a manual override or imported history."""
        return self.is_overridden or self.source == self.Source.IMPORTED

"""Rulesets and the working-day calendar (R-RULESET-1/2, R-WORKDAY-1).

Stored under the `ratings` app label (see liangpai/ratings/apps.py): the tables, migrations,
audit records and backups keep the names they have always had.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from liangpai.rules.ruleset import Grade, LightThresholds, Ruleset

GRADE_CHOICES = [(grade.value, grade.value) for grade in Grade]


#: RulesetVersion field → the `Ruleset` attribute it holds ("lights." for LightThresholds).
RULESET_FIELDS: dict[str, str] = {
    "minimum_a": "minimum_a",
    "minimum_b": "minimum_b",
    "minimum_c": "minimum_c",
    "downgrade_reds": "downgrade_reds",
    "downgrade_yellows": "downgrade_yellows",
    "downgrade_stacking": "downgrade_stacking",
    "downgrade_floor": "downgrade_floor",
    "interview_deadline_working_days": "interview_deadline_working_days",
    "letter_reply_working_days": "letter_reply_working_days",
    "red_major_hazards": "lights.red_major_hazards",
    "red_accidents": "lights.red_accidents",
    "red_on_refusal": "lights.red_on_refusal",
    "yellow_general_hazards_not_fixed_on_spot": "lights.yellow_general_hazards_not_fixed_on_spot",
    "yellow_overdue_letters": "lights.yellow_overdue_letters",
    "yellow_overdue_hazard_reports": "lights.yellow_overdue_hazard_reports",
    "plaque_changes_mid_year": "plaque_changes_mid_year",
}


class RulesetVersion(models.Model):
    """R-RULESET-1: one version of the program's configurable numbers, for one year.

    A draft is edited; activating it makes it the year's ruleset (the one it replaces is
    retired). Once a stored result names a version, its numbers never change
    (`rulesets.services`): a past year is explained by the rules it was decided with.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("已启用")
        RETIRED = "retired", _("已停用")

    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.CharField(
        _("版本"), max_length=20, unique=True, help_text=_("如“2026-1”。每个亮灯和评级结果都记下所用的版本。")
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    minimum_a = models.DecimalField(_("A 级最低分"), max_digits=4, decimal_places=1, default=Decimal(90))
    minimum_b = models.DecimalField(_("B 级最低分"), max_digits=4, decimal_places=1, default=Decimal(80))
    minimum_c = models.DecimalField(_("C 级最低分"), max_digits=4, decimal_places=1, default=Decimal(60))
    downgrade_reds = models.PositiveSmallIntegerField(_("降级所需红灯次数"), default=1)
    downgrade_yellows = models.PositiveSmallIntegerField(_("降级所需黄灯次数"), default=2)
    downgrade_stacking = models.BooleanField(_("降级可叠加"), default=False)
    downgrade_floor = models.CharField(_("降级底线"), max_length=1, choices=GRADE_CHOICES, default=Grade.D.value)
    interview_deadline_working_days = models.PositiveSmallIntegerField(_("约谈期限（工作日）"), default=10)
    letter_reply_working_days = models.PositiveSmallIntegerField(_("意见书答复期限（工作日）"), default=15)
    red_major_hazards = models.PositiveSmallIntegerField(_("红灯：重大隐患项数"), default=1)
    red_accidents = models.PositiveSmallIntegerField(_("红灯：事故起数"), default=1)
    red_on_refusal = models.BooleanField(_("红灯：拒绝督查或拒收意见书"), default=True)
    yellow_general_hazards_not_fixed_on_spot = models.PositiveSmallIntegerField(
        _("黄灯：一般隐患未当场整改项数"), default=1
    )
    yellow_overdue_letters = models.PositiveSmallIntegerField(_("黄灯：意见书逾期份数"), default=1)
    yellow_overdue_hazard_reports = models.PositiveSmallIntegerField(_("黄灯：随手拍逾期未整改件数"), default=1)
    plaque_changes_mid_year = models.BooleanField(_("年中换牌"), default=False)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        app_label = "ratings"  # the storage label: see liangpai/ratings/apps.py
        verbose_name = _("规则集")
        verbose_name_plural = pgettext_lazy("plural", "规则集")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["year"], condition=models.Q(status="active"), name="ruleset_one_active"),
        ]

    def __str__(self) -> str:
        return gettext("%(year)s年规则集 %(version)s") % {"year": self.year, "version": self.version}

    def to_rules(self) -> Ruleset:
        """The frozen `Ruleset` the pure rules take."""
        own: dict[str, Any] = {}
        lights: dict[str, Any] = {}
        for name, target in RULESET_FIELDS.items():
            value = getattr(self, name)
            if name.startswith("minimum_"):
                value = Decimal(value)
            elif name == "downgrade_floor":
                value = Grade(value)
            if target.startswith("lights."):
                lights[target.removeprefix("lights.")] = value
            else:
                own[target] = value
        return Ruleset(version=self.version, lights=LightThresholds(**lights), **own)

    @staticmethod
    def values_of(rules: Ruleset) -> dict[str, Any]:
        """The field values that hold `rules` (the inverse of `to_rules`, without the version)."""
        values: dict[str, Any] = {}
        for name, target in RULESET_FIELDS.items():
            owner: Any = rules.lights if target.startswith("lights.") else rules
            value = getattr(owner, target.removeprefix("lights."))
            values[name] = value.value if isinstance(value, Grade) else value
        return values


class CalendarOverride(models.Model):
    """R-WORKDAY-1: a local correction of the working-day calendar (a 调休 day, a local day off)."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("工作日"), help_text=_("勾选为工作日（如调休上班），不勾选为休息日。"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
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
        verbose_name = _("工作日调整")
        verbose_name_plural = pgettext_lazy("plural", "工作日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        kind = gettext("工作日") if self.is_working_day else gettext("休息日")
        return f"{self.date.isoformat()} {kind}"

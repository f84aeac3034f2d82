"""Annual grades and the bases they are computed from (R3/R6).

Stored under the `ratings` app label (see liangpai/ratings/apps.py).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from liangpai.enterprises.models import Enterprise
from liangpai.rulesets.models import GRADE_CHOICES, RulesetVersion


class GradeInput(models.Model):
    """The base of an annual grade until the annual-assessment app provides it: a score or a grade, and failed vetoes.

    Read through `grades.sources.GradeInputs`. Neither a score nor a grade means the
    enterprise was not assessed (未评级); failed vetoes give D even then (R-GRADE-3).
    """

    class Source(models.TextChoices):
        IMPORTED = "imported", _("导入")
        MANUAL = "manual", _("手工录入")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="grade_inputs", verbose_name=_("企业")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    score = models.DecimalField(_("评估得分"), max_digits=4, decimal_places=1, null=True, blank=True)
    grade = models.CharField(_("评估等级"), max_length=1, choices=GRADE_CHOICES, blank=True)
    failed_vetoes = models.JSONField(_("未通过的否决项"), default=list, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    note = models.TextField(_("备注"), blank=True)
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
        verbose_name = _("评级依据")
        verbose_name_plural = pgettext_lazy("plural", "评级依据")
        ordering = ["-year", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "enterprise"], name="grade_input_unique"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(grade=""), name="grade_input_score_or_grade"
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=100),
                name="grade_input_score_range",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(enterprise)s %(year)s年评级依据") % {"enterprise": self.enterprise, "year": self.year}


class AnnualGrade(models.Model):
    """R3/R6: one enterprise's annual grade, with the facts and ruleset it was computed from.

    `final_grade` None is 未评级 (ungraded, R-GRADE-2) — never a silent A. `reasons` are
    the structured reasons of `rules.grading` (see `rules.codec`); `facts` the base, vetoes
    and the lights used, with their quarters and inspection dates.
    """

    class Source(models.TextChoices):
        COMPUTED = "computed", _("系统计算")
        IMPORTED = "imported", _("历史导入")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="annual_grades", verbose_name=_("企业")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    base_grade = models.CharField(  # noqa: DJ001 -- None is 未评级, which is not a grade (R-GRADE-2)
        _("基础等级"), max_length=1, choices=GRADE_CHOICES, null=True, blank=True
    )
    final_grade = models.CharField(  # noqa: DJ001 -- None is 未评级, which is not a grade (R-GRADE-2)
        _("年度等级"), max_length=1, choices=GRADE_CHOICES, null=True, blank=True
    )
    score = models.DecimalField(_("评估得分"), max_digits=4, decimal_places=1, null=True, blank=True)
    reasons = models.JSONField(_("原因"), default=list, blank=True)
    facts = models.JSONField(_("事实"), default=dict, blank=True)
    ruleset = models.ForeignKey(
        RulesetVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("规则集")
    )
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.COMPUTED)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)
    is_published = models.BooleanField(_("已公布"), default=False)

    class Meta:
        app_label = "ratings"  # the storage label: see liangpai/ratings/apps.py
        verbose_name = _("年度等级")
        verbose_name_plural = pgettext_lazy("plural", "年度等级")
        ordering = ["-year", "enterprise_id"]
        # Year first: computing a year's grades reads them by enterprise id range, chunk by chunk.
        constraints = [models.UniqueConstraint(fields=["year", "enterprise"], name="annual_grade_unique")]
        indexes = [models.Index(fields=["year", "final_grade"], name="annual_grade_by_grade")]

    def __str__(self) -> str:
        name = getattr(self, "enterprise_name", None) or self.enterprise.name
        return gettext("%(enterprise)s %(year)s年度等级") % {"enterprise": name, "year": self.year}

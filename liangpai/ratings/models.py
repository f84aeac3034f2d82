"""Rulesets, quarterly lights, warning interviews and annual grades (MISSION.md R3–R6).

The decisions are in `liangpai.rules`; these models keep what the rules were given and
what they decided: every light and grade stores the facts it was computed from and the
ruleset version it used, so it can be explained and recomputed (STYLE.md, "Rules").
Results become public only through publication (`is_published`, issue 3 item 8), and a
published result never changes.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from liangpai.core.storage import private_storage, random_file_name
from liangpai.enterprises.models import Enterprise
from liangpai.regions.models import Town
from liangpai.rules.lights import Light
from liangpai.rules.periods import Quarter
from liangpai.rules.ruleset import Grade, LightThresholds, Ruleset

GRADE_CHOICES = [(grade.value, grade.value) for grade in Grade]


class LightChoice(models.TextChoices):
    """R-LIGHT-1, as stored: the values of `rules.lights.Light`."""

    GREEN = Light.GREEN.value, _("绿灯")
    YELLOW = Light.YELLOW.value, _("黄灯")
    RED = Light.RED.value, _("红灯")
    NOT_INSPECTED = Light.NOT_INSPECTED.value, _("未检")


# --- rulesets --------------------------------------------------------------------------

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
    (`services.rulesets`): a past year is explained by the rules it was decided with.
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
        verbose_name = _("工作日调整")
        verbose_name_plural = pgettext_lazy("plural", "工作日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        kind = gettext("工作日") if self.is_working_day else gettext("休息日")
        return f"{self.date.isoformat()} {kind}"


# --- facts ----------------------------------------------------------------------------


class InspectionResult(models.Model):
    """What one inspection found: the stand-in fact source for the quarterly light (R4).

    Until the inspection, letter and hazard-report apps exist, these rows (recorded by
    hand or imported) are what `facts.build_quarter_facts` reads. A refused inspection
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
        verbose_name = _("督查结果")
        verbose_name_plural = pgettext_lazy("plural", "督查结果")
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["quarter", "enterprise"], name="inspection_quarter_enterprise")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.inspected_on.isoformat()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.quarter = str(Quarter.of(self.inspected_on))
        super().save(*args, **kwargs)


# --- results --------------------------------------------------------------------------


class QuarterLight(models.Model):
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

    class Meta:
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


def interview_storage() -> Storage:
    """Signed scans hold names and signatures: private."""
    return private_storage("interviews")


_scan_path = random_file_name  # the name the migrations know


class WarningInterview(models.Model):
    """R5: the warning interview (警示教育约谈) a red light calls for, held by the town emergency office.

    Created by `close_quarter` for each red light, due a ruleset-defined number of
    working days later. Its status moves only as `services.interviews.TRANSITIONS`
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

    class Meta:
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


class GradeInput(models.Model):
    """The base of an annual grade until the annual-assessment app provides it: a score or a grade, and failed vetoes.

    Read through `grades.BASE_GRADE_SOURCES`. Neither a score nor a grade means the
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
    the structured reasons of `rules.grading` (see `codec`); `facts` the base, vetoes
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
        verbose_name = _("年度等级")
        verbose_name_plural = pgettext_lazy("plural", "年度等级")
        ordering = ["-year", "enterprise_id"]
        # Year first: computing a year's grades reads them by enterprise id range, chunk by chunk.
        constraints = [models.UniqueConstraint(fields=["year", "enterprise"], name="annual_grade_unique")]
        indexes = [models.Index(fields=["year", "final_grade"], name="annual_grade_by_grade")]

    def __str__(self) -> str:
        name = getattr(self, "enterprise_name", None) or self.enterprise.name
        return gettext("%(enterprise)s %(year)s年度等级") % {"enterprise": name, "year": self.year}


class Publication(models.Model):
    """R7 / issue 3 item 8: publishing a quarter's lights or a year's grades, with a second approver.

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

"""The annual assessment (年度评估, MISSION.md R2): one checklist per enterprise and year.

An assessor answers every item of the year's active template for the enterprise's
scale — a score, or 不适用, a note and evidence photos — while the assessment is a
draft; submitting scores it (`rules.scoring`), a reviewer who is not the submitter
checks it, and publishing it makes its score the base of the enterprise's annual grade
(`sources.PublishedAssessments`, read by `compute_grades`). The status moves only as
`workflow.TRANSITIONS` allows, every move and every save is audited, and `version`
guards against two people saving the same assessment (SECURITY.md T9).

Once submitted, the answers never change unless the assessment is returned to draft;
the score, the failed vetoes and the template the grade came from stay on the row, so a
grade can always be traced back to the answers and photos behind it.
"""

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from liangpai.checklists.models import ChecklistItem, ChecklistTemplate
from liangpai.core.access import Action
from liangpai.core.storage import private_storage, random_file_name
from liangpai.enterprises.models import BelongsToEnterprise, Enterprise, EnterpriseRowsQuerySet


class AssessmentQuerySet(EnterpriseRowsQuerySet["Assessment"]):
    view_action = Action.ASSESSMENT_VIEW


class Assessment(BelongsToEnterprise, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("填报中")
        SUBMITTED = "submitted", _("待审核")
        REVIEWED = "reviewed", _("已审核")
        PUBLISHED = "published", _("已发布")

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("企业")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("评估模板")
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=1)
    assessed_on = models.DateField(_("评估日期"), null=True, blank=True)
    assessors = models.CharField(
        _("评估人员"),
        max_length=200,
        blank=True,
        help_text=_("参加现场评估的人员，如“张三（镇总工会）、李四（应急办）”。"),
    )
    summary = models.TextField(_("评估意见"), blank=True)
    # What submitting computed (R-SCORE-1 … R-SCORE-4); empty while a draft.
    score = models.DecimalField(_("得分"), max_digits=4, decimal_places=1, null=True, blank=True)
    awarded_total = models.DecimalField(_("实得分"), max_digits=7, decimal_places=1, null=True, blank=True)
    applicable_max = models.DecimalField(_("适用项满分"), max_digits=7, decimal_places=1, null=True, blank=True)
    failed_vetoes = models.JSONField(_("否决项"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("最后修改人")
    )
    updated_at = models.DateTimeField(_("最后修改时间"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("提交人")
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("审核人")
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("发布人")
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    last_reason = models.TextField(_("最近一次退回或撤回的理由"), blank=True)
    #: Who saved answers, added photos or submitted since the assessment last became a draft: none of them
    #: may review it (four eyes on every score). Emptied when it is returned or reopened.
    round_authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("本轮填写人")
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度评估")
        verbose_name_plural = pgettext_lazy("plural", "年度评估")
        ordering = ["-year", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="assessment_one_per_enterprise_year"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=100),
                name="assessment_score_0_100",
            ),
        ]
        indexes = [models.Index(fields=["year", "status", "enterprise"], name="assessment_year_status")]

    def __str__(self) -> str:
        return gettext("%(enterprise)s %(year)s年度评估") % {"enterprise": self.enterprise.name, "year": self.year}

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class AssessmentAnswer(models.Model):
    """One checklist item as answered: a score or 不适用, a failed veto, a note (R-SCORE-1)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers", verbose_name=_("年度评估")
    )
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("评价项目"))
    awarded = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    not_applicable = models.BooleanField(_("不适用"), default=False)
    veto_failed = models.BooleanField(_("触发否决"), default=False)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("评估答题")
        verbose_name_plural = pgettext_lazy("plural", "评估答题")
        ordering = ["item__category__order", "item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="assessment_answer_one_per_item"),
            models.CheckConstraint(
                condition=models.Q(awarded__isnull=True) | models.Q(awarded__gte=0),
                name="assessment_answer_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(not_applicable=True, awarded__isnull=False), name="assessment_answer_na_unscored"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}"

    @property
    def is_answered(self) -> bool:
        return self.not_applicable or self.awarded is not None


def evidence_storage() -> Storage:
    """Photos of workplaces are not public."""
    return private_storage("evidence")


_photo_path = random_file_name  # the name the migrations know; the extension is the re-encoded format's


class EvidencePhoto(models.Model):
    """A photo taken as evidence for an answer, re-encoded without metadata (SECURITY.md T4)."""

    answer = models.ForeignKey(
        AssessmentAnswer, on_delete=models.CASCADE, related_name="photos", verbose_name=_("评估答题")
    )
    file = models.FileField(_("照片"), upload_to=_photo_path, storage=evidence_storage, max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=40)
    sha256 = models.CharField(_("校验值"), max_length=64)
    width = models.PositiveIntegerField(_("宽度"))
    height = models.PositiveIntegerField(_("高度"))
    size = models.PositiveIntegerField(_("字节数"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("佐证照片")
        verbose_name_plural = pgettext_lazy("plural", "佐证照片")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.file.name or ""

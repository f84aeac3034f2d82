"""Assessment templates (年度评估标准, MISSION.md R2), versioned by scale and year.

A template is a draft while the city admin edits it; activating it makes it the one
template of its scale and year, and retires the one it replaces. Active and retired
templates never change (a past year's assessments were made against them): to adjust
one, copy it into a new draft. The services and the admin enforce this; the database
keeps one active template per scale and year, and a veto item's 0 points.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from liangpai.enterprises.models import Enterprise
from liangpai.rules import vetoes


class ChecklistTemplate(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("已启用")
        RETIRED = "retired", _("已停用")

    code = models.CharField(_("代码"), max_length=10, help_text=_("如 GS（规上）、GX（规下）。"))
    name = models.CharField(_("名称"), max_length=100)
    scale = models.CharField(_("适用规模"), max_length=10, choices=Enterprise.Scale.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveSmallIntegerField(_("版本"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="copies", verbose_name=_("复制自")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评估模板")
        verbose_name_plural = pgettext_lazy("plural", "评估模板")
        ordering = ["-year", "scale", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "year", "version"], name="checklist_template_unique_version"),
            # The one template assessments of that scale and year are made against.
            models.UniqueConstraint(
                fields=["scale", "year"], condition=models.Q(status="active"), name="checklist_template_one_active"
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="checklist_template_version_positive"),
        ]

    def __str__(self) -> str:
        return gettext("%(name)s（%(year)s年第%(version)s版）") % {
            "name": self.name,
            "year": self.year,
            "version": self.version,
        }

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class ChecklistCategory(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.CASCADE, related_name="categories", verbose_name=_("评估模板")
    )
    code = models.CharField(_("代码"), max_length=20)
    name = models.CharField(_("名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("评价类别")
        verbose_name_plural = pgettext_lazy("plural", "评价类别")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="checklist_category_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class VetoKey(models.TextChoices):
    """Which veto an item is: the same key in every template and year (`rules.vetoes`)."""

    FATAL_ACCIDENT = vetoes.VETO_FATAL_ACCIDENT, _("发生生产安全死亡事故")
    INSPECTION_REFUSED = vetoes.VETO_INSPECTION_REFUSED, _("拒绝、阻挠工会监督检查")
    MAJOR_HAZARD_OVERDUE = vetoes.VETO_MAJOR_HAZARD_OVERDUE, _("重大事故隐患逾期未整改")


class ChecklistItem(models.Model):
    category = models.ForeignKey(
        ChecklistCategory, on_delete=models.CASCADE, related_name="items", verbose_name=_("评价类别")
    )
    code = models.CharField(_("代码"), max_length=20)
    text = models.TextField(_("评价内容"))
    max_score = models.DecimalField(_("分值"), max_digits=5, decimal_places=1)
    guidance = models.TextField(_("评分标准"))
    evidence = models.TextField(_("评价方法"), help_text=_("查阅资料、现场查看、询问职工等。"))
    is_veto = models.BooleanField(_("否决项"), default=False)
    veto_key = models.CharField(_("否决情形"), max_length=30, choices=VetoKey.choices, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    #: Raised by one on each saved edit: a form saved against an older version is a conflict (SECURITY.md T9).
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        verbose_name = _("评价项目")
        verbose_name_plural = pgettext_lazy("plural", "评价项目")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(max_score__gte=0), name="checklist_item_score_not_negative"),
            # A veto item is a pass/fail condition: it names its veto and carries no points.
            models.CheckConstraint(
                condition=(
                    (models.Q(is_veto=True, max_score=0) & ~models.Q(veto_key=""))
                    | models.Q(is_veto=False, veto_key="")
                ),
                name="checklist_item_veto_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from liangpai.core.access import Action, Grant, visible
from liangpai.enterprises.validators import validate_credit_code
from liangpai.regions.models import District, Town


class Industry(models.Model):
    """GB/T 4754-2017: a section (门类, A–T) or a division (大类, two digits) under it."""

    code = models.CharField(_("代码"), max_length=4, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("门类")
    )

    class Meta:
        verbose_name = _("国民经济行业")
        verbose_name_plural = pgettext_lazy("plural", "国民经济行业")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_section(self) -> bool:
        return self.parent_id is None


def _enterprise_rule(g: Grant) -> Q | None:
    """The scoping rule (every other scope derives from it): city roles see the whole city, town
    roles one town, group roles the districts their group covers, a contact its own enterprise."""
    if g.is_city:
        return Q()
    if g.is_town:
        return Q(town_id=g.town_id)
    if g.is_group:
        return Q(district_id__in=g.district_ids)
    if g.is_enterprise:
        return Q(pk=g.enterprise_id)
    return None


class EnterpriseQuerySet(models.QuerySet["Enterprise"]):
    def active(self) -> "EnterpriseQuerySet":
        return self.filter(status=Enterprise.Status.ACTIVE)

    def visible_to(self, actor: Any, action: Action = Action.ENTERPRISE_VIEW) -> "EnterpriseQuerySet":
        """The enterprises `actor` may see (or take `action` on)."""
        return visible(self, actor, action, _enterprise_rule)


EnterpriseManager = models.Manager.from_queryset(EnterpriseQuerySet)


class Enterprise(models.Model):
    class Scale(models.TextChoices):
        ABOVE = "above", _("规上")
        BELOW = "below", _("规下")

    class Status(models.TextChoices):
        ACTIVE = "active", _("在营")
        CLOSED = "closed", _("已关停")
        MOVED_OUT = "moved_out", _("已迁出")

    name = models.CharField(_("企业名称"), max_length=200)
    name_initials = models.CharField(_("拼音首字母"), max_length=200, db_index=True, editable=False)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code])
    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("镇/街道"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("片区"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("行业"))
    scale = models.CharField(_("规模"), max_length=10, choices=Scale.choices)
    headcount = models.PositiveIntegerField(_("职工人数"))
    has_union = models.BooleanField(_("已建工会"), default=False)
    union_chair = models.CharField(_("工会主席"), max_length=50, blank=True)
    union_chair_phone = models.CharField(_("工会主席电话"), max_length=20, blank=True)
    safety_contact = models.CharField(_("安全负责人"), max_length=50, blank=True)
    safety_contact_phone = models.CharField(_("安全负责人电话"), max_length=20, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = EnterpriseManager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = pgettext_lazy("plural", "企业")
        # Pinyin initials order is close to the pinyin order Chinese users expect, on any database.
        ordering = ["name_initials", "name", "id"]
        indexes = [
            models.Index(fields=["town", "name_initials"], name="enterprise_town_initials"),
            models.Index(fields=["district", "name_initials"], name="enterprise_district_initials"),
            models.Index(fields=["status", "name_initials"], name="enterprise_status_initials"),
        ]

    def __str__(self) -> str:
        return self.name

    def covered_by(self, g: Grant) -> bool:
        """The same rule as `_enterprise_rule`, decided for this enterprise without a query."""
        if g.is_city:
            return True
        if g.is_town:
            return g.town_id == self.town_id
        if g.is_group:
            return self.district_id in g.district_ids
        return g.is_enterprise and g.enterprise_id == self.pk

    def clean(self) -> None:
        if self.district_id and self.town_id and self.district.town_id != self.town_id:
            raise ValidationError(
                {"district": gettext("片区“%(district)s”不属于所选的镇/街道。") % {"district": self.district.name}}
            )


class EnterpriseRowsQuerySet[M: models.Model](models.QuerySet[M]):
    """Rows that belong to one enterprise each (its lights, grades, interviews, assessments): a user sees
    those of the enterprises they may take `action` on — the enterprise's scoping rule, once."""

    #: The action a row is seen with when the caller names none.
    view_action: Action = Action.ENTERPRISE_VIEW

    def visible_to(self, actor: Any, action: Action | None = None) -> "EnterpriseRowsQuerySet[M]":
        return self.filter(enterprise__in=Enterprise.objects.visible_to(actor, action or self.view_action))


class BelongsToEnterprise:
    """A row covered by a grant when its enterprise is (`core.access.can` on the row)."""

    enterprise: Enterprise

    def covered_by(self, grant: Grant) -> bool:
        return self.enterprise.covered_by(grant)

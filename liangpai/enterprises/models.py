from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from liangpai.enterprises.validators import validate_credit_code
from liangpai.regions.models import District, Town


class Industry(models.Model):
    """GB/T 4754-2017: a section (门类, A–T) or a division (大类, two digits) under it."""

    code = models.CharField("代码", max_length=4, unique=True)
    name = models.CharField("名称", max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="门类"
    )

    class Meta:
        verbose_name = "国民经济行业"
        verbose_name_plural = "国民经济行业"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_section(self) -> bool:
        return self.parent_id is None


class EnterpriseQuerySet(models.QuerySet["Enterprise"]):
    def active(self) -> "EnterpriseQuerySet":
        return self.filter(status=Enterprise.Status.ACTIVE)


EnterpriseManager = models.Manager.from_queryset(EnterpriseQuerySet)


class Enterprise(models.Model):
    class Scale(models.TextChoices):
        ABOVE = "above", "规上"
        BELOW = "below", "规下"

    class Status(models.TextChoices):
        ACTIVE = "active", "在营"
        CLOSED = "closed", "已关停"
        MOVED_OUT = "moved_out", "已迁出"

    name = models.CharField("企业名称", max_length=200)
    name_initials = models.CharField("拼音首字母", max_length=200, db_index=True, editable=False)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code])
    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="enterprises", verbose_name="镇/街道")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="enterprises", verbose_name="片区")
    address = models.CharField("地址", max_length=200, blank=True)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="enterprises", verbose_name="行业")
    scale = models.CharField("规模", max_length=10, choices=Scale.choices)
    headcount = models.PositiveIntegerField("职工人数")
    has_union = models.BooleanField("已建工会", default=False)
    union_chair = models.CharField("工会主席", max_length=50, blank=True)
    union_chair_phone = models.CharField("工会主席电话", max_length=20, blank=True)
    safety_contact = models.CharField("安全负责人", max_length=50, blank=True)
    safety_contact_phone = models.CharField("安全负责人电话", max_length=20, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = EnterpriseManager()

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        # Pinyin initials order is close to the pinyin order Chinese users expect, on any database.
        ordering = ["name_initials", "name", "id"]
        indexes = [
            models.Index(fields=["town", "name_initials"], name="enterprise_town_initials"),
            models.Index(fields=["district", "name_initials"], name="enterprise_district_initials"),
            models.Index(fields=["status", "name_initials"], name="enterprise_status_initials"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.district_id and self.town_id and self.district.town_id != self.town_id:
            raise ValidationError(
                {"district": _("片区“%(district)s”不属于所选的镇/街道。") % {"district": self.district.name}}
            )

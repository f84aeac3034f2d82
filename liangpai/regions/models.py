from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class City(models.Model):
    name = models.CharField(_("名称"), max_length=50, unique=True)
    division_code = models.CharField(_("行政区划代码"), max_length=6, blank=True)

    class Meta:
        verbose_name = _("城市")
        verbose_name_plural = pgettext_lazy("plural", "城市")

    def __str__(self) -> str:
        return self.name


class Town(models.Model):
    """A town (镇) or street (街道) of the city."""

    class Kind(models.TextChoices):
        TOWN = "town", _("镇")
        STREET = "street", _("街道")

    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="towns", verbose_name=_("城市"))
    name = models.CharField(_("名称"), max_length=50)
    short_name = models.CharField(_("简称"), max_length=10, help_text=_("用于文书编号，如“当湖”"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.TOWN)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("镇/街道")
        verbose_name_plural = pgettext_lazy("plural", "镇/街道")
        ordering = ["sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["city", "name"], name="town_unique_name")]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    """A district (片) of a town: the area one representative group inspects."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="districts", verbose_name=_("镇/街道"))
    name = models.CharField(_("名称"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("片区")
        verbose_name_plural = pgettext_lazy("plural", "片区")
        ordering = ["town__sort_order", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint("town", Lower("name"), name="district_unique_name_per_town"),
        ]

    def __str__(self) -> str:
        return f"{self.town.name}·{self.name}"

from typing import Any

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liangpai.core.access import Action, Grant, visible


class City(models.Model):
    name = models.CharField(_("名称"), max_length=50, unique=True)
    division_code = models.CharField(_("行政区划代码"), max_length=6, blank=True)

    class Meta:
        verbose_name = _("城市")
        verbose_name_plural = pgettext_lazy("plural", "城市")

    def __str__(self) -> str:
        return self.name

    def covered_by(self, g: Grant) -> bool:
        """The city as a whole (its towns, their names and order) is the city roles' to manage."""
        return g.is_city


def _town_rule(g: Grant) -> Q | None:
    if g.is_city:
        return Q()
    if g.is_town:
        return Q(pk=g.town_id)
    if g.is_group:
        return Q(pk=g.group_town_id)
    return None


class TownQuerySet(models.QuerySet["Town"]):
    def visible_to(self, actor: Any, action: Action = Action.ORG_VIEW) -> "TownQuerySet":
        """The towns `actor` may take `action` in: all for city roles, their own for town and group roles."""
        return visible(self, actor, action, _town_rule)


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

    objects = TownQuerySet.as_manager()

    class Meta:
        verbose_name = _("镇/街道")
        verbose_name_plural = pgettext_lazy("plural", "镇/街道")
        ordering = ["sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["city", "name"], name="town_unique_name")]

    def __str__(self) -> str:
        return self.name

    def covered_by(self, g: Grant) -> bool:
        """The same rule as `_town_rule`, for this town without a query."""
        if g.is_city:
            return True
        if g.is_town:
            return g.town_id == self.pk
        return g.is_group and g.group_town_id == self.pk


def _district_rule(g: Grant) -> Q | None:
    if g.is_city:
        return Q()
    if g.is_town:
        return Q(town_id=g.town_id)
    if g.is_group:
        return Q(pk__in=g.district_ids)
    return None


class DistrictQuerySet(models.QuerySet["District"]):
    def visible_to(self, actor: Any, action: Action = Action.ORG_VIEW) -> "DistrictQuerySet":
        """The districts `actor` may take `action` in: their town's, or the ones their group covers."""
        return visible(self, actor, action, _district_rule)


class District(models.Model):
    """A district (片) of a town: the area one representative group inspects."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="districts", verbose_name=_("镇/街道"))
    name = models.CharField(_("名称"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("片区")
        verbose_name_plural = pgettext_lazy("plural", "片区")
        ordering = ["town__sort_order", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint("town", Lower("name"), name="district_unique_name_per_town"),
        ]

    def __str__(self) -> str:
        return f"{self.town.name}·{self.name}"

    def covered_by(self, g: Grant) -> bool:
        """The same rule as `_district_rule`, for this district without a query."""
        if g.is_city:
            return True
        if g.is_town:
            return g.town_id == self.town_id
        return g.is_group and self.pk in g.district_ids

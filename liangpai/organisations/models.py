from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from liangpai.core.access import Action, Grant, Role, visible
from liangpai.enterprises.models import Industry
from liangpai.regions.models import District, Town


class Body(models.Model):
    """A union body or an emergency office, at city or town level."""

    class Kind(models.TextChoices):
        CITY_UNION = "city_union", _("市总工会")
        CITY_EMERGENCY = "city_emergency", _("市应急管理局")
        TOWN_UNION = "town_union", _("镇/街道总工会")
        TOWN_EMERGENCY = "town_emergency", _("镇/街道应急办")

    CITY_KINDS = (Kind.CITY_UNION, Kind.CITY_EMERGENCY)

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    town = models.ForeignKey(
        Town, null=True, blank=True, on_delete=models.PROTECT, related_name="bodies", verbose_name=_("镇/街道")
    )
    head = models.CharField(_("负责人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("工会/应急机构")
        verbose_name_plural = pgettext_lazy("plural", "工会/应急机构")
        ordering = ["town__sort_order", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind__in=["city_union", "city_emergency"], town__isnull=True)
                    | models.Q(kind__in=["town_union", "town_emergency"], town__isnull=False)
                ),
                name="body_town_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def covered_by(self, g: Grant) -> bool:
        """A city body is the city roles'; a town's body is also its own town's."""
        if g.is_city:
            return True
        return g.is_town and self.town_id is not None and g.town_id == self.town_id


def _group_rule(g: Grant) -> Q | None:
    if g.is_city:
        return Q()
    if g.is_town:
        return Q(town_id=g.town_id)
    if g.is_group:
        return Q(pk=g.group_id)
    return None


class GroupQuerySet(models.QuerySet["RepresentativeGroup"]):
    def visible_to(self, actor: Any, action: Action = Action.ORG_VIEW) -> "GroupQuerySet":
        """The groups `actor` may take `action` on: their town's, or their own group."""
        return visible(self, actor, action, _group_rule)


class RepresentativeGroup(models.Model):
    """工会代表小组: led by a leader, inspects the districts it covers (R8)."""

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="groups", verbose_name=_("镇/街道"))
    name = models.CharField(_("名称"), max_length=100)
    districts = models.ManyToManyField(District, related_name="groups", verbose_name=_("负责片区"), blank=True)
    is_active = models.BooleanField(_("在用"), default=True)
    note = models.TextField(_("备注"), blank=True)

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("工会代表小组")
        verbose_name_plural = pgettext_lazy("plural", "工会代表小组")
        ordering = ["town__sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="group_unique_name_per_town")]

    def __str__(self) -> str:
        return self.name

    def covered_by(self, g: Grant) -> bool:
        """The same rule as `_group_rule`, for this group without a query."""
        if g.is_city:
            return True
        if g.is_town:
            return g.town_id == self.town_id
        return g.is_group and g.group_id == self.pk


class GroupMember(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", _("组长")
        MEMBER = "member", _("成员")

    group = models.ForeignKey(
        RepresentativeGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("代表小组")
    )
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("职务"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    work_unit = models.CharField(_("工作单位"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_memberships",
        verbose_name=_("系统账号"),
    )
    #: Raised by one on each saved edit: a form saved against an older version is a conflict (SECURITY.md T9).
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        verbose_name = _("代表小组成员")
        verbose_name_plural = pgettext_lazy("plural", "代表小组成员")
        ordering = ["group", "role", "name"]
        constraints = [
            models.UniqueConstraint(fields=["group"], condition=models.Q(role="leader"), name="group_has_one_leader"),
        ]

    def __str__(self) -> str:
        return gettext("%(name)s（%(role)s）") % {"name": self.name, "role": self.get_role_display()}


def _expert_rule(g: Grant) -> Q | None:
    if g.is_city:
        return Q()
    if g.role == Role.EXPERT:
        return Q(user_id=g.user_id)
    if g.is_town:
        return Q(towns=g.town_id)
    if g.is_group:
        return Q(towns=g.group_town_id)
    return None


class ExpertQuerySet(models.QuerySet["Expert"]):
    def visible_to(self, actor: Any, action: Action = Action.ORG_VIEW) -> "ExpertQuerySet":
        """The experts `actor` may take `action` on: those invited by their town (or their group's
        town); an expert sees their own profile."""
        return visible(self, actor, action, _expert_rule).distinct()


class Expert(models.Model):
    """An invited industry safety expert (行业安全生产专家)."""

    name = models.CharField(_("姓名"), max_length=50)
    employer = models.CharField(_("工作单位"), max_length=200, blank=True)
    title = models.CharField(_("职称/资格"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    specialities = models.ManyToManyField(Industry, related_name="experts", verbose_name=_("专长行业"), blank=True)
    towns = models.ManyToManyField(Town, related_name="experts", verbose_name=_("受邀镇/街道"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_profiles",
        verbose_name=_("系统账号"),
    )
    is_active = models.BooleanField(_("在库"), default=True)

    objects = ExpertQuerySet.as_manager()

    class Meta:
        verbose_name = _("行业专家")
        verbose_name_plural = pgettext_lazy("plural", "行业专家")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def covered_by(self, g: Grant) -> bool:
        """The same rule as `_expert_rule`, for this expert (one query for the inviting towns)."""
        if g.is_city:
            return True
        if g.role == Role.EXPERT:
            return g.user_id == self.user_id
        town = g.town_id if g.is_town else g.group_town_id if g.is_group else None
        return town is not None and self.towns.filter(pk=town).exists()

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from liangpai.enterprises.models import Enterprise
from liangpai.organisations.models import RepresentativeGroup
from liangpai.regions.models import Town


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = pgettext_lazy("plural", "用户")

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市总工会")
    CITY_EMERGENCY = "city_emergency", _("市应急管理局")
    TOWN_UNION = "town_union", _("镇/街道总工会")
    TOWN_EMERGENCY = "town_emergency", _("镇/街道应急办")
    GROUP_LEADER = "group_leader", _("代表小组组长")
    GROUP_MEMBER = "group_member", _("代表小组成员")
    EXPERT = "expert", _("行业专家")
    ENTERPRISE_CONTACT = "enterprise_contact", _("企业联系人")


CITY_ROLES = frozenset({Role.CITY_ADMIN, Role.CITY_EMERGENCY})
TOWN_ROLES = frozenset({Role.TOWN_UNION, Role.TOWN_EMERGENCY, Role.EXPERT})
GROUP_ROLES = frozenset({Role.GROUP_LEADER, Role.GROUP_MEMBER})
ENTERPRISE_ROLES = frozenset({Role.ENTERPRISE_CONTACT})


class Membership(models.Model):
    """One role of a user, scoped to the city, a town, a representative group or an enterprise."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    town = models.ForeignKey(
        Town, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("镇/街道")
    )
    group = models.ForeignKey(
        RepresentativeGroup,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("代表小组"),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("企业"),
    )
    created_at = models.DateTimeField(_("授予时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = pgettext_lazy("plural", "角色授权")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        role__in=sorted(r.value for r in CITY_ROLES),
                        town__isnull=True,
                        group__isnull=True,
                        enterprise__isnull=True,
                    )
                    | models.Q(
                        role__in=sorted(r.value for r in TOWN_ROLES),
                        town__isnull=False,
                        group__isnull=True,
                        enterprise__isnull=True,
                    )
                    | models.Q(
                        role__in=sorted(r.value for r in GROUP_ROLES),
                        town__isnull=True,
                        group__isnull=False,
                        enterprise__isnull=True,
                    )
                    | models.Q(
                        role__in=sorted(r.value for r in ENTERPRISE_ROLES),
                        town__isnull=True,
                        group__isnull=True,
                        enterprise__isnull=False,
                    )
                ),
                name="membership_scope_matches_role",
                violation_error_message=_(
                    "角色与范围不匹配：市总工会、市应急管理局不选范围；镇/街道总工会、应急办和行业专家只选镇/街道；"
                    "代表小组组长、成员只选代表小组；企业联系人只选企业。"
                ),
            ),
        ]

    def __str__(self) -> str:
        scope = self.town or self.group or self.enterprise or gettext("全市")
        return f"{self.user} · {self.get_role_display()} · {scope}"


class LoginLock(models.Model):
    """A sign-in name refused for a while after too many wrong passwords (SECURITY.md T7).

    Kept by name, not by user: a name that belongs to nobody is locked the same way, so the
    login page never tells whether an account exists. Rows are kept after they end: they are
    the record of who was locked, when, and who unlocked them.
    """

    username = models.CharField(_("用户名"), max_length=150, db_index=True)
    locked_at = models.DateTimeField(_("锁定时间"))
    until = models.DateTimeField(_("锁定至"))
    failures = models.PositiveSmallIntegerField(_("失败次数"))
    ip_address = models.GenericIPAddressField(_("最后一次失败的地址"), null=True, blank=True)
    ended_at = models.DateTimeField(_("解锁时间"), null=True, blank=True)
    ended_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("解锁人")
    )

    class Meta:
        verbose_name = _("登录锁定")
        verbose_name_plural = pgettext_lazy("plural", "登录锁定")
        ordering = ["-locked_at"]

    def __str__(self) -> str:
        return gettext("%(username)s（锁定至 %(until)s）") % {
            "username": self.username,
            "until": timezone.localtime(self.until).strftime("%Y-%m-%d %H:%M"),
        }

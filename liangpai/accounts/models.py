from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from liangpai.core.access import CITY_ROLES, ENTERPRISE_ROLES, GROUP_ROLES, TOWN_ROLES, Grant, Role
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

    def grants(self) -> list[Grant]:
        """The user's role grants as the kernel's access rules read them, loaded once per request."""
        cached: list[Grant] | None = getattr(self, "_lp_grants", None)
        if cached is None:
            cached = [m.grant() for m in self.role_memberships()]
            self._lp_grants = cached
        return cached

    def role_memberships(self) -> list["Membership"]:
        cached: list[Membership] | None = getattr(self, "_lp_memberships", None)
        if cached is None:
            cached = list(
                Membership.objects.filter(user=self)
                .select_related("town", "group", "enterprise")
                .prefetch_related("group__districts")
            )
            self._lp_memberships = cached
        return cached


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
        return f"{self.user} · {self.get_role_display()} · {self.scope_label()}"

    def scope_label(self) -> str:
        return str(self.town or self.group or self.enterprise or gettext("全市"))

    def grant(self) -> Grant:
        group = self.group
        return Grant(
            role=Role(self.role),
            user_id=self.user_id,
            town_id=self.town_id,
            group_id=self.group_id,
            group_town_id=group.town_id if group is not None else None,
            district_ids=frozenset(d.pk for d in group.districts.all()) if group is not None else frozenset(),
            enterprise_id=self.enterprise_id,
        )


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

"""One demo user for every role, all with the same published password.

The password is public (README, docs/demo-accounts.md): these accounts exist to show
the system, never to guard real data.
"""

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db.models import Q

from liangpai.accounts.models import Membership, Role, User
from liangpai.enterprises.models import Enterprise
from liangpai.organisations.models import Expert, GroupMember, RepresentativeGroup
from liangpai.regions.models import City, Town

from .words import mobile, person_name

DEMO_PASSWORD = "LiangPai-Demo-2026"  # noqa: S105 -- published on purpose, see the module docstring

#: The configuration models the city admin maintains in Django admin (view, add, change;
#: deleting is left to the system administrator).
CITY_ADMIN_MODELS: dict[str, tuple[str, ...]] = {
    "regions": ("city", "town", "district"),
    "enterprises": ("industry",),
    "organisations": ("body",),
}
CITY_ADMIN_ACTIONS = ("view", "add", "change")

ROLE_ENGLISH: dict[str, str] = {
    Role.CITY_ADMIN: "city union admin",
    Role.CITY_EMERGENCY: "emergency bureau",
    Role.TOWN_UNION: "town union",
    Role.TOWN_EMERGENCY: "town emergency office",
    Role.GROUP_LEADER: "group leader",
    Role.GROUP_MEMBER: "group member",
    Role.EXPERT: "invited expert",
    Role.ENTERPRISE_CONTACT: "enterprise contact",
}
SUPERUSER = "superuser"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str  # a Role value, or SUPERUSER
    scope: str
    created: bool = True  # False: the username was taken before seeding and is left as it was

    @property
    def role_label(self) -> str:
        if self.role == SUPERUSER:
            return "系统管理员 / system administrator"
        return f"{Role(self.role).label} / {ROLE_ENGLISH[self.role]}"


@dataclass(frozen=True)
class AccountScopes:
    """What the demo users are attached to."""

    city: City
    town: Town
    second_town: Town
    group: RepresentativeGroup
    leader: GroupMember
    member: GroupMember
    expert: Expert
    enterprise: Enterprise


def create_demo_accounts(rng: random.Random, scopes: AccountScopes) -> list[DemoAccount]:
    """Create the demo users, their memberships and links; existing usernames are not touched."""
    s = scopes
    group_scope = f"{s.group.name}（{'、'.join(d.name for d in s.group.districts.all())}）"
    # username, role, scope label, full name, phone, membership scope
    plan: list[tuple[str, str, str, str, str, dict[str, object]]] = [
        ("city_admin", Role.CITY_ADMIN, f"{s.city.name}（全市）", person_name(rng), mobile(rng), {}),
        ("city_emergency", Role.CITY_EMERGENCY, f"{s.city.name}（全市）", person_name(rng), mobile(rng), {}),
        ("town_union", Role.TOWN_UNION, s.town.name, person_name(rng), mobile(rng), {"town": s.town}),
        ("town_emergency", Role.TOWN_EMERGENCY, s.town.name, person_name(rng), mobile(rng), {"town": s.town}),
        (
            "town2_union",
            Role.TOWN_UNION,
            s.second_town.name,
            person_name(rng),
            mobile(rng),
            {"town": s.second_town},
        ),
        ("group_leader", Role.GROUP_LEADER, group_scope, s.leader.name, s.leader.phone, {"group": s.group}),
        ("group_member", Role.GROUP_MEMBER, group_scope, s.member.name, s.member.phone, {"group": s.group}),
        ("expert", Role.EXPERT, f"受邀于{s.town.name}", s.expert.name, s.expert.phone, {"town": s.town}),
        (
            "enterprise",
            Role.ENTERPRISE_CONTACT,
            s.enterprise.name,
            s.enterprise.safety_contact,
            s.enterprise.safety_contact_phone,
            {"enterprise": s.enterprise},
        ),
        ("admin", SUPERUSER, "系统管理", person_name(rng), mobile(rng), {}),
    ]
    taken = set(User.objects.filter(username__in=[p[0] for p in plan]).values_list("username", flat=True))
    password = make_password(DEMO_PASSWORD)  # hashed once: argon2 is slow on purpose
    users = User.objects.bulk_create(
        [
            User(
                username=username,
                full_name=full_name,
                phone=phone,
                password=password,
                is_staff=role in (SUPERUSER, Role.CITY_ADMIN),
                is_superuser=role == SUPERUSER,
            )
            for username, role, _scope, full_name, phone, _m in plan
            if username not in taken
        ]
    )
    by_name = {u.username: u for u in users}
    Membership.objects.bulk_create(
        [
            Membership(user=by_name[username], role=role, **membership)
            for username, role, _scope, _name, _phone, membership in plan
            if username in by_name and role != SUPERUSER
        ]
    )
    if "city_admin" in by_name:
        by_name["city_admin"].user_permissions.set(_city_admin_permissions())
    if "group_leader" in by_name:
        GroupMember.objects.filter(pk=s.leader.pk).update(user=by_name["group_leader"])
    if "group_member" in by_name:
        GroupMember.objects.filter(pk=s.member.pk).update(user=by_name["group_member"])
    if "expert" in by_name:
        Expert.objects.filter(pk=s.expert.pk).update(user=by_name["expert"])
    return [
        DemoAccount(username=username, role=str(role), scope=scope, created=username in by_name)
        for username, role, scope, _name, _phone, _m in plan
    ]


def _city_admin_permissions() -> list[Permission]:
    query = Q(pk__in=[])
    for app_label, models in CITY_ADMIN_MODELS.items():
        codenames = [f"{action}_{model}" for model in models for action in CITY_ADMIN_ACTIONS]
        query |= Q(content_type__app_label=app_label, codename__in=codenames)
    return list(Permission.objects.filter(query).order_by("pk"))

"""The fixed cast: two towns (A and B), a district and group in each, an enterprise in each,
and one user per role scoped to town A's side, plus an outsider with no role.

    city_admin, city_emergency          whole city
    town_a_union, town_a_emergency      town A            town_b_union   town B
    group_leader, group_member          town A's group    (covers district A1)
    expert                              invited by town A
    contact_a                           enterprise A      contact_b      enterprise B
    outsider                            no role
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from liangpai.accounts.models import Membership, Role, User
from liangpai.enterprises.models import Enterprise
from liangpai.organisations.models import Expert, RepresentativeGroup
from liangpai.regions.models import District, Town
from tests.factories import (
    DistrictFactory,
    EnterpriseFactory,
    ExpertFactory,
    GroupFactory,
    GroupMemberFactory,
    TownFactory,
    UserFactory,
)

# Property tests run on a shared, sometimes busy CI machine: judge them by their examples, not their speed.
hypothesis_settings.register_profile("liangpai", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("liangpai")


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the site's language (a request may leave another one active)."""
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    # A fast hasher (argon2 costs tens of ms per login), and static files served from the
    # source tree instead of a collected manifest.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "imports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path_factory.getbasetemp() / "private-imports"},
        },
    }
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


#: The cast's users, in the order every access matrix lists them.
SIGNED_IN_ROLES = [
    "city_admin",
    "city_emergency",
    "town_a_union",
    "town_a_emergency",
    "town_b_union",
    "group_leader",
    "group_member",
    "expert",
    "contact_a",
    "outsider",
]
ALL_ROLES = [*SIGNED_IN_ROLES, "anonymous"]


@dataclass
class Cast:
    town_a: Town
    town_b: Town
    district_a: District
    district_a2: District
    district_b: District
    group_a: RepresentativeGroup
    enterprise_a: Enterprise
    enterprise_a2: Enterprise
    enterprise_b: Enterprise
    expert: Expert
    users: dict[str, User]

    def client_for(self, name: str) -> Client:
        client = Client()
        if name != "anonymous":
            client.force_login(self.users[name])
        return client


def _user(name: str, role: Role | None = None, **scope: object) -> User:
    user = UserFactory(username=name, full_name=name)
    if role is not None:
        Membership.objects.create(user=user, role=role, **scope)
    return user


@pytest.fixture
def cast(db: None) -> Cast:
    town_a = TownFactory(name="甲镇", short_name="甲")
    town_b = TownFactory(name="乙街道", short_name="乙", kind=Town.Kind.STREET)
    district_a = DistrictFactory(town=town_a, name="甲一片")
    district_a2 = DistrictFactory(town=town_a, name="甲二片")
    district_b = DistrictFactory(town=town_b, name="乙一片")
    group_a = GroupFactory(town=town_a, name="甲镇第一代表小组", districts=[district_a])
    enterprise_a = EnterpriseFactory(district=district_a, name="甲一机械有限公司")
    enterprise_a2 = EnterpriseFactory(district=district_a2, name="甲二纺织有限公司")
    enterprise_b = EnterpriseFactory(district=district_b, name="乙一化工有限公司")
    expert = ExpertFactory(name="赵专家")
    expert.towns.set([town_a])
    users = {
        "city_admin": _user("city_admin", Role.CITY_ADMIN),
        "city_emergency": _user("city_emergency", Role.CITY_EMERGENCY),
        "town_a_union": _user("town_a_union", Role.TOWN_UNION, town=town_a),
        "town_a_emergency": _user("town_a_emergency", Role.TOWN_EMERGENCY, town=town_a),
        "town_b_union": _user("town_b_union", Role.TOWN_UNION, town=town_b),
        "group_leader": _user("group_leader", Role.GROUP_LEADER, group=group_a),
        "group_member": _user("group_member", Role.GROUP_MEMBER, group=group_a),
        "expert": _user("expert", Role.EXPERT, town=town_a),
        "contact_a": _user("contact_a", Role.ENTERPRISE_CONTACT, enterprise=enterprise_a),
        "contact_b": _user("contact_b", Role.ENTERPRISE_CONTACT, enterprise=enterprise_b),
        "outsider": _user("outsider"),
    }
    expert.user = users["expert"]
    expert.save()
    GroupMemberFactory(group=group_a, name="组长甲", role="leader", user=users["group_leader"])
    return Cast(
        town_a=town_a,
        town_b=town_b,
        district_a=district_a,
        district_a2=district_a2,
        district_b=district_b,
        group_a=group_a,
        enterprise_a=enterprise_a,
        enterprise_a2=enterprise_a2,
        enterprise_b=enterprise_b,
        expert=expert,
        users=users,
    )

"""Factories for the domain, and valid credit codes made by the GB 32100 algorithm."""

import random

import factory

from liangpai.accounts.models import Membership, Role, User
from liangpai.core.access import Action, system_actor
from liangpai.enterprises.models import Enterprise, Industry
from liangpai.organisations.models import Expert, GroupMember, RepresentativeGroup
from liangpai.regions.models import City, District, Town
from liangpai.rules.credit_code import ALPHABET, check_character

_code_rng = random.Random(20260101)

#: The system actor the tests set up data with where the program's own system actors would (an import, a command).
SYSTEM = system_actor("tests", *Action)


def make_credit_code(rng: random.Random | None = None, division: str = "330482") -> str:
    """A valid 18-character unified social credit code (registration 9, category 1: companies)."""
    rng = rng or _code_rng
    body = "91" + division + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + check_character(body)


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("name",)

    name = "示范市"
    division_code = "330482"


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town

    city = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"第{n}镇")
    short_name = factory.Sequence(lambda n: f"镇{n}")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    town = factory.SubFactory(TownFactory)
    name = factory.Sequence(lambda n: f"{n}片")


class IndustryFactory(factory.django.DjangoModelFactory):
    """A GB/T 4754 division; the section C (制造业) is its parent unless given."""

    class Meta:
        model = Industry
        django_get_or_create = ("code",)

    code = "34"
    name = "通用设备制造业"
    parent = factory.LazyFunction(lambda: Industry.objects.get_or_create(code="C", defaults={"name": "制造业"})[0])


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"示范机械{n}有限公司")
    name_initials = factory.Sequence(lambda n: f"sfjx{n}yxgs")
    credit_code = factory.LazyFunction(make_credit_code)
    district = factory.SubFactory(DistrictFactory)
    town = factory.LazyAttribute(lambda o: o.district.town)
    industry = factory.SubFactory(IndustryFactory)
    scale = Enterprise.Scale.ABOVE
    headcount = 120
    has_union = True
    union_chair = "王建国"
    union_chair_phone = "13800001111"
    safety_contact = "李安全"
    safety_contact_phone = "13912345678"
    address = "示范路1号"


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RepresentativeGroup
        skip_postgeneration_save = True

    town = factory.SubFactory(TownFactory)
    name = factory.Sequence(lambda n: f"第{n}代表小组")

    @factory.post_generation
    def districts(self, create: bool, extracted: list[District] | None, **kwargs: object) -> None:
        if create and extracted:
            self.districts.set(extracted)


class GroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMember

    group = factory.SubFactory(GroupFactory)
    name = factory.Sequence(lambda n: f"成员{n}")
    phone = "13700002222"


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert

    name = factory.Sequence(lambda n: f"专家{n}")
    phone = "13600003333"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("correct-horse-battery")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.CITY_ADMIN

"""The demo city: a synthetic county-level city shaped like the source city.

Nine towns/streets, their districts (片), unions and emergency offices, about 1,300
enterprises, representative groups covering every district, invited experts and one
user per role. Deterministic: the same seed gives the same names, codes and numbers.
Each part draws from its own random stream (`random.Random(f"{seed}:part")`), so
changing how one part is generated does not reshuffle the others.
"""

import datetime
import random
from dataclasses import dataclass
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from liangpai.accounts.models import User
from liangpai.core import audit
from liangpai.core.access import system_actor
from liangpai.enterprises.data.gbt4754 import upsert_industries
from liangpai.enterprises.models import Enterprise, Industry
from liangpai.organisations.models import GroupMember
from liangpai.regions.models import City, Town

from . import words as w
from .accounts import AccountScopes, DemoAccount, create_demo_accounts
from .assessments import create_assessments
from .enterprises import create_enterprises
from .history import HistoryResult, create_history
from .organisations import create_experts, create_groups
from .places import create_bodies, create_towns

DEFAULT_ENTERPRISES = 1300
DEFAULT_SEED = 2026


@dataclass(frozen=True)
class SeedResult:
    city: City
    towns: int
    districts: int
    enterprises: int
    above_scale: int
    not_active: int
    bodies: int
    groups: int
    group_members: int
    experts: int
    accounts: list[DemoAccount]
    history: HistoryResult
    assessments: int = 0  # this year's, in the first town


class NotEmpty(NamedTuple):
    """Why a database cannot take the demo city, in Chinese and in English."""

    zh: str
    en: str


def why_not_empty() -> NotEmpty | None:
    """Why the database cannot take the demo city, or None when it can.

    Any enterprise, or any town (a real city being set up), means the database is in use.
    """
    if count := Enterprise.objects.count():
        return NotEmpty(f"数据库中已有 {count} 家企业", f"the database already has {count} enterprises")
    if count := Town.objects.count():
        return NotEmpty(f"数据库中已有 {count} 个镇/街道", f"the database already has {count} towns")
    return None


def seed_demo_city(
    *, enterprises: int = DEFAULT_ENTERPRISES, seed: int = DEFAULT_SEED, today: datetime.date | None = None
) -> SeedResult:
    """Create the demo city in one transaction; call only when `why_not_empty()` is None.

    The published history (`history`) runs up to the last quarter closed before `today`.
    """
    if enterprises < 1:
        raise ValueError("enterprises must be at least 1")

    def stream(part: str) -> random.Random:
        return random.Random(f"{seed}:{part}")  # noqa: S311 -- reproducible demo data, not secrets

    with transaction.atomic():
        upsert_industries(Industry)  # the data migration loaded them; a flushed database may not have them
        industries = {i.code: i for i in Industry.objects.all()}
        city = City.objects.create(name=w.CITY_NAME, division_code=w.CITY_DIVISION_CODE)
        places = create_towns(stream("places"), city)
        bodies = create_bodies(stream("bodies"), city, places)
        created = create_enterprises(stream("enterprises"), places, industries, enterprises)
        groups, members = create_groups(stream("groups"), places, bodies)
        experts = create_experts(stream("experts"), places, industries, created)
        history = create_history(stream("history"), created, today or timezone.localdate())
        first_group = groups[0]
        accounts = create_demo_accounts(
            stream("accounts"),
            AccountScopes(
                city=city,
                town=places[0].town,
                second_town=places[1].town,
                group=first_group,
                leader=next(m for m in members if m.group_id == first_group.pk and m.role == GroupMember.Role.LEADER),
                member=next(m for m in members if m.group_id == first_group.pk and m.role == GroupMember.Role.MEMBER),
                expert=experts[0],
                enterprise=created[0],
            ),
        )
        demo_users = {
            u.username: u for u in User.objects.filter(username__in=[a.username for a in accounts if a.created])
        }
        this_year = (today or timezone.localdate()).year
        assessed = create_assessments(stream("assessments"), places[0].town, this_year, demo_users)
        result = SeedResult(
            city=city,
            towns=len(places),
            districts=sum(len(p.districts) for p in places),
            enterprises=len(created),
            above_scale=sum(e.scale == Enterprise.Scale.ABOVE for e in created),
            not_active=sum(e.status != Enterprise.Status.ACTIVE for e in created),
            bodies=len(bodies),
            groups=len(groups),
            group_members=len(members),
            experts=len(experts),
            accounts=accounts,
            history=history,
            assessments=assessed,
        )
        audit.record(
            actor=system_actor("seed_demo"),
            action="demo.seed",
            target=city,
            after={
                "seed": seed,
                "towns": result.towns,
                "districts": result.districts,
                "enterprises": result.enterprises,
                "groups": result.groups,
                "experts": result.experts,
                "accounts": [a.username for a in accounts if a.created],
                "history": {"years": list(history.years), "quarters": list(history.quarters)},
                "assessments": assessed,
            },
            reason="载入示范城市（seed_demo）/ demo city loaded",
        )
    return result

"""The demo city's representative groups (every district covered) and invited experts."""

import random

from liangpai.enterprises.models import Enterprise, Industry
from liangpai.organisations.models import Body, Expert, GroupMember, RepresentativeGroup
from liangpai.regions.models import Town

from . import words as w
from .places import DistrictPlace, TownPlace

EXPERT_COUNT = 30


def create_groups(
    rng: random.Random, places: list[TownPlace], bodies: dict[tuple[str, int | None], Body]
) -> tuple[list[RepresentativeGroup], list[GroupMember]]:
    """Each town's districts split into groups of one or two neighbouring districts: every district covered."""
    plans: list[tuple[RepresentativeGroup, list[DistrictPlace]]] = []
    for place in places:
        spots, i, n = place.districts, 0, 1
        while i < len(spots):
            size = 2 if len(spots) - i >= 2 and rng.random() < 0.4 else 1
            cover = spots[i : i + size]
            group = RepresentativeGroup(
                town=place.town,
                name=f"{place.town.name}第{w.chinese_ordinal(n)}代表小组",
                note=f"负责{'、'.join(s.district.name for s in cover)}的分片督查",
            )
            plans.append((group, cover))
            i, n = i + size, n + 1
    groups = RepresentativeGroup.objects.bulk_create([g for g, _ in plans])
    RepresentativeGroup.districts.through.objects.bulk_create(
        [
            RepresentativeGroup.districts.through(representativegroup_id=g.pk, district_id=s.district.pk)
            for g, cover in plans
            for s in cover
        ]
    )
    members = []
    for group, cover in plans:
        # Union representatives work in the district's enterprises, mostly one per enterprise.
        units = [e.name for s in cover for e in s.enterprises if e.status == Enterprise.Status.ACTIVE]
        rng.shuffle(units)
        units = units or [bodies[(Body.Kind.TOWN_UNION, group.town_id)].name]
        for k in range(1 + rng.randint(3, 6)):
            members.append(
                GroupMember(
                    group=group,
                    name=w.person_name(rng),
                    role=GroupMember.Role.LEADER if k == 0 else GroupMember.Role.MEMBER,
                    work_unit=units[k % len(units)],
                    phone=w.mobile(rng),
                )
            )
    return groups, GroupMember.objects.bulk_create(members)


def create_experts(
    rng: random.Random, places: list[TownPlace], industries: dict[str, Industry], enterprises: list[Enterprise]
) -> list[Expert]:
    codes = list(w.INDUSTRY_WEIGHTS)
    weights = list(w.INDUSTRY_WEIGHTS.values())
    large = [e.name for e in enterprises if e.scale == Enterprise.Scale.ABOVE and e.headcount >= 300]
    names: set[str] = set()
    plans: list[tuple[Expert, list[str], list[Town]]] = []
    for k in range(EXPERT_COUNT):
        specialities: list[str] = []
        for _ in range(rng.randint(1, 3)):
            code = rng.choices(codes, weights=weights)[0]
            if code not in specialities:
                specialities.append(code)
        if rng.random() < 0.2:
            specialities.append(rng.choice(("C", "E")))  # a generalist of a whole section
        towns = rng.sample([p.town for p in places], rng.randint(1, 4))
        if k == 0 and places[0].town not in towns:
            towns.insert(0, places[0].town)  # the demo expert is invited by the first town
        while (name := w.person_name(rng)) in names:
            pass
        names.add(name)
        expert = Expert(
            name=name,
            employer=rng.choice(large) if large and rng.random() < 0.3 else rng.choice(w.EXPERT_EMPLOYERS),
            title=rng.choice(w.EXPERT_TITLES),
            phone=w.mobile(rng),
        )
        plans.append((expert, specialities, towns))
    experts = Expert.objects.bulk_create([e for e, _, _ in plans])
    Expert.specialities.through.objects.bulk_create(
        [
            Expert.specialities.through(expert_id=e.pk, industry_id=industries[code].pk)
            for e, specialities, _ in plans
            for code in specialities
        ]
    )
    Expert.towns.through.objects.bulk_create(
        [Expert.towns.through(expert_id=e.pk, town_id=t.pk) for e, _, towns in plans for t in towns]
    )
    return experts

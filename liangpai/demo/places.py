"""The demo city's places: towns/streets with their districts (片), roads and map positions, and
the union and emergency bodies of the city and of each town."""

import random
from dataclasses import dataclass, field

from liangpai.enterprises.models import Enterprise
from liangpai.organisations.models import Body
from liangpai.regions.models import City, District, Town

from . import words as w


@dataclass
class DistrictPlace:
    district: District
    centre: tuple[float, float]
    weight: float
    enterprises: list[Enterprise] = field(default_factory=list)


@dataclass
class TownPlace:
    spec: w.TownSpec
    town: Town
    roads: list[str]
    districts: list[DistrictPlace]

    def address(self, rng: random.Random) -> str:
        return f"{w.CITY_NAME}{self.town.name}{rng.choice(self.roads)}{rng.randint(1, 999)}号"


def create_towns(rng: random.Random, city: City) -> list[TownPlace]:
    places = []
    for order, spec in enumerate(w.TOWNS, start=1):
        town = Town.objects.create(
            city=city,
            name=spec.name,
            short_name=spec.short_name,
            kind=Town.Kind.STREET if spec.is_street else Town.Kind.TOWN,
            sort_order=order,
        )
        count = rng.randint(3, 6)
        districts = District.objects.bulk_create(
            [District(town=town, name=name, sort_order=i) for i, name in enumerate(w.DISTRICT_NAMES[:count], 1)]
        )
        lat, lon = spec.centre
        places.append(
            TownPlace(
                spec=spec,
                town=town,
                roads=w.road_names(rng, 6),
                districts=[
                    DistrictPlace(
                        district=d,
                        centre=(lat + rng.uniform(-0.018, 0.018), lon + rng.uniform(-0.022, 0.022)),
                        weight=rng.uniform(0.5, 1.6),
                    )
                    for d in districts
                ],
            )
        )
    return places


def create_bodies(rng: random.Random, city: City, places: list[TownPlace]) -> dict[tuple[str, int | None], Body]:
    """The city's 市总工会 and 市应急管理局, and a union and an emergency office per town."""
    centre_road = places[0].roads[0]
    rows = [
        Body(
            kind=Body.Kind.CITY_UNION,
            name=f"{city.name}总工会",
            head=w.person_name(rng),
            phone=w.landline(rng),
            address=f"{city.name}{centre_road}{rng.randint(1, 300)}号",
        ),
        Body(
            kind=Body.Kind.CITY_EMERGENCY,
            name=f"{city.name}应急管理局",
            head=w.person_name(rng),
            phone=w.landline(rng),
            address=f"{city.name}{centre_road}{rng.randint(1, 300)}号",
        ),
    ]
    for place in places:
        for kind, suffix in ((Body.Kind.TOWN_UNION, "总工会"), (Body.Kind.TOWN_EMERGENCY, "应急管理办公室")):
            rows.append(
                Body(
                    kind=kind,
                    name=f"{place.town.name}{suffix}",
                    town=place.town,
                    head=w.person_name(rng),
                    phone=w.landline(rng),
                    address=place.address(rng),
                )
            )
    return {(b.kind, b.town_id): b for b in Body.objects.bulk_create(rows)}

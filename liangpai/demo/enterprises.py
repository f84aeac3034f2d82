"""The demo city's enterprises: names, valid credit codes, industries, sizes, contacts, positions."""

import math
import random
from decimal import Decimal

from liangpai.enterprises.data.gbt4754 import DIVISIONS
from liangpai.enterprises.models import Enterprise, Industry
from liangpai.enterprises.pinyin import name_initials
from liangpai.rules.credit_code import ALPHABET, check_character

from . import words as w
from .places import TownPlace

#: The enterprise the demo `enterprise` account speaks for: fixed, so the docs can name it.
DEMO_ENTERPRISE_NAME = f"{w.CITY_NAME}宏达箱包有限公司"


def create_enterprises(
    rng: random.Random, places: list[TownPlace], industries: dict[str, Industry], count: int
) -> list[Enterprise]:
    codes = list(w.INDUSTRY_WEIGHTS)
    town_weights = [p.spec.weight for p in places]
    industry_weights = [[w.INDUSTRY_WEIGHTS[c] * (3 if c in p.spec.specialities else 1) for c in codes] for p in places]
    names = {DEMO_ENTERPRISE_NAME}
    credit_codes: set[str] = set()
    rows: list[Enterprise] = []
    for i in range(count):
        demo = i == 0  # the demo contact's enterprise: first town, first district, 规上 with a union
        t = 0 if demo else rng.choices(range(len(places)), weights=town_weights)[0]
        place = places[t]
        spot = (
            place.districts[0] if demo else rng.choices(place.districts, weights=[d.weight for d in place.districts])[0]
        )
        code = "19" if demo else rng.choices(codes, weights=industry_weights[t])[0]
        manufacturing = DIVISIONS[code][0] == "C"
        above = demo or rng.random() < (0.53 if manufacturing else 0.36)
        name = DEMO_ENTERPRISE_NAME if demo else _unique_name(rng, names, place.spec.short_name, code, above)
        has_union = demo or rng.random() < (0.93 if above else 0.38)
        status_draw = rng.random()
        enterprise = Enterprise(
            name=name,
            name_initials=name_initials(name),
            credit_code=_unique_credit_code(rng, credit_codes),
            town=place.town,
            district=spot.district,
            address=place.address(rng),
            industry=industries[code],
            scale=Enterprise.Scale.ABOVE if above else Enterprise.Scale.BELOW,
            headcount=_headcount(rng, above),
            has_union=has_union,
            union_chair=w.person_name(rng) if has_union else "",
            union_chair_phone=w.mobile(rng) if has_union else "",
            safety_contact=w.person_name(rng),
            safety_contact_phone=w.mobile(rng),
            latitude=_coordinate(spot.centre[0] + rng.gauss(0, 0.0045)),
            longitude=_coordinate(spot.centre[1] + rng.gauss(0, 0.0055)),
            status=(
                Enterprise.Status.ACTIVE
                if demo or status_draw >= 0.032
                else Enterprise.Status.CLOSED
                if status_draw < 0.02
                else Enterprise.Status.MOVED_OUT
            ),
        )
        rows.append(enterprise)
        spot.enterprises.append(enterprise)
    return Enterprise.objects.bulk_create(rows, batch_size=500)


def _company_name(rng: random.Random, town_short: str, code: str, above: bool, *, plain: bool) -> str:
    """A registered-looking company name; `plain=False` adds a third character to the trade name."""
    trade = w.trade_name(rng) + ("" if plain else rng.choice(w.TRADE_SECOND))
    product = rng.choice(w.PRODUCTS[code])
    draw = rng.random()
    if above:
        if draw < 0.30:
            return f"浙江{trade}{product}{'股份有限公司' if rng.random() < 0.4 else '有限公司'}"
        if draw < 0.36 and DIVISIONS[code][0] == "C":  # foreign-invested firms here are manufacturers
            return f"{rng.choice(w.FOREIGN_TRADE)}（{w.CITY_SHORT}）{product}有限公司"
        if draw < 0.46:
            return f"{w.CITY_SHORT}{trade}{product}有限公司"
        return f"{w.CITY_NAME}{trade}{product}有限公司"
    if code in w.FACTORY_WORDS and draw < 0.25:
        return f"{w.CITY_NAME}{town_short}{trade}{rng.choice(w.FACTORY_WORDS[code])}"
    if draw < 0.35:
        return f"{w.CITY_SHORT}{trade}{product}有限公司"
    return f"{w.CITY_NAME}{trade}{product}有限公司"


def _unique_name(rng: random.Random, seen: set[str], town_short: str, code: str, above: bool) -> str:
    # Two-character trade names give tens of thousands of names; past that, three characters.
    for attempt in range(200):
        name = _company_name(rng, town_short, code, above, plain=attempt < 20)
        if name not in seen:
            seen.add(name)
            return name
    raise RuntimeError("could not make a unique company name; the word lists are too small for this many")


def _unique_credit_code(rng: random.Random, seen: set[str]) -> str:
    while (code := _credit_code(rng)) in seen:
        pass
    seen.add(code)
    return code


def _credit_code(rng: random.Random) -> str:
    """A valid code of a company (91) registered in the city: post-2015 ones carry MA…, older an organisation code."""
    if rng.random() < 0.45:
        org8 = "MA" + "".join(rng.choice(ALPHABET) for _ in range(6))
    else:
        org8 = f"{rng.randrange(10**8):08d}"
    body = "91" + w.CITY_DIVISION_CODE + org8 + _organisation_check(org8)
    return body + check_character(body)


def _organisation_check(org8: str) -> str:
    """The check character of a GB 11714 organisation code, so the embedded code looks real too."""
    total = sum(int(ch, 36) * weight for ch, weight in zip(org8, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def _headcount(rng: random.Random, above: bool) -> int:
    """规上 mostly 50–800 with a few large employers; 规下 5–80."""
    if above:
        draw = rng.random()
        if draw < 0.012:
            return rng.randint(2001, 4800)
        if draw < 0.05:
            return rng.randint(801, 2000)
        low, high, median = 50, 800, 170
    else:
        low, high, median = 5, 80, 22
    while True:
        value = round(rng.lognormvariate(math.log(median), 0.65))
        if low <= value <= high:
            return value


def _coordinate(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")

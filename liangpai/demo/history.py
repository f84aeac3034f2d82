"""Published history for the demo city: past annual grades and quarterly lights.

Three past years of grades and lights, and the current year's quarters up to the last
closed one, in the proportions the source city published (MISSION.md §1): grades at
the end of 2023 A 720 / B 391 / C 116 / D 2 of 1,229 graded; lights in 2024Q1 green
1,127 / yellow 142 / red 2 of 1,271. The lights are drawn first; the grade is then
computed from a base grade and that year's lights by `rules.grading.annual_grade`, so
every downgraded enterprise's history satisfies R6. The base grades are chosen so
that the final grades keep the published proportions. Rows are imported, published
history: `close_quarter` and `compute_grades` leave them as they are.
"""

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from liangpai.enterprises.models import Enterprise
from liangpai.grades.models import AnnualGrade
from liangpai.lights.models import LightChoice, QuarterLight
from liangpai.rules import codec, grading
from liangpai.rules.lights import Light
from liangpai.rules.periods import Quarter, Year
from liangpai.rules.ruleset import DEFAULT_RULESET, Grade

PAST_YEARS = 3
BATCH = 1000

#: Published proportions (MISSION.md §1): end-2023 grades of the graded enterprises …
GRADE_SHARES: dict[Grade, float] = {Grade.A: 720 / 1229, Grade.B: 391 / 1229, Grade.C: 116 / 1229, Grade.D: 2 / 1229}
#: … the share left ungraded (1,271 lit, 1,229 graded: new or not yet assessed) …
UNGRADED_SHARE = 42 / 1271
#: … and the lights of 2024Q1.
LIGHT_SHARES: dict[Light, float] = {Light.GREEN: 1127 / 1271, Light.YELLOW: 142 / 1271, Light.RED: 2 / 1271}


@dataclass(frozen=True)
class HistoryResult:
    years: tuple[int, ...]
    quarters: tuple[str, ...]
    grades: int
    lights: int
    downgraded: int


def history_periods(today: datetime.date) -> tuple[list[Year], list[Quarter]]:
    """The past years to grade and the quarters to light: every quarter of those years, and
    this year's quarters that have ended before `today`."""
    years = [Year(today.year - n) for n in range(PAST_YEARS, 0, -1)]
    quarters = [q for y in years for q in y.quarters()]
    last_closed = Quarter.of(today).previous()
    quarters += [q for q in Year(today.year).quarters() if q <= last_closed]
    return years, quarters


def _counts(total: int, shares: dict[Any, float]) -> dict[Any, int]:
    """Largest-remainder apportionment of `total` by `shares` (exact totals, stable order)."""
    exact = {key: total * share / sum(shares.values()) for key, share in shares.items()}
    counts = {key: int(value) for key, value in exact.items()}
    short = total - sum(counts.values())
    for key in sorted(exact, key=lambda k: (counts[k] - exact[k], list(shares).index(k)))[:short]:
        counts[key] += 1
    return counts


def _dealt(rng: random.Random, items: Sequence[Any], counts: dict[Any, int]) -> dict[Any, Any]:
    """Deal `counts` of each value over `items` in a random order: item → value."""
    order = list(items)
    rng.shuffle(order)
    values = [value for value, count in counts.items() for _ in range(count)]
    return dict(zip(order, values, strict=True))


def _one_up(grade: Grade) -> Grade:
    return {Grade.B: Grade.A, Grade.C: Grade.B, Grade.D: Grade.C}[grade]


def create_history(rng: random.Random, enterprises: Sequence[Enterprise], today: datetime.date) -> HistoryResult:
    """Create the published history of `enterprises` (bulk inserts; no audit record per row)."""
    years, quarters = history_periods(today)
    ids = [e.pk for e in enterprises]
    now = timezone.now()
    rules = DEFAULT_RULESET

    lights: dict[tuple[int, Quarter], grading.QuarterLight] = {}
    light_rows: list[QuarterLight] = []
    for quarter in quarters:
        dealt = _dealt(rng, ids, _counts(len(ids), LIGHT_SHARES))
        span = (quarter.last_day - quarter.first_day).days
        for enterprise_id in ids:
            light = dealt[enterprise_id]
            inspected_on = quarter.first_day + datetime.timedelta(days=rng.randrange(span + 1))
            lights[enterprise_id, quarter] = grading.QuarterLight(quarter, light, inspected_on)
            light_rows.append(
                QuarterLight(
                    enterprise_id=enterprise_id,
                    quarter=str(quarter),
                    year=quarter.year,
                    number=quarter.number,
                    light=LightChoice(light.value),
                    inspected_on=inspected_on,
                    source=QuarterLight.Source.IMPORTED,
                    computed_at=now,
                    is_published=True,
                )
            )

    grade_rows: list[AnnualGrade] = []
    downgraded = 0
    for year in years:
        year_lights = {i: [lights[i, q] for q in year.quarters()] for i in ids}
        # Who the lights take down (the grade engine decides, from an A base) …
        falls = {
            i
            for i in ids
            if grading.annual_grade(year=year, base=Grade.A, lights=year_lights[i], ruleset=rules).levels_down
        }
        order = list(ids)
        rng.shuffle(order)
        ungraded = order[: round(len(ids) * UNGRADED_SHARE)]
        graded = order[len(ungraded) :]
        # … then the final grades are dealt in the published proportions: those who fall
        # draw from the grades below A (a fall ends at B or lower), the others take the
        # rest, and each base is one above its final.
        counts = _counts(len(graded), GRADE_SHARES)
        lower = [g for g, n in counts.items() if g != Grade.A for _ in range(n)]
        rng.shuffle(lower)
        falling = [i for i in graded if i in falls]
        staying = [i for i in graded if i not in falls]
        rest = lower[len(falling) :] + [Grade.A] * counts[Grade.A]
        rng.shuffle(rest)
        targets = lower[: len(falling)] + [Grade.A] * max(0, len(falling) - len(lower)) + rest
        for enterprise_id, target in zip(falling + staying, targets[: len(graded)], strict=True):
            base = _one_up(target) if enterprise_id in falls and target != Grade.A else target
            result = grading.annual_grade(year=year, base=base, lights=year_lights[enterprise_id], ruleset=rules)
            grade_rows.append(_grade_row(enterprise_id, result, year_lights[enterprise_id], now))
            downgraded += bool(result.levels_down)
        for enterprise_id in ungraded:
            result = grading.annual_grade(year=year, base=None, lights=year_lights[enterprise_id], ruleset=rules)
            grade_rows.append(_grade_row(enterprise_id, result, year_lights[enterprise_id], now))

    QuarterLight.objects.bulk_create(light_rows, batch_size=BATCH)
    AnnualGrade.objects.bulk_create(grade_rows, batch_size=BATCH)
    return HistoryResult(
        years=tuple(y.value for y in years),
        quarters=tuple(str(q) for q in quarters),
        grades=len(grade_rows),
        lights=len(light_rows),
        downgraded=downgraded,
    )


def _grade_row(
    enterprise_id: int, result: grading.GradeResult, lights: Sequence[grading.QuarterLight], now: datetime.datetime
) -> AnnualGrade:
    return AnnualGrade(
        enterprise_id=enterprise_id,
        year=result.year.value,
        base_grade=result.base.value if result.base else None,
        final_grade=result.final.value if result.final else None,
        reasons=codec.grade_reasons_to_json(result.reasons),
        facts={
            "base": {"score": None, "grade": result.base.value if result.base else None, "source": "imported"},
            "failed_vetoes": [],
            "lights": [
                {
                    "quarter": str(light.quarter),
                    "light": light.light.value,
                    "inspected_on": light.inspected_on.isoformat() if light.inspected_on else None,
                }
                for light in lights
            ],
            "source": "imported",
            "ruleset": result.ruleset_version,
        },
        source=AnnualGrade.Source.IMPORTED,
        computed_at=now,
        is_published=True,
    )

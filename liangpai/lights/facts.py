"""The fact builder: what is known about each enterprise in a quarter, as `rules.lights.QuarterFacts` (R4).

Facts come from several sources — today the recorded inspection results; later the
opinion letters past their deadline and the hazard reports not rectified in time. Each
source is one aggregate query over the quarter, returned in enterprise order; the
builder walks the active enterprises in the same order and merges the streams, so a
whole city costs one query per source and memory stays bounded (no per-row queries).

A new source is a class with `name` and `rows(quarter)` added to `FACT_SOURCES`: it
yields (enterprise id, partial facts) in ascending enterprise id, the partial facts
naming fields of QuarterFacts. Counts add up, flags combine with "or", dates keep the
latest.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import Count, Max, Q, Sum

from liangpai.enterprises.models import Enterprise
from liangpai.lights.models import InspectionResult
from liangpai.rules.lights import QuarterFacts
from liangpai.rules.periods import Quarter

STREAM_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class EnterpriseRow:
    """The little the ratings services need of an enterprise while streaming a whole city."""

    id: int
    name: str
    town_id: int


class FactSource(Protocol):
    name: str

    def rows(self, quarter: Quarter) -> Iterator[tuple[int, dict[str, Any]]]:
        """(enterprise id, partial facts) for the quarter, in ascending enterprise id."""
        ...


class InspectionResults:
    """R-LIGHT-2 … 5, 8, 9: the inspection results recorded for the quarter, one aggregate row per enterprise.

    A refused inspection (R-LIGHT-3) counts as a refusal, not as an inspection; the
    date shown in explanations is the last inspection that took place.
    """

    name = "inspection_results"

    def rows(self, quarter: Quarter) -> Iterator[tuple[int, dict[str, Any]]]:
        took_place = Q(refused_inspection=False)
        aggregated = (
            InspectionResult.objects.filter(quarter=str(quarter))
            .values("enterprise_id")
            .annotate(
                inspections=Count("pk", filter=took_place),
                last_on=Max("inspected_on", filter=took_place),
                fixed=Sum("general_hazards_fixed_on_spot"),
                not_fixed=Sum("general_hazards_not_fixed_on_spot"),
                major=Sum("major_hazards"),
                refusals=Count("pk", filter=Q(refused_inspection=True)),
                refused_letters=Count("pk", filter=Q(refused_letter=True)),
                accident_count=Sum("accidents"),
            )
            .order_by("enterprise_id")
        )
        for row in aggregated.iterator(chunk_size=STREAM_CHUNK):
            yield (
                row["enterprise_id"],
                {
                    "inspected": row["inspections"] > 0,
                    "inspected_on": row["last_on"],
                    "general_hazards_fixed_on_spot": row["fixed"] or 0,
                    "general_hazards_not_fixed_on_spot": row["not_fixed"] or 0,
                    "major_hazards": row["major"] or 0,
                    "refused_inspection": row["refusals"] > 0,
                    "refused_letter": row["refused_letters"] > 0,
                    "accidents": row["accident_count"] or 0,
                },
            )


#: The fact sources, in order. Letters and hazard reports add theirs here (issue 3 item 5).
FACT_SOURCES: list[FactSource] = [InspectionResults()]


def active_enterprises() -> Iterator[EnterpriseRow]:
    """Every active enterprise, in ascending id, streamed."""
    rows = Enterprise.objects.active().order_by("id").values_list("id", "name", "town_id")
    for pk, name, town_id in rows.iterator(chunk_size=STREAM_CHUNK):
        yield EnterpriseRow(pk, name, town_id)


def merge(into: dict[str, Any], partial: dict[str, Any]) -> None:
    """Add one source's partial facts: counts add up, flags combine with "or", dates keep the latest."""
    if not into:  # the first (mostly the only) partial of an enterprise: its known values as they are
        into.update({key: value for key, value in partial.items() if value is not None})
        return
    for key, value in partial.items():
        current = into.get(key)
        if value is None:
            continue
        if current is None:
            into[key] = value
        elif isinstance(value, bool):
            into[key] = current or value
        elif isinstance(value, datetime.date):
            into[key] = max(current, value)
        else:
            into[key] = current + value


class Cursor[T]:
    """A stream of (enterprise id, value) in ascending id, read up to a given enterprise id."""

    def __init__(self, rows: Iterator[tuple[int, T]]) -> None:
        self._rows = rows
        self._head: tuple[int, T] | None = next(rows, None)

    def take(self, enterprise_id: int) -> list[T]:
        """The values of `enterprise_id`; rows of enterprises not asked for (closed ones) are skipped."""
        found = []
        while self._head is not None and self._head[0] <= enterprise_id:
            if self._head[0] == enterprise_id:
                found.append(self._head[1])
            self._head = next(self._rows, None)
        return found


def build_quarter_facts(
    quarter: Quarter,
    *,
    enterprises: Iterable[EnterpriseRow] | None = None,
    sources: Iterable[FactSource] | None = None,
) -> Iterator[tuple[EnterpriseRow, QuarterFacts]]:
    """Each active enterprise (in ascending id) with its facts for the quarter, from every fact source.

    Most enterprises of a city share their facts with many others (not inspected; inspected on
    the same day with the same findings), so equal facts are built once and yielded as the same
    (immutable) `QuarterFacts`: its callers may remember what they computed from it by identity.
    """
    cursors = [Cursor(source.rows(quarter)) for source in (FACT_SOURCES if sources is None else sources)]
    known: dict[tuple[Any, ...], QuarterFacts] = {}
    for enterprise in active_enterprises() if enterprises is None else enterprises:
        values: dict[str, Any] = {}
        for cursor in cursors:
            for partial in cursor.take(enterprise.id):
                merge(values, partial)
        if not values.get("inspected"):
            values.pop("inspected_on", None)  # R-LIGHT: a date only for an inspection that took place
        key = _key(values)
        facts = known.get(key)
        if facts is None:
            if len(known) >= KNOWN_FACTS:
                known.clear()
            facts = known[key] = QuarterFacts(quarter=quarter, **values)
        yield enterprise, facts


#: How many distinct facts `build_quarter_facts` remembers (a city has a few hundred to a few thousand).
KNOWN_FACTS = 20_000


def _key(values: dict[str, Any]) -> tuple[Any, ...]:
    """Merged facts as a key: names and values, and the values' types (True == 1, but a flag is not a count)."""
    items = sorted(values.items())
    return (*items, *[type(value) for _, value in items])

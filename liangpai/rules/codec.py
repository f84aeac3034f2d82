"""The rules' values as JSON and back: what a stored light or grade keeps of its facts and reasons.

A stored result must be explainable years later without recomputing it, so its reasons
are kept in full (kind, rule id, parameters) and read back into the rules' own types,
which `rules.grading.explain` renders.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import fields
from decimal import Decimal
from typing import Any

from liangpai.rules.grading import GradeResult, Reason, ReasonKind, ReasonParam
from liangpai.rules.lights import Light, LightReason, LightReasonKind, LightResult, QuarterFacts
from liangpai.rules.periods import Quarter, Year, parse_quarter
from liangpai.rules.ruleset import Grade

# --- light facts and reasons ------------------------------------------------------------


_FACT_NAMES = tuple(f.name for f in fields(QuarterFacts))


def facts_to_json(facts: QuarterFacts) -> dict[str, Any]:
    data = {name: getattr(facts, name) for name in _FACT_NAMES}
    data["quarter"] = str(facts.quarter)
    data["inspected_on"] = facts.inspected_on.isoformat() if facts.inspected_on else None
    return data


def facts_from_json(data: dict[str, Any]) -> QuarterFacts:
    values = {f.name: data[f.name] for f in fields(QuarterFacts) if f.name in data}
    values["quarter"] = parse_quarter(data["quarter"])
    if values.get("inspected_on"):
        values["inspected_on"] = datetime.date.fromisoformat(values["inspected_on"])
    return QuarterFacts(**values)


def light_reasons_to_json(reasons: Iterable[LightReason]) -> list[dict[str, Any]]:
    return [
        {"rule": r.rule, "kind": r.kind.value, "light": r.light.value, "count": r.count, "note": r.note}
        for r in reasons
    ]


def light_reasons_from_json(data: Iterable[dict[str, Any]]) -> tuple[LightReason, ...]:
    return tuple(
        LightReason(
            rule=item["rule"],
            kind=LightReasonKind(item["kind"]),
            light=Light(item["light"]),
            count=int(item.get("count", 0)),
            note=item.get("note", ""),
        )
        for item in data
    )


def light_result_to_json(result: LightResult) -> list[dict[str, Any]]:
    return light_reasons_to_json(result.reasons)


# --- grade reasons ----------------------------------------------------------------------


def _param_to_json(value: ReasonParam) -> str | int:
    if isinstance(value, Quarter | Grade | Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


#: How each known parameter of a `Reason` is read back (rules.grading.Reason's docstring).
_PARAM_READERS: dict[str, Callable[[Any], ReasonParam]] = {
    "quarter": parse_quarter,
    "inspected_on": datetime.date.fromisoformat,
    "score": Decimal,
    "grade": Grade,
    "floor": Grade,
    "item": str,
}


def grade_reasons_to_json(reasons: Iterable[Reason]) -> list[dict[str, Any]]:
    return [
        {"kind": r.kind.value, "rule": r.rule, "params": {k: _param_to_json(v) for k, v in r.params.items()}}
        for r in reasons
    ]


def _read_param(key: str, value: Any) -> ReasonParam:
    reader = _PARAM_READERS.get(key)
    return reader(value) if reader is not None else value


def grade_reasons_from_json(data: Iterable[dict[str, Any]]) -> tuple[Reason, ...]:
    reasons = []
    for item in data:
        params = {key: _read_param(key, value) for key, value in (item.get("params") or {}).items()}
        reasons.append(Reason(ReasonKind(item["kind"]), item["rule"], params))
    return tuple(reasons)


def grade_result(
    *, year: int, final: str | None, base: str | None, reasons: Iterable[dict[str, Any]], version: str
) -> GradeResult:
    """A stored grade as the `GradeResult` that `rules.grading.explain` renders."""
    return GradeResult(
        year=Year(year),
        final=Grade(final) if final else None,
        base=Grade(base) if base else None,
        reasons=grade_reasons_from_json(reasons),
        ruleset_version=version,
    )

"""Recording the facts a quarter's light is decided from."""

import datetime
from typing import Any

from django.db import transaction

from liangpai.core import audit
from liangpai.core.access import Action, check, user_or_none
from liangpai.enterprises.models import Enterprise
from liangpai.lights.models import InspectionResult
from liangpai.rules.periods import Quarter


def record_inspection_result(*, by: Any, enterprise: Enterprise, reason: str = "", **values: Any) -> InspectionResult:
    """Record what an inspection found (a fact for the quarter's light), audited.

    The town union records its inspections; the system actor of an import records imported ones.
    """
    check(by, Action.LIGHT_OVERRIDE, enterprise)
    result = InspectionResult(enterprise=enterprise, recorded_by=user_or_none(by), **values)
    if isinstance(result.inspected_on, datetime.date):
        result.quarter = str(Quarter.of(result.inspected_on))
    result.full_clean()
    with transaction.atomic():
        result.save()
        audit.record(
            actor=by,
            action="inspection_result.create",
            target=result,
            after=audit.snapshot(result, ["enterprise_id", *InspectionResult.FINDINGS, "note", "source"]),
            reason=reason,
        )
    return result


def update_inspection_result(
    *, by: Any, result: InspectionResult, values: dict[str, Any], reason: str = ""
) -> InspectionResult:
    """Correct what a recorded inspection found (its findings, date or note), audited. The quarter's light
    follows at the next closing."""
    editable = {*InspectionResult.FINDINGS, "note"}
    unknown = set(values) - editable
    if unknown:
        raise ValueError(f"not inspection findings: {sorted(unknown)}")
    with transaction.atomic():
        current = InspectionResult.objects.select_for_update().select_related("enterprise").get(pk=result.pk)
        check(by, Action.LIGHT_OVERRIDE, current.enterprise)
        before = audit.snapshot(current, [*InspectionResult.FINDINGS, "note"])
        for name, value in values.items():
            setattr(current, name, value)
        current.quarter = str(Quarter.of(current.inspected_on))
        current.full_clean()
        current.save()
        old, new = audit.changes(before, audit.snapshot(current, [*InspectionResult.FINDINGS, "note"]))
        if new:
            audit.record(
                actor=by, action="inspection_result.update", target=current, before=old, after=new, reason=reason
            )
    return current


def remove_inspection_result(*, by: Any, result: InspectionResult, reason: str = "") -> None:
    """Remove a result recorded by mistake, audited with everything it said."""
    with transaction.atomic():
        current = InspectionResult.objects.select_for_update().select_related("enterprise").get(pk=result.pk)
        check(by, Action.LIGHT_OVERRIDE, current.enterprise)
        before = audit.snapshot(current, ["enterprise_id", *InspectionResult.FINDINGS, "note", "source"])
        audit.record(actor=by, action="inspection_result.delete", target=current, before=before, reason=reason)
        current.delete()

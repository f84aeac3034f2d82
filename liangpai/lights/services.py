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
            after=audit.snapshot(result, [*InspectionResult.FINDINGS, "source"]),
            reason=reason,
        )
    return result

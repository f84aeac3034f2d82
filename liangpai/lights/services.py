"""Recording the facts a quarter's light is decided from."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from liangpai.core import audit
from liangpai.core.access import Action, can
from liangpai.enterprises.models import Enterprise
from liangpai.lights.models import InspectionResult
from liangpai.rules.periods import Quarter


def record_inspection_result(*, by: Any, enterprise: Enterprise, reason: str = "", **values: Any) -> InspectionResult:
    """Record what an inspection found (a fact for the quarter's light), audited.

    The town union records its inspections; the system (`by=None`) records imported ones.
    """
    if by is not None and not can(by, Action.LIGHT_OVERRIDE, enterprise):
        raise PermissionDenied
    result = InspectionResult(enterprise=enterprise, recorded_by=by, **values)
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

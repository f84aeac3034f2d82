"""Fixtures of the rating apps' tests (lights, interviews, grades, periods, publication, rulesets, the history import): Chinese messages, the 2026 default ruleset (from the migration), and helpers
that record inspection results the way the town union would."""

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import translation

from liangpai.core.models import AuditEvent
from liangpai.enterprises.models import Enterprise
from liangpai.lights.models import InspectionResult, QuarterLight
from liangpai.lights.services import record_inspection_result
from liangpai.rules.ruleset import DEFAULT_RULESET
from liangpai.rulesets.models import RulesetVersion
from tests.factories import SYSTEM

#: A day after 2026Q3 ended: closing 2026Q3 "today" starts the interview deadlines here.
AFTER_Q3 = datetime.date(2026, 10, 9)


@pytest.fixture(autouse=True)
def _chinese() -> Iterator[None]:
    """Messages are asserted in Chinese, whatever language an earlier test left active."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def ruleset_2026(db: None) -> RulesetVersion:
    """The 2026 ruleset the data migration makes (made again after a transactional test emptied the tables)."""
    ruleset, _ = RulesetVersion.objects.get_or_create(
        year=2026,
        status=RulesetVersion.Status.ACTIVE,
        defaults={"version": "2026-1", **RulesetVersion.values_of(DEFAULT_RULESET)},
    )
    return ruleset


Inspect = Callable[..., InspectionResult]


@pytest.fixture
def inspect(db: None) -> Inspect:
    """inspect(enterprise, "2026-08-03", major_hazards=1, …): one recorded inspection result."""

    def record(enterprise: Enterprise, on: str, **counts: Any) -> InspectionResult:
        return record_inspection_result(
            by=SYSTEM, enterprise=enterprise, inspected_on=datetime.date.fromisoformat(on), **counts
        )

    return record


def lights_of(quarter: str) -> dict[str, str]:
    """Enterprise name → light in force, for one quarter."""
    return dict(QuarterLight.objects.filter(quarter=quarter).values_list("enterprise__name", "light"))


def audit_count(action: str = "") -> int:
    qs = AuditEvent.objects.all()
    return qs.filter(action=action).count() if action else qs.count()

"""Templates for the checklist tests: the two defaults the migration loads, and drafts made from them."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from liangpai.checklists import services
from liangpai.checklists.models import ChecklistCategory, ChecklistItem, ChecklistTemplate
from tests.conftest import Cast


@pytest.fixture(autouse=True)
def _site_language() -> Iterator[None]:
    """Messages are checked in Chinese: a page requested in English earlier in this worker
    leaves English active in the thread (LocaleMiddleware does not switch back)."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def gs_2026(db: None) -> ChecklistTemplate:
    """The default 规上 template, active for 2026 (loaded by the data migration)."""
    return ChecklistTemplate.objects.get(scale="above", year=2026, version=1)


@pytest.fixture
def gx_2026(db: None) -> ChecklistTemplate:
    return ChecklistTemplate.objects.get(scale="below", year=2026, version=1)


@pytest.fixture
def admin_user(cast: Cast) -> Any:
    return cast.users["city_admin"]


@pytest.fixture
def draft(admin_user: Any, gs_2026: ChecklistTemplate) -> ChecklistTemplate:
    """A copy of the 规上 template for 2027, as the city admin makes it."""
    return services.copy_template(by=admin_user, template=gs_2026, year=2027)


@pytest.fixture
def retired(admin_user: Any, gs_2026: ChecklistTemplate) -> ChecklistTemplate:
    """The 2026 default 规上 template, retired by activating a revised 2026 version."""
    revision = services.copy_template(by=admin_user, template=gs_2026, year=2026)
    services.activate_template(by=admin_user, template=revision)
    gs_2026.refresh_from_db()
    assert gs_2026.status == ChecklistTemplate.Status.RETIRED
    return gs_2026


@pytest.fixture(params=["active", "retired"])
def settled(request: pytest.FixtureRequest, gs_2026: ChecklistTemplate) -> ChecklistTemplate:
    """An active, then a retired template: neither ever changes."""
    return gs_2026 if request.param == "active" else request.getfixturevalue("retired")


def item_of(template: ChecklistTemplate, code: str) -> ChecklistItem:
    return ChecklistItem.objects.select_related("category").get(category__template=template, code=code)


def item_fields(item: ChecklistItem, **changes: Any) -> dict[str, Any]:
    """The keyword arguments of `services.update_item` that leave `item` as it is, with `changes`
    (saved against the version `item` was read at)."""
    fields = {f: getattr(item, f) for f in services.ITEM_FIELDS} | {"expected_version": item.version}
    return fields | changes


def small_template(
    *, year: int = 2030, scores: tuple[str, ...] = ("60", "40"), with_veto: bool = True
) -> ChecklistTemplate:
    """A draft 规下 template with one category: one scored item per score, and a veto item."""
    template = ChecklistTemplate.objects.create(code="GX", name="小模板", scale="below", year=year, version=1)
    category = ChecklistCategory.objects.create(template=template, code="X-1", name="类别一", order=1)
    for n, score in enumerate(scores, start=1):
        ChecklistItem.objects.create(
            category=category,
            code=f"X-{n:02d}",
            text=f"评价内容{n}。",
            max_score=Decimal(score),
            guidance="不符合的扣分，扣完为止。",
            evidence="查阅资料。",
            order=n,
        )
    if with_veto:
        ChecklistItem.objects.create(
            category=category,
            code="X-99",
            text="年度内未发生生产安全死亡事故。",
            max_score=Decimal(0),
            guidance="本项为否决项。",
            evidence="查阅事故台账。",
            is_veto=True,
            veto_key="fatal_accident",
            order=99,
        )
    return template

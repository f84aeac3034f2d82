"""Fixtures for the assessment tests: a started draft, answers filled the way an assessor would, photos."""

import io
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from liangpai.assessments import services
from liangpai.assessments.models import Assessment
from tests.conftest import Cast


@pytest.fixture(autouse=True)
def _chinese() -> Iterator[None]:
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def draft(cast: Cast) -> Assessment:
    """Enterprise A's 2026 assessment (规上 or 规下 as the factory made it), started by town A's union."""
    return services.start_assessment(by=cast.users["town_a_union"], enterprise=cast.enterprise_a, year=2026)


def full_answers(assessment: Assessment, *, fraction: Decimal = Decimal(1), vetoes_failed: int = 0) -> dict[int, Any]:
    """Every item answered: `fraction` of its points, veto items passed (or the first `vetoes_failed` failed)."""
    answers = {}
    failed = 0
    for answer in assessment.answers.select_related("item").order_by("item__category__order", "item__order"):
        item = answer.item
        if item.is_veto:
            fail = failed < vetoes_failed
            failed += fail
            answers[answer.pk] = services.Answer(item.max_score, veto_failed=fail)
        else:
            answers[answer.pk] = services.Answer((item.max_score * fraction).quantize(Decimal("0.1")))
    return answers


Fill = Callable[..., Assessment]


@pytest.fixture
def fill(cast: Cast) -> Fill:
    """fill(assessment, by=…, fraction=…, vetoes_failed=…, answers=…): one save of the whole checklist
    (by town A's emergency office unless `by` says otherwise: the union then reviews it)."""

    def save(
        assessment: Assessment, *, by: Any = None, answers: dict[int, Any] | None = None, **kwargs: Any
    ) -> Assessment:
        assessment.refresh_from_db()
        changes = services.Changes(
            header=services.Header(None, "张三（甲镇总工会）", ""),
            answers=answers if answers is not None else full_answers(assessment, **kwargs),
        )
        return services.save_answers(
            by=by or cast.users["town_a_emergency"],
            assessment=assessment,
            expected_version=assessment.version,
            changes=changes,
        )

    return save


def jpeg_upload(name: str = "现场.jpg", *, size: tuple[int, int] = (64, 48), exif: bool = True) -> SimpleUploadedFile:
    """A phone-like JPEG with EXIF (camera model and GPS) and a comment."""
    image = Image.new("RGB", size, (200, 80, 40))
    buffer = io.BytesIO()
    kwargs: dict[str, Any] = {"comment": b"secret comment"}
    if exif:
        data = Image.Exif()
        data[0x0110] = "PhoneCam 12"  # Model
        data[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0), 3: "E", 4: (120.0, 10.0, 0.0)}  # GPS
        kwargs["exif"] = data
    image.save(buffer, "JPEG", **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")

"""Fixtures for the import tests: the corpus (built once per session) and the reference world it names."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.utils import translation

from liangpai.core.models import AuditEvent
from liangpai.enterprises.models import Enterprise, Industry
from tests.conftest import Cast
from tests.factories import IndustryFactory
from tests.imports import make_corpus
from tests.rating_fixtures import inspect, ruleset_2026  # noqa: F401 -- fixtures of the history import's tests


@pytest.fixture(autouse=True)
def _chinese() -> Iterator[None]:
    """The messages are asserted in Chinese, whatever language an earlier test left active."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def _media(settings: object, tmp_path: Path) -> None:
    """Uploaded spreadsheets go to a temporary directory, not the project's media."""
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_corpus.build(tmp_path_factory.mktemp("corpus"), big=False)


@pytest.fixture(scope="session")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big_20000.xlsx"
    make_corpus.write_big_xlsx(path)
    return path


@pytest.fixture
def world(cast: Cast) -> Cast:
    """The cast (甲镇 with 甲一片/甲二片, 乙街道 with 乙一片) plus the industries the corpus names."""
    for code, name in make_corpus.INDUSTRIES.items():
        IndustryFactory(code=code, name=name)
    return cast


def industry(code: str) -> Industry:
    return Industry.objects.get(code=code)


Counts = tuple[int, int]


@pytest.fixture
def counts() -> Callable[[], Counts]:
    """(enterprises, audit events) — equal before and after a failed import."""

    def snapshot() -> Counts:
        return Enterprise.objects.count(), AuditEvent.objects.count()

    return snapshot

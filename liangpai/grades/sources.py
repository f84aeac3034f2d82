"""Where the base of an annual grade comes from (R-GRADE-1/2/3): the sources `compute_grades` is given."""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from liangpai.grades.models import GradeInput
from liangpai.lights.facts import STREAM_CHUNK
from liangpai.rules.ruleset import Grade


@dataclass(frozen=True)
class BaseGrade:
    """R-GRADE-1/2/3: a normalised score or a given grade (None: not assessed), and the failed veto keys."""

    base: Grade | Decimal | None
    failed_vetoes: tuple[str, ...] = ()
    source: str = ""


class BaseGradeSource(Protocol):
    name: str

    def rows(self, year: int) -> Iterator[tuple[int, BaseGrade]]:
        """(enterprise id, base) for the year, in ascending enterprise id, at most one per enterprise."""
        ...


class GradeInputs:
    """The recorded or imported bases (`GradeInput`), until the annual assessment provides scores."""

    name = "grade_inputs"

    def rows(self, year: int) -> Iterator[tuple[int, BaseGrade]]:
        inputs = (
            GradeInput.objects.filter(year=year)
            .order_by("enterprise_id")
            .values_list("enterprise_id", "score", "grade", "failed_vetoes")
        )
        for enterprise_id, score, grade, vetoes in inputs.iterator(chunk_size=STREAM_CHUNK):
            base: Grade | Decimal | None = score if score is not None else (Grade(grade) if grade else None)
            yield enterprise_id, BaseGrade(base, tuple(vetoes or ()), self.name)

"""Published assessments as a base of the annual grade (R-GRADE-1/2/3), for `compute_grades`.

The source names the assessment (`assessment:<id>`): the stored grade's facts lead back
to the answers, notes and photos it came from.
"""

from collections.abc import Iterator
from decimal import Decimal

from liangpai.assessments.models import Assessment
from liangpai.grades.sources import BaseGrade
from liangpai.lights.facts import STREAM_CHUNK

SOURCE_PREFIX = "assessment:"


class PublishedAssessments:
    name = "assessments"

    def rows(self, year: int) -> Iterator[tuple[int, BaseGrade]]:
        published = (
            Assessment.objects.filter(year=year, status=Assessment.Status.PUBLISHED)
            .order_by("enterprise_id")
            .values_list("enterprise_id", "pk", "score", "failed_vetoes")
        )
        for enterprise_id, pk, score, vetoes in published.iterator(chunk_size=STREAM_CHUNK):
            base = Decimal(score) if score is not None else None
            yield enterprise_id, BaseGrade(base, tuple(vetoes or ()), f"{SOURCE_PREFIX}{pk}")


def assessment_id_of(source: str) -> int | None:
    """The assessment a grade's base came from, from the source its facts name."""
    if source.startswith(SOURCE_PREFIX) and source[len(SOURCE_PREFIX) :].isdigit():
        return int(source[len(SOURCE_PREFIX) :])
    return None

"""Annual grades (分级亮牌, MISSION.md R3/R6) and their explanation (R-DOWNGRADE-5).

`compute_grades` gives every active enterprise its grade for the year from its base
(an assessment score or a given grade, through `BASE_GRADE_SOURCES`), its failed veto
items and the year's quarterly lights, with `rules.grading.annual_grade`. Like
`close_quarter` it streams the city (one query per source for the whole year, a few
queries and bulk writes per chunk), is idempotent, records one audit event per changed
grade, keeps imported history as it is, and refuses a published year.
"""

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import batched
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from liangpai.checklists.default_templates import (
    VETO_FATAL_ACCIDENT,
    VETO_INSPECTION_REFUSED,
    VETO_MAJOR_HAZARD_OVERDUE,
)
from liangpai.core import audit
from liangpai.core.access import Action, can
from liangpai.enterprises.models import Enterprise
from liangpai.ratings import codec
from liangpai.ratings.bulk import Table
from liangpai.ratings.errors import PublishedError
from liangpai.ratings.facts import STREAM_CHUNK, Cursor, EnterpriseRow, active_enterprises
from liangpai.ratings.models import AnnualGrade, GradeInput, QuarterLight, RulesetVersion
from liangpai.ratings.rulesets import ruleset_for_year
from liangpai.rules import grading
from liangpai.rules.lights import Light
from liangpai.rules.periods import Year, parse_year
from liangpai.rules.ruleset import Grade, Ruleset

CHUNK = 2000
UNGRADED = "ungraded"

#: The name a failed veto item is explained with (R-GRADE-3), by its key (checklists.default_templates).
VETO_NAMES = {
    VETO_FATAL_ACCIDENT: "发生生产安全死亡事故",
    VETO_INSPECTION_REFUSED: "拒绝、阻挠工会监督检查",
    VETO_MAJOR_HAZARD_OVERDUE: "重大事故隐患逾期未整改",
}


# --- where the base grade comes from ---------------------------------------------------


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


#: The base grade sources; for an enterprise in several, the last one wins. The annual-assessment app
#: appends its own (issue 3 item 4), so an assessment overrides an imported or recorded base.
BASE_GRADE_SOURCES: list[BaseGradeSource] = [GradeInputs()]


def _year_lights(year: int) -> Iterator[tuple[int, grading.QuarterLight]]:
    rows = (
        QuarterLight.objects.filter(year=year)
        .order_by("enterprise_id", "number")
        .values_list("enterprise_id", "number", "light", "inspected_on")
    )
    quarters = {q.number: q for q in Year(year).quarters()}
    for enterprise_id, number, light, inspected_on in rows.iterator(chunk_size=STREAM_CHUNK):
        yield enterprise_id, grading.QuarterLight(quarters[number], Light(light), inspected_on)


# --- computing ------------------------------------------------------------------------


@dataclass
class GradeOutcome:
    year: Year
    ruleset_version: str
    grades: Counter[str] = field(default_factory=Counter)  # final grade (or "ungraded") → enterprises
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # imported history left as it was

    @property
    def total(self) -> int:
        return sum(self.grades.values())


@dataclass(frozen=True)
class _Input:
    enterprise: EnterpriseRow
    base: BaseGrade
    lights: list[grading.QuarterLight]


def _inputs(year: int) -> Iterator[_Input]:
    lights = Cursor(_year_lights(year))
    bases = [Cursor(source.rows(year)) for source in BASE_GRADE_SOURCES]
    for enterprise in active_enterprises():
        base = BaseGrade(None)
        for cursor in bases:
            found = cursor.take(enterprise.id)
            if found:
                base = found[-1]
        yield _Input(enterprise, base, lights.take(enterprise.id))


def check_not_published(year: int) -> None:
    if AnnualGrade.objects.filter(year=year, is_published=True).exists():
        raise PublishedError(_("%(year)s 年度等级已公布，不能再计算。") % {"year": year})


def compute_grades(*, year: Year | int | str, by: Any = None) -> GradeOutcome:
    """R3/R6: every active enterprise's annual grade for `year`. Raises PeriodError or PublishedError."""
    if by is not None and not can(by, Action.RULES_MANAGE):
        raise PermissionDenied
    period = year if isinstance(year, Year) else parse_year(year)
    ruleset = ruleset_for_year(period.value)
    rules = ruleset.to_rules()
    outcome = GradeOutcome(year=period, ruleset_version=ruleset.version)
    with translation.override(settings.LANGUAGE_CODE):  # a stored reason does not follow the user's language
        reason = _("计算 %(year)s 年度等级") % {"year": period}
    with transaction.atomic():
        check_not_published(period.value)
        for chunk in batched(_inputs(period.value), CHUNK):
            _grade_chunk(chunk, period, ruleset, rules, by=by, reason=reason, outcome=outcome)
    return outcome


#: What a computation stores, a stored grade as a chunk reads it back, and the columns written.
#: The reasons follow from the facts (base, vetoes, lights) and the ruleset, which never changes once used:
#: comparing these tells whether a stored grade changed, without reading its reasons back.
_COMPARED = ("base_grade", "final_grade", "score", "facts", "ruleset_id")
_STORED = (*_COMPARED, "reasons")
_READ = ("id", "enterprise_id", "source", *_COMPARED)
_INSERTED = ("enterprise", "year", *_STORED, "source", "computed_at", "is_published")
_UPDATED = (*_STORED, "computed_at")
#: The values an audit record shows, by their place in `_COMPARED`.
_AUDITED = {"base_grade": 0, "final_grade": 1, "score": 2, "ruleset": 4}


def _facts(item: _Input, version: str) -> dict[str, Any]:
    base = item.base.base
    return {
        "base": {
            "score": str(base) if isinstance(base, Decimal) else None,
            "grade": base.value if isinstance(base, Grade) else None,
            "source": item.base.source,
        },
        "failed_vetoes": list(item.base.failed_vetoes),
        "lights": [
            {
                "quarter": str(light.quarter),
                "light": light.light.value,
                "inspected_on": light.inspected_on.isoformat() if light.inspected_on else None,
            }
            for light in item.lights
        ],
        "ruleset": version,
    }


def _audited(values: tuple[Any, ...], names: Iterable[str]) -> dict[str, Any]:
    return {name: (str(v) if isinstance(v := values[_AUDITED[name]], Decimal) else v) for name in names}


def _grade_chunk(
    chunk: Iterable[_Input],
    year: Year,
    ruleset: RulesetVersion,
    rules: Ruleset,
    *,
    by: Any,
    reason: str,
    outcome: GradeOutcome,
) -> None:
    """One chunk of the city: a read of its stored grades, then bulk writes of what changed."""
    items = list(chunk)
    in_chunk = {
        "year": year.value,
        "enterprise_id__gte": items[0].enterprise.id,
        "enterprise_id__lte": items[-1].enterprise.id,
    }
    stored = {row[1]: row for row in AnnualGrade.objects.filter(**in_chunk).order_by().values_list(*_READ)}
    now_db = connection.ops.adapt_datetimefield_value(timezone.now())
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[int, tuple[Any, ...]]] = []
    changes: list[tuple[EnterpriseRow, int | None, dict[str, Any] | None, dict[str, Any]]] = []
    for item in items:
        row = stored.get(item.enterprise.id)
        if row is not None and row[2] == AnnualGrade.Source.IMPORTED:
            outcome.kept += 1
            outcome.grades[row[4] or UNGRADED] += 1
            continue
        result = grading.annual_grade(
            year=year,
            base=item.base.base,
            lights=item.lights,
            ruleset=rules,
            failed_vetoes=[VETO_NAMES.get(key, key) for key in item.base.failed_vetoes],
        )
        base = item.base.base
        values = (
            result.base.value if result.base else None,
            result.final.value if result.final else None,
            base if isinstance(base, Decimal) else None,
            _facts(item, ruleset.version),
            ruleset.pk,
        )
        outcome.grades[values[1] or UNGRADED] += 1
        if row is None:
            reasons = codec.grade_reasons_to_json(result.reasons)
            inserts.append((item.enterprise.id, year.value, *values, reasons, "computed", now_db, False))
            changes.append((item.enterprise, None, None, _audited(values, _AUDITED)))
        elif row[3:] == values:
            outcome.unchanged += 1
        else:
            updates.append((row[0], (*values, codec.grade_reasons_to_json(result.reasons), now_db)))
            names = [name for name, i in _AUDITED.items() if row[3 + i] != values[i]] or ["final_grade"]
            changes.append((item.enterprise, row[0], _audited(row[3:], names), _audited(values, names)))
    Table(AnnualGrade, _INSERTED, prepared=["computed_at"]).insert(inserts)
    Table(AnnualGrade, _UPDATED, prepared=["computed_at"]).update(updates)
    outcome.created += len(inserts)
    outcome.updated += len(updates)
    ids: dict[int, int] = {}
    if inserts:
        ids = dict(AnnualGrade.objects.filter(**in_chunk).values_list("enterprise_id", "id"))
    with translation.override(settings.LANGUAGE_CODE):
        naming = _("%(enterprise)s %(year)s年度等级")
    audit.record_entries(
        actor=by,
        action="grade.compute",
        entries=[
            audit.Entry(
                "ratings.annualgrade",
                str(pk or ids[enterprise.id]),
                (naming % {"enterprise": enterprise.name, "year": year.value})[:200],
                before,
                after,
            )
            for enterprise, pk, before, after in changes
        ],
        reason=reason,
    )


# --- explaining -----------------------------------------------------------------------


@dataclass(frozen=True)
class GradeExplanation:
    """R-DOWNGRADE-5: a stored grade in words: the one-line explanation, then each reason with its rule."""

    year: int
    grade: str | None  # None: 未评级
    headline: str
    reasons: list[tuple[str, str]]  # (rule id, text)
    is_published: bool
    source: str


def explanation_of(row: AnnualGrade) -> GradeExplanation:
    """Read back from the stored reasons (no query), rendered by `rules.grading`."""
    result = codec.grade_result(
        year=row.year,
        final=row.final_grade,
        base=row.base_grade,
        reasons=row.reasons,
        version=str((row.facts or {}).get("ruleset", "")),
    )
    return GradeExplanation(
        year=row.year,
        grade=row.final_grade,
        headline=grading.explain(result),
        reasons=[(reason.rule, grading.explain_reason(reason)) for reason in result.reasons],
        is_published=row.is_published,
        source=row.source,
    )


def explain_grade(enterprise: Enterprise, year: int) -> GradeExplanation | None:
    """The explanation of `enterprise`'s grade for `year`, or None when it has none stored."""
    row = AnnualGrade.objects.filter(enterprise=enterprise, year=year).first()
    return explanation_of(row) if row is not None else None


def given_grade_reasons(grade: Grade | None) -> list[dict[str, Any]]:
    """The stored reasons of a grade given without a computation (imported history)."""
    if grade is None:
        return codec.grade_reasons_to_json([grading.Reason(grading.ReasonKind.NOT_ASSESSED, "R-GRADE-2")])
    return codec.grade_reasons_to_json([grading.Reason(grading.ReasonKind.GIVEN_GRADE, "R-GRADE-1", {"grade": grade})])

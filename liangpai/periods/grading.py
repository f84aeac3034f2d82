"""Annual grades (分级亮牌, MISSION.md R3/R6) and their explanation (R-DOWNGRADE-5).

`compute_grades` gives every active enterprise its grade for the year from its base
(an assessment score or a given grade, from the `sources` it is given), its failed veto
items and the year's quarterly lights, with `rules.grading.annual_grade`. Like
`close_quarter` it streams the city (one query per source and one for the stored grades,
for the whole year; bulk writes per chunk), is idempotent, records one audit event per changed
grade, keeps imported history as it is, and refuses a published year.
"""

import datetime
import functools
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import batched
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from liangpai.assessments.sources import PublishedAssessments
from liangpai.core import audit
from liangpai.core.access import Action, can
from liangpai.core.bulk import Table, bulk_writes
from liangpai.core.errors import PublishedError
from liangpai.grades.models import AnnualGrade
from liangpai.grades.sources import BaseGrade, BaseGradeSource, GradeInputs
from liangpai.lights.facts import STREAM_CHUNK, Cursor, EnterpriseRow, active_enterprises
from liangpai.lights.models import QuarterLight
from liangpai.rules import codec, grading
from liangpai.rules.lights import Light
from liangpai.rules.periods import Year, parse_year
from liangpai.rules.ruleset import Grade, Ruleset
from liangpai.rules.vetoes import VETO_NAMES
from liangpai.rulesets.models import RulesetVersion
from liangpai.rulesets.services import ruleset_for_year

CHUNK = 2000
UNGRADED = "ungraded"

#: The city's base grade sources, in order: for an enterprise in several, the last one wins, so a
#: published assessment decides the base over a recorded or imported `GradeInput`.
BASE_GRADE_SOURCES: tuple[BaseGradeSource, ...] = (GradeInputs(), PublishedAssessments())

# --- where the base grade comes from ---------------------------------------------------


def _year_lights(year: int) -> Iterator[tuple[int, grading.QuarterLight]]:
    """The year's lights as the grade sees them, in enterprise order; equal lights are one (immutable) object.

    Read with one plain query: a city has several lights per enterprise, and the ORM's
    per-row conversions cost more than the few distinct lights they convert to.
    """
    meta, quote = QuarterLight._meta, connection.ops.quote_name
    enterprise, number, light, inspected_on, year_column = (
        quote(str(meta.get_field(name).column))  # type: ignore[union-attr]
        for name in ("enterprise", "number", "light", "inspected_on", "year")
    )
    sql = (
        f"SELECT {enterprise}, {number}, {light}, {inspected_on} FROM {quote(meta.db_table)}"  # noqa: S608 -- names from model meta
        f" WHERE {year_column} = %s ORDER BY {enterprise}, {number}"
    )
    quarters = {q.number: q for q in Year(year).quarters()}
    known: dict[tuple[Any, ...], grading.QuarterLight] = {}
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [year])
        while rows := cursor.fetchmany(STREAM_CHUNK):
            for row in rows:
                found = known.get(row[1:])
                if found is None:
                    on = row[3]
                    found = known[row[1:]] = grading.QuarterLight(
                        quarters[row[1]], Light(row[2]), datetime.date.fromisoformat(on) if isinstance(on, str) else on
                    )
                yield row[0], found


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


_NOT_ASSESSED = BaseGrade(None)
#: One enterprise's inputs: the enterprise, its base, and its lights of the year.
_Input = tuple[EnterpriseRow, BaseGrade, list[grading.QuarterLight]]


def _inputs(year: int, sources: Sequence[BaseGradeSource]) -> Iterator[_Input]:
    lights = Cursor(_year_lights(year))
    bases = [Cursor(source.rows(year)) for source in sources]
    for enterprise in active_enterprises():
        base = _NOT_ASSESSED
        for cursor in bases:
            found = cursor.take(enterprise.id)
            if found:
                base = found[-1]
        yield enterprise, base, lights.take(enterprise.id)


def check_not_published(year: int) -> None:
    if AnnualGrade.objects.filter(year=year, is_published=True).exists():
        raise PublishedError(_("%(year)s 年度等级已公布，不能再计算。") % {"year": year})


def compute_grades(*, year: Year | int | str, sources: Sequence[BaseGradeSource], by: Any = None) -> GradeOutcome:
    """R3/R6: every active enterprise's annual grade for `year`, its base taken from `sources` in order
    (the last that has an enterprise wins). Raises PeriodError or PublishedError."""
    if by is not None and not can(by, Action.RULES_MANAGE):
        raise PermissionDenied
    period = year if isinstance(year, Year) else parse_year(year)
    ruleset = ruleset_for_year(period.value)
    rules = ruleset.to_rules()
    outcome = GradeOutcome(year=period, ruleset_version=ruleset.version)
    with translation.override(settings.LANGUAGE_CODE):  # stored, so in the site's language whatever the user's
        reason = _("计算 %(year)s 年度等级") % {"year": period}
        naming = _("%(enterprise)s %(year)s年度等级")
    with transaction.atomic(), bulk_writes():
        check_not_published(period.value)
        grading_run = _Grading(period, ruleset, rules, by=by, reason=reason, naming=naming, outcome=outcome)
        for chunk in batched(_inputs(period.value, sources), CHUNK):
            grading_run.chunk(chunk)
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
_IMPORTED = AnnualGrade.Source.IMPORTED.value
#: Stands for the enterprise's name in the audit records' object names, which are joined around it.
_NAME = "\x00"
#: `json.dumps(_facts(…))` with the JSON of its four parts put in (`json.dumps` separates with ", " and ": ").
_FACTS_JSON = '{"base": %s, "failed_vetoes": %s, "lights": %s, "ruleset": %s}'


def _base_facts(base: BaseGrade) -> dict[str, Any]:
    value = base.base
    return {
        "score": str(value) if isinstance(value, Decimal) else None,
        "grade": value.value if isinstance(value, Grade) else None,
        "source": base.source,
    }


def _light_facts(lights: Iterable[grading.QuarterLight]) -> list[dict[str, Any]]:
    return [
        {
            "quarter": str(light.quarter),
            "light": light.light.value,
            "inspected_on": light.inspected_on.isoformat() if light.inspected_on else None,
        }
        for light in lights
    ]


def _facts(base: BaseGrade, lights: Iterable[grading.QuarterLight], version: str) -> dict[str, Any]:
    """What a grade was computed from, as stored with it."""
    return {
        "base": _base_facts(base),
        "failed_vetoes": list(base.failed_vetoes),
        "lights": _light_facts(lights),
        "ruleset": version,
    }


def _audited(values: tuple[Any, ...], names: Iterable[str]) -> dict[str, Any]:
    return {name: (str(v) if isinstance(v := values[_AUDITED[name]], Decimal) else v) for name in names}


class _Grading:
    """One run of `compute_grades`, chunk by chunk.

    The year's stored grades are read as one stream in enterprise order, beside the inputs
    (a query per chunk would be planned from statistics that may not know the year yet).
    A new grade's facts are written as JSON text put together from the JSON of its parts
    (base, vetoes, lights), each encoded once per distinct value: many enterprises share a
    base or a year of lights. `_facts` is what that text encodes.
    """

    #: How many distinct parts are remembered before starting again (bounded memory).
    REMEMBERED = 50_000

    def __init__(
        self,
        year: Year,
        ruleset: RulesetVersion,
        rules: Ruleset,
        *,
        by: Any,
        reason: str,
        naming: str,
        outcome: GradeOutcome,
    ) -> None:
        self.year, self.ruleset, self.rules = year, ruleset, rules
        self.by, self.reason, self.outcome = by, reason, outcome
        self.name_parts = (naming % {"enterprise": _NAME, "year": year.value}).split(_NAME)
        self.inserted = Table(AnnualGrade, _INSERTED)
        self.updated = Table(AnnualGrade, _UPDATED)
        # The facts column's encoding (`Table.value`), applied to each part.
        self.encode = functools.partial(json.dumps, cls=AnnualGrade._meta.get_field("facts").encoder)
        self.version_json = self.encode(ruleset.version)
        self.bases: dict[tuple[Any, ...], str] = {}
        self.vetoes: dict[tuple[str, ...], str] = {}
        self.lights: dict[tuple[int, ...], tuple[list[grading.QuarterLight], str]] = {}
        self.after: dict[tuple[Any, ...], dict[str, Any]] = {}
        stored = AnnualGrade.objects.filter(year=year.value).order_by("enterprise_id").values_list(*_READ)
        self.stored = Cursor((row[1], row) for row in stored.iterator(chunk_size=STREAM_CHUNK))

    def _remembered[K, V](self, known: dict[K, V], key: K, make: Callable[[], V]) -> V:
        found = known.get(key)
        if found is None:
            if len(known) >= self.REMEMBERED:
                known.clear()
            found = known[key] = make()
        return found

    def facts_text(self, base: BaseGrade, lights: list[grading.QuarterLight]) -> str:
        """`json.dumps(_facts(base, lights, version))`, from the JSON of its parts."""
        value = base.base
        base_key = (type(value), str(value), base.source)
        base_json = self._remembered(self.bases, base_key, lambda: self.encode(_base_facts(base)))
        vetoes = tuple(base.failed_vetoes)
        vetoes_json = self._remembered(self.vetoes, vetoes, lambda: self.encode(list(vetoes)))
        # By the lights' identity: `_year_lights` gives equal lights as one object, and the remembered
        # list keeps them alive, so their ids are not reused while remembered.
        _, lights_json = self._remembered(
            self.lights, tuple(map(id, lights)), lambda: (lights, self.encode(_light_facts(lights)))
        )
        return _FACTS_JSON % (base_json, vetoes_json, lights_json, self.version_json)

    def chunk(self, chunk: Iterable[_Input]) -> None:
        """One chunk of the city: its stored grades from the stream, then bulk writes of what changed."""
        year, ruleset, outcome, take = self.year, self.ruleset, self.outcome, self.stored.take
        now_db = connection.ops.adapt_datetimefield_value(timezone.now())
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[int, tuple[Any, ...]]] = []
        # (enterprise, grade id or None for a new grade, before, after), in the enterprises' order
        changes: list[tuple[EnterpriseRow, int | None, dict[str, Any] | None, dict[str, Any]]] = []
        grades: Counter[str] = Counter()
        reasons_json = self.inserted.value
        for enterprise, base, lights in chunk:
            found = take(enterprise.id)
            row = found[0] if found else None
            if row is not None and row[2] == _IMPORTED:
                outcome.kept += 1
                grades[row[4] or UNGRADED] += 1
                continue
            result = grading.annual_grade(
                year=year,
                base=base.base,
                lights=lights,
                ruleset=self.rules,
                failed_vetoes=[VETO_NAMES.get(key, key) for key in base.failed_vetoes],
            )
            base_grade = result.base.value if result.base else None
            final = result.final.value if result.final else None
            score = base.base if isinstance(base.base, Decimal) else None
            grades[final or UNGRADED] += 1
            if row is None:
                facts = self.facts_text(base, lights)
                reasons = reasons_json("reasons", codec.grade_reasons_to_json(result.reasons))
                inserts.append(
                    (
                        enterprise.id,
                        year.value,
                        base_grade,
                        final,
                        score,
                        facts,
                        ruleset.pk,
                        reasons,
                        "computed",
                        now_db,
                        False,
                    )
                )
                # A few distinct records (grades and scores) for the whole city: shared, so encoded once.
                after_key = (base_grade, final, None if score is None else str(score))
                after = self.after.get(after_key)
                if after is None:
                    after = self.after[after_key] = _audited((base_grade, final, score, None, ruleset.pk), _AUDITED)
                changes.append((enterprise, None, None, after))
                continue
            values = (base_grade, final, score, _facts(base, lights, ruleset.version), ruleset.pk)
            if row[3:] == values:
                outcome.unchanged += 1
                continue
            updates.append(
                (
                    row[0],
                    (
                        base_grade,
                        final,
                        score,
                        self.updated.value("facts", values[3]),
                        ruleset.pk,
                        self.updated.value("reasons", codec.grade_reasons_to_json(result.reasons)),
                        now_db,
                    ),
                )
            )
            names = [name for name, i in _AUDITED.items() if row[3 + i] != values[i]] or ["final_grade"]
            changes.append((enterprise, row[0], _audited(row[3:], names), _audited(values, names)))
        outcome.grades.update(grades)
        ids = self.inserted.insert(inserts, key="enterprise")
        self.updated.update(updates)
        outcome.created += len(inserts)
        outcome.updated += len(updates)
        parts = self.name_parts
        audit.record_entries(
            actor=self.by,
            action="grade.compute",
            entries=[
                audit.Entry(
                    "ratings.annualgrade",
                    str(pk or ids[enterprise.id]),
                    enterprise.name.join(parts)[:200],
                    before,
                    after,
                )
                for enterprise, pk, before, after in changes
            ],
            reason=self.reason,
        )


# --- explaining -----------------------------------------------------------------------

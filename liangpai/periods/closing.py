"""Closing a quarter (季度亮灯, MISSION.md R4/R5) and overriding a light by hand (R-LIGHT-10).

`close_quarter` computes every active enterprise's light from its facts with the
year's ruleset and stores it with the facts, reasons and ruleset version. It is
idempotent: a second run changes nothing and records nothing. It streams the city in
chunks (one query per fact source and one for the stored lights, for the whole quarter;
bulk writes per chunk, one audit event per changed light), never replaces a manual override or imported history (it refreshes the
computed light beside an override), and creates the warning interview of each red light.
A published quarter is frozen.
"""

import datetime
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import batched
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from liangpai.core import audit
from liangpai.core.access import Action, can
from liangpai.core.bulk import Table, bulk_writes
from liangpai.core.errors import PeriodError, PublishedError, RatingsError
from liangpai.interviews.models import WarningInterview
from liangpai.interviews.services import cancel_for_light, creation_record, interview_due, new_interview
from liangpai.lights.facts import STREAM_CHUNK, Cursor, EnterpriseRow, build_quarter_facts
from liangpai.lights.models import LightChoice, QuarterLight
from liangpai.rules import codec
from liangpai.rules import lights as rules_lights
from liangpai.rules.lights import Light, LightReasonKind, LightResult, QuarterFacts
from liangpai.rules.periods import Quarter, parse_quarter
from liangpai.rules.ruleset import Ruleset
from liangpai.rules.workdays import DueDate
from liangpai.rulesets.models import RulesetVersion
from liangpai.rulesets.services import ruleset_for_year, work_calendar

CHUNK = 2000
#: What a computation decides. The reasons follow from these (a used ruleset never changes, R-RULESET-2),
#: so comparing these tells whether a stored light changed, without reading its reasons back.
_COMPARED = ("light", "computed_light", "inspected_on", "facts", "ruleset_id")
_STORED = (*_COMPARED, "reasons")


@dataclass
class CloseOutcome:
    quarter: Quarter
    ruleset_version: str
    lights: Counter[str] = field(default_factory=Counter)  # light in force → enterprises
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0  # overridden or imported lights left as they were
    interviews_created: int = 0

    @property
    def total(self) -> int:
        return sum(self.lights.values())


def check_not_published(quarter: Quarter) -> None:
    if QuarterLight.objects.filter(quarter=str(quarter), is_published=True).exists():
        raise PublishedError(_("%(quarter)s 的亮灯已公布，不能再结算或调整。") % {"quarter": quarter})


def _period(quarter: Quarter | str, today: datetime.date) -> Quarter:
    period = parse_quarter(quarter) if isinstance(quarter, str) else quarter
    if period.first_day > today:
        raise PeriodError(_("%(quarter)s 尚未开始，不能结算。") % {"quarter": period})
    return period


def close_quarter(*, quarter: Quarter | str, by: Any = None, today: datetime.date | None = None) -> CloseOutcome:
    """R4/R5: every active enterprise's light for the quarter, and an interview for each red light.

    `by` is the user who runs it (None: the system, e.g. the management command);
    `today` is when the interviews' deadlines start (default: today). Raises
    PeriodError (not started, or no ruleset) or PublishedError.
    """
    if by is not None and not can(by, Action.RULES_MANAGE):
        raise PermissionDenied
    today = today or timezone.localdate()
    period = _period(quarter, today)
    ruleset = ruleset_for_year(period.year)
    rules = ruleset.to_rules()
    due = interview_due(start=today, rules=rules, calendar=work_calendar())
    outcome = CloseOutcome(quarter=period, ruleset_version=ruleset.version)
    with translation.override(settings.LANGUAGE_CODE):  # stored, so in the site's language whatever the user's
        reason = _("结算 %(quarter)s 季度亮灯") % {"quarter": period}
        naming = _("%(enterprise)s %(quarter)s亮灯")
    with transaction.atomic(), bulk_writes():
        check_not_published(period)
        closing = _Closing(period, ruleset, rules, due, by=by, reason=reason, naming=naming, outcome=outcome)
        for chunk in batched(build_quarter_facts(period), CHUNK):
            closing.chunk(chunk)
    return outcome


#: A stored light as a chunk reads it back: identity, what keeps it, then the computed columns
#: (the facts as their JSON text, decoded once per distinct text).
_READ = (
    "id",
    "enterprise_id",
    "source",
    "override_reason",
    "overridden_at",
    *_COMPARED[:-2],
    "facts_text",
    "ruleset_id",
)
#: The columns of a new light, and those a new computation changes.
_INSERTED = (
    "enterprise",
    "quarter",
    "year",
    "number",
    *_STORED,
    "source",
    "override_reason",
    "computed_at",
    "is_published",
)
_UPDATED = (*_STORED, "computed_at")
#: The values an audit record shows, by their place in `_COMPARED`: a new light is recorded with its
#: light, computed light and ruleset (its facts are in the row); a change shows every value that changed.
_AUDITED = {"light": 0, "computed_light": 1, "facts": 3, "ruleset": 4}
_AUDITED_NEW = {"light": 0, "computed_light": 1, "ruleset": 4}
_IMPORTED = QuarterLight.Source.IMPORTED.value
_RED = Light.RED.value
#: Stands for the enterprise's name in the audit records' object names, which are joined around it.
_NAME = "\x00"


@dataclass(frozen=True, slots=True)
class _Computed:
    """What the rules decide from one `QuarterFacts`, as a stored light is compared and written."""

    facts: QuarterFacts  # kept, so that its id (the key it is remembered by) is not reused
    result: LightResult
    compared: tuple[Any, ...]  # `_COMPARED`, as a stored row reads back
    stored: tuple[Any, ...]  # `_STORED`, ready for the database
    audited: dict[str, Any]  # the audit record of a new light: `_AUDITED_NEW`


class _Closing:
    """One run of `close_quarter`, chunk by chunk.

    The quarter's stored lights are read as one stream in enterprise order, beside the facts
    (a query per chunk would be planned from statistics that may not know the quarter yet).
    The rules are pure, and most enterprises share their facts with many others
    (`build_quarter_facts` yields equal facts as one object), so what the rules decide and
    its JSON are computed once per distinct facts and remembered by the facts' identity.
    """

    #: How many distinct facts are remembered before starting again (bounded memory).
    REMEMBERED = 20_000

    def __init__(
        self,
        quarter: Quarter,
        ruleset: RulesetVersion,
        rules: Ruleset,
        due: DueDate,
        *,
        by: Any,
        reason: str,
        naming: str,
        outcome: CloseOutcome,
    ) -> None:
        self.quarter, self.label = quarter, str(quarter)
        self.ruleset, self.rules, self.due = ruleset, rules, due
        self.by, self.reason, self.outcome = by, reason, outcome
        # The object name of each light's audit record: the enterprise's name joined into these parts.
        self.name_parts = (naming % {"enterprise": _NAME, "quarter": self.label}).split(_NAME)
        self.inserted = Table(QuarterLight, _INSERTED)
        self.updated = Table(QuarterLight, _UPDATED)
        self.known: dict[int, _Computed] = {}
        self.stored_facts: dict[str, dict[str, Any]] = {}
        stored = (
            QuarterLight.objects.filter(quarter=self.label)
            .annotate(facts_text=Cast("facts", TextField()))
            .order_by("enterprise_id")
            .values_list(*_READ)
        )
        self.stored = Cursor((row[1], row) for row in stored.iterator(chunk_size=STREAM_CHUNK))
        # A few per cent of the lights are red: the enterprises that have their interview, at once.
        self.with_interview = set(
            WarningInterview.objects.filter(quarter=self.label).values_list("enterprise_id", flat=True)
        )

    def computed(self, facts: QuarterFacts) -> _Computed:
        known = self.known.get(id(facts))
        if known is not None and known.facts is facts:
            return known
        if len(self.known) >= self.REMEMBERED:
            self.known.clear()
        result = rules_lights.quarter_light(facts, self.rules)
        light = result.light.value
        as_json = codec.facts_to_json(facts)
        compared = (light, light, facts.inspected_on, as_json, self.ruleset.pk)
        value = self.inserted.value
        stored = (
            light,
            light,
            value("inspected_on", facts.inspected_on),
            value("facts", as_json),
            self.ruleset.pk,
            value("reasons", codec.light_reasons_to_json(result.reasons)),
        )
        audited = {name: compared[i] for name, i in _AUDITED_NEW.items()}
        known = self.known[id(facts)] = _Computed(facts, result, compared, stored, audited)
        return known

    def _decoded(self, text: str | None) -> dict[str, Any] | None:
        """A stored light's facts, from their JSON text (decoded once per distinct text)."""
        if text is None:
            return None
        found = self.stored_facts.get(text)
        if found is None:
            if len(self.stored_facts) >= self.REMEMBERED:
                self.stored_facts.clear()
            found = self.stored_facts[text] = json.loads(text)
        return found

    def chunk(self, chunk: Iterable[tuple[EnterpriseRow, QuarterFacts]]) -> None:
        """One chunk of the city: its stored lights from the stream, then bulk writes of what changed."""
        label, outcome = self.label, self.outcome
        take, with_interview = self.stored.take, self.with_interview
        now_db = connection.ops.adapt_datetimefield_value(timezone.now())
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[int, tuple[Any, ...]]] = []
        # (enterprise, light id or None for a new light, before, after), in the enterprises' order
        changes: list[tuple[EnterpriseRow, int | None, dict[str, Any] | None, dict[str, Any]]] = []
        red: list[tuple[EnterpriseRow, int | None]] = []  # (enterprise, its light's id or None for a new light)
        lights: Counter[str] = Counter()
        year, number = self.quarter.year, self.quarter.number
        for enterprise, facts in chunk:
            found = take(enterprise.id)
            row = found[0] if found else None
            if row is not None and row[2] == _IMPORTED:
                outcome.kept += 1
                lights[row[5]] += 1
                continue
            computed = self.computed(facts)
            if row is None:
                light = computed.compared[0]
                inserts.append((enterprise.id, label, year, number, *computed.stored, "computed", "", now_db, False))
                changes.append((enterprise, None, None, computed.audited))
            else:
                values, ready = computed.compared, computed.stored
                if row[4] is not None:  # overridden: the light stays, its reason first (R-LIGHT-10)
                    outcome.kept += 1
                    shown = rules_lights.override_light(computed.result, Light(row[5]), reason=row[3])
                    values = (shown.light.value, *values[1:])
                    reasons = self.updated.value("reasons", codec.light_reasons_to_json(shown.reasons))
                    ready = (shown.light.value, *ready[1:-1], reasons)
                light = values[0]
                old = (row[5], row[6], row[7], self._decoded(row[8]), row[9])
                if old == values:
                    outcome.unchanged += 1
                else:
                    updates.append((row[0], (*ready, now_db)))
                    names = [name for name, i in _AUDITED.items() if old[i] != values[i]]
                    before = {n: old[_AUDITED[n]] for n in names}
                    changes.append((enterprise, row[0], before, {n: values[_AUDITED[n]] for n in names}))
            lights[light] += 1
            if light == _RED and enterprise.id not in with_interview:
                red.append((enterprise, None if row is None else row[0]))
        outcome.lights.update(lights)
        ids = self.inserted.insert(inserts, key="enterprise")
        self.updated.update(updates)
        outcome.created += len(inserts)
        outcome.updated += len(updates)
        parts = self.name_parts
        entries = [
            audit.Entry(
                "ratings.quarterlight", str(pk or ids[enterprise.id]), enterprise.name.join(parts)[:200], before, after
            )
            for enterprise, pk, before, after in changes
        ]
        audit.record_entries(actor=self.by, action="light.compute", entries=entries, reason=self.reason)
        self._interviews(red, ids)

    def _interviews(self, red: list[tuple[EnterpriseRow, int | None]], ids: dict[int, int]) -> None:
        interviews = [
            new_interview(
                light_id=pk or ids[enterprise.id],
                enterprise_id=enterprise.id,
                enterprise_name=enterprise.name,
                quarter=self.label,
                town_id=enterprise.town_id,
                due=self.due,
            )
            for enterprise, pk in red
        ]
        WarningInterview.objects.bulk_create(interviews, batch_size=500)
        self.outcome.interviews_created += len(interviews)
        audit.record_many(
            actor=self.by,
            action="interview.create",
            changes=[(interview, None, creation_record(interview)) for interview in interviews],
            reason=self.reason,
        )


# --- manual override -------------------------------------------------------------------


def _computed_part(row: QuarterLight) -> LightResult:
    reasons = tuple(r for r in codec.light_reasons_from_json(row.reasons) if r.kind != LightReasonKind.MANUAL_OVERRIDE)
    return LightResult(Light(row.computed_light), reasons)


def override_light(
    *, by: Any, light_row: QuarterLight, light: str, reason: str, today: datetime.date | None = None
) -> QuarterLight:
    """R-LIGHT-10: set a light by hand, with a reason (required), audited.

    Setting it back to the computed light ends the override (the next closing updates
    it again). A red light gets its warning interview; a due interview of a light that
    is no longer red is cancelled with the same reason. Published lights and imported
    history are refused.
    """
    if not can(by, Action.LIGHT_OVERRIDE, light_row.enterprise):
        raise PermissionDenied
    target = Light(light)
    today = today or timezone.localdate()
    with transaction.atomic():
        row = (
            QuarterLight.objects.select_for_update(of=("self",))
            .select_related("enterprise", "ruleset")
            .get(pk=light_row.pk)
        )
        check_not_published(row.period)  # this light, or any of its quarter
        if row.source == QuarterLight.Source.IMPORTED:
            raise RatingsError(_("历史导入的亮灯不能人工调整；如有错误，请更正表格后重新导入。"))
        computed = _computed_part(row)
        try:
            result = rules_lights.override_light(computed, target, reason=reason)
        except rules_lights.OverrideError as exc:
            raise RatingsError(_("人工调整灯色必须填写理由。")) from exc
        note = reason.strip()
        before = {"light": row.light, "override_reason": row.override_reason}
        if target == computed.light:
            row.light, row.override_reason, row.overridden_by, row.overridden_at = target.value, "", None, None
            row.reasons = codec.light_reasons_to_json(computed.reasons)
        else:
            row.light, row.override_reason, row.overridden_by, row.overridden_at = (
                target.value,
                note,
                by,
                timezone.now(),
            )
            row.reasons = codec.light_reasons_to_json(result.reasons)
        row.save(update_fields=["light", "override_reason", "overridden_by", "overridden_at", "reasons"])
        audit.record(
            actor=by,
            action="light.override",
            target=row,
            before=before,
            after={"light": row.light, "override_reason": row.override_reason},
            reason=note,
        )
        _follow_interview(row, by=by, note=note, today=today)
    return row


def _follow_interview(row: QuarterLight, *, by: Any, note: str, today: datetime.date) -> None:
    interview = WarningInterview.objects.select_for_update().filter(quarter_light=row).first()
    if row.light == Light.RED and interview is None:
        rules = (row.ruleset or ruleset_for_year(row.year)).to_rules()
        interview = new_interview(
            light_id=row.pk,
            enterprise_id=row.enterprise_id,
            enterprise_name=row.enterprise.name,
            quarter=row.quarter,
            town_id=row.enterprise.town_id,
            due=interview_due(start=today, rules=rules),
        )
        interview.save()
        audit.record(
            actor=by, action="interview.create", target=interview, after=creation_record(interview), reason=note
        )
    elif row.light != Light.RED and interview is not None:
        with translation.override(settings.LANGUAGE_CODE):  # stored, so in the site's language
            reason = _("灯色已人工调整为%(light)s：%(reason)s") % {
                "light": LightChoice(row.light).label,
                "reason": note,
            }
        cancel_for_light(by=by, interview=interview, reason=reason)


# --- inspection results (the stand-in fact source) -------------------------------------

"""Rulesets and the working-day calendar as data (R-RULESET-1/2, R-WORKDAY-1).

The city admin keeps one active ruleset per year (through the Django admin, which
calls the checks below). A ruleset that a stored light or grade names is frozen: a past
year is always explained by the rules it was decided with, and making a new version
never changes an old one.
"""

import datetime
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import ForeignObjectRel
from django.utils.translation import gettext as _

from liangpai.core import audit
from liangpai.core.access import Action, check, user_or_none
from liangpai.core.errors import PeriodError, RulesetFrozen
from liangpai.rules import ruleset as rules_ruleset
from liangpai.rules.workdays import WorkCalendar
from liangpai.rulesets.models import RULESET_FIELDS, CalendarOverride, RulesetVersion


def work_calendar() -> WorkCalendar:
    """R-WORKDAY-1: the package's calendar with the operators' overrides (one query)."""
    return WorkCalendar(overrides=dict(CalendarOverride.objects.values_list("date", "is_working_day")))


def ruleset_for_year(year: int) -> RulesetVersion:
    """The ruleset a year is decided with: that year's active one, else the latest earlier year's.

    A year nobody configured yet carries on with the last rules in force; a year before
    any ruleset is a PeriodError (there is nothing to decide it with).
    """
    found = RulesetVersion.objects.filter(status=RulesetVersion.Status.ACTIVE, year__lte=year).order_by("-year").first()
    if found is None:
        raise PeriodError(
            _("没有适用于 %(year)s 年的规则集：请先在系统管理中为该年建立并启用规则集。") % {"year": year}
        )
    return found


def is_referenced(ruleset: RulesetVersion) -> bool:
    """Whether a stored result names this ruleset (it is then frozen).

    Results are whatever rows point at a ruleset (lights and grades today): the models that
    store them live in the apps above this one, so they are found through the relations
    Django knows, not imported.
    """
    return any(
        relation.related_model._default_manager.filter(**{relation.field.name: ruleset}).exists()
        for relation in RulesetVersion._meta.get_fields(include_hidden=True)
        if isinstance(relation, ForeignObjectRel) and relation.related_model is not None
    )


def frozen_reason(ruleset: RulesetVersion) -> str | None:
    """Why `ruleset` may no longer change, or None while it may."""
    if ruleset.pk is None:
        return None
    if ruleset.status == RulesetVersion.Status.RETIRED:
        return _("已停用的规则集不能修改；如需调整，请复制为新版本。")
    if is_referenced(ruleset):
        return _("已有亮灯或评级结果使用了规则集 %(version)s，它不能再修改；如需调整，请复制为新版本。") % {
            "version": ruleset.version
        }
    return None


def problems(ruleset: RulesetVersion) -> dict[str, list[str]]:
    """R-RULESET-2: each inconsistency of the ruleset's values, by model field ("" for the version)."""
    found: dict[str, list[str]] = {}
    fields_by_setting = {target: name for name, target in RULESET_FIELDS.items()}
    for error in rules_ruleset.validate(ruleset.to_rules()):
        field = fields_by_setting.get(error.setting, "version" if error.setting == "version" else "")
        found.setdefault(field, []).append(_message(error))
    return found


def _message(error: rules_ruleset.RulesetError) -> str:
    params = error.params
    match error.code:
        case "version_empty":
            return _("版本不能为空。")
        case "band_out_of_range" | "band_not_a_number":
            return _("分数线应大于 0、不超过 100，这里是 %(value)s。") % params
        case "bands_not_descending":
            return _("分数线应依次降低：A 级 > B 级 > C 级，这里是 %(values)s。") % params
        case "count_too_small":
            return _("次数至少为 1，这里是 %(value)s。") % params
        case "deadline_out_of_range":
            return _("期限应为 1 到 %(max)s 个工作日，这里是 %(value)s。") % params
    return _("取值无效：%(value)s。") % {"value": params.get("value", "")}


def next_version_label(year: int) -> str:
    """The first free label of the form "2026-2" for a new version of `year`'s ruleset."""
    taken = set(RulesetVersion.objects.filter(version__startswith=f"{year}-").values_list("version", flat=True))
    number = 1
    while f"{year}-{number}" in taken:
        number += 1
    return f"{year}-{number}"


def _check(by: Any) -> None:
    check(by, Action.RULES_MANAGE)


def _values(ruleset: RulesetVersion) -> dict[str, Any]:
    return audit.snapshot(ruleset, ["year", "version", "status", *RULESET_FIELDS, "note"])


def create_ruleset(
    *,
    by: Any,
    year: int,
    version: str,
    copy_from: RulesetVersion | None = None,
    values: dict[str, Any] | None = None,
    note: str = "",
    reason: str = "",
) -> RulesetVersion:
    """A new draft for `year`: with `values` when given (the settings of RULESET_FIELDS), else those of
    `copy_from`, else the MISSION.md defaults. Inconsistent settings are refused (R-RULESET-2)."""
    _check(by)
    if values is None:
        values = (
            {name: getattr(copy_from, name) for name in RULESET_FIELDS}
            if copy_from is not None
            else RulesetVersion.values_of(rules_ruleset.DEFAULT_RULESET)
        )
    unknown = set(values) - set(RULESET_FIELDS)
    if unknown:
        raise ValueError(f"not ruleset settings: {sorted(unknown)}")
    ruleset = RulesetVersion(year=year, version=version, note=note, created_by=user_or_none(by), **values)
    ruleset.full_clean()
    wrong = problems(ruleset)
    if wrong:
        raise ValidationError({name or NON_FIELD_ERRORS: messages for name, messages in wrong.items()})
    with transaction.atomic():
        ruleset.save()
        after = _values(ruleset) | ({"copied_from": copy_from.version} if copy_from is not None else {})
        audit.record(actor=by, action="ruleset.create", target=ruleset, after=after, reason=reason)
    return ruleset


def update_ruleset(*, by: Any, ruleset: RulesetVersion, values: dict[str, Any], reason: str = "") -> RulesetVersion:
    """Change a ruleset's numbers: refused (RulesetFrozen) once a result names it, or when retired."""
    _check(by)
    with transaction.atomic():
        current = RulesetVersion.objects.select_for_update().get(pk=ruleset.pk)
        refusal = frozen_reason(current)
        if refusal:
            raise RulesetFrozen(refusal)
        before = _values(current)
        for name, value in values.items():
            if name not in RULESET_FIELDS and name not in ("version", "note"):
                raise ValueError(f"not a ruleset setting: {name}")
            setattr(current, name, value)
        current.full_clean()
        wrong = problems(current)
        if wrong:
            raise RulesetFrozen(" ".join(message for messages in wrong.values() for message in messages))
        current.save()
        old, new = audit.changes(before, _values(current))
        if new:
            audit.record(actor=by, action="ruleset.update", target=current, before=old, after=new, reason=reason)
    return current


def activate_ruleset(*, by: Any, ruleset: RulesetVersion, reason: str = "") -> RulesetVersion:
    """Make `ruleset` its year's ruleset; the one it replaces is retired (and keeps its numbers)."""
    _check(by)
    with transaction.atomic():
        current = RulesetVersion.objects.select_for_update().get(pk=ruleset.pk)
        if current.status == RulesetVersion.Status.ACTIVE:
            return current
        if current.status == RulesetVersion.Status.RETIRED:
            raise RulesetFrozen(_("已停用的规则集不能再启用；如需使用，请复制为新版本。"))
        wrong = problems(current)
        if wrong:
            raise RulesetFrozen(" ".join(message for messages in wrong.values() for message in messages))
        for previous in RulesetVersion.objects.select_for_update().filter(
            year=current.year, status=RulesetVersion.Status.ACTIVE
        ):
            _set_status(previous, RulesetVersion.Status.RETIRED, by=by, action="ruleset.retire", reason=reason)
        _set_status(current, RulesetVersion.Status.ACTIVE, by=by, action="ruleset.activate", reason=reason)
    return current


def _set_status(ruleset: RulesetVersion, status: str, *, by: Any, action: str, reason: str) -> None:
    """Save `ruleset`'s new status, audited as `action` (from the status it had to `status`)."""
    before = ruleset.status
    ruleset.status = status
    ruleset.save(update_fields=["status"])
    audit.record(
        actor=by,
        action=action,
        target=ruleset,
        before={"status": str(before)},
        after={"status": str(status)},
        reason=reason,
    )


def delete_ruleset(*, by: Any, ruleset: RulesetVersion, reason: str = "") -> None:
    """Delete a draft no result names (a mistaken copy); an active, retired or used ruleset stays."""
    _check(by)
    with transaction.atomic():
        current = RulesetVersion.objects.select_for_update().get(pk=ruleset.pk)
        if current.status != RulesetVersion.Status.DRAFT or is_referenced(current):
            raise RulesetFrozen(_("只能删除没有被使用的草稿规则集。"))
        audit.record(actor=by, action="ruleset.delete", target=current, before=_values(current), reason=reason)
        current.delete()


# --- the working-day calendar -------------------------------------------------------------

_CALENDAR_FIELDS = ["date", "is_working_day", "note"]


def add_calendar_override(
    *, by: Any, date: datetime.date, is_working_day: bool, note: str = "", reason: str = ""
) -> CalendarOverride:
    """R-WORKDAY-1: record a local correction of the calendar (a 调休 working day, a local day off)."""
    _check(by)
    override = CalendarOverride(date=date, is_working_day=is_working_day, note=note, created_by=user_or_none(by))
    override.full_clean()
    with transaction.atomic():
        override.save()
        after = audit.snapshot(override, _CALENDAR_FIELDS)
        audit.record(actor=by, action="calendar.create", target=override, after=after, reason=reason)
    return override


def update_calendar_override(
    *, by: Any, override: CalendarOverride, values: dict[str, Any], reason: str = ""
) -> CalendarOverride:
    _check(by)
    with transaction.atomic():
        current = CalendarOverride.objects.select_for_update().get(pk=override.pk)
        before = audit.snapshot(current, _CALENDAR_FIELDS)
        for name, value in values.items():
            if name not in _CALENDAR_FIELDS:
                raise ValueError(f"not a calendar field: {name}")
            setattr(current, name, value)
        current.full_clean()
        current.save()
        old, new = audit.changes(before, audit.snapshot(current, _CALENDAR_FIELDS))
        if new:
            audit.record(actor=by, action="calendar.update", target=current, before=old, after=new, reason=reason)
    return current


def remove_calendar_override(*, by: Any, override: CalendarOverride, reason: str = "") -> None:
    _check(by)
    with transaction.atomic():
        current = CalendarOverride.objects.select_for_update().get(pk=override.pk)
        before = audit.snapshot(current, _CALENDAR_FIELDS)
        audit.record(actor=by, action="calendar.delete", target=current, before=before, reason=reason)
        current.delete()

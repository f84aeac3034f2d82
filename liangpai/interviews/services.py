"""Warning interviews (警示教育约谈, MISSION.md R5): created for red lights, held by the town emergency office.

The status moves only as `TRANSITIONS` allows — due → held (the record of the
interview), due → cancelled (with a reason) — and every other move is refused. A
record is saved against the version the form was opened at: a stale form gets a
conflict, never a silent overwrite (SECURITY.md T9).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liangpai.core import audit
from liangpai.core.access import Action, can
from liangpai.core.errors import TransitionError
from liangpai.core.locking import check_version, save_next_version
from liangpai.core.transitions import Transition, Workflow
from liangpai.interviews.models import WarningInterview
from liangpai.interviews.scans import check_signed_scan
from liangpai.rules.ruleset import Ruleset
from liangpai.rules.workdays import DueDate, WorkCalendar, add_working_days
from liangpai.rulesets.services import work_calendar

Status = WarningInterview.Status

#: The one table of allowed moves (SECURITY.md T10): held and cancelled are final.
TRANSITIONS = Workflow(
    Status,
    [Transition(Status.DUE, Status.HELD), Transition(Status.DUE, Status.CANCELLED)],
    refusal=gettext_lazy("约谈状态不能从“%(source)s”改为“%(target)s”。"),
)

RECORD_FIELDS = ["held_on", "place", "attendees", "content", "commitments"]
_AUDITED = ["status", *RECORD_FIELDS, "signed_scan", "cancel_reason"]


def interview_due(*, start: datetime.date, rules: Ruleset, calendar: WorkCalendar | None = None) -> DueDate:
    """R5, R-WORKDAY-2: the interview's deadline, `interview_deadline_working_days` after `start`."""
    return add_working_days(start, rules.interview_deadline_working_days, calendar or work_calendar())


def new_interview(
    *, light_id: int, enterprise_id: int, enterprise_name: str, quarter: str, town_id: int, due: DueDate
) -> WarningInterview:
    """The (unsaved) interview a red light calls for."""
    interview = WarningInterview(
        enterprise_id=enterprise_id,
        quarter_light_id=light_id,
        town_id=town_id,
        quarter=quarter,
        due_on=due.on,
        due_on_unverified=not due.is_verified,
    )
    interview.enterprise_name = enterprise_name  # type: ignore[attr-defined]
    return interview


def creation_record(interview: WarningInterview) -> dict[str, Any]:
    return {
        "status": interview.status,
        "quarter": interview.quarter,
        "due_on": interview.due_on,
        "due_on_unverified": interview.due_on_unverified,
    }


@dataclass(frozen=True)
class InterviewRecord:
    held_on: datetime.date
    place: str
    attendees: str
    content: str
    commitments: str


def _locked(interview: WarningInterview, by: Any, expected_version: int) -> WarningInterview:
    current = WarningInterview.objects.select_for_update().select_related("enterprise").get(pk=interview.pk)
    if not can(by, Action.INTERVIEW_RECORD, current.enterprise):
        raise PermissionDenied
    check_version(
        current,
        expected_version,
        _("保存失败：在您打开此页面之后，别人已修改了这次约谈的记录。请刷新页面查看最新内容后再操作。"),
    )
    return current


def _save(current: WarningInterview, *, by: Any, action: str, reason: str, before: dict[str, Any]) -> None:
    current.recorded_by = by
    current.recorded_at = timezone.now()
    save_next_version(
        current,
        expected=current.version,
        fields=[*_AUDITED, "recorded_by", "recorded_at"],
        message=_("保存失败：这次约谈的记录已被别人修改，请刷新页面后再操作。"),
    )
    old, new = audit.changes(before, audit.snapshot(current, _AUDITED))
    audit.record(actor=by, action=action, target=current, before=old, after=new, reason=reason)


def record_interview(
    *,
    by: Any,
    interview: WarningInterview,
    expected_version: int,
    record: InterviewRecord,
    signed_scan: UploadedFile | None = None,
) -> WarningInterview:
    """R5: the interview was held — date, place, attendees, content, commitments and the signed scan (due → held)."""
    if not can(by, Action.INTERVIEW_RECORD, interview.enterprise):
        raise PermissionDenied
    with transaction.atomic():
        current = _locked(interview, by, expected_version)
        TRANSITIONS.check(current.status, Status.HELD)
        before = audit.snapshot(current, _AUDITED)
        current.status = Status.HELD
        for name in RECORD_FIELDS:
            setattr(current, name, getattr(record, name))
        stored = ""
        if signed_scan is not None:
            check_signed_scan(signed_scan)
            current.signed_scan.save(signed_scan.name or "scan", signed_scan, save=False)
            stored = current.signed_scan.name or ""
        try:
            _save(current, by=by, action="interview.hold", reason="", before=before)
        except BaseException:
            if stored:
                current.signed_scan.storage.delete(stored)
            raise
    return current


def cancel_interview(*, by: Any, interview: WarningInterview, expected_version: int, reason: str) -> WarningInterview:
    """Due → cancelled, with the reason (e.g. the light was corrected); a reason is required."""
    if not can(by, Action.INTERVIEW_RECORD, interview.enterprise):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise TransitionError(_("取消约谈必须填写理由。"))
    with transaction.atomic():
        current = _locked(interview, by, expected_version)
        TRANSITIONS.check(current.status, Status.CANCELLED)
        before = audit.snapshot(current, _AUDITED)
        current.status = Status.CANCELLED
        current.cancel_reason = reason
        _save(current, by=by, action="interview.cancel", reason=reason, before=before)
    return current


def cancel_for_light(*, by: Any, interview: WarningInterview, reason: str) -> None:
    """Cancel a due interview because its light is no longer red (inside the override's transaction)."""
    if interview.status != Status.DUE:
        return
    before = audit.snapshot(interview, _AUDITED)
    interview.status = Status.CANCELLED
    interview.cancel_reason = reason
    _save(interview, by=by, action="interview.cancel", reason=reason, before=before)

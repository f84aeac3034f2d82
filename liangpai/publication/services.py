"""Publishing lights and grades with a second approver (MISSION.md R7, SECURITY.md T9).

A city admin requests the publication of a quarter's lights or a year's grades; a
second city admin approves it (the requester cannot) or rejects it. Approving freezes
the period in one transaction: its rows are marked `is_published`, the publication
keeps a snapshot of what was published, and from then on `close_quarter`,
`compute_grades` and light overrides refuse the period (their `check_not_published`).
The approver approves what was requested: if the results changed after the request,
the approval is refused and a new request is needed.

`published_lights` and `published_grades` (a period's results) and
`enterprise_published_grades` / `enterprise_published_lights` (one enterprise's) are the
only way public pages and the API read results: unpublished working data never leaves
through them.
"""

import hashlib
import json
from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liangpai.core import audit
from liangpai.core.access import Action, can
from liangpai.core.errors import PublishedError, Refused, TransitionError
from liangpai.core.transitions import Transition, Workflow
from liangpai.grades.models import AnnualGrade
from liangpai.lights.models import QuarterLight
from liangpai.publication.models import Publication
from liangpai.rules.periods import PeriodError, Quarter, Year, parse_quarter, parse_year

Status = Publication.Status
Kind = Publication.Kind

#: The only moves a publication's status may make.
TRANSITIONS = Workflow(
    Status,
    [
        Transition(Status.REQUESTED, Status.APPROVED),
        Transition(Status.REQUESTED, Status.REJECTED),
        Transition(Status.APPROVED, Status.PUBLISHED),
    ],
    refusal=gettext_lazy("不能从“%(source)s”改为“%(target)s”。"),
)

UNGRADED = "未评级"


class SamePersonError(Refused):
    """The requester tried to approve their own request (two-person rule)."""


class ChangedError(Refused):
    """The results changed after the request was made."""


# --- what a period's results are ------------------------------------------------------


def _normalised_period(kind: str, period: str | Quarter | Year) -> str:
    try:
        if kind == Kind.QUARTER_LIGHTS:
            return str(period if isinstance(period, Quarter) else parse_quarter(str(period)))
        if kind == Kind.ANNUAL_GRADES:
            return str(period if isinstance(period, Year) else parse_year(str(period)))
    except PeriodError as error:
        raise Refused(_("期间“%(period)s”无效。") % {"period": period}) from error
    raise Refused(_("未知的公布类别。"))


def _rows(kind: str, period: str) -> QuerySet[Any]:
    if kind == Kind.QUARTER_LIGHTS:
        return QuarterLight.objects.filter(quarter=period)
    return AnnualGrade.objects.filter(year=int(period))


def _snapshot(kind: str, period: str) -> list[dict[str, str]]:
    """The period's rows as published: credit code, name and result, by credit code."""
    field = "light" if kind == Kind.QUARTER_LIGHTS else "final_grade"
    rows = (
        _rows(kind, period)
        .order_by("enterprise__credit_code")
        .values_list("enterprise__credit_code", "enterprise__name", field)
    )
    return [{"credit_code": code, "name": name, "result": result or UNGRADED} for code, name, result in rows]


def _digest(snapshot: list[dict[str, str]]) -> str:
    return hashlib.sha256(json.dumps(snapshot, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _counts(snapshot: list[dict[str, str]]) -> dict[str, int]:
    return dict(sorted(Counter(row["result"] for row in snapshot).items()))


def _label(kind: str, period: str) -> str:
    if kind == Kind.QUARTER_LIGHTS:
        return _("%(period)s 季度亮灯") % {"period": period}
    return _("%(period)s 年度等级") % {"period": period}


# --- the workflow ---------------------------------------------------------------------


def _check(by: Any) -> None:
    if not can(by, Action.PUBLISH):
        raise PermissionDenied


def _move(publication: Publication, target: str) -> None:
    TRANSITIONS.check(publication.status, target)
    publication.status = target


def request_publication(*, by: Any, kind: str, period: str | Quarter | Year) -> Publication:
    """A city admin asks to publish a period's results; another city admin must approve."""
    _check(by)
    normalised = _normalised_period(kind, period)
    with transaction.atomic():
        open_ones = Publication.objects.select_for_update().filter(kind=kind, period=normalised)
        if open_ones.filter(status__in=[Status.REQUESTED, Status.APPROVED]).exists():
            raise TransitionError(_("%(what)s 已有待审核的公布申请。") % {"what": _label(kind, normalised)})
        if (
            open_ones.filter(status=Status.PUBLISHED).exists()
            or _rows(kind, normalised).filter(is_published=True).exists()
        ):
            raise PublishedError(_("%(what)s 已公布。") % {"what": _label(kind, normalised)})
        snapshot = _snapshot(kind, normalised)
        if not snapshot:
            raise Refused(_("%(what)s 还没有结果，不能申请公布。") % {"what": _label(kind, normalised)})
        publication = Publication.objects.create(
            kind=kind,
            period=normalised,
            requested_by=by,
            request_digest=_digest(snapshot),
            counts=_counts(snapshot),
        )
        audit.record(
            actor=by,
            action="publication.request",
            target=publication,
            after={"kind": kind, "period": normalised, "status": publication.status, "counts": publication.counts},
        )
    return publication


def _locked(publication: Publication) -> Publication:
    return Publication.objects.select_for_update().get(pk=publication.pk)


def approve_publication(*, by: Any, publication: Publication) -> Publication:
    """A second city admin approves: the period's rows are published and frozen, the snapshot kept."""
    _check(by)
    with transaction.atomic():
        row = _locked(publication)
        if row.status == Status.REQUESTED and row.requested_by_id == by.pk:
            raise SamePersonError(_("申请人不能审核自己的公布申请，请由另一位市总工会管理员审核。"))
        _move(row, Status.APPROVED)
        rows = _rows(row.kind, row.period)
        list(rows.select_for_update().values_list("pk", flat=True))  # no change slips in between
        snapshot = _snapshot(row.kind, row.period)
        if _digest(snapshot) != row.request_digest:
            raise ChangedError(_("申请后结果已有变化，请退回本申请并重新申请公布。"))
        now = timezone.now()
        row.approved_by, row.approved_at = by, now
        audit.record(
            actor=by,
            action="publication.approve",
            target=row,
            before={"status": Status.REQUESTED},
            after={"status": Status.APPROVED},
        )
        _move(row, Status.PUBLISHED)
        published = rows.update(is_published=True)
        row.published_at = now
        row.snapshot = snapshot
        row.counts = _counts(snapshot)
        row.save()
        audit.record(
            actor=by,
            action="publication.publish",
            target=row,
            before={"status": Status.APPROVED},
            after={"status": Status.PUBLISHED, "rows": published, "counts": row.counts},
        )
    return row


def reject_publication(*, by: Any, publication: Publication, reason: str) -> Publication:
    """A city admin (the requester may withdraw) rejects a request, with a reason."""
    _check(by)
    if not reason.strip():
        raise Refused(_("请填写退回理由。"))
    with transaction.atomic():
        row = _locked(publication)
        before = row.status
        _move(row, Status.REJECTED)
        row.rejected_reason = reason.strip()
        row.save(update_fields=["status", "rejected_reason"])
        audit.record(
            actor=by,
            action="publication.reject",
            target=row,
            before={"status": before},
            after={"status": row.status},
            reason=row.rejected_reason,
        )
    return row

"""The only write path of annual assessments: start, save answers and photos, move through the workflow.

Every write checks the user's right on the enterprise (`core.access`), runs in one
transaction with its audit record (`core.audit`), and is made against the version the
form was opened at: a stale form gets `Conflict` and changes nothing (SECURITY.md
T9). Photos are decoded and re-encoded before anything is stored (`core.images`, T4);
a rejected photo rejects the whole save.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liangpai.assessments.models import Assessment, AssessmentAnswer, EvidencePhoto
from liangpai.assessments.workflow import TRANSITIONS, Move
from liangpai.checklists.models import ChecklistItem, ChecklistTemplate
from liangpai.core import audit, images
from liangpai.core.access import Action, can
from liangpai.core.errors import PublishedError, Refused, TransitionError
from liangpai.core.locking import check_version, save_next_version
from liangpai.core.transitions import Transition
from liangpai.enterprises.models import Enterprise
from liangpai.grades.models import AnnualGrade
from liangpai.rules import scoring

Status = Assessment.Status

#: How many photos one checklist item keeps (a phone sends several MB each).
MAX_PHOTOS_PER_ITEM = 6
HEADER_FIELDS = ["assessed_on", "assessors", "summary"]
_SCORE_FIELDS = ["status", "score", "awarded_total", "applicable_max", "failed_vetoes"]


class AssessmentError(Refused):
    """A refusal the user can act on; `message` says why."""


class AnswerErrors(AssessmentError):
    """Some answers or photos cannot be accepted: `by_answer` maps an answer id to its messages."""

    def __init__(self, message: str, by_answer: Mapping[int, list[str]]) -> None:
        super().__init__(message)
        self.by_answer = dict(by_answer)


class AlreadyStarted(AssessmentError):
    """The enterprise already has an assessment for the year: `assessment` is it."""

    def __init__(self, message: str, assessment: Assessment) -> None:
        super().__init__(message)
        self.assessment = assessment


@dataclass(frozen=True)
class Answer:
    """What the form says of one item (an answer id's new values)."""

    awarded: Decimal | None
    not_applicable: bool = False
    veto_failed: bool = False
    note: str = ""


@dataclass(frozen=True)
class Header:
    assessed_on: datetime.date | None
    assessors: str
    summary: str


@dataclass(frozen=True)
class Changes:
    """A save: the header, the answers by id, the new photos by answer id, and photo ids to remove."""

    header: Header
    answers: Mapping[int, Answer]
    new_photos: Mapping[int, Sequence[Any]] = field(default_factory=dict)
    removed_photos: frozenset[int] = frozenset()


# --- starting ---------------------------------------------------------------------------


def active_template(enterprise: Enterprise, year: int) -> ChecklistTemplate | None:
    return ChecklistTemplate.objects.filter(
        scale=enterprise.scale, year=year, status=ChecklistTemplate.Status.ACTIVE
    ).first()


def grades_published(year: int) -> bool:
    return AnnualGrade.objects.filter(year=year, is_published=True).exists()


def start_assessment(*, by: Any, enterprise: Enterprise, year: int) -> Assessment:
    """A new draft for `enterprise` and `year`, against the year's active template for its scale."""
    if not can(by, Action.ASSESSMENT_FILL, enterprise):
        raise PermissionDenied
    existing = Assessment.objects.filter(enterprise=enterprise, year=year).first()
    if existing is not None:
        raise AlreadyStarted(_("该企业的 %(year)s 年度评估已经开始。") % {"year": year}, existing)
    if enterprise.status != Enterprise.Status.ACTIVE:
        raise AssessmentError(_("企业状态为“%(status)s”，不能再评估。") % {"status": enterprise.get_status_display()})
    if grades_published(year):
        raise PublishedError(_("%(year)s 年度等级已公布，不能再新增评估。") % {"year": year})
    template = active_template(enterprise, year)
    if template is None:
        raise AssessmentError(
            _("%(year)s 年%(scale)s企业的评估模板尚未启用，请联系市总工会启用模板后再评估。")
            % {"year": year, "scale": enterprise.get_scale_display()}
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                enterprise=enterprise,
                year=year,
                template=template,
                created_by=by,
                created_at=now,
                updated_by=by,
                updated_at=now,
            )
            items = ChecklistItem.objects.filter(category__template=template).order_by("category__order", "order", "id")
            AssessmentAnswer.objects.bulk_create(AssessmentAnswer(assessment=assessment, item=item) for item in items)
            audit.record(
                actor=by,
                action="assessment.create",
                target=assessment,
                after={"status": assessment.status, "year": year, "template": str(template)},
            )
    except IntegrityError:  # someone started it a moment ago
        existing = Assessment.objects.get(enterprise=enterprise, year=year)
        raise AlreadyStarted(_("该企业的 %(year)s 年度评估已经开始。") % {"year": year}, existing) from None
    return assessment


# --- saving -----------------------------------------------------------------------------


def _locked(assessment: Assessment, by: Any, expected_version: int, action: Action) -> Assessment:
    # OF self: the assessment row only; the enterprise is read, not locked (imports and edits lock it).
    current = Assessment.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=assessment.pk)
    if not can(by, action, current.enterprise):
        raise PermissionDenied
    check_version(
        current,
        expected_version,
        _(
            "保存失败：在您打开此页面之后，别人已修改了这份评估（现在是第 %(version)s 版）。请刷新页面查看最新内容后再操作。"
        )
        % {"version": current.version},
    )
    return current


def _answer_state(answer: AssessmentAnswer) -> dict[str, Any]:
    return {
        "awarded": str(answer.awarded) if answer.awarded is not None else None,
        "not_applicable": answer.not_applicable,
        "veto_failed": answer.veto_failed,
        "note": answer.note,
    }


def _item_answer(item: ChecklistItem, answer: Answer | AssessmentAnswer) -> scoring.ItemAnswer:
    return scoring.ItemAnswer(
        key=item.code,
        max_score=Decimal(item.max_score),
        awarded=answer.awarded,
        not_applicable=answer.not_applicable,
        is_veto=item.is_veto,
        veto_failed=answer.veto_failed,
    )


def problem_message(problem: scoring.ScoringProblem, item: ChecklistItem | None) -> str:
    """R-SCORE-3 in words, for the assessor."""
    name = f"{item.code} {item.text[:30]}" if item is not None else problem.key
    params = {"item": name, **problem.params}
    messages = {
        "missing": _("“%(item)s”还没有评分，也没有标为不适用。"),
        "above_max": _("“%(item)s”的得分 %(awarded)s 超过了该项分值 %(max)s。"),
        "negative": _("“%(item)s”的得分不能是负数。"),
        "not_a_number": _("“%(item)s”的得分不是有效的数字。"),
        "veto_not_applicable": _("“%(item)s”是否决项，每家企业都适用，不能标为不适用。"),
        "scored_but_not_applicable": _("“%(item)s”已标为不适用，就不要再填得分。"),
        "not_a_veto_item": _("“%(item)s”不是否决项，不能标记为触发否决。"),
        "empty": _("评估模板里没有任何评价项目，请联系市总工会检查模板。"),
    }
    template = messages.get(problem.code, _("“%(item)s”的填写有误。"))
    return template % params


def _check_photos(uploads: Sequence[Any]) -> tuple[list[images.CleanImage], list[str]]:
    cleaned, errors = [], []
    for upload in uploads:
        try:
            cleaned.append(images.clean_image(upload))
        except images.ImageRejected as exc:
            errors.append(
                _("照片“%(name)s”：%(message)s")
                % {"name": str(getattr(upload, "name", ""))[:60], "message": exc.message}
            )
    return cleaned, errors


def save_answers(*, by: Any, assessment: Assessment, expected_version: int, changes: Changes) -> Assessment:
    """Save a draft's header, answers, notes and photos; only a draft changes (answers once submitted are final)."""
    if not can(by, Action.ASSESSMENT_FILL, assessment.enterprise):
        raise PermissionDenied
    stored_files: list[str] = []
    try:
        with transaction.atomic():
            current = _locked(assessment, by, expected_version, Action.ASSESSMENT_FILL)
            if current.status != Status.DRAFT:
                raise TransitionError(
                    _("这份评估“%(status)s”，只有填报中的评估可以修改。") % {"status": current.get_status_display()}
                )
            answers = {a.pk: a for a in current.answers.select_related("item").prefetch_related("photos")}
            errors: dict[int, list[str]] = {}
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            changed: list[AssessmentAnswer] = []
            for answer_id, new in changes.answers.items():
                row = answers.get(answer_id)
                if row is None:
                    raise AssessmentError(_("表单与这份评估不符，请刷新页面后重新填写。"))
                problems = [p for p in scoring.check_answers([_item_answer(row.item, new)]) if p.code != "missing"]
                if problems:
                    errors[answer_id] = [problem_message(p, row.item) for p in problems]
                    continue
                old = _answer_state(row)
                row.awarded, row.not_applicable = new.awarded, new.not_applicable
                row.veto_failed, row.note = new.veto_failed, new.note.strip()
                if (state := _answer_state(row)) != old:
                    key = f"{row.item.code}"
                    before[key], after[key] = old, state
                    changed.append(row)
            photo_ids = {p.pk: (a, p) for a in answers.values() for p in a.photos.all()}
            unknown = changes.removed_photos - photo_ids.keys()
            if unknown:
                raise AssessmentError(_("要删除的照片不属于这份评估，请刷新页面后再操作。"))
            new_images: dict[int, list[images.CleanImage]] = {}
            for answer_id, uploads in changes.new_photos.items():
                row = answers.get(answer_id)
                if row is None:
                    raise AssessmentError(_("表单与这份评估不符，请刷新页面后重新填写。"))
                if not uploads:
                    continue
                kept = sum(1 for p in row.photos.all() if p.pk not in changes.removed_photos)
                if kept + len(uploads) > MAX_PHOTOS_PER_ITEM:
                    errors.setdefault(answer_id, []).append(
                        _("每个评价项目最多保留 %(max)s 张照片，请先删除一些再上传。") % {"max": MAX_PHOTOS_PER_ITEM}
                    )
                    continue
                cleaned, photo_errors = _check_photos(uploads)
                if photo_errors:
                    errors.setdefault(answer_id, []).extend(photo_errors)
                else:
                    new_images[answer_id] = cleaned
            if errors:
                raise AnswerErrors(
                    _("有 %(count)s 个评价项目填写有误，请修正标出的问题后再保存。") % {"count": len(errors)}, errors
                )
            header = changes.header
            old_header = audit.snapshot(current, HEADER_FIELDS)
            current.assessed_on, current.assessors = header.assessed_on, header.assessors.strip()
            current.summary = header.summary.strip()
            header_before, header_after = audit.changes(old_header, audit.snapshot(current, HEADER_FIELDS))
            before.update(header_before)
            after.update(header_after)
            removed = [photo_ids[pk] for pk in sorted(changes.removed_photos)]
            if removed:
                before["photos_removed"] = [label for a, p in removed for label in _photo_labels(a, [p])]
                gone = [photo.file.name or "" for _answer, photo in removed]
                EvidencePhoto.objects.filter(pk__in=changes.removed_photos).delete()
                # Robust: the save is committed by then, and a file that cannot be deleted must not
                # raise into the cleanup below, which would delete the photos just saved.
                transaction.on_commit(lambda: _delete_files(gone), robust=True)
            added: list[str] = []
            for answer_id, cleaned in new_images.items():
                row = answers[answer_id]
                added += _photo_labels(row, _store_photos(row, cleaned, by, stored_files))
            if added:
                after["photos_added"] = added
            if not after and not before:
                return current
            AssessmentAnswer.objects.bulk_update(changed, ["awarded", "not_applicable", "veto_failed", "note"])
            _bump(current, by, expected_version, ["assessed_on", "assessors", "summary"])
            audit.record(actor=by, action="assessment.save", target=current, before=before, after=after)
            current.round_authors.add(by)
    except BaseException:
        _delete_files(stored_files)
        raise
    return current


def _store_photos(
    row: AssessmentAnswer, cleaned: list[images.CleanImage], by: Any, stored: list[str]
) -> list[EvidencePhoto]:
    """Store re-encoded photos for an answer; each file's name goes into `stored` (to delete on rollback)."""
    photos = []
    for image in cleaned:
        photo = EvidencePhoto(
            answer=row,
            content_type=image.content_type,
            sha256=image.sha256,
            width=image.width,
            height=image.height,
            size=len(image.data),
            uploaded_by=by,
        )
        photo.file.save(f"photo{image.extension}", ContentFile(image.data), save=False)
        stored.append(photo.file.name or "")
        photo.save()
        photos.append(photo)
    return photos


def _photo_labels(row: AssessmentAnswer, photos: list[EvidencePhoto]) -> list[str]:
    """How the audit record names added or removed photos: the item and the start of the checksum."""
    return [f"{row.item.code}:{photo.sha256[:12]}" for photo in photos]


def add_photos(*, by: Any, assessment: Assessment, answer_id: int, uploads: Sequence[Any]) -> list[EvidencePhoto]:
    """Add photos to one answer of a draft at once, as they are taken (no need to wait for the whole checklist).

    Photos only add evidence: they leave the answers and the assessment's version alone, so a
    checklist form opened before stays valid. Removing a photo goes with the checklist's save.
    """
    if not can(by, Action.ASSESSMENT_FILL, assessment.enterprise):
        raise PermissionDenied
    if not uploads:
        raise AnswerErrors(_("请先选择要上传的照片。"), {answer_id: [_("请先选择要上传的照片。")]})
    cleaned, photo_errors = _check_photos(uploads)  # decoded before the row is locked: a big photo takes a moment
    stored_files: list[str] = []
    try:
        with transaction.atomic():
            current = Assessment.objects.select_for_update().get(pk=assessment.pk)
            if current.status != Status.DRAFT:
                raise TransitionError(
                    _("这份评估“%(status)s”，只有填报中的评估可以修改。") % {"status": current.get_status_display()}
                )
            row = current.answers.select_related("item").filter(pk=answer_id).first()
            if row is None:
                raise AssessmentError(_("表单与这份评估不符，请刷新页面后重新填写。"))
            if photo_errors:
                raise AnswerErrors(photo_errors[0], {answer_id: photo_errors})
            if row.photos.count() + len(cleaned) > MAX_PHOTOS_PER_ITEM:
                message = _("每个评价项目最多保留 %(max)s 张照片，请先删除一些再上传。") % {"max": MAX_PHOTOS_PER_ITEM}
                raise AnswerErrors(message, {answer_id: [message]})
            photos = _store_photos(row, cleaned, by, stored_files)
            after = {"photos_added": _photo_labels(row, photos)}
            audit.record(actor=by, action="assessment.photo_add", target=current, after=after)
            current.round_authors.add(by)
    except BaseException:
        _delete_files(stored_files)
        raise
    return photos


def _delete_files(names: list[str]) -> None:
    storage = EvidencePhoto._meta.get_field("file").storage
    for name in names:
        if name:
            storage.delete(name)


def _bump(current: Assessment, by: Any, expected_version: int, fields: list[str]) -> None:
    current.updated_by = by
    current.updated_at = timezone.now()
    save_next_version(
        current,
        expected=expected_version,
        fields=[*fields, "updated_by", "updated_at"],
        message=_("保存失败：这份评估已被别人修改，请刷新页面后再操作。"),
    )


# --- the workflow -----------------------------------------------------------------------


def score_of(assessment: Assessment) -> scoring.ChecklistScore:
    """R-SCORE-1 … R-SCORE-4 over the stored answers; AnswerErrors naming every unfinished item."""
    answers = list(assessment.answers.select_related("item"))
    by_key = {a.item.code: a for a in answers}
    try:
        return scoring.score_checklist([_item_answer(a.item, a) for a in answers])
    except scoring.ScoringError as exc:
        errors: dict[int, list[str]] = {}
        for problem in exc.problems:
            row = by_key.get(problem.key)
            errors.setdefault(row.pk if row else 0, []).append(problem_message(problem, row.item if row else None))
        missing = sum(1 for p in exc.problems if p.code == "missing")
        if missing:
            message = _("还有 %(count)s 个评价项目没有填写，全部填完才能提交审核。") % {"count": missing}
        else:
            message = _("有评价项目填写有误，请修正后再提交。")
        raise AnswerErrors(message, errors) from None


def move(*, by: Any, assessment: Assessment, expected_version: int, move: str, reason: str = "") -> Assessment:
    """Move the assessment along `workflow.TRANSITIONS`; anything else is refused with the reason why."""
    reason = reason.strip()
    with transaction.atomic():
        current = _locked(assessment, by, expected_version, Action.ASSESSMENT_VIEW)
        step = TRANSITIONS.find(current.status, move)
        if step is None:
            raise TransitionError(
                _("这份评估“%(status)s”，不能执行这个操作。") % {"status": current.get_status_display()}
            )
        if not step.allows(by, current.enterprise):
            raise PermissionDenied
        _check_step(step, current, by, reason)
        before = audit.snapshot(current, _SCORE_FIELDS)
        now = timezone.now()
        fields = list(_SCORE_FIELDS)
        if step.move == Move.SUBMIT:
            result = score_of(current)
            current.score, current.awarded_total = result.score, result.awarded_total
            # A failed veto is kept by the veto it is (the same key every year), as the grade explains it.
            veto_keys = dict(current.answers.values_list("item__code", "item__veto_key"))
            current.applicable_max = result.applicable_max
            current.failed_vetoes = [veto_keys.get(code) or code for code in result.failed_vetoes]
            current.submitted_by, current.submitted_at = by, now
            fields += ["submitted_by", "submitted_at"]
        elif step.move == Move.REVIEW:
            current.reviewed_by, current.reviewed_at = by, now
            fields += ["reviewed_by", "reviewed_at"]
        elif step.move == Move.PUBLISH:
            current.published_by, current.published_at = by, now
            fields += ["published_by", "published_at"]
        else:  # back to draft: the score is computed again when it is submitted again
            current.score = current.awarded_total = current.applicable_max = None
            current.failed_vetoes = []
            current.last_reason = reason
            fields.append("last_reason")
        current.status = step.target
        _bump(current, by, expected_version, fields)
        old, new = audit.changes(before, audit.snapshot(current, _SCORE_FIELDS))
        audit.record(actor=by, action=f"assessment.{step.move}", target=current, before=old, after=new, reason=reason)
        if step.move == Move.SUBMIT:
            current.round_authors.add(by)
        elif step.target == Assessment.Status.DRAFT:  # a new round of filling in
            current.round_authors.clear()
    return current


def authors_of_round(assessment: Assessment) -> set[int]:
    """Who saved answers or submitted since the assessment last became a draft: none of them may review it."""
    return set(assessment.round_authors.values_list("pk", flat=True))


def _check_step(step: Transition, current: Assessment, by: Any, reason: str) -> None:
    if step.needs_reason and not reason:
        raise TransitionError(_("“%(action)s”必须填写理由。") % {"action": step.label})
    if step.move == Move.REVIEW and getattr(by, "pk", None) in authors_of_round(current):
        raise TransitionError(_("审核人不能是提交人或参与本轮填写的人：请由另一位有审核权限、未参与填写的同事审核。"))
    if step.move in (Move.PUBLISH, Move.REOPEN) and grades_published(current.year):
        raise PublishedError(_("%(year)s 年度等级已公布，评估结果不能再发布或撤回。") % {"year": current.year})

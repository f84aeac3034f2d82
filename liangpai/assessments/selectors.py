"""Reads of annual assessments, scoped through `core.access`."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from liangpai.assessments.models import Assessment, AssessmentAnswer, EvidencePhoto
from liangpai.assessments.workflow import TRANSITIONS
from liangpai.core.access import Action, can, get_scoped_or_404
from liangpai.core.models import AuditEvent
from liangpai.enterprises.models import Enterprise
from liangpai.enterprises.selectors import search_q


def assessment_for(user: Any, pk: Any) -> Assessment:
    """An assessment with its enterprise, town and template, if `user` may see it; 404 otherwise."""
    rows = Assessment.objects.select_related("enterprise", "enterprise__town", "template")
    return get_scoped_or_404(user, rows, pk, Action.ASSESSMENT_VIEW)


def answers_of(assessment: Assessment) -> list[AssessmentAnswer]:
    """The answers in template order, with their items, categories and photos (three queries)."""
    return list(
        assessment.answers.select_related("item", "item__category").prefetch_related(
            Prefetch("photos", queryset=EvidencePhoto.objects.order_by("uploaded_at", "id"))
        )
    )


def progress(answers: list[AssessmentAnswer]) -> tuple[int, int]:
    """(answered, total)."""
    return sum(1 for a in answers if a.is_answered), len(answers)


#: How the record of an assessment names each kind of event: a move by its button's words.
EVENT_LABELS = {
    "assessment.create": _("开始评估"),
    "assessment.save": _("保存填写内容"),
    "assessment.photo_add": _("上传照片"),
    **{f"assessment.{step.move}": step.label for step in TRANSITIONS.transitions},
}


def history(assessment: Assessment, limit: int = 100) -> list[tuple[AuditEvent, str]]:
    """The recorded saves and moves of one assessment, newest first, each with its name."""
    events = (
        AuditEvent.objects.filter(object_type=Assessment._meta.label_lower, object_id=str(assessment.pk))
        .select_related("actor")
        .order_by("-id")[:limit]
    )
    return [(event, str(EVENT_LABELS.get(event.action, event.action))) for event in events]


@dataclass(frozen=True)
class Panel:
    """The assessments on an enterprise's page, and whether this year's can be started from there."""

    rows: list[Assessment]
    year: int
    can_start: bool


def enterprise_panel(*, user: Any, enterprise: Enterprise, year: int) -> Panel | None:
    if not can(user, Action.ASSESSMENT_VIEW, enterprise):
        return None
    rows = list(enterprise.assessments.order_by("-year"))
    can_start = (
        enterprise.status == Enterprise.Status.ACTIVE
        and can(user, Action.ASSESSMENT_FILL, enterprise)
        and not any(row.year == year for row in rows)
    )
    return Panel(rows, year, can_start)


@dataclass(frozen=True)
class Filters:
    year: int
    town: int | None = None
    status: str = ""
    q: str = ""


def _search(qs: QuerySet[Any], q: str, prefix: str = "") -> QuerySet[Any]:
    """Name, pinyin initials or the start of a credit code, as the enterprise list searches."""
    if not q:
        return qs
    if prefix:
        return qs.filter(enterprise__in=Enterprise.objects.filter(search_q(q)).values("pk"))
    return qs.filter(search_q(q))


def assessment_list(*, user: Any, filters: Filters) -> QuerySet[Assessment]:
    qs: QuerySet[Assessment] = Assessment.objects.visible_to(user).filter(year=filters.year)
    if filters.town:
        qs = qs.filter(enterprise__town_id=filters.town)
    if filters.status:
        qs = qs.filter(status=filters.status)
    qs = _search(qs, filters.q, "enterprise__")
    answered = Q(answers__awarded__isnull=False) | Q(answers__not_applicable=True)
    return (
        qs.select_related("enterprise", "enterprise__town", "updated_by")
        .annotate(answered=Count("answers", filter=answered), items=Count("answers"))
        .order_by("enterprise__town__name", "enterprise__name", "pk")
    )


def not_started(*, user: Any, filters: Filters) -> QuerySet[Enterprise]:
    """Active enterprises `user` may see with no assessment for the year."""
    qs: QuerySet[Enterprise] = Enterprise.objects.visible_to(user, Action.ASSESSMENT_VIEW).active()
    if filters.town:
        qs = qs.filter(town_id=filters.town)
    qs = _search(qs, filters.q)
    started = Assessment.objects.filter(enterprise=OuterRef("pk"), year=filters.year)
    return qs.filter(~Exists(started)).select_related("town").order_by("town__name", "name", "pk")


def status_counts(*, user: Any, year: int) -> dict[str, int]:
    """Assessments `user` sees by status for the year, and active enterprises not started (two queries)."""
    rows = Assessment.objects.visible_to(user).filter(year=year).values_list("status").annotate(n=Count("pk"))
    counts = dict.fromkeys(Assessment.Status.values, 0)
    counts.update(dict(rows))
    counts["not_started"] = not_started(user=user, filters=Filters(year)).count()
    return counts

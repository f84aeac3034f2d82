"""The assessment's workflow (SECURITY.md T10): the transition table, its people and its reasons."""

from decimal import Decimal

import pytest
from django.urls import reverse

from liangpai.assessments import services, workflow
from liangpai.assessments.models import Assessment
from liangpai.assessments.workflow import Move
from liangpai.core.audit import verify_chain
from liangpai.core.errors import Conflict, PublishedError, TransitionError
from liangpai.core.models import AuditEvent
from liangpai.grades.models import AnnualGrade
from liangpai.rules.vetoes import VETO_NAMES

Status = Assessment.Status
ALLOWED = {(t.source, t.move): t.target for t in workflow.TRANSITIONS.transitions}
#: Who takes each move in the happy path (the reviewer is never the submitter).
ACTOR = {
    Move.SUBMIT: "town_a_emergency",
    Move.RETURN: "town_a_union",
    Move.REVIEW: "town_a_union",
    Move.PUBLISH: "city_admin",
    Move.REOPEN: "city_admin",
}
#: The moves that lead from a draft to each status.
PATH = {
    Status.DRAFT: [],
    Status.SUBMITTED: [Move.SUBMIT],
    Status.REVIEWED: [Move.SUBMIT, Move.REVIEW],
    Status.PUBLISHED: [Move.SUBMIT, Move.REVIEW, Move.PUBLISH],
}


def _move(cast, assessment, move, *, by=None, reason="理由"):
    assessment.refresh_from_db()
    return services.move(
        by=cast.users[by or ACTOR[move]],
        assessment=assessment,
        expected_version=assessment.version,
        move=move,
        reason=reason,
    )


def _at(cast, draft, fill, status):
    fill(draft, fraction=Decimal("0.9"))
    for move in PATH[status]:
        _move(cast, draft, move)
    draft.refresh_from_db()
    assert draft.status == status
    return draft


def test_the_table_is_the_documented_one():
    assert ALLOWED == {
        (Status.DRAFT, Move.SUBMIT): Status.SUBMITTED,
        (Status.SUBMITTED, Move.RETURN): Status.DRAFT,
        (Status.SUBMITTED, Move.REVIEW): Status.REVIEWED,
        (Status.REVIEWED, Move.RETURN): Status.DRAFT,
        (Status.REVIEWED, Move.PUBLISH): Status.PUBLISHED,
        (Status.PUBLISHED, Move.REOPEN): Status.DRAFT,
    }


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("move", list(Move))
def test_every_move_is_allowed_exactly_as_the_table_says(cast, draft, fill, status, move):
    assessment = _at(cast, draft, fill, status)
    events = AuditEvent.objects.count()
    version = assessment.version
    if (status, move) not in ALLOWED:
        with pytest.raises(TransitionError, match="不能执行这个操作"):
            _move(cast, assessment, move, by="city_admin")
        assessment.refresh_from_db()
        assert (assessment.status, assessment.version, AuditEvent.objects.count()) == (status, version, events)
        return
    _move(cast, assessment, move)
    assessment.refresh_from_db()
    assert assessment.status == ALLOWED[(status, move)]
    assert assessment.version == version + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == f"assessment.{move}"
    assert event.actor == cast.users[ACTOR[move]]
    assert event.before["status"] == status
    assert event.after["status"] == assessment.status
    assert verify_chain() is None


def test_submitting_scores_the_checklist_and_records_it(cast, draft, fill):
    fill(draft, fraction=Decimal("0.85"))
    rows = list(draft.answers.select_related("item"))
    awarded = sum(a.awarded for a in rows)
    full = sum(a.item.max_score for a in rows)
    assessment = _move(cast, draft, Move.SUBMIT)
    assert assessment.score == (awarded * 100 / full).quantize(Decimal("0.1"))
    assert (assessment.awarded_total, assessment.applicable_max) == (awarded, full)
    assert Decimal(84) < assessment.score < Decimal(86)
    assert assessment.failed_vetoes == []
    assert assessment.submitted_by == cast.users["town_a_emergency"]
    event = AuditEvent.objects.latest("id")
    assert event.after == {
        "status": "submitted",
        "score": str(assessment.score),
        "awarded_total": str(assessment.awarded_total),
        "applicable_max": str(assessment.applicable_max),
    }


def test_a_failed_veto_is_kept_by_its_veto_key(cast, draft, fill):
    fill(draft, fraction=Decimal(1), vetoes_failed=1)
    assessment = _move(cast, draft, Move.SUBMIT)
    assert assessment.score == Decimal("100.0")
    first_veto = draft.answers.filter(item__is_veto=True).order_by("item__category__order", "item__order").first()
    assert assessment.failed_vetoes == [first_veto.item.veto_key]
    assert first_veto.item.veto_key in VETO_NAMES


def test_an_unfinished_checklist_cannot_be_submitted_and_says_how_much_is_left(cast, draft):
    total = draft.answers.count()
    with pytest.raises(services.AnswerErrors, match=f"还有 {total} 个评价项目没有填写") as caught:
        _move(cast, draft, Move.SUBMIT)
    assert len(caught.value.by_answer) == total
    draft.refresh_from_db()
    assert (draft.status, draft.score) == (Status.DRAFT, None)


def test_whoever_filled_in_this_round_cannot_review_it(cast, draft, fill):
    fill(draft, fraction=Decimal("0.9"), by=cast.users["city_admin"])
    _move(cast, draft, Move.SUBMIT, by="town_a_emergency")
    with pytest.raises(TransitionError, match="参与本轮填写"):
        _move(cast, draft, Move.REVIEW, by="city_admin")
    page = cast.client_for("city_admin").get(reverse("assessments:detail", args=[draft.pk])).content.decode()
    assert 'value="review"' not in page
    assert 'value="return"' in page
    _move(cast, draft, Move.RETURN, by="city_admin", reason="补充照片")
    draft.refresh_from_db()
    fill(draft, fraction=Decimal("0.95"))  # the next round is filled in by the emergency office alone
    _move(cast, draft, Move.SUBMIT, by="town_a_emergency")
    _move(cast, draft, Move.REVIEW, by="city_admin")
    draft.refresh_from_db()
    assert draft.status == Status.REVIEWED


def test_the_submitter_cannot_review_their_own_assessment(cast, draft, fill):
    fill(draft, fraction=Decimal("0.9"))
    _move(cast, draft, Move.SUBMIT, by="town_a_union")
    with pytest.raises(TransitionError, match="审核人不能是提交人"):
        _move(cast, draft, Move.REVIEW, by="town_a_union")
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


@pytest.mark.parametrize(
    ("status", "move"),
    [(Status.SUBMITTED, Move.RETURN), (Status.REVIEWED, Move.RETURN), (Status.PUBLISHED, Move.REOPEN)],
)
def test_going_back_needs_a_reason_and_clears_the_score(cast, draft, fill, status, move):
    assessment = _at(cast, draft, fill, status)
    with pytest.raises(TransitionError, match="必须填写理由"):
        _move(cast, assessment, move, reason="  ")
    _move(cast, assessment, move, reason="第 2.3 项照片不清楚，请补拍")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.score, assessment.last_reason) == (
        Status.DRAFT,
        None,
        "第 2.3 项照片不清楚，请补拍",
    )
    assert AuditEvent.objects.latest("id").reason == "第 2.3 项照片不清楚，请补拍"


@pytest.mark.parametrize(
    ("move", "who"),
    [
        (Move.SUBMIT, "group_member"),
        (Move.SUBMIT, "town_b_union"),
        (Move.REVIEW, "town_a_emergency"),
        (Move.REVIEW, "expert"),
        (Move.PUBLISH, "group_leader"),
        (Move.REOPEN, "town_a_union"),
    ],
)
def test_a_move_needs_its_right_on_the_enterprise(cast, draft, fill, move, who):
    from django.core.exceptions import PermissionDenied

    status = {
        Move.SUBMIT: Status.DRAFT,
        Move.REVIEW: Status.SUBMITTED,
        Move.PUBLISH: Status.REVIEWED,
        Move.REOPEN: Status.PUBLISHED,
    }
    assessment = _at(cast, draft, fill, status[move])
    with pytest.raises(PermissionDenied):
        _move(cast, assessment, move, by=who)
    assessment.refresh_from_db()
    assert assessment.status == status[move]


def test_a_stale_move_is_a_conflict(cast, draft, fill):
    fill(draft, fraction=Decimal("0.9"))
    draft.refresh_from_db()
    stale = draft.version
    _move(cast, draft, Move.SUBMIT)
    with pytest.raises(Conflict, match="别人已修改了这份评估"):
        services.move(by=cast.users["town_a_union"], assessment=draft, expected_version=stale, move=Move.REVIEW)


@pytest.mark.parametrize(("status", "move"), [(Status.REVIEWED, Move.PUBLISH), (Status.PUBLISHED, Move.REOPEN)])
def test_once_the_years_grades_are_published_a_score_neither_publishes_nor_reopens(cast, draft, fill, status, move):
    assessment = _at(cast, draft, fill, status)
    AnnualGrade.objects.create(enterprise=cast.enterprise_b, year=2026, final_grade="A", is_published=True)
    with pytest.raises(PublishedError, match="2026 年度等级已公布"):
        _move(cast, assessment, move)
    assessment.refresh_from_db()
    assert assessment.status == status

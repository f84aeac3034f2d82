"""Two assessors save the same assessment at once (issue 3; SECURITY.md T9): no lost update.

Writers on their own threads and connections (`tests.concurrency`) save the same opened
checklist from the same version, trial after trial: exactly one save goes through, the
other gets the conflict message the form shows, the stored answer is the winner's and
the audit log gained exactly the winner's record. A save racing a submission is refused
the same way, so a score is never submitted from answers someone else was changing.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liangpai.assessments import services
from liangpai.assessments.models import Assessment, AssessmentAnswer
from liangpai.checklists.loading import load_default_templates
from liangpai.checklists.models import ChecklistCategory, ChecklistItem, ChecklistTemplate
from liangpai.core.audit import verify_chain
from liangpai.core.errors import Conflict
from tests.assessments.conftest import full_answers
from tests.concurrency import AuditMark, Writers, one_winner
from tests.conftest import Cast

SAVE_TRIALS = 300
SAVE_OR_SUBMIT_TRIALS = 100
CONFLICT = "别人已修改了这份评估"

transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _started(cast: Cast) -> Assessment:
    if not ChecklistTemplate.objects.exists():  # a transactional test before this one emptied the tables
        load_default_templates(ChecklistTemplate, ChecklistCategory, ChecklistItem)
    return services.start_assessment(by=cast.users["town_a_union"], enterprise=cast.enterprise_a, year=2026)


def _loaded(pk: int) -> Assessment:
    """The assessment as the page loads it, in the writer's own thread."""
    return Assessment.objects.select_related("enterprise").get(pk=pk)


def _scored_items(assessment: Assessment) -> list[AssessmentAnswer]:
    return list(assessment.answers.select_related("item").filter(item__is_veto=False, item__max_score__gte=2))


@transactional
def test_two_assessors_saving_the_same_checklist_lose_no_update(cast: Cast):
    assessment = _started(cast)
    answer = _scored_items(assessment)[0]
    code = answer.item.code
    users = [cast.users["town_a_emergency"], cast.users["expert"]]
    header = services.Header(None, "", "")

    def save(trial: int, writer: int, version: int):
        awarded = Decimal(writer + 1)  # 1 or 2 points, different for each writer
        changes = services.Changes(header, {answer.pk: services.Answer(awarded, note=f"第{trial}次，{writer}号")})

        def call() -> Assessment:
            return services.save_answers(
                by=users[writer], assessment=_loaded(assessment.pk), expected_version=version, changes=changes
            )

        return call

    with Writers(2) as writers:
        for trial in range(SAVE_TRIALS):
            version = Assessment.objects.values_list("version", flat=True).get(pk=assessment.pk)
            mark = AuditMark()
            outcomes = writers.race([save(trial, writer, version) for writer in range(2)])
            winner = one_winner(outcomes, Conflict)
            loser = outcomes[1 - winner.writer].error
            assert CONFLICT in str(loser)
            stored = AssessmentAnswer.objects.get(pk=answer.pk)
            assert (stored.awarded, stored.note) == (Decimal(winner.writer + 1), f"第{trial}次，{winner.writer}号")
            assert Assessment.objects.values_list("version", flat=True).get(pk=assessment.pk) == version + 1
            events = mark.since()
            assert [(e.action, e.actor_id) for e in events] == [("assessment.save", users[winner.writer].pk)]
            assert events[0].after[code]["note"] == f"第{trial}次，{winner.writer}号"
        assert writers.trials == SAVE_TRIALS
    assert verify_chain() is None


@transactional
def test_a_save_racing_a_submission_is_refused_or_submitted_never_mixed(cast: Cast):
    assessment = _started(cast)
    services.save_answers(
        by=cast.users["town_a_union"],
        assessment=assessment,
        expected_version=assessment.version,
        changes=services.Changes(services.Header(None, "", ""), full_answers(assessment)),
    )
    answer = _scored_items(assessment)[0]
    saver, submitter, reviewer = cast.users["expert"], cast.users["town_a_emergency"], cast.users["town_a_union"]
    submitted = 0

    def save(trial: int, version: int):
        changes = services.Changes(services.Header(None, "", ""), {answer.pk: services.Answer(Decimal(trial % 2))})
        return lambda: services.save_answers(
            by=saver, assessment=_loaded(assessment.pk), expected_version=version, changes=changes
        )

    def submit(version: int):
        return lambda: services.move(
            by=submitter, assessment=_loaded(assessment.pk), expected_version=version, move="submit"
        )

    with Writers(2) as writers:
        for trial in range(SAVE_OR_SUBMIT_TRIALS):
            current = Assessment.objects.get(pk=assessment.pk)
            before = AssessmentAnswer.objects.get(pk=answer.pk).awarded
            outcomes = writers.race([save(trial, current.version), submit(current.version)])
            winner = one_winner(outcomes, Conflict)
            after = Assessment.objects.get(pk=assessment.pk)
            stored = AssessmentAnswer.objects.get(pk=answer.pk).awarded
            assert after.version == current.version + 1
            if winner.writer == 0:  # the save went through: still a draft, with the new answer
                assert (after.status, stored) == (Assessment.Status.DRAFT, Decimal(trial % 2))
            else:  # the submission went through from the answers as they were: the save changed nothing
                submitted += 1
                assert (after.status, stored) == (Assessment.Status.SUBMITTED, before)
                assert after.score == services.score_of(after).score
                services.move(
                    by=reviewer, assessment=after, expected_version=after.version, move="return", reason="再核对一遍"
                )
        assert writers.trials == SAVE_OR_SUBMIT_TRIALS
    assert verify_chain() is None
    assert 0 <= submitted <= SAVE_OR_SUBMIT_TRIALS


def test_a_save_locks_the_assessment_row_only(cast, draft):
    """Not the enterprise row beside it: an import or an enterprise edit does not wait for a save with photos."""
    with CaptureQueriesContext(connection) as queries:
        services.save_answers(
            by=cast.users["town_a_union"],
            assessment=draft,
            expected_version=1,
            changes=services.Changes(services.Header(None, "张三", ""), {}),
        )
    locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    if connection.features.has_select_for_update_of:
        (sql,) = locking
        assert sql.endswith('FOR UPDATE OF "assessments_assessment"')
    else:
        assert locking == []  # SQLite locks the whole database for a write instead

"""Warning interviews (R5): the transition table, the record with its signed scan, the version check (T9, T10)."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from liangpai.core.errors import Conflict, TransitionError
from liangpai.core.models import AuditEvent
from liangpai.interviews.models import WarningInterview
from liangpai.interviews.services import TRANSITIONS, InterviewRecord, cancel_interview, record_interview
from liangpai.periods.closing import close_quarter
from tests.interviews.test_scans import JPEG
from tests.rating_fixtures import AFTER_Q3

RECORD = InterviewRecord(
    held_on=datetime.date(2026, 10, 12),
    place="甲镇应急办会议室",
    attendees="张三（企业负责人）\n李四（镇应急办）",
    content="通报重大隐患情况，开展警示教育。",
    commitments="10 日内完成整改并书面报告。",
)
STATUSES = [s.value for s in WarningInterview.Status]


@pytest.fixture
def interview(cast, inspect) -> WarningInterview:
    inspect(cast.enterprise_a, "2026-08-03", major_hazards=1)
    close_quarter(quarter="2026Q3", today=AFTER_Q3)
    return WarningInterview.objects.get()


@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("target", STATUSES)
def test_the_transition_table_allows_only_its_moves(current, target):
    allowed = {("due", "held"), ("due", "cancelled")}
    if (current, target) in allowed:
        TRANSITIONS.check(current, target)
        assert target in TRANSITIONS[current]
    else:
        with pytest.raises(TransitionError, match="约谈状态不能从"):
            TRANSITIONS.check(current, target)


@pytest.mark.django_db
def test_recording_the_interview_holds_it_with_the_scan_and_an_audit_record(cast, interview):
    officer = cast.users["town_a_emergency"]
    scan = SimpleUploadedFile("签字.jpg", JPEG, content_type="image/jpeg")

    held = record_interview(by=officer, interview=interview, expected_version=1, record=RECORD, signed_scan=scan)

    held.refresh_from_db()
    assert (held.status, held.version, held.recorded_by, held.place) == ("held", 2, officer, "甲镇应急办会议室")
    assert held.signed_scan.name.endswith(".jpg")
    assert "签字" not in held.signed_scan.name  # the user's file name is never a path
    with held.signed_scan.open("rb") as stored:
        assert stored.read() == JPEG
    event = AuditEvent.objects.get(action="interview.hold")
    assert event.before["status"] == "due"
    assert event.after["status"] == "held"
    assert event.after["held_on"] == "2026-10-12"


@pytest.mark.django_db
def test_a_held_interview_cannot_be_recorded_again_or_cancelled(cast, interview):
    officer = cast.users["town_a_emergency"]
    record_interview(by=officer, interview=interview, expected_version=1, record=RECORD)
    with pytest.raises(TransitionError):
        record_interview(by=officer, interview=interview, expected_version=2, record=RECORD)
    with pytest.raises(TransitionError):
        cancel_interview(by=officer, interview=interview, expected_version=2, reason="重复")


@pytest.mark.django_db
def test_a_cancelled_interview_is_final(cast, interview):
    officer = cast.users["town_a_emergency"]
    cancel_interview(by=officer, interview=interview, expected_version=1, reason="企业已注销")
    interview.refresh_from_db()
    assert (interview.status, interview.cancel_reason) == ("cancelled", "企业已注销")
    with pytest.raises(TransitionError):
        record_interview(by=officer, interview=interview, expected_version=2, record=RECORD)


@pytest.mark.django_db
def test_cancelling_needs_a_reason(cast, interview):
    with pytest.raises(TransitionError, match="取消约谈必须填写理由。"):
        cancel_interview(by=cast.users["town_a_emergency"], interview=interview, expected_version=1, reason=" ")


@pytest.mark.django_db
def test_a_stale_form_gets_a_conflict_and_the_first_record_stays(cast, interview):
    officer = cast.users["town_a_emergency"]
    record_interview(by=officer, interview=interview, expected_version=1, record=RECORD)
    with pytest.raises(Conflict, match="别人已修改了这次约谈的记录"):
        cancel_interview(by=cast.users["city_emergency"], interview=interview, expected_version=1, reason="重复")
    interview.refresh_from_db()
    assert (interview.status, interview.version, interview.place) == ("held", 2, RECORD.place)


@pytest.mark.django_db
@pytest.mark.parametrize("user", ["town_b_union", "town_a_union", "city_admin", "group_leader", "contact_a"])
def test_only_the_emergency_offices_in_scope_record_interviews(cast, interview, user):
    with pytest.raises(PermissionDenied):
        record_interview(by=cast.users[user], interview=interview, expected_version=1, record=RECORD)


@pytest.mark.django_db
def test_the_city_emergency_bureau_may_record_too(cast, interview):
    record_interview(by=cast.users["city_emergency"], interview=interview, expected_version=1, record=RECORD)
    interview.refresh_from_db()
    assert interview.status == "held"


@pytest.mark.django_db
def test_a_rejected_scan_stores_nothing(cast, interview):
    from liangpai.interviews.scans import ScanRejected

    fake = SimpleUploadedFile("scan.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ScanRejected):
        record_interview(
            by=cast.users["town_a_emergency"], interview=interview, expected_version=1, record=RECORD, signed_scan=fake
        )
    interview.refresh_from_db()
    assert (interview.status, interview.signed_scan.name) == ("due", "")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_records_of_one_interview_lose_no_update(cast, inspect, ruleset_2026):
    """Several officers save the same opened form at once: exactly one wins, the others get a conflict."""
    inspect(cast.enterprise_a, "2026-08-03", major_hazards=1)
    close_quarter(quarter="2026Q3", today=AFTER_Q3)
    interview = WarningInterview.objects.get()
    officer = cast.users["town_a_emergency"]
    outcomes: list[str] = []
    barrier = threading.Barrier(6)

    def save(n: int) -> None:
        from django.db import connections

        try:
            barrier.wait()
            record = InterviewRecord(**{**RECORD.__dict__, "place": f"会议室{n}"})
            record_interview(by=officer, interview=interview, expected_version=1, record=record)
            outcomes.append(f"ok {n}")
        except Conflict:
            outcomes.append("conflict")
        except TransitionError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [o for o in outcomes if o.startswith("ok")]
    assert len(winners) == 1
    assert outcomes.count("conflict") == 5
    interview.refresh_from_db()
    assert (interview.version, interview.place) == (2, f"会议室{winners[0].split()[1]}")
    assert AuditEvent.objects.filter(action="interview.hold").count() == 1

"""Rulesets as data (R-RULESET-1/2): the 2026 default, a frozen ruleset once used, versions per year,
the calendar overrides, and the admin screens of the city admin (audited)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from liangpai.core.errors import PeriodError, RulesetFrozen
from liangpai.core.models import AuditEvent
from liangpai.grades.models import GradeInput
from liangpai.lights.models import InspectionResult
from liangpai.periods.closing import close_quarter
from liangpai.rules.ruleset import DEFAULT_RULESET
from liangpai.rules.workdays import is_working_day
from liangpai.rulesets import services as rulesets
from liangpai.rulesets.models import CalendarOverride, RulesetVersion
from tests.otp import verify_otp
from tests.rating_fixtures import AFTER_Q3

pytestmark = pytest.mark.django_db


def test_the_migration_makes_the_mission_defaults_the_2026_ruleset(ruleset_2026):
    assert ruleset_2026.version == "2026-1"
    assert ruleset_2026.to_rules() == DEFAULT_RULESET.__class__(**{**DEFAULT_RULESET.__dict__, "version": "2026-1"})


def test_values_of_is_the_inverse_of_to_rules(ruleset_2026):
    copy = RulesetVersion(year=2027, version="x", **RulesetVersion.values_of(ruleset_2026.to_rules()))
    assert copy.to_rules() == ruleset_2026.to_rules().__class__(**{**ruleset_2026.to_rules().__dict__, "version": "x"})


def test_a_year_uses_its_own_active_ruleset_or_the_last_earlier_one(cast, ruleset_2026):
    assert rulesets.ruleset_for_year(2026) == ruleset_2026
    assert rulesets.ruleset_for_year(2028) == ruleset_2026
    newer = rulesets.create_ruleset(by=cast.users["city_admin"], year=2027, version="2027-1", copy_from=ruleset_2026)
    rulesets.activate_ruleset(by=cast.users["city_admin"], ruleset=newer)
    assert rulesets.ruleset_for_year(2028) == newer
    assert rulesets.ruleset_for_year(2026) == ruleset_2026
    with pytest.raises(PeriodError):
        rulesets.ruleset_for_year(2025)


def test_a_ruleset_that_a_result_names_never_changes(cast, ruleset_2026):
    admin = cast.users["city_admin"]
    rulesets.update_ruleset(by=admin, ruleset=ruleset_2026, values={"interview_deadline_working_days": 12})
    close_quarter(quarter="2026Q3", today=AFTER_Q3)
    with pytest.raises(RulesetFrozen, match="2026-1"):
        rulesets.update_ruleset(by=admin, ruleset=ruleset_2026, values={"minimum_a": Decimal(95)})
    ruleset_2026.refresh_from_db()
    assert (ruleset_2026.minimum_a, ruleset_2026.interview_deadline_working_days) == (Decimal(90), 12)


def test_a_new_version_leaves_the_old_one_as_it_was(cast, ruleset_2026):
    admin = cast.users["city_admin"]
    close_quarter(quarter="2026Q3", today=AFTER_Q3)
    draft = rulesets.create_ruleset(
        by=admin, year=2026, version=rulesets.next_version_label(2026), copy_from=ruleset_2026
    )
    assert draft.version == "2026-2"
    rulesets.update_ruleset(by=admin, ruleset=draft, values={"minimum_a": Decimal(92)})
    rulesets.activate_ruleset(by=admin, ruleset=draft)
    ruleset_2026.refresh_from_db()
    assert (ruleset_2026.status, ruleset_2026.minimum_a) == ("retired", Decimal(90))
    assert rulesets.ruleset_for_year(2026) == draft
    assert list(AuditEvent.objects.filter(action__startswith="ruleset.").values_list("action", flat=True)) == [
        "ruleset.activate",
        "ruleset.retire",
        "ruleset.update",
        "ruleset.create",
    ]
    moves = {
        e.action: (e.before, e.after)
        for e in AuditEvent.objects.filter(action__in=["ruleset.activate", "ruleset.retire"])
    }
    assert moves == {
        "ruleset.activate": ({"status": "draft"}, {"status": "active"}),
        "ruleset.retire": ({"status": "active"}, {"status": "retired"}),
    }


def test_an_inconsistent_ruleset_cannot_be_saved_or_activated(cast, ruleset_2026):
    admin = cast.users["city_admin"]
    draft = rulesets.create_ruleset(by=admin, year=2027, version="2027-1")
    with pytest.raises(RulesetFrozen, match="分数线应依次降低"):
        rulesets.update_ruleset(by=admin, ruleset=draft, values={"minimum_b": Decimal(95)})
    RulesetVersion.objects.filter(pk=draft.pk).update(minimum_c=Decimal(85))
    with pytest.raises(RulesetFrozen):
        rulesets.activate_ruleset(by=admin, ruleset=draft)


@pytest.mark.parametrize("user", ["town_a_union", "city_emergency", "outsider"])
def test_only_the_city_admin_manages_rulesets(cast, ruleset_2026, user):
    with pytest.raises(PermissionDenied):
        rulesets.create_ruleset(by=cast.users[user], year=2027, version="2027-1")


def test_calendar_overrides_shape_the_working_days(cast):
    CalendarOverride.objects.create(date=datetime.date(2027, 2, 6), is_working_day=True, note="春节调休上班")
    calendar = rulesets.work_calendar()
    assert is_working_day(datetime.date(2027, 2, 6), calendar)
    assert calendar.is_verified(2027)


# --- the admin screens -------------------------------------------------------------------


@pytest.fixture
def admin_client(cast):
    user = cast.users["city_admin"]
    user.is_staff = True
    user.save()
    return verify_otp(cast.client_for("city_admin"), user)


def _form_data(ruleset: RulesetVersion, **changes: object) -> dict[str, object]:
    """The admin form as the browser posts it: a ticked box as "on", an unticked one left out."""
    values = {"year": ruleset.year, "version": ruleset.version, "note": ruleset.note}
    values |= RulesetVersion.values_of(ruleset.to_rules()) | changes
    return {k: ("on" if v is True else v) for k, v in values.items() if v is not False}


def test_the_city_admin_edits_a_draft_in_the_admin_and_the_change_is_audited(cast, admin_client, ruleset_2026):
    draft = rulesets.create_ruleset(by=cast.users["city_admin"], year=2027, version="2027-1", copy_from=ruleset_2026)
    url = reverse("admin:ratings_rulesetversion_change", args=[draft.pk])
    response = admin_client.post(url, _form_data(draft, interview_deadline_working_days=8))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.interview_deadline_working_days == 8
    event = AuditEvent.objects.get(action="ruleset.update")
    assert (event.before, event.after) == (
        {"interview_deadline_working_days": 10},
        {"interview_deadline_working_days": 8},
    )


def test_the_admin_refuses_an_inconsistent_ruleset(cast, admin_client, ruleset_2026):
    draft = rulesets.create_ruleset(by=cast.users["city_admin"], year=2027, version="2027-1", copy_from=ruleset_2026)
    url = reverse("admin:ratings_rulesetversion_change", args=[draft.pk])
    response = admin_client.post(url, _form_data(draft, minimum_b="95"))
    assert response.status_code == 200
    assert "分数线应依次降低" in response.content.decode()


def test_a_used_ruleset_is_read_only_in_the_admin(cast, admin_client, ruleset_2026):
    close_quarter(quarter="2026Q3", today=AFTER_Q3)
    url = reverse("admin:ratings_rulesetversion_change", args=[ruleset_2026.pk])
    response = admin_client.post(url, _form_data(ruleset_2026, minimum_a="95"))
    assert response.status_code == 403
    ruleset_2026.refresh_from_db()
    assert ruleset_2026.minimum_a == Decimal(90)


def test_the_admin_activates_a_draft_through_the_service(cast, admin_client, ruleset_2026):
    draft = rulesets.create_ruleset(by=cast.users["city_admin"], year=2026, version="2026-2", copy_from=ruleset_2026)
    response = admin_client.post(
        reverse("admin:ratings_rulesetversion_changelist"), {"action": "activate", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "active"


def test_calendar_overrides_are_added_in_the_admin_and_audited(cast, admin_client):
    response = admin_client.post(
        reverse("admin:ratings_calendaroverride_add"),
        {"date": "2027-02-06", "is_working_day": "on", "note": "春节调休上班"},
    )
    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    assert override.created_by == cast.users["city_admin"]
    assert AuditEvent.objects.filter(action="calendar.create").count() == 1


def test_a_ruleset_added_in_the_admin_is_a_draft_that_names_its_author(cast, admin_client, ruleset_2026):
    data = _form_data(ruleset_2026) | {"year": 2027, "version": "2027-1"}
    response = admin_client.post(reverse("admin:ratings_rulesetversion_add"), data)
    assert response.status_code == 302
    added = RulesetVersion.objects.get(year=2027)
    assert (added.status, added.created_by) == ("draft", cast.users["city_admin"])
    assert AuditEvent.objects.filter(action="ruleset.create", object_id=str(added.pk)).count() == 1


def test_a_grade_input_added_in_the_admin_names_who_recorded_it(cast, admin_client):
    response = admin_client.post(
        reverse("admin:ratings_gradeinput_add"),
        {"enterprise": cast.enterprise_a.pk, "year": 2026, "grade": "B", "failed_vetoes": "[]", "note": ""},
    )
    assert response.status_code == 302
    grade_input = GradeInput.objects.get()
    assert (grade_input.grade, grade_input.recorded_by) == ("B", cast.users["city_admin"])
    assert AuditEvent.objects.filter(action="grade_input.create").count() == 1


def test_inspection_results_are_added_in_the_admin_and_audited_with_their_findings(cast, admin_client):
    response = admin_client.post(
        reverse("admin:ratings_inspectionresult_add"),
        {
            "enterprise": cast.enterprise_a.pk,
            "inspected_on": "2026-08-03",
            "general_hazards_fixed_on_spot": "2",
            "general_hazards_not_fixed_on_spot": "1",
            "major_hazards": "0",
            "accidents": "0",
            "refused_letter": "on",
            "note": "现场督查",
        },
    )
    assert response.status_code == 302
    result = InspectionResult.objects.get()
    assert (result.quarter, result.recorded_by) == ("2026Q3", cast.users["city_admin"])
    event = AuditEvent.objects.get(action="inspection_result.create")
    assert event.after["enterprise_id"] == cast.enterprise_a.pk
    assert event.after["refused_letter"] is True
    assert set(event.after) == {"enterprise_id", *InspectionResult.FINDINGS, "note", "source"}


def test_an_inspection_result_recorded_by_the_service_is_audited_with_its_findings_and_source(cast, inspect):
    inspect(cast.enterprise_a, "2026-08-03", major_hazards=1)
    event = AuditEvent.objects.get(action="inspection_result.create")
    assert event.after == {
        "enterprise_id": cast.enterprise_a.pk,
        "inspected_on": "2026-08-03",
        "general_hazards_fixed_on_spot": 0,
        "general_hazards_not_fixed_on_spot": 0,
        "major_hazards": 1,
        "refused_inspection": False,
        "refused_letter": False,
        "accidents": 0,
        "note": "",
        "source": "manual",
    }


def test_other_staff_do_not_see_the_ratings_admin(cast):
    user = cast.users["town_a_union"]
    user.is_staff = True
    user.save()
    client = verify_otp(cast.client_for("town_a_union"), user)
    response = client.get(reverse("admin:ratings_rulesetversion_changelist"))
    assert response.status_code == 403

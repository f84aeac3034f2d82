"""Publication with a second approver (R7, issue 3 item 8, SECURITY.md T9): two people, legal moves only,
the period frozen once published, and nothing unpublished readable through the public selectors."""

from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied

from liangpai.accounts.models import Role
from liangpai.core.errors import PublishedError, ServiceError, TransitionError
from liangpai.core.models import AuditEvent
from liangpai.grades.models import AnnualGrade
from liangpai.lights.models import QuarterLight
from liangpai.periods.closing import close_quarter, override_light
from liangpai.publication.models import Publication
from liangpai.publication.selectors import published_grades, published_lights
from liangpai.publication.services import (
    TRANSITIONS,
    ChangedError,
    SamePersonError,
    approve_publication,
    reject_publication,
    request_publication,
)
from tests.factories import MembershipFactory, UserFactory
from tests.rating_fixtures import AFTER_Q3

pytestmark = pytest.mark.django_db

LIGHTS = Publication.Kind.QUARTER_LIGHTS
GRADES = Publication.Kind.ANNUAL_GRADES


@pytest.fixture
def second_admin():
    user = UserFactory(username="city_admin_2")
    MembershipFactory(user=user, role=Role.CITY_ADMIN)
    return user


@pytest.fixture
def closed(cast, inspect, ruleset_2026):
    inspect(cast.enterprise_a, "2026-08-03", general_hazards_not_fixed_on_spot=1)
    inspect(cast.enterprise_b, "2026-08-04")
    close_quarter(quarter="2026Q3", today=AFTER_Q3)
    return QuarterLight.objects.filter(quarter="2026Q3")


def _grade(enterprise, year=2025, grade="B"):
    return AnnualGrade.objects.create(enterprise=enterprise, year=year, base_grade=grade, final_grade=grade)


def test_one_admin_requests_and_another_approves_which_publishes_and_freezes(cast, closed, second_admin):
    admin = cast.users["city_admin"]
    publication = request_publication(by=admin, kind=LIGHTS, period="2026q3")

    assert publication.status == Publication.Status.REQUESTED
    assert publication.period == "2026Q3"
    assert publication.snapshot == []
    assert not published_lights("2026Q3").exists()

    published = approve_publication(by=second_admin, publication=publication)

    assert published.status == Publication.Status.PUBLISHED
    assert published.approved_by == second_admin
    assert published.approved_at
    assert published.published_at
    assert not closed.filter(is_published=False).exists()
    rows = {row["name"]: row["result"] for row in published.snapshot}
    assert rows == dict(closed.values_list("enterprise__name", "light"))
    assert rows[cast.enterprise_a.name] == "yellow"
    assert rows[cast.enterprise_b.name] == "green"
    assert {row["credit_code"] for row in published.snapshot} == set(
        closed.values_list("enterprise__credit_code", flat=True)
    )
    assert published.counts == dict(Counter(rows.values()))
    assert set(published_lights("2026Q3")) == set(closed)
    actions = list(
        AuditEvent.objects.filter(action__startswith="publication.").order_by("id").values_list("action", "actor")
    )
    assert actions == [
        ("publication.request", admin.pk),
        ("publication.approve", second_admin.pk),
        ("publication.publish", second_admin.pk),
    ]

    with pytest.raises(PublishedError):
        close_quarter(quarter="2026Q3", today=AFTER_Q3)
    with pytest.raises(PublishedError):
        override_light(by=admin, light_row=closed.first(), light="red", reason="补录事故")


def test_the_requester_cannot_approve_their_own_request(cast, closed):
    admin = cast.users["city_admin"]
    publication = request_publication(by=admin, kind=LIGHTS, period="2026Q3")

    with pytest.raises(SamePersonError, match="申请人不能审核自己的公布申请"):
        approve_publication(by=admin, publication=publication)

    publication.refresh_from_db()
    assert publication.status == Publication.Status.REQUESTED
    assert not QuarterLight.objects.filter(is_published=True).exists()
    assert not AuditEvent.objects.filter(action="publication.approve").exists()


@pytest.mark.parametrize(
    "role", ["town_a_union", "city_emergency", "town_a_emergency", "group_leader", "contact_a", "outsider"]
)
def test_only_city_admins_request_or_approve(cast, closed, role):
    with pytest.raises(PermissionDenied):
        request_publication(by=cast.users[role], kind=LIGHTS, period="2026Q3")
    publication = request_publication(by=cast.users["city_admin"], kind=LIGHTS, period="2026Q3")
    with pytest.raises(PermissionDenied):
        approve_publication(by=cast.users[role], publication=publication)
    with pytest.raises(PermissionDenied):
        reject_publication(by=cast.users[role], publication=publication, reason="不同意")


def test_the_transitions_table_allows_only_the_workflow():
    statuses = set(Publication.Status.values)
    assert set(TRANSITIONS) == statuses
    allowed = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert allowed == {("requested", "approved"), ("requested", "rejected"), ("approved", "published")}


def test_illegal_moves_are_refused(cast, closed, second_admin):
    admin = cast.users["city_admin"]
    rejected = request_publication(by=admin, kind=LIGHTS, period="2026Q3")
    reject_publication(by=second_admin, publication=rejected, reason="第三季度督查记录未录完")
    with pytest.raises(TransitionError):
        approve_publication(by=second_admin, publication=rejected)
    with pytest.raises(TransitionError):
        reject_publication(by=second_admin, publication=rejected, reason="再次退回")

    published = approve_publication(
        by=second_admin, publication=request_publication(by=admin, kind=LIGHTS, period="2026Q3")
    )
    with pytest.raises(TransitionError):
        approve_publication(by=admin, publication=published)
    with pytest.raises(TransitionError):
        reject_publication(by=admin, publication=published, reason="撤回")
    with pytest.raises(PublishedError):
        request_publication(by=admin, kind=LIGHTS, period="2026Q3")
    assert QuarterLight.objects.filter(is_published=True).count() == closed.count()


def test_a_second_open_request_and_a_request_without_results_are_refused(cast, closed):
    admin = cast.users["city_admin"]
    request_publication(by=admin, kind=LIGHTS, period="2026Q3")
    with pytest.raises(TransitionError, match="已有待审核"):
        request_publication(by=admin, kind=LIGHTS, period="2026Q3")
    with pytest.raises(ServiceError, match="还没有结果"):
        request_publication(by=admin, kind=LIGHTS, period="2026Q2")
    with pytest.raises(ServiceError, match="无效"):
        request_publication(by=admin, kind=LIGHTS, period="2026Q5")


def test_a_rejection_needs_a_reason_and_is_audited(cast, closed):
    admin = cast.users["city_admin"]
    publication = request_publication(by=admin, kind=LIGHTS, period="2026Q3")
    with pytest.raises(ServiceError, match="退回理由"):
        reject_publication(by=admin, publication=publication, reason="  ")

    reject_publication(by=admin, publication=publication, reason="撤回重报")

    event = AuditEvent.objects.get(action="publication.reject")
    assert (event.before, event.after, event.reason) == ({"status": "requested"}, {"status": "rejected"}, "撤回重报")
    assert request_publication(by=admin, kind=LIGHTS, period="2026Q3").status == "requested"


def test_results_changed_after_the_request_are_not_approved(cast, closed, second_admin):
    admin = cast.users["city_admin"]
    publication = request_publication(by=admin, kind=LIGHTS, period="2026Q3")
    override_light(
        by=admin,
        light_row=closed.get(enterprise=cast.enterprise_b),
        light="red",
        reason="督查后发生事故，补录",
        today=AFTER_Q3,
    )

    with pytest.raises(ChangedError, match="重新申请"):
        approve_publication(by=second_admin, publication=publication)
    assert not QuarterLight.objects.filter(is_published=True).exists()


def test_unpublished_grades_never_reach_the_selector_or_the_snapshot(cast, second_admin):
    admin = cast.users["city_admin"]
    _grade(cast.enterprise_a, 2025, "A")
    _grade(cast.enterprise_b, 2025, "C")
    _grade(cast.enterprise_a, 2024, "D")

    assert not published_grades(2025).exists()
    publication = request_publication(by=admin, kind=GRADES, period=2025)
    assert not published_grades("2025").exists()

    published = approve_publication(by=second_admin, publication=publication)

    assert [row["result"] for row in published.snapshot] == [
        row.final_grade for row in AnnualGrade.objects.filter(year=2025).order_by("enterprise__credit_code")
    ]
    assert {row.year for row in published_grades(2025)} == {2025}
    assert published_grades(2025).count() == 2
    assert not published_grades(2024).exists()
    assert all(row["credit_code"] != "" for row in published.snapshot)
    assert cast.enterprise_a.name in {row["name"] for row in published.snapshot}
    assert not AnnualGrade.objects.filter(year=2024, is_published=True).exists()


# --- the page -------------------------------------------------------------------------


def test_the_page_is_for_city_admins_only(cast):
    assert cast.client_for("town_a_union").get("/publications/").status_code == 403
    assert cast.client_for("contact_a").get("/publications/").status_code == 403
    response = cast.client_for("city_admin").get("/publications/")
    assert response.status_code == 200
    assert "申请公布" in response.content.decode()


def test_request_then_approve_through_the_page(cast, closed, second_admin):
    admin_client = cast.client_for("city_admin")
    response = admin_client.post("/publications/", {"kind": LIGHTS, "period": "2026Q3"})
    assert response.status_code == 302
    publication = Publication.objects.get()

    page = admin_client.get(f"/publications/{publication.pk}/").content.decode()
    assert "审核并公布" not in page
    assert "申请人不能审核自己的公布申请" in page
    admin_client.post(f"/publications/{publication.pk}/approve/")
    publication.refresh_from_db()
    assert publication.status == Publication.Status.REQUESTED

    other = cast.client_for("city_admin")
    other.force_login(second_admin)
    assert "审核并公布" in other.get(f"/publications/{publication.pk}/").content.decode()
    assert other.post(f"/publications/{publication.pk}/approve/").status_code == 302
    publication.refresh_from_db()
    assert publication.status == Publication.Status.PUBLISHED
    page = other.get(f"/publications/{publication.pk}/").content.decode()
    assert cast.enterprise_a.credit_code in page


def test_a_bad_period_is_shown_on_the_form(cast):
    response = cast.client_for("city_admin").post("/publications/", {"kind": LIGHTS, "period": "2026Q9"})
    assert response.status_code == 200
    assert "无效" in response.content.decode()
    assert not Publication.objects.exists()


def test_rejecting_through_the_page(cast, closed, second_admin):
    publication = request_publication(by=cast.users["city_admin"], kind=LIGHTS, period="2026Q3")
    client = cast.client_for("city_admin")
    client.post(f"/publications/{publication.pk}/reject/", {"reason": ""})
    publication.refresh_from_db()
    assert publication.status == Publication.Status.REQUESTED
    client.post(f"/publications/{publication.pk}/reject/", {"reason": "督查记录未录完"})
    publication.refresh_from_db()
    assert (publication.status, publication.rejected_reason) == ("rejected", "督查记录未录完")

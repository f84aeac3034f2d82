"""`manage.py seed_demo`: the demo city, deterministic, complete, and only into an empty database."""

import datetime
import hashlib
import time
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone

from liangpai.accounts.models import Membership, Role, User
from liangpai.assessments.models import Assessment
from liangpai.core import audit
from liangpai.core.models import AuditEvent
from liangpai.demo.accounts import DEMO_PASSWORD
from liangpai.demo.enterprises import DEMO_ENTERPRISE_NAME
from liangpai.demo.seed import seed_demo_city
from liangpai.demo.words import CITY_DIVISION_CODE
from liangpai.enterprises.models import Enterprise
from liangpai.grades.models import AnnualGrade
from liangpai.lights.models import QuarterLight
from liangpai.organisations.models import Body, Expert, GroupMember, RepresentativeGroup
from liangpai.regions.models import City, District, Town
from liangpai.rules.credit_code import is_valid
from tests.factories import TownFactory, UserFactory

pytestmark = pytest.mark.django_db

SMALL = 200
DEMO_USERNAMES = [
    "city_admin",
    "city_emergency",
    "town_union",
    "town_emergency",
    "town2_union",
    "group_leader",
    "group_member",
    "expert",
    "enterprise",
    "admin",
]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def digest() -> str:
    """Everything the seeding writes, except database ids and timestamps."""
    parts = [
        list(
            Enterprise.objects.order_by("credit_code").values_list(
                "name",
                "name_initials",
                "credit_code",
                "town__name",
                "district__name",
                "industry__code",
                "scale",
                "headcount",
                "has_union",
                "union_chair",
                "union_chair_phone",
                "safety_contact",
                "safety_contact_phone",
                "address",
                "latitude",
                "longitude",
                "status",
            )
        ),
        list(City.objects.values_list("name", "division_code")),
        list(Town.objects.values_list("name", "short_name", "kind", "sort_order")),
        list(District.objects.values_list("town__name", "name", "sort_order")),
        list(Body.objects.order_by("name").values_list("kind", "name", "town__name", "head", "phone", "address")),
        list(RepresentativeGroup.objects.values_list("town__name", "name", "note", "districts__name").order_by("name")),
        list(
            GroupMember.objects.order_by("group__name", "name", "phone").values_list(
                "group__name", "name", "role", "work_unit", "phone", "user__username"
            )
        ),
        list(
            Expert.objects.order_by("name").values_list(
                "name", "employer", "title", "phone", "user__username", "specialities__code", "towns__name"
            )
        ),
        list(User.objects.order_by("username").values_list("username", "full_name", "phone", "is_staff")),
        list(
            Membership.objects.order_by("user__username").values_list(
                "user__username", "role", "town__name", "group__name", "enterprise__credit_code"
            )
        ),
        list(
            QuarterLight.objects.order_by("enterprise__credit_code", "quarter").values_list(
                "enterprise__credit_code", "quarter", "light", "inspected_on", "source", "is_published"
            )
        ),
        list(
            AnnualGrade.objects.order_by("enterprise__credit_code", "year").values_list(
                "enterprise__credit_code", "year", "base_grade", "final_grade", "reasons", "facts", "is_published"
            )
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


class _Discard(Exception):
    pass


def digest_of_fresh_seed(seed_value: int) -> str:
    """Seed an empty database, take the digest, and roll the database back to empty."""
    result = ""
    try:
        with transaction.atomic():
            seed("--enterprises", str(SMALL), "--seed", str(seed_value))
            result = digest()
            raise _Discard
    except _Discard:
        pass
    return result


def test_the_same_seed_gives_the_same_city_and_another_seed_another() -> None:
    first = digest_of_fresh_seed(7)
    assert not Enterprise.objects.exists()
    assert digest_of_fresh_seed(7) == first
    assert digest_of_fresh_seed(8) != first


def test_the_default_seed_gives_the_documented_city_in_every_process() -> None:
    # Pinned values: a generator that depended on set order or hash seeds would drift between
    # test runs. Change these only on purpose, with the generator.
    seed("--enterprises", str(SMALL))
    names = list(Enterprise.objects.order_by("pk").values_list("name", "credit_code")[:3])
    assert names[0][0] == DEMO_ENTERPRISE_NAME
    assert names == [
        ("平澜市宏达箱包有限公司", "91330489MAJGEKR84T"),
        ("平澜市新埠富瑞五金厂", "91330489MAE9ND3G1L"),
        ("平澜市安腾五金有限公司", "9133048928049506X2"),
    ]


def test_the_default_city_has_the_shape_of_the_source_city() -> None:
    out = seed()

    assert "平澜市" in out
    assert DEMO_PASSWORD in out
    assert Town.objects.count() == 9
    assert {t.kind for t in Town.objects.all()} == {Town.Kind.TOWN, Town.Kind.STREET}
    assert len({t.short_name for t in Town.objects.all()}) == 9
    for town in Town.objects.all():
        assert 3 <= town.districts.count() <= 6
        assert town.enterprises.exists()

    enterprises = list(Enterprise.objects.select_related("industry__parent", "district"))
    assert len(enterprises) == 1300
    above = [e for e in enterprises if e.scale == Enterprise.Scale.ABOVE]
    below = [e for e in enterprises if e.scale == Enterprise.Scale.BELOW]
    assert 0.40 <= len(above) / len(enterprises) <= 0.60
    assert 0.02 <= sum(e.status != Enterprise.Status.ACTIVE for e in enterprises) / len(enterprises) <= 0.05
    assert all(e.headcount >= 50 for e in above)
    assert 0.9 <= sum(e.headcount <= 800 for e in above) / len(above) < 1
    assert any(e.headcount > 2000 for e in above)
    assert all(5 <= e.headcount <= 80 for e in below)
    assert sum(e.has_union for e in above) / len(above) > 0.85
    assert sum(e.industry.parent.code == "C" for e in enterprises) / len(enterprises) > 0.75
    assert {e.industry.parent.code for e in enterprises} >= {"C", "E", "F", "G"}

    codes = [e.credit_code for e in enterprises]
    assert len(set(codes)) == len(codes)
    assert all(is_valid(c) and c[2:8] == CITY_DIVISION_CODE for c in codes)
    assert len({e.name for e in enterprises}) == len(enterprises)
    assert all(e.name_initials and e.address and e.safety_contact_phone for e in enterprises)
    for e in enterprises:
        assert e.district.town_id == e.town_id
        assert 30.5 < e.latitude < 30.9
        assert 120.8 < e.longitude < 121.25


def test_every_town_has_its_union_and_emergency_office_and_every_district_a_group() -> None:
    seed("--enterprises", str(SMALL))

    kinds = Counter(Body.objects.values_list("kind", flat=True))
    assert kinds == {"city_union": 1, "city_emergency": 1, "town_union": 9, "town_emergency": 9}
    for town in Town.objects.all():
        assert {b.kind for b in town.bodies.all()} == {"town_union", "town_emergency"}

    assert not District.objects.filter(groups__isnull=True).exists()
    for group in RepresentativeGroup.objects.prefetch_related("districts", "members"):
        assert group.districts.count() in {1, 2}
        assert {d.town_id for d in group.districts.all()} == {group.town_id}
        roles = Counter(m.role for m in group.members.all())
        assert roles["leader"] == 1
        assert 3 <= roles["member"] <= 6

    experts = Expert.objects.prefetch_related("specialities", "towns")
    assert experts.count() == 30
    assert all(x.specialities.exists() and x.towns.exists() for x in experts)


def test_every_role_has_a_demo_user_who_can_log_in() -> None:
    seed("--enterprises", str(SMALL))

    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    for username in DEMO_USERNAMES:
        user = User.objects.get(username=username)
        validate_password(DEMO_PASSWORD, user)
        # A request, as every sign-in has: the lockout check (django-axes) refuses one without.
        assert Client().login(request=HttpRequest(), username=username, password=DEMO_PASSWORD), username


def test_demo_users_are_attached_to_what_their_role_needs() -> None:
    seed("--enterprises", str(SMALL))
    first, second = Town.objects.order_by("sort_order")[:2]

    def membership(username: str) -> Membership:
        return Membership.objects.get(user__username=username)

    assert membership("town_union").town == first
    assert membership("town_emergency").town == first
    assert membership("town2_union").town == second
    group = membership("group_leader").group
    assert group is not None
    assert group.town == first
    assert membership("group_member").group == group
    assert GroupMember.objects.get(user__username="group_leader").role == "leader"
    assert GroupMember.objects.get(user__username="group_member").group == group
    expert = Expert.objects.get(user__username="expert")
    assert first in expert.towns.all()
    assert membership("expert").town == first
    enterprise = membership("enterprise").enterprise
    assert enterprise is not None
    assert enterprise.town == first
    assert enterprise.name == DEMO_ENTERPRISE_NAME
    assert enterprise.district in group.districts.all()

    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.is_staff
    assert not admin.memberships.exists()
    city_admin = User.objects.get(username="city_admin")
    assert city_admin.is_staff
    assert not city_admin.is_superuser
    assert city_admin.has_perms(["regions.change_town", "regions.add_district", "enterprises.change_industry"])
    assert not city_admin.has_perm("accounts.change_user")
    assert not User.objects.get(username="town_union").is_staff


def test_one_audit_record_for_the_whole_run() -> None:
    seed("--enterprises", str(SMALL))

    event = AuditEvent.objects.get(action="demo.seed")
    assert event.object_type == "regions.city"
    assert event.after["enterprises"] == SMALL
    # Besides it, only the demo assessments' own records: made through their services like real work.
    others = set(AuditEvent.objects.exclude(pk=event.pk).values_list("action", flat=True))
    assert others <= {f"assessment.{a}" for a in ("create", "save", "submit", "review", "publish")}
    assert audit.verify_chain() is None


def test_this_years_assessments_in_the_first_town_are_in_every_state() -> None:
    result = seed_demo_city(enterprises=200, seed=5, today=datetime.date(2026, 11, 10))

    states = Counter(Assessment.objects.filter(year=2026).values_list("status", flat=True))
    assert states == {"published": 8, "reviewed": 4, "submitted": 4, "draft": 4}
    assert result.assessments == 20
    assert len(set(Assessment.objects.values_list("enterprise__town", flat=True))) == 1
    for assessment in Assessment.objects.exclude(status="draft"):
        assert assessment.score is not None
        assert assessment.submitted_by.username == "town_emergency"
    published = Assessment.objects.filter(status="published").first()
    assert published.reviewed_by.username == "town_union"
    assert published.published_by.username == "city_admin"


def test_a_year_without_an_active_template_gets_no_assessments() -> None:
    result = seed_demo_city(enterprises=30, seed=5, today=datetime.date(2027, 3, 1))
    assert result.assessments == 0
    assert not Assessment.objects.exists()


def test_if_empty_does_nothing_on_a_seeded_database() -> None:
    seed("--enterprises", str(SMALL))
    before = digest()

    out = seed("--if-empty")

    assert "未载入" in out
    assert digest() == before
    assert Enterprise.objects.count() == SMALL


def test_if_empty_seeds_an_empty_database() -> None:
    seed("--if-empty", "--enterprises", "50")
    assert Enterprise.objects.count() == 50


def test_seeding_a_database_with_enterprises_is_refused() -> None:
    seed("--enterprises", str(SMALL))

    with pytest.raises(CommandError, match="已有 200 家企业"):
        seed("--enterprises", str(SMALL))
    assert Enterprise.objects.count() == SMALL


def test_seeding_a_city_being_set_up_is_refused() -> None:
    TownFactory(name="真实镇")

    with pytest.raises(CommandError, match="镇/街道"):
        seed("--enterprises", "20")
    assert not Enterprise.objects.exists()


def test_a_taken_username_is_left_as_it_was() -> None:
    UserFactory(username="admin", full_name="本地管理员")

    out = seed("--enterprises", "20")

    admin = User.objects.get(username="admin")
    assert admin.full_name == "本地管理员"
    assert not admin.is_superuser
    assert "未改动" in out
    assert User.objects.filter(username="city_admin").exists()


def test_the_number_of_enterprises_must_be_positive() -> None:
    with pytest.raises(CommandError):
        seed("--enterprises", "0")


# --- published history (issue 3 item 10) ------------------------------------------------

GRADE_SHARES = {"A": 720 / 1229, "B": 391 / 1229, "C": 116 / 1229, "D": 2 / 1229}
LIGHT_SHARES = {"green": 1127 / 1271, "yellow": 142 / 1271, "red": 2 / 1271}
RANK = {"A": 1, "B": 2, "C": 3, "D": 4}


def test_the_default_city_has_published_history_in_the_published_proportions_quickly() -> None:
    started = time.monotonic()
    seed()
    seconds = time.monotonic() - started

    assert seconds < 30
    this_year = timezone.localdate().year
    years = [this_year - 3, this_year - 2, this_year - 1]
    assert sorted(set(AnnualGrade.objects.values_list("year", flat=True))) == years
    assert not AnnualGrade.objects.filter(is_published=False).exists()
    assert not QuarterLight.objects.filter(is_published=False).exists()
    assert set(AnnualGrade.objects.values_list("source", flat=True)) == {AnnualGrade.Source.IMPORTED}
    assert set(QuarterLight.objects.values_list("source", flat=True)) == {QuarterLight.Source.IMPORTED}

    for year in years:
        finals = Counter(AnnualGrade.objects.filter(year=year).values_list("final_grade", flat=True))
        ungraded = finals.pop(None, 0)
        graded = sum(finals.values())
        assert 0.01 <= ungraded / (graded + ungraded) <= 0.06
        for grade, share in GRADE_SHARES.items():
            assert abs(finals[grade] / graded - share) <= 0.01, (year, grade, finals)
        assert finals["D"] >= 1
        downgraded = AnnualGrade.objects.filter(year=year, final_grade__isnull=False).exclude(
            base_grade=F("final_grade")
        )
        assert 0.03 <= downgraded.count() / graded <= 0.15

    quarters = set(QuarterLight.objects.order_by().values_list("quarter", flat=True).distinct())
    assert len(quarters) == 12 + (timezone.localdate().month - 1) // 3
    for quarter in quarters:
        lights = Counter(QuarterLight.objects.filter(quarter=quarter).values_list("light", flat=True))
        assert sum(lights.values()) == 1300
        for light, share in LIGHT_SHARES.items():
            assert abs(lights[light] / 1300 - share) <= 0.005, (quarter, lights)


def test_every_history_grade_follows_the_downgrade_rule() -> None:
    seed("--enterprises", "400", "--seed", "11")
    lights: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)
    for enterprise_id, year, light in QuarterLight.objects.values_list("enterprise_id", "year", "light"):
        lights[enterprise_id, year][light] += 1

    downgraded = 0
    for row in AnnualGrade.objects.all():
        year_lights = lights[row.enterprise_id, row.year]
        assert sum(year_lights.values()) == 4
        falls = year_lights["red"] >= 1 or year_lights["yellow"] >= 2
        if row.base_grade is None:
            assert row.final_grade is None
            continue
        expected = min(RANK[row.base_grade] + falls, RANK["D"])
        assert RANK[row.final_grade] == expected, (row.base_grade, row.final_grade, year_lights)
        downgraded += RANK[row.final_grade] > RANK[row.base_grade]
        assert [entry["quarter"] for entry in row.facts["lights"]] == [f"{row.year}Q{n}" for n in range(1, 5)]
        assert row.reasons
    assert downgraded > 0


def test_history_runs_to_the_last_closed_quarter() -> None:
    result = seed_demo_city(enterprises=30, seed=5, today=datetime.date(2026, 5, 10))

    assert result.history.years == (2023, 2024, 2025)
    assert result.history.quarters[-1] == "2026Q1"
    assert set(QuarterLight.objects.values_list("quarter", flat=True)) == {
        *(f"{y}Q{n}" for y in (2023, 2024, 2025) for n in range(1, 5)),
        "2026Q1",
    }
    assert QuarterLight.objects.count() == 30 * 13
    assert AnnualGrade.objects.count() == 30 * 3
    for row in QuarterLight.objects.all():
        assert row.inspected_on is not None
        assert str(row.inspected_on.year) == row.quarter[:4]
        assert (row.inspected_on.month - 1) // 3 + 1 == int(row.quarter[-1])
    event = AuditEvent.objects.get(action="demo.seed")
    assert event.after["history"]["quarters"][-1] == "2026Q1"


def test_on_new_years_day_the_history_ends_with_last_years_fourth_quarter() -> None:
    result = seed_demo_city(enterprises=10, seed=5, today=datetime.date(2027, 1, 1))

    assert result.history.years == (2024, 2025, 2026)
    assert result.history.quarters[-1] == "2026Q4"
    assert result.history.lights == 10 * 12

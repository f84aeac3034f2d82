"""Results in every state a period can be in, for the public page and the API tests.

The clock is frozen on 2026-11-16 (`TODAY`), so "this year" is 2026. Through the real
publication workflow (one city admin requests, another approves):

    2025 grades     published        A1: B      B: 未评级    A2: C
    2026 grades     computed only    A1: D      B: A
    2025Q4 lights   published        A1: yellow              (last year: not "this year")
    2026Q1 lights   published        A1: green  B: red       A2: not_inspected
    2026Q2 lights   requested only   A1: yellow B: green
    2026Q3 lights   computed only    A1: red    B: yellow    A2: green

Only the published rows may ever be seen publicly.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine

from liangpai.accounts.models import Role
from liangpai.enterprises.models import Enterprise
from liangpai.grades.models import AnnualGrade
from liangpai.lights.models import QuarterLight
from liangpai.publication.models import Publication
from liangpai.publication.services import approve_publication, request_publication
from liangpai.rules.periods import parse_quarter
from tests.conftest import Cast
from tests.factories import MembershipFactory, UserFactory

TODAY = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.UTC)

#: The contact details every factory-made enterprise carries: none may appear publicly.
PERSONAL_DATA = ["王建国", "13800001111", "李安全", "13912345678", "示范路1号"]


def add_light(enterprise: Enterprise, quarter: str, light: str) -> QuarterLight:
    period = parse_quarter(quarter)
    return QuarterLight.objects.create(
        enterprise=enterprise, quarter=str(period), year=period.year, number=period.number, light=light
    )


def add_grade(enterprise: Enterprise, year: int, grade: str | None) -> AnnualGrade:
    return AnnualGrade.objects.create(enterprise=enterprise, year=year, base_grade=grade, final_grade=grade)


@dataclass
class Publisher:
    requester: object
    approver: object

    def request(self, kind: str, period: str) -> Publication:
        return request_publication(by=self.requester, kind=kind, period=period)

    def publish(self, kind: str, period: str) -> Publication:
        return approve_publication(by=self.approver, publication=self.request(kind, period))


@pytest.fixture
def frozen_today() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def publisher(cast: Cast) -> Publisher:
    approver = UserFactory(username="city_admin_2")
    MembershipFactory(user=approver, role=Role.CITY_ADMIN)
    return Publisher(requester=cast.users["city_admin"], approver=approver)


LIGHTS = Publication.Kind.QUARTER_LIGHTS
GRADES = Publication.Kind.ANNUAL_GRADES


@pytest.fixture
def results(cast: Cast, publisher: Publisher, frozen_today: None) -> Cast:
    a1, a2, b = cast.enterprise_a, cast.enterprise_a2, cast.enterprise_b
    add_grade(a1, 2025, "B")
    add_grade(b, 2025, None)
    add_grade(a2, 2025, "C")
    publisher.publish(GRADES, "2025")
    add_grade(a1, 2026, "D")
    add_grade(b, 2026, "A")

    add_light(a1, "2025Q4", "yellow")
    publisher.publish(LIGHTS, "2025Q4")
    add_light(a1, "2026Q1", "green")
    add_light(b, "2026Q1", "red")
    add_light(a2, "2026Q1", "not_inspected")
    publisher.publish(LIGHTS, "2026Q1")
    add_light(a1, "2026Q2", "yellow")
    add_light(b, "2026Q2", "green")
    publisher.request(LIGHTS, "2026Q2")
    add_light(a1, "2026Q3", "red")
    add_light(b, "2026Q3", "yellow")
    add_light(a2, "2026Q3", "green")
    return cast

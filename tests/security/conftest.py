"""A city with something behind every kind of page, for the security walks (origins, headers, API fuzzing).

On top of the cast (towns A and B, one user per role): 2026Q3 closed with enterprise A
red (so it has an interview), the 2026 grades computed, their publication requested,
2025's grades and 2026Q1's lights published, a started annual assessment, an import
batch waiting for confirmation and a checklist template copied for 2027. The clock is
frozen on 2026-11-16.
"""

import datetime
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.test import Client

from liangpai.accounts.models import Role
from liangpai.assessments import services as assessments
from liangpai.assessments.models import Assessment
from liangpai.checklists import services as checklists
from liangpai.checklists.models import ChecklistTemplate
from liangpai.grades.models import AnnualGrade
from liangpai.imports import services as imports
from liangpai.imports.models import ImportBatch
from liangpai.interviews.models import WarningInterview
from liangpai.lights.models import QuarterLight
from liangpai.lights.services import record_inspection_result
from liangpai.organisations.models import GroupMember
from liangpai.periods.closing import close_quarter
from liangpai.periods.grading import BASE_GRADE_SOURCES, compute_grades
from liangpai.publication.models import Publication
from liangpai.publication.services import approve_publication, request_publication
from tests.conftest import Cast
from tests.factories import SYSTEM, MembershipFactory, UserFactory, make_credit_code

TODAY = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.UTC)


@dataclass
class World:
    cast: Cast
    interview: WarningInterview
    light: QuarterLight
    publication: Publication
    assessment: Assessment
    batch: ImportBatch  # checked, waiting for confirmation
    applied_batch: ImportBatch
    template: ChecklistTemplate
    member: GroupMember

    def client_for(self, name: str) -> Client:
        return self.cast.client_for(name)


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


def _publish(requester: Any, approver: Any, kind: str, period: str) -> None:
    approve_publication(by=approver, publication=request_publication(by=requester, kind=kind, period=period))


def _import_file() -> bytes:
    """One valid new enterprise in town A, as a CSV file."""
    header = "企业名称,统一社会信用代码,镇(街道),片区,行业,规模,职工人数"
    row = f"新办精密机械有限公司{next(_names)},{make_credit_code()},甲镇,甲一片,34,规上,120"
    return f"{header}\r\n{row}\r\n".encode()


_names = itertools.count(1)


@pytest.fixture
def world(cast: Cast, frozen: None) -> World:
    admin = cast.users["city_admin"]
    second_admin = UserFactory(username="city_admin_2")
    MembershipFactory(user=second_admin, role=Role.CITY_ADMIN)

    for enterprise, grade in [(cast.enterprise_a, "B"), (cast.enterprise_a2, "C"), (cast.enterprise_b, None)]:
        AnnualGrade.objects.create(enterprise=enterprise, year=2025, base_grade=grade, final_grade=grade)
        QuarterLight.objects.create(enterprise=enterprise, quarter="2026Q1", year=2026, number=1, light="green")
    _publish(admin, second_admin, Publication.Kind.ANNUAL_GRADES, "2025")
    _publish(admin, second_admin, Publication.Kind.QUARTER_LIGHTS, "2026Q1")

    record_inspection_result(
        by=SYSTEM, enterprise=cast.enterprise_a, inspected_on=datetime.date(2026, 8, 3), major_hazards=1
    )
    close_quarter(quarter="2026Q3", today=datetime.date(2026, 10, 9))
    compute_grades(year=2026, sources=BASE_GRADE_SOURCES)
    publication = request_publication(by=admin, kind=Publication.Kind.QUARTER_LIGHTS, period="2026Q3")

    applied = imports.create_batch(by=admin, data=_import_file(), filename="新办企业.csv")
    imports.confirm_batch(by=admin, batch=applied)
    return World(
        cast=cast,
        interview=WarningInterview.objects.get(enterprise=cast.enterprise_a),
        light=QuarterLight.objects.get(enterprise=cast.enterprise_a, quarter="2026Q3"),
        publication=publication,
        assessment=assessments.start_assessment(by=cast.users["town_a_union"], enterprise=cast.enterprise_a, year=2026),
        batch=imports.create_batch(by=admin, data=_import_file(), filename="又一批企业.csv"),
        applied_batch=applied,
        template=checklists.copy_template(
            by=admin, template=ChecklistTemplate.objects.get(scale="above", year=2026, version=1), year=2027
        ),
        member=GroupMember.objects.get(group=cast.group_a),
    )

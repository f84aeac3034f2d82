"""Who filled in an assessment's round is data on the assessment (the four-eyes rule of review reads it),
kept by the services and, for assessments that existed before, read once from the audit records."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from liangpai.assessments import services
from liangpai.assessments.workflow import Move

pytestmark = pytest.mark.django_db

migration = importlib.import_module("liangpai.assessments.migrations.0002_round_authors")


def _move(cast, assessment, move, *, by, reason=""):
    assessment.refresh_from_db()
    return services.move(
        by=cast.users[by], assessment=assessment, expected_version=assessment.version, move=move, reason=reason
    )


def _authors(assessment):
    return set(assessment.round_authors.values_list("username", flat=True))


def test_saving_and_submitting_name_the_authors_and_going_back_starts_a_new_round(cast, draft, fill):
    fill(draft, fraction=Decimal("0.9"), by=cast.users["city_admin"])
    _move(cast, draft, Move.SUBMIT, by="town_a_emergency")
    assert _authors(draft) == {cast.users["city_admin"].username, cast.users["town_a_emergency"].username}
    _move(cast, draft, Move.RETURN, by="town_a_union", reason="补充照片")
    assert _authors(draft) == set()
    fill(draft, fraction=Decimal("0.95"))
    assert _authors(draft) == {cast.users["town_a_emergency"].username}


def test_the_migration_reads_the_authors_of_the_current_round_from_the_audit_records(cast, draft, fill):
    fill(draft, fraction=Decimal("0.9"), by=cast.users["city_admin"])
    _move(cast, draft, Move.SUBMIT, by="town_a_emergency")
    _move(cast, draft, Move.RETURN, by="town_a_union", reason="补充照片")
    fill(draft, fraction=Decimal("0.95"), by=cast.users["town_a_union"])
    _move(cast, draft, Move.SUBMIT, by="town_a_emergency")
    expected = _authors(draft)
    draft.round_authors.clear()

    migration.fill_round_authors(apps, None)

    assert _authors(draft) == expected == {cast.users["town_a_union"].username, cast.users["town_a_emergency"].username}

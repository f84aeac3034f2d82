"""This year's annual assessments in the demo's first town, in every state of the workflow.

They are made through the assessment services by the demo users who would make them
(the town emergency office fills and submits, the town union reviews, the city union
publishes), so the demo's records and audit trail look like real work. Nothing is made
when the year has no active template.
"""

import random
from decimal import ROUND_HALF_UP, Decimal
from itertools import islice

from liangpai.accounts.models import User
from liangpai.assessments import services
from liangpai.assessments.models import Assessment
from liangpai.enterprises.models import Enterprise
from liangpai.regions.models import Town

#: How many of the town's enterprises reach each state (the rest are not started).
PLAN = {
    Assessment.Status.PUBLISHED: 8,
    Assessment.Status.REVIEWED: 4,
    Assessment.Status.SUBMITTED: 4,
    Assessment.Status.DRAFT: 4,
}
NOTES = ["台账记录不全，已现场指出", "消防通道有堆物，当场清理", "培训签到表缺少部分班组", "隐患排查记录完整"]
HALF = Decimal("0.5")


def _points(rng: random.Random, maximum: Decimal) -> Decimal:
    """Most items earn most of their points, in half points."""
    share = Decimal(str(rng.choice([1, 1, 1, 0.9, 0.8, 0.75, 0.6, 0.5])))
    return (maximum * share / HALF).to_integral_value(ROUND_HALF_UP) * HALF


#: The workflow moves that bring an assessment to each state, and who makes each.
MOVES = {
    Assessment.Status.DRAFT: (),
    Assessment.Status.SUBMITTED: (("submit", "town_emergency"),),
    Assessment.Status.REVIEWED: (("submit", "town_emergency"), ("review", "town_union")),
    Assessment.Status.PUBLISHED: (("submit", "town_emergency"), ("review", "town_union"), ("publish", "city_admin")),
}


def _answers(rng: random.Random, assessment: Assessment, *, half: bool) -> dict[int, services.Answer]:
    """Every item answered as an assessor would (the first half only for a draft)."""
    rows = list(assessment.answers.select_related("item"))
    if half:
        rows = rows[: len(rows) // 2]
    answers = {}
    for row in rows:
        item = row.item
        note = rng.choice(NOTES) if rng.random() < 0.15 else ""
        if item.is_veto:
            answers[row.pk] = services.Answer(item.max_score, note=note)
        elif rng.random() < 0.05:
            answers[row.pk] = services.Answer(None, not_applicable=True, note="企业无此类作业")
        else:
            answers[row.pk] = services.Answer(_points(rng, item.max_score), note=note)
    return answers


def create_assessments(rng: random.Random, town: Town, year: int, users: dict[str, User]) -> int:
    if any(name not in users for name in ("town_emergency", "town_union", "city_admin")):
        return 0
    assessor, reviewer = users["town_emergency"], users["town_union"]
    candidates = list(Enterprise.objects.filter(town=town, status=Enterprise.Status.ACTIVE).order_by("pk"))
    chosen = iter(rng.sample(candidates, min(len(candidates), sum(PLAN.values()))))
    made = 0
    for status, count in PLAN.items():
        for enterprise in islice(chosen, count):
            if services.active_template(enterprise, year) is None:
                return made
            assessment = services.start_assessment(by=assessor, enterprise=enterprise, year=year)
            header = services.Header(None, f"{assessor.full_name}（应急办）、{reviewer.full_name}（镇总工会）", "")
            answers = _answers(rng, assessment, half=status == Assessment.Status.DRAFT)
            services.save_answers(
                by=assessor,
                assessment=assessment,
                expected_version=assessment.version,
                changes=services.Changes(header, answers),
            )
            for move, who in MOVES[status]:
                assessment.refresh_from_db()
                services.move(by=users[who], assessment=assessment, expected_version=assessment.version, move=move)
            made += 1
    return made

"""This year's annual assessments in the demo's first town, in every state of the workflow.

They are made through the assessment services by the demo users who would make them
(the town emergency office fills and submits, the town union reviews, the city union
publishes), so the demo's records and audit trail look like real work. Nothing is made
when the year has no active template.
"""

import random
from decimal import ROUND_HALF_UP, Decimal

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


def create_assessments(rng: random.Random, town: Town, year: int, users: dict[str, User]) -> int:
    needed = ("town_emergency", "town_union", "city_admin")
    if any(name not in users for name in needed):
        return 0
    assessor, reviewer, publisher = (users[name] for name in needed)
    candidates = list(Enterprise.objects.filter(town=town, status=Enterprise.Status.ACTIVE).order_by("pk"))
    chosen = rng.sample(candidates, min(len(candidates), sum(PLAN.values())))
    made = 0
    position = 0
    for status, count in PLAN.items():
        for enterprise in chosen[position : position + count]:
            if services.active_template(enterprise, year) is None:
                return made
            assessment = services.start_assessment(by=assessor, enterprise=enterprise, year=year)
            answers = {}
            rows = list(assessment.answers.select_related("item"))
            if status == Assessment.Status.DRAFT:
                rows = rows[: len(rows) // 2]
            for row in rows:
                item = row.item
                note = rng.choice(NOTES) if rng.random() < 0.15 else ""
                if item.is_veto:
                    answers[row.pk] = services.Answer(item.max_score, note=note)
                elif rng.random() < 0.05:
                    answers[row.pk] = services.Answer(None, not_applicable=True, note="企业无此类作业")
                else:
                    answers[row.pk] = services.Answer(_points(rng, item.max_score), note=note)
            header = services.Header(None, f"{assessor.full_name}（应急办）、{reviewer.full_name}（镇总工会）", "")
            services.save_answers(
                by=assessor,
                assessment=assessment,
                expected_version=assessment.version,
                changes=services.Changes(header, answers),
            )
            steps = {
                Assessment.Status.DRAFT: [],
                Assessment.Status.SUBMITTED: [("submit", assessor)],
                Assessment.Status.REVIEWED: [("submit", assessor), ("review", reviewer)],
                Assessment.Status.PUBLISHED: [("submit", assessor), ("review", reviewer), ("publish", publisher)],
            }[status]
            for move, who in steps:
                assessment.refresh_from_db()
                services.move(by=who, assessment=assessment, expected_version=assessment.version, move=move)
            made += 1
        position += count
    return made

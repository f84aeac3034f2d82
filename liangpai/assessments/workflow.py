"""The assessment's status moves (SECURITY.md T10): one table, every other move refused.

    draft ──submit──▶ submitted ──review──▶ reviewed ──publish──▶ published
      ▲                   │                     │                     │
      └──────return───────┴─────────return──────┘                     │
      └────────────────────────────reopen─────────────────────────────┘

Returning and reopening need a reason. The reviewer is never the person who submitted
(four eyes on every score), and a published assessment can be reopened only while the
year's grades are not published.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from liangpai.assessments.models import Assessment
from liangpai.core.access import Action
from liangpai.core.transitions import Transition, Workflow

Status = Assessment.Status


class Move(StrEnum):
    SUBMIT = "submit"
    RETURN = "return"
    REVIEW = "review"
    PUBLISH = "publish"
    REOPEN = "reopen"


TRANSITIONS = Workflow(
    Status,
    [
        Transition(
            Status.DRAFT,
            Status.SUBMITTED,
            move=Move.SUBMIT,
            action=Action.ASSESSMENT_FILL,
            label=_("提交审核"),
            done=_("已提交审核。"),
        ),
        Transition(
            Status.SUBMITTED,
            Status.DRAFT,
            move=Move.RETURN,
            action=Action.ASSESSMENT_REVIEW,
            needs_reason=True,
            label=_("退回修改"),
            done=_("已退回修改。"),
        ),
        Transition(
            Status.SUBMITTED,
            Status.REVIEWED,
            move=Move.REVIEW,
            action=Action.ASSESSMENT_REVIEW,
            label=_("审核通过"),
            done=_("已审核通过。"),
        ),
        Transition(
            Status.REVIEWED,
            Status.DRAFT,
            move=Move.RETURN,
            action=Action.ASSESSMENT_REVIEW,
            needs_reason=True,
            label=_("退回修改"),
            done=_("已退回修改。"),
        ),
        Transition(
            Status.REVIEWED,
            Status.PUBLISHED,
            move=Move.PUBLISH,
            action=Action.ASSESSMENT_PUBLISH,
            label=_("发布评估结果"),
            done=_("已发布评估结果。"),
        ),
        Transition(
            Status.PUBLISHED,
            Status.DRAFT,
            move=Move.REOPEN,
            action=Action.ASSESSMENT_REOPEN,
            needs_reason=True,
            label=_("撤回重评"),
            done=_("已撤回，评估回到填报中。"),
        ),
    ],
    refusal=_("这份评估“%(source)s”，不能改为“%(target)s”。"),
)

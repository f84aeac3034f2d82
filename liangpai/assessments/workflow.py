"""The assessment's status moves (SECURITY.md T10): one table, every other move refused.

    draft ──submit──▶ submitted ──review──▶ reviewed ──publish──▶ published
      ▲                   │                     │                     │
      └──────return───────┴─────────return──────┘                     │
      └────────────────────────────reopen─────────────────────────────┘

Returning and reopening need a reason. The reviewer is never the person who submitted
(four eyes on every score), and a published assessment can be reopened only while the
year's grades are not published.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from liangpai.assessments.models import Assessment
from liangpai.core.access import Action

Status = Assessment.Status


class Move(StrEnum):
    SUBMIT = "submit"
    RETURN = "return"
    REVIEW = "review"
    PUBLISH = "publish"
    REOPEN = "reopen"


@dataclass(frozen=True)
class Transition:
    move: Move
    source: str
    target: str
    action: Action  # what the user must be allowed to do on the enterprise
    needs_reason: bool
    label: Promise  # the button
    done: Promise  # the message after it


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        Move.SUBMIT, Status.DRAFT, Status.SUBMITTED, Action.ASSESSMENT_FILL, False, _("提交审核"), _("已提交审核。")
    ),
    Transition(
        Move.RETURN, Status.SUBMITTED, Status.DRAFT, Action.ASSESSMENT_REVIEW, True, _("退回修改"), _("已退回修改。")
    ),
    Transition(
        Move.REVIEW,
        Status.SUBMITTED,
        Status.REVIEWED,
        Action.ASSESSMENT_REVIEW,
        False,
        _("审核通过"),
        _("已审核通过。"),
    ),
    Transition(
        Move.RETURN, Status.REVIEWED, Status.DRAFT, Action.ASSESSMENT_REVIEW, True, _("退回修改"), _("已退回修改。")
    ),
    Transition(
        Move.PUBLISH,
        Status.REVIEWED,
        Status.PUBLISHED,
        Action.ASSESSMENT_PUBLISH,
        False,
        _("发布评估结果"),
        _("已发布评估结果。"),
    ),
    Transition(
        Move.REOPEN,
        Status.PUBLISHED,
        Status.DRAFT,
        Action.ASSESSMENT_REOPEN,
        True,
        _("撤回重评"),
        _("已撤回，评估回到填报中。"),
    ),
)


def transition(source: str, move: str) -> Transition | None:
    """The transition `move` from `source`, or None when the table has none."""
    for candidate in TRANSITIONS:
        if candidate.source == source and candidate.move == move:
            return candidate
    return None


def moves_from(source: str) -> list[Transition]:
    return [candidate for candidate in TRANSITIONS if candidate.source == source]

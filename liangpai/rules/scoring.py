"""Checklist scoring of the annual assessment (rules R-SCORE-1 … R-SCORE-4, MISSION.md R2).

An assessor answers every item of the year's checklist template: a score between 0 and
the item's maximum, or "not applicable" (不适用). The score is normalised to 100 over
the applicable items only, so an enterprise is not punished for items that do not
concern it. Veto items (否决项) are recorded separately: a failed one gives grade D
(R-GRADE-3) whatever the score.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

HUNDRED = Decimal(100)
SCORE_STEP = Decimal("0.1")


@dataclass(frozen=True)
class ItemAnswer:
    """R-SCORE-1: one answered checklist item.

    `awarded` is None only when the item is `not_applicable`. `veto_failed` may be set
    only on a veto item (`is_veto`); a veto item may carry points (max_score > 0) or be
    a pure pass/fail check (max_score 0, as in the default templates), and is never
    not applicable: a legal bottom line applies to every enterprise.
    """

    key: str
    max_score: Decimal
    awarded: Decimal | None
    not_applicable: bool = False
    is_veto: bool = False
    veto_failed: bool = False


@dataclass(frozen=True)
class ScoringProblem:
    """R-SCORE-3: what is wrong with an answer: a stable code, the item key, the values."""

    code: str
    key: str = ""
    params: dict[str, str] = field(default_factory=dict, hash=False)


class ScoringError(ValueError):
    """R-SCORE-3: the checklist cannot be scored; `problems` lists every reason."""

    def __init__(self, problems: Sequence[ScoringProblem]) -> None:
        super().__init__(", ".join(f"{p.code}({p.key})" if p.key else p.code for p in problems))
        self.problems = tuple(problems)
        self.code = self.problems[0].code if self.problems else "invalid"


@dataclass(frozen=True)
class ChecklistScore:
    """R-SCORE-1: the outcome of a checklist.

    `score` is the normalised score (0.0–100.0, one decimal), or None when no item was
    applicable — the enterprise is then ungraded (R-GRADE-2). `awarded_total` and
    `applicable_max` are the raw sums the score was computed from.
    """

    score: Decimal | None
    awarded_total: Decimal
    applicable_max: Decimal
    failed_vetoes: tuple[str, ...] = ()
    not_applicable: tuple[str, ...] = ()

    @property
    def is_scored(self) -> bool:
        """R-SCORE-2: False when nothing was applicable (the enterprise stays ungraded)."""
        return self.score is not None


def _is_number(value: object) -> bool:
    return isinstance(value, Decimal) and value.is_finite()


def _problems_of(answer: ItemAnswer) -> list[ScoringProblem]:
    key = answer.key
    if not _is_number(answer.max_score):
        return [ScoringProblem("not_a_number", key, {"field": "max_score", "value": str(answer.max_score)})]
    if answer.max_score < 0:
        return [ScoringProblem("negative_max", key, {"max": str(answer.max_score)})]
    problems = []
    if answer.veto_failed and not answer.is_veto:
        problems.append(ScoringProblem("not_a_veto_item", key))
    if answer.not_applicable:
        if answer.awarded is not None:
            problems.append(ScoringProblem("scored_but_not_applicable", key, {"awarded": str(answer.awarded)}))
        if answer.is_veto:
            problems.append(ScoringProblem("veto_not_applicable", key))
        return problems
    if answer.awarded is None:
        problems.append(ScoringProblem("missing", key))
    elif not _is_number(answer.awarded):
        problems.append(ScoringProblem("not_a_number", key, {"field": "awarded", "value": str(answer.awarded)}))
    elif answer.awarded < 0:
        problems.append(ScoringProblem("negative", key, {"awarded": str(answer.awarded)}))
    elif answer.awarded > answer.max_score:
        problems.append(
            ScoringProblem("above_max", key, {"awarded": str(answer.awarded), "max": str(answer.max_score)})
        )
    return problems


def check_answers(answers: Sequence[ItemAnswer]) -> tuple[ScoringProblem, ...]:
    """R-SCORE-3: every problem with the answers, in item order; empty when they can be scored.

    Codes: "empty" (no items at all), "duplicate_item", "missing" (neither a score nor
    not applicable), "not_a_number" (NaN, infinity or not a Decimal), "negative",
    "above_max", "negative_max", "scored_but_not_applicable", "not_a_veto_item",
    "veto_not_applicable".
    """
    if not answers:
        return (ScoringProblem("empty"),)
    problems: list[ScoringProblem] = []
    seen: set[str] = set()
    for answer in answers:
        if answer.key in seen:
            problems.append(ScoringProblem("duplicate_item", answer.key))
        seen.add(answer.key)
        problems.extend(_problems_of(answer))
    return tuple(problems)


def normalise(awarded_total: Decimal, applicable_max: Decimal) -> Decimal:
    """R-SCORE-1: awarded / max × 100, rounded half up to one decimal (89.95 → 90.0)."""
    with localcontext() as context:
        context.prec = 34
        return (awarded_total * HUNDRED / applicable_max).quantize(SCORE_STEP, rounding=ROUND_HALF_UP)


def score_checklist(answers: Sequence[ItemAnswer]) -> ChecklistScore:
    """R-SCORE-1 … R-SCORE-4: the normalised score of a fully answered checklist.

    Not-applicable items leave both sums (R-SCORE-2); when nothing applicable is left
    (every item not applicable, or only applicable items worth 0 points) the score is
    None: ungraded. Failed veto items are listed in `failed_vetoes` (R-SCORE-4). Raises
    ScoringError, listing every problem, when `check_answers` finds any.
    """
    problems = check_answers(answers)
    if problems:
        raise ScoringError(problems)
    applicable = [a for a in answers if not a.not_applicable]
    awarded_total = sum((a.awarded for a in applicable if a.awarded is not None), Decimal(0))
    applicable_max = sum((a.max_score for a in applicable), Decimal(0))
    return ChecklistScore(
        score=normalise(awarded_total, applicable_max) if applicable_max > 0 else None,
        awarded_total=awarded_total,
        applicable_max=applicable_max,
        failed_vetoes=tuple(a.key for a in answers if a.veto_failed),
        not_applicable=tuple(a.key for a in answers if a.not_applicable),
    )

"""Status workflows (SECURITY.md T10): one table of allowed moves per state machine, every other move refused.

A workflow is its list of `Transition`s. Read as a mapping it answers "from this status,
which statuses may follow?"; `check(current, target)` raises `TransitionError` with the
workflow's own wording for any move the table does not have. A workflow whose moves
have names (an assessment is *submitted*, *returned*, …) finds them with `find`, and a
transition may carry what its button needs (label, whether a reason is required, the
action the actor must be allowed).
"""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import TextChoices
from django.utils.functional import Promise

from liangpai.core.access import Action, Scoped, can
from liangpai.core.errors import TransitionError


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    #: The move's name, when the workflow names its moves (an assessment's "submit").
    move: str = ""
    #: What the actor must be allowed to do on the object's enterprise (None: the service decides).
    action: Action | None = None
    needs_reason: bool = False
    label: str | Promise = ""  # the button
    done: str | Promise = ""  # the message after it

    def allows(self, actor: Any, obj: Scoped) -> bool:
        """Whether `actor` may make this move on `obj` (always, when the transition names no action)."""
        return self.action is None or can(actor, self.action, obj)


class Workflow(Mapping[str, frozenset[str]]):
    """The allowed moves of one state machine over the statuses of `statuses`.

    `refusal` words a refused move; it is formatted with the labels of `source` and `target`.
    """

    def __init__(self, statuses: type[TextChoices], transitions: Iterable[Transition], *, refusal: str | Promise):
        self.statuses = statuses
        self.transitions = tuple(transitions)
        self.refusal = refusal
        unknown = {s for t in self.transitions for s in (t.source, t.target)} - set(statuses.values)
        if unknown:
            raise ValueError(f"statuses not in {statuses.__name__}: {sorted(unknown)}")
        self._targets = {
            status: frozenset(t.target for t in self.transitions if t.source == status) for status in statuses.values
        }

    def __getitem__(self, status: str) -> frozenset[str]:
        return self._targets[status]

    def __iter__(self) -> Iterator[str]:
        return iter(self._targets)

    def __len__(self) -> int:
        return len(self._targets)

    def moves_from(self, status: str) -> list[Transition]:
        return [t for t in self.transitions if t.source == status]

    def find(self, status: str, move: str) -> Transition | None:
        """The transition named `move` from `status`, or None when the table has none."""
        return next((t for t in self.transitions if t.source == status and t.move == move), None)

    def check(self, current: str, target: str, **names: Any) -> Transition:
        """The transition `current` → `target`; TransitionError when the table does not allow it, in the
        workflow's words with the two statuses' labels (and `names`, when its wording names more)."""
        found = next((t for t in self.transitions if t.source == current and t.target == target), None)
        if found is None:
            raise TransitionError(
                str(self.refusal)
                % {"source": self.statuses(current).label, "target": self.statuses(target).label, **names}
            )
        return found

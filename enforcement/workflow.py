"""The shared core of every lifecycle kept as data (a case's stages, a whistle assignment's statuses, an
inspection task's statuses): a transition, the two refusals, and one `check_transition(current, action)`.

Each app's `workflow.py` lists its transitions (a subclass of `Transition` with what else it needs: who acts,
whether the step is dangerous) and builds one `Workflow` from them, with the sentence that refuses an action
in its own words. Its services call `check_transition(current, action)` before they move anything, and raise
`StaleObject` when a version or a conditional update shows that someone else moved the object first. Both
refusals are 409 in the API (enforcement/api/exceptions.py) and a warning on the page
(enforcement/refusals.py). No ORM here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar


class InvalidTransition(Exception):
    """The action is not possible from the object's current state. The message, in the user's language, says
    why."""


class StaleObject(Exception):
    """Someone else moved the object first (a version or a conditional update lost): nothing was changed."""


A = TypeVar("A", bound=str)
S = TypeVar("S", bound=str)


@dataclass(frozen=True)
class Transition(Generic[A, S]):
    """One action: the states it leaves from and the state it leads to (None: the object stays where it is,
    the action only records something)."""

    action: A
    sources: frozenset[S]
    target: S | None

    def leaves(self, current: str) -> bool:
        return current in self.sources


T = TypeVar("T", bound="Transition[Any, Any]")

# (action, current state) -> the sentence refusing it; the action may be one the table does not know.
Refusal = Callable[[str, str], str]


class Workflow(Generic[T]):
    """A lifecycle's transitions by action, and how it refuses one."""

    def __init__(self, transitions: Iterable[T], *, refuse: Refusal) -> None:
        self.transitions: dict[str, T] = {str(t.action): t for t in transitions}
        self.refuse = refuse

    def get(self, action: str) -> T | None:
        return self.transitions.get(str(action))

    def allowed(self, current: str, action: str) -> bool:
        transition = self.get(action)
        return transition is not None and transition.leaves(current)

    def check_transition(self, current: str, action: str) -> T:
        """The transition for `action` from `current`, or InvalidTransition saying why not."""
        transition = self.get(action)
        if transition is None or not transition.leaves(current):
            raise InvalidTransition(self.refuse(str(action), str(current)))
        return transition

    def actions_from(self, current: str) -> list[T]:
        """The actions that leave `current`, in table order."""
        return [t for t in self.transitions.values() if t.leaves(current)]

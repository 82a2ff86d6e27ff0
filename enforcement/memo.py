"""Answers remembered for the length of a bulk job that changes none of what they read.

The demo build replays hundreds of cases and whistles through the services, and each step asks again what the
steps before it asked: the district's case policy, an item's grants to a town, an officer's certificates and
postings, the benchmarks of an item, whether the catalog changed since the matcher was compiled. Inside
`stable_reference_data()` the reads marked `@remembered` answer each distinct question once; outside it (every
request, every task, every test that does not open it) they read the database every time, as before.

Only reads of reference data are marked (organisation, certificates, secondments, the catalog and its grants,
policies, benchmarks, matching rules), and only a job that writes none of that may open the scope: the demo's
replays write cases, subjects, complaints, evidence, documents, whistles and notifications. A remembered
answer is shared between its callers, who only read it.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar, cast

from django.utils import translation

P = ParamSpec("P")
R = TypeVar("R")


class AnswerScope:
    """Answers kept for the length of a `with scope.open():` block, each distinct question computed once;
    outside a block `ask` computes every time. The scope is per context (thread or task), so concurrent
    requests never share answers."""

    def __init__(self, name: str) -> None:
        self._answers: contextvars.ContextVar[dict[Hashable, object] | None] = contextvars.ContextVar(
            name, default=None
        )

    @contextmanager
    def open(self) -> Iterator[None]:
        token = self._answers.set({})
        try:
            yield
        finally:
            self._answers.reset(token)

    def ask(self, question: Hashable, compute: Callable[[], R]) -> R:
        answers = self._answers.get()
        if answers is None:
            return compute()
        if question not in answers:
            answers[question] = compute()
        return cast(R, answers[question])


_reference = AnswerScope("zhifa_remembered")


def stable_reference_data() -> contextlib.AbstractContextManager[None]:
    """Within the block, remembered reads answer each question once (the caller promises not to change the
    data)."""
    return _reference.open()


def remembered(key: Callable[P, Hashable]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Mark a read of reference data: inside `stable_reference_data()` its answer for `key(*args, **kwargs)`
    (and the active language, which its messages may be in) is computed once."""

    def decorate(read: Callable[P, R]) -> Callable[P, R]:
        name = f"{read.__module__}.{read.__qualname__}"

        @functools.wraps(read)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            question = (name, translation.get_language(), key(*args, **kwargs))
            return _reference.ask(question, lambda: read(*args, **kwargs))

        return wrapper

    return decorate

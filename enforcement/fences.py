"""Registry of electronic-fence rules (电子围栏). Feature apps register the rules they add; the core stores
and shows the warnings they raise (`services.fence_warning_raise`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from .models import FenceWarning


@dataclass(frozen=True)
class FenceRule:
    """A rule's definition. `params` are the defaults a district may override with a `FenceRuleSetting`
    (windows, thresholds, exemptions) from a date; `severity` is one of FenceWarning.Severity's values;
    `article` names the legal basis shown when the rule blocks."""

    code: str
    label: str | Promise
    description: str | Promise = ""
    severity: str = "warning"
    params: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    article: str | Promise = ""


_RULES: dict[str, FenceRule] = {}


def register_fence_rule(rule: FenceRule) -> FenceRule:
    existing = _RULES.get(rule.code)
    if existing is not None and existing != rule:
        raise ValueError(f"fence rule {rule.code!r} registered twice with different definitions")
    _RULES[rule.code] = rule
    return rule


def fence_rules() -> list[FenceRule]:
    return sorted(_RULES.values(), key=lambda r: r.code)


def fence_rule(code: str) -> FenceRule | None:
    return _RULES.get(code)


# What happened to warnings, for the apps above that act on it (notifications to supervisors, the district
# office and the city). Listeners run inside the transaction that raised or escalated the warnings, so what
# they write commits or rolls back with it: a warning raised once (unique key) or escalated once
# (conditional update) notifies once.
RAISED = "raised"
ESCALATED_DISTRICT = "escalated_district"
ESCALATED_CITY = "escalated_city"

WarningListener = Callable[[str, Sequence["FenceWarning"]], None]
_LISTENERS: dict[str, WarningListener] = {}


def register_warning_listener(key: str, listener: WarningListener) -> None:
    _LISTENERS[key] = listener


def warnings_event(event: str, warnings: Sequence[FenceWarning]) -> None:
    if not warnings:
        return
    for listener in list(_LISTENERS.values()):
        listener(event, warnings)


# Labels for the facts a rule puts in a warning's `details` ("fine" → "Proposed fine"), so the desk shows them
# as labelled facts in the reader's language. Each app registers the keys its rules write.
_FACT_LABELS: dict[str, str | Promise] = {}


def register_fact_labels(labels: Mapping[str, str | Promise]) -> None:
    _FACT_LABELS.update(labels)


def fact_label(key: str) -> str | Promise | None:
    return _FACT_LABELS.get(key)

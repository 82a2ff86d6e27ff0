"""Registry of electronic-fence rules (电子围栏). Feature apps register the rules they add; the core stores
and shows the warnings they raise (`services.fence_warning_raise`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


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

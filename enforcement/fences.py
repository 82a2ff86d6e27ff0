"""Electronic fences (电子围栏): the rule registry, the district's parameters in force on a date, and the
synchronous evaluation before an action.

Feature apps register their rules (`register_fence_rule`) and, per action (`"cases.notice"`,
`"cases.decision"`, ...), the checks that look at what the person is about to do
(`register_fence_check`). A check returns `Finding`s; `evaluate(action, context)` runs every check of the
action and gives each finding the severity and article in force for the district on the date (a disabled
rule says nothing). `fence_gate` then refuses (a block), asks for the reason (a warning without one) or lets
the action go on; the service records what passed (`enforcement.services.fence_findings_record`) and, after
a refusal, the block rows (supervisors see attempts).

The same checks run in the worker after a change commits (`register_after_change` /
`evaluate_after_change`): rules that need more than the form sees.

Nothing here writes; the core imports no feature app.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

PROMPT, WARNING, BLOCK = "prompt", "warning", "block"
SEVERITIES = (PROMPT, WARNING, BLOCK)
SEVERITY_RANK = {PROMPT: 0, WARNING: 1, BLOCK: 2}

if TYPE_CHECKING:
    from .models import FenceWarning


@dataclass(frozen=True)
class FenceRule:
    """A rule's definition. `params` are the defaults a district may override with a `FenceRuleSetting`
    (windows, thresholds, exemptions) from a date; `severity` is one of FenceWarning.Severity's values;
    `article` names the legal basis shown when the rule blocks. A `locked` rule is the law itself (a hard
    gate): a district may tune its parameters but neither switch it off nor lower its severity."""

    code: str
    label: str | Promise
    description: str | Promise = ""
    severity: str = "warning"
    params: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    article: str | Promise = ""
    locked: bool = False
    # What each parameter means, for the settings page ("days between visits"); the code name otherwise.
    param_labels: Mapping[str, str | Promise] = field(default_factory=dict, hash=False, compare=False)

    def param_label(self, name: str) -> str:
        return str(self.param_labels.get(name, name))

    def param_items(self) -> list[tuple[str, str, Any]]:
        return [(name, self.param_label(name), value) for name, value in self.params.items()]


_RULES: dict[str, FenceRule] = {}


def register_fence_rule(rule: FenceRule) -> FenceRule:
    existing = _RULES.get(rule.code)
    if existing is not None and existing != rule:
        raise ValueError(f"fence rule {rule.code!r} registered twice with different definitions")
    if rule.severity not in SEVERITIES:
        raise ValueError(f"fence rule {rule.code!r}: unknown severity {rule.severity!r}")
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

# The language a warning raised before an action was written in (its details key; the desk labels a message
# read in another language).
WRITTEN_IN_KEY = "written_in"

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


# How a fact's coded value reads ("normal" → "一般", "fine" → "罚款"): the app that writes the code registers
# its reader; a value without one is shown as written.
_FACT_VALUES: dict[str, Callable[[str], str]] = {}


def register_fact_values(readers: Mapping[str, Callable[[str], str]]) -> None:
    _FACT_VALUES.update(readers)


def fact_value(key: str, value: str) -> str | None:
    reader = _FACT_VALUES.get(key)
    return reader(value) if reader is not None else None


# ------------------------------------------------------------------------------------------------------------
# The district's parameters in force on a date


@dataclass(frozen=True)
class RuleConfig:
    """A rule as it applies in one district on one date: its defaults overlaid by the setting in force."""

    rule: FenceRule
    enabled: bool
    severity: str
    params: dict[str, Any]
    setting_id: int | None = None
    effective_from: dt.date | None = None


def settings_in_force(district_id: int | None, on: dt.date) -> dict[str, Any]:
    """The district's `FenceRuleSetting` in force on `on` for every rule that has one, in one query."""
    from .models import FenceRuleSetting

    if district_id is None:
        return {}
    rows = FenceRuleSetting.objects.filter(district_id=district_id, effective_from__lte=on).order_by(
        "rule", "-effective_from"
    )
    in_force: dict[str, Any] = {}
    for row in rows:
        in_force.setdefault(row.rule, row)
    return in_force


def rule_config(
    rule: FenceRule | str, district_id: int | None, on: dt.date, *, in_force: Mapping[str, Any] | None = None
) -> RuleConfig:
    """The rule's defaults overlaid by the district's `FenceRuleSetting` in force on `on` (the latest row not
    after it; `in_force`: the rows of `settings_in_force`, when already read). A locked rule stays on and
    never drops below its own severity."""
    from .models import FenceRuleSetting

    definition = rule if isinstance(rule, FenceRule) else _RULES[rule]
    params = dict(definition.params)
    setting = None
    if in_force is not None:
        setting = in_force.get(definition.code)
    elif district_id is not None:
        setting = (
            FenceRuleSetting.objects.filter(
                district_id=district_id, rule=definition.code, effective_from__lte=on
            )
            .order_by("-effective_from")
            .first()
        )
    if setting is None:
        return RuleConfig(definition, True, definition.severity, params)
    params.update({k: v for k, v in (setting.params or {}).items() if k in definition.params})
    severity = setting.severity or definition.severity
    enabled = setting.enabled
    if definition.locked:
        enabled = True
        if SEVERITY_RANK[severity] < SEVERITY_RANK[definition.severity]:
            severity = definition.severity
    return RuleConfig(definition, enabled, severity, params, setting.pk, setting.effective_from)


def rule_params(rule: FenceRule | str, district_id: int | None, on: dt.date) -> dict[str, Any]:
    """The parameters of `rule` in `district_id` on `on`: the defaults overlaid by the setting in force."""
    return rule_config(rule, district_id, on).params


def validate_params(rule: FenceRule, params: Mapping[str, Any]) -> dict[str, Any]:
    """Check a district's parameters against the rule's defaults: only known names, each of the default's
    type (a number for a number, a whole number for a whole number, a list for a list); numbers not negative.
    Raises ValidationError by parameter name; returns the parameters coerced."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for name, value in params.items():
        if name not in rule.params:
            errors.setdefault("params", []).append(
                _("“%(name)s” is not a parameter of this rule.") % {"name": name}
            )
            continue
        default = rule.params[name]
        try:
            out[name] = param_coerce(default, value)
        except (TypeError, ValueError, OverflowError):
            errors.setdefault("params", []).append(
                _("“%(name)s” must be %(kind)s.") % {"name": name, "kind": _kind_text(default)}
            )
    if errors:
        raise ValidationError(errors)
    return out


def _kind_text(default: Any) -> str:
    if isinstance(default, bool):
        return _("true or false")
    if isinstance(default, int):
        return _("a whole number, zero or more")
    if isinstance(default, float):
        return _("a number, zero or more")
    if isinstance(default, list | tuple):
        return _("a list")
    return _("text")


def param_coerce(default: Any, value: Any) -> Any:
    """`value` in the type of the rule's `default` ("60" for a whole number is 60); raises TypeError,
    ValueError or OverflowError where it is not of that type or is negative. What a district may set
    (`validate_params`) and what a sweep reads (`param_or_default`) both go through here."""
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        if str(value).lower() in {"true", "1", "yes"}:
            return True
        if str(value).lower() in {"false", "0", "no"}:
            return False
        raise ValueError(value)
    if isinstance(default, int):
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError(value)
        number = int(str(value).strip()) if isinstance(value, str) else int(value)
        if number < 0:
            raise ValueError(value)
        return number
    if isinstance(default, float):
        if isinstance(value, bool):
            raise ValueError(value)
        number_f = float(value)
        if number_f < 0 or number_f != number_f:
            raise ValueError(value)
        return number_f
    if isinstance(default, list | tuple):
        if not isinstance(value, list | tuple):
            raise TypeError(value)
        return list(value)
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def param_or_default(default: Any, value: Any) -> Any:
    """`param_coerce`, with the default where the value is not of its type (a setting stored before it was
    checked, or by hand): a bad setting never breaks a run."""
    try:
        return param_coerce(default, value)
    except (TypeError, ValueError, OverflowError):
        return default


# ------------------------------------------------------------------------------------------------------------
# Findings and the synchronous evaluation


@dataclass(frozen=True)
class Finding:
    """What one rule saw about one proposed action. `severity` and `article` are filled by `evaluate` from
    the rule and the district's setting; `facts` are the figures that triggered it (JSON-safe); `links` are
    suggestions as (label, url), e.g. whistle a department for an item the town does not hold."""

    rule: str
    message: str
    facts: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    severity: str = ""
    article: str = ""
    links: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        rule = _RULES.get(self.rule)
        return str(rule.label) if rule else self.rule

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "rule_label": self.label,
            "severity": self.severity,
            "message": self.message,
            "article": self.article,
            "facts": dict(self.facts),
            "links": [{"label": label, "url": url} for label, url in self.links],
        }

    def digest(self) -> str:
        """A short fingerprint of the facts: the same attempt on the same facts is one warning row."""
        text = json.dumps(dict(self.facts), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


class FenceContext:
    """What an action's checks see: the district and date (for the parameters in force) and the action's own
    data (`context["case"]`, `context["fine"]`, ...). Caches the rule settings for the evaluation."""

    def __init__(self, *, district_id: int | None, on: dt.date, data: Mapping[str, Any]) -> None:
        self.district_id = district_id
        self.on = on
        self.data = dict(data)
        self._configs: dict[str, RuleConfig] = {}
        self._in_force: dict[str, Any] | None = None

    def __getitem__(self, name: str) -> Any:
        return self.data[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)

    def config(self, code: str) -> RuleConfig:
        if code not in self._configs:
            if self._in_force is None:
                self._in_force = settings_in_force(self.district_id, self.on)
            self._configs[code] = rule_config(code, self.district_id, self.on, in_force=self._in_force)
        return self._configs[code]

    def params(self, code: str) -> dict[str, Any]:
        return self.config(code).params

    def enabled(self, code: str) -> bool:
        return self.config(code).enabled


FenceCheck = Callable[[FenceContext], Iterable[Finding]]
_CHECKS: dict[str, list[FenceCheck]] = {}


def register_fence_check(action: str, check: FenceCheck) -> FenceCheck:
    """Register `check` to run before `action`. Idempotent (an app's ready() may run twice in tests)."""
    checks = _CHECKS.setdefault(action, [])
    if check not in checks:
        checks.append(check)
    return check


def fence_actions() -> list[str]:
    return sorted(_CHECKS)


def evaluate(action: str, context: FenceContext) -> list[Finding]:
    """Run every check registered for `action`; each finding gets the severity and article in force (a rule
    the district switched off says nothing). Blocks first, then warnings, then prompts."""
    found: list[Finding] = []
    for check in _CHECKS.get(action, ()):
        for finding in check(context):
            if finding.rule not in _RULES:
                raise ValueError(f"fence check for {action!r} returned an unregistered rule {finding.rule!r}")
            config = context.config(finding.rule)
            if not config.enabled:
                continue
            found.append(
                Finding(
                    rule=finding.rule,
                    message=finding.message,
                    facts=finding.facts,
                    severity=config.severity,
                    article=finding.article or str(config.rule.article),
                    links=finding.links,
                )
            )
    found.sort(key=lambda f: -SEVERITY_RANK[f.severity])
    return found


# ------------------------------------------------------------------------------------------------------------
# The gate: refuse, ask for the reason, or let it pass


class FenceRefusal(ValidationError):
    """A fence refused the action: a block (`blocked`), or a warning that needs the reason in
    `reason_field`. A ValidationError, so pages show it as form errors and the API as a 400, with the
    structured findings (`fences`) beside the messages."""

    def __init__(
        self,
        message: Any,
        *,
        findings: Iterable[Finding],
        reason_field: str = "",
        blocked: bool = False,
    ) -> None:
        super().__init__(message, code="fence")
        self.findings = list(findings)
        self.reason_field = reason_field
        self.blocked = blocked

    def fences(self) -> list[dict[str, Any]]:
        return [f.as_dict() for f in self.findings]


def block_text(finding: Finding) -> str:
    if finding.article:
        return _("%(message)s [%(rule)s, %(article)s]") % {
            "message": finding.message,
            "rule": finding.label,
            "article": finding.article,
        }
    return _("%(message)s [%(rule)s]") % {"message": finding.message, "rule": finding.label}


def fence_gate(
    findings: Iterable[Finding], *, reason: str, reason_field: str, problems: Iterable[str] = ()
) -> list[Finding]:
    """Decide on the findings of an action. A block (or any other `problems` of the action) refuses
    everything at once; warnings without a `reason` refuse with the reason field to fill; otherwise returns
    the findings to record (warnings with the reason, prompts)."""
    findings = list(findings)
    problems = list(problems)
    blocks = [f for f in findings if f.severity == BLOCK]
    if blocks or problems:
        raise FenceRefusal(
            [*problems, *(block_text(f) for f in blocks)], findings=blocks, blocked=bool(blocks)
        )
    warnings = [f for f in findings if f.severity == WARNING]
    if warnings and not reason.strip():
        messages = [f.message for f in warnings]
        if reason_field:
            raise FenceRefusal({reason_field: messages}, findings=warnings, reason_field=reason_field)
        raise FenceRefusal(messages, findings=warnings)
    return findings


# ------------------------------------------------------------------------------------------------------------
# After a change commits: the worker's evaluation

AfterChange = Callable[[str, str], None]
_AFTER: dict[str, list[AfterChange]] = {}


def register_after_change(object_type: str, evaluator: AfterChange) -> None:
    """`evaluator(action, object_id)` runs in the worker after a change of an `object_type` commits (queued
    through the outbox): it loads the object, runs the rules that need more than the form saw and raises
    their warnings (once per rule and key: a retry changes nothing). Several apps may register for a type."""
    evaluators = _AFTER.setdefault(object_type, [])
    if evaluator not in evaluators:
        evaluators.append(evaluator)


def evaluate_after_change(action: str, object_type: str, object_id: str) -> None:
    evaluators = _AFTER.get(object_type)
    if not evaluators:
        log.warning("no fence evaluation registered for %s", object_type)
        return
    for evaluator in evaluators:
        evaluator(action, object_id)

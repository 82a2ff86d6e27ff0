"""Structured conditions of a tier or list row, in a small text form that people write and CSV files carry.

    area_m2 > 10; corrected_after_order = no; repeat_12m

One condition per `;` (full-width `；` too): `<fact> <op> <value>` with op one of `< <= > >= = !=` (also `≤ ≥
＞ ＜＝`), or a bare circumstance code meaning "this circumstance is present". Stored as a list of
`{"fact", "op", "value"}` dicts; `op` is one of lt le gt ge eq ne has. A tier says whether all conditions must
hold or any one of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .vocabulary import FACT_MAP, FactKind, FactorSpec

OPS = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "=": "eq", "==": "eq", "!=": "ne"}
OP_TEXT = {"lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "=", "ne": "!="}
_NORMALISE = str.maketrans({"≤": "<=", "≥": ">=", "＜": "<", "＞": ">", "＝": "=", "；": ";", "！": "!"})
_CONDITION = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|==|!=|<|>|=)?\s*(.*?)\s*$")
TRUE_WORDS = {"yes", "true", "1", "是", "y"}
FALSE_WORDS = {"no", "false", "0", "否", "n"}

Value = Decimal | bool | str | None


class ConditionError(ValueError):
    pass


@dataclass(frozen=True)
class Condition:
    fact: str
    op: str
    value: Value = None

    def as_dict(self) -> dict[str, Any]:
        value: Any = str(self.value) if isinstance(self.value, Decimal) else self.value
        return {"fact": self.fact, "op": self.op, "value": value}

    def text(self) -> str:
        if self.op == "has":
            return self.fact
        if isinstance(self.value, bool):
            shown = "yes" if self.value else "no"
        else:
            shown = str(self.value)
        return f"{self.fact} {OP_TEXT[self.op]} {shown}"


def _value_for(fact: str, raw: str, position: int) -> Value:
    spec = FACT_MAP[fact]
    word = raw.strip().lower()
    if not word:
        raise ConditionError(_("Condition %(n)s: give a value for %(fact)s.") % {"n": position, "fact": fact})
    if spec.kind == FactKind.NUMBER:
        try:
            number = Decimal(word)
        except InvalidOperation:
            raise ConditionError(
                _("Condition %(n)s: %(fact)s is a number, not %(value)r.")
                % {"n": position, "fact": fact, "value": raw}
            ) from None
        if not number.is_finite():
            raise ConditionError(
                _("Condition %(n)s: %(value)r is not a number.") % {"n": position, "value": raw}
            )
        return number
    if spec.kind == FactKind.BOOL:
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ConditionError(
            _("Condition %(n)s: %(fact)s is yes or no, not %(value)r.")
            % {"n": position, "fact": fact, "value": raw}
        )
    allowed = [code for code, _label in spec.choices]
    if word not in allowed:
        raise ConditionError(
            _("Condition %(n)s: %(fact)s is one of %(allowed)s, not %(value)r.")
            % {"n": position, "fact": fact, "allowed": ", ".join(allowed), "value": raw}
        )
    return word


def parse_conditions(text: str, factors: Mapping[str, FactorSpec]) -> list[Condition]:
    """Parse the text form; raises ConditionError naming the first bad condition and what would be right."""
    conditions: list[Condition] = []
    parts = [p for p in (text or "").translate(_NORMALISE).split(";") if p.strip()]
    for position, part in enumerate(parts, start=1):
        match = _CONDITION.match(part)
        if not match:
            raise ConditionError(
                _("Condition %(n)s (%(text)r) is not of the form 'fact > number' or a circumstance code.")
                % {"n": position, "text": part.strip()}
            )
        key, op_text, rest = match.group(1), match.group(2), match.group(3)
        if op_text is None:
            if rest:
                raise ConditionError(
                    _("Condition %(n)s (%(text)r): missing comparison such as >, <= or =.")
                    % {"n": position, "text": part.strip()}
                )
            if key in factors:
                conditions.append(Condition(key, "has"))
                continue
            if key in FACT_MAP and FACT_MAP[key].kind == FactKind.BOOL:
                conditions.append(Condition(key, "eq", True))
                continue
            raise ConditionError(
                _("Condition %(n)s: %(key)r is neither a known fact nor a known circumstance.")
                % {"n": position, "key": key}
            )
        if key not in FACT_MAP:
            hint = _(" (it is a circumstance: write it alone)") if key in factors else ""
            raise ConditionError(
                _("Condition %(n)s: unknown fact %(key)r%(hint)s. Known facts: %(known)s.")
                % {"n": position, "key": key, "hint": hint, "known": ", ".join(sorted(FACT_MAP))}
            )
        op = OPS[op_text]
        spec = FACT_MAP[key]
        if spec.kind == FactKind.BOOL and op not in ("eq", "ne"):
            raise ConditionError(
                _("Condition %(n)s: %(fact)s is yes or no; compare it with = or !=.")
                % {"n": position, "fact": key}
            )
        conditions.append(Condition(key, op, _value_for(key, rest, position)))
    return conditions


def format_conditions(conditions: Iterable[Condition]) -> str:
    return "; ".join(c.text() for c in conditions)


def conditions_from_json(data: Any) -> list[Condition]:
    """Stored dicts back to conditions. Tolerates nothing unexpected: raises ConditionError."""
    result: list[Condition] = []
    if not data:
        return result
    if not isinstance(data, list):
        raise ConditionError(_("Conditions must be a list."))
    for position, row in enumerate(data, start=1):
        if not isinstance(row, dict) or "fact" not in row or "op" not in row:
            raise ConditionError(_("Condition %(n)s is not a {fact, op, value} object.") % {"n": position})
        fact, op, value = str(row["fact"]), str(row["op"]), row.get("value")
        if op == "has":
            result.append(Condition(fact, "has"))
            continue
        if op not in OP_TEXT:
            raise ConditionError(_("Condition %(n)s: unknown operator %(op)r.") % {"n": position, "op": op})
        if fact not in FACT_MAP:
            raise ConditionError(_("Condition %(n)s: unknown fact %(key)r.") % {"n": position, "key": fact})
        spec = FACT_MAP[fact]
        if spec.kind == FactKind.NUMBER:
            try:
                value = Decimal(str(value))
            except InvalidOperation:
                raise ConditionError(
                    _("Condition %(n)s: %(value)r is not a number.") % {"n": position, "value": value}
                ) from None
        elif spec.kind == FactKind.BOOL:
            if isinstance(value, str):
                value = value.strip().lower() in TRUE_WORDS
            value = bool(value)
        else:
            value = str(value)
        result.append(Condition(fact, op, value))
    return result


def _choice_rank(fact: str, value: Any) -> int | None:
    codes = [code for code, _label in FACT_MAP[fact].choices]
    return codes.index(value) if value in codes else None


def evaluate(condition: Condition, values: Mapping[str, Value], factors: frozenset[str]) -> bool | None:
    """True or False; None when the fact it tests was not given."""
    if condition.op == "has":
        return condition.fact in factors
    if condition.fact not in values or values[condition.fact] is None:
        return None
    actual = values[condition.fact]
    expected = condition.value
    spec = FACT_MAP[condition.fact]
    left: Any
    right: Any
    if spec.kind == FactKind.CHOICE:
        left, right = _choice_rank(condition.fact, actual), _choice_rank(condition.fact, expected)
        if left is None or right is None:
            return None
    elif spec.kind == FactKind.NUMBER:
        try:
            left, right = Decimal(str(actual)), Decimal(str(expected))
        except InvalidOperation:
            return None
    else:
        left, right = bool(actual), bool(expected)
    return {
        "lt": left < right,
        "le": left <= right,
        "gt": left > right,
        "ge": left >= right,
        "eq": left == right,
        "ne": left != right,
    }[condition.op]


def holds(
    conditions: Iterable[Condition], match: str, values: Mapping[str, Value], factors: frozenset[str]
) -> tuple[bool, list[str]]:
    """Whether the conditions hold (all, or any one); and the facts that were missing for a decision."""
    conditions = list(conditions)
    if not conditions:
        return False, []
    results = [(c, evaluate(c, values, factors)) for c in conditions]
    missing = sorted({c.fact for c, r in results if r is None})
    if match == "any":
        return any(r is True for _c, r in results), missing
    return all(r is True for _c, r in results), missing

"""Turning what people send (forms, JSON) into specs and facts, with clear messages. Shared by views and the
API."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .conditions import TRUE_WORDS, Condition, ConditionError, conditions_from_json, parse_conditions
from .specs import EntrySpec, TierSpec
from .vocabulary import FACT_MAP, FactKind, FactorSpec


class InputError(ValueError):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


def fact_values(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """Typed fact values from {key: value}; raises InputError naming each bad key."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, raw in (data or {}).items():
        if raw is None or raw == "":
            continue
        spec = FACT_MAP.get(key)
        if spec is None:
            errors.setdefault(key, []).append(
                _("Unknown fact. Known facts: %(known)s.") % {"known": ", ".join(sorted(FACT_MAP))}
            )
            continue
        if spec.auto:
            errors.setdefault(key, []).append(
                _("This fact comes from the party's history; give the history instead.")
            )
            continue
        if spec.kind == FactKind.NUMBER:
            try:
                number = Decimal(str(raw))
            except InvalidOperation:
                errors.setdefault(key, []).append(_("Give a number."))
                continue
            if not number.is_finite() or number < 0:
                errors.setdefault(key, []).append(_("Give a number of zero or more."))
                continue
            values[key] = number
        elif spec.kind == FactKind.BOOL:
            if isinstance(raw, bool):
                values[key] = raw
            elif str(raw).strip().lower() in TRUE_WORDS | {"false", "no", "0", "否", "n"}:
                values[key] = str(raw).strip().lower() in TRUE_WORDS
            else:
                errors.setdefault(key, []).append(_("Give yes or no."))
        else:
            allowed = [code for code, _label in spec.choices]
            if str(raw) not in allowed:
                errors.setdefault(key, []).append(
                    _("Choose one of %(allowed)s.") % {"allowed": ", ".join(allowed)}
                )
                continue
            values[key] = str(raw)
    if errors:
        raise InputError(errors)
    return values


def factor_codes(codes: Any, catalog: Mapping[str, FactorSpec]) -> frozenset[str]:
    codes = list(codes or [])
    unknown = [c for c in codes if c not in catalog]
    if unknown:
        raise InputError(
            {"factors": [_("Unknown circumstance(s): %(codes)s.") % {"codes": ", ".join(map(str, unknown))}]}
        )
    return frozenset(codes)


def conditions_input(raw: Any, catalog: Mapping[str, FactorSpec]) -> tuple[Condition, ...]:
    """Conditions from the text form ("area_m2 > 10; refused_correct") or from stored dicts."""
    if raw is None or raw == "":
        return ()
    if isinstance(raw, str):
        return tuple(parse_conditions(raw, catalog))
    return tuple(conditions_from_json(raw))


def _amount(raw: Any) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise ValueError(_("%(value)r is not an amount.") % {"value": raw}) from None
    if not value.is_finite():
        raise ValueError(_("%(value)r is not an amount.") % {"value": raw})
    return value.quantize(Decimal("0.01"))


def tier_from_input(
    data: Mapping[str, Any], catalog: Mapping[str, FactorSpec]
) -> tuple[TierSpec | None, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    try:
        conditions = conditions_input(data.get("conditions"), catalog)
    except ConditionError as exc:
        errors["conditions"] = [str(exc)]
        conditions = ()
    amounts = {}
    for name in ("fine_min", "fine_max"):
        try:
            amounts[name] = _amount(data.get(name))
        except ValueError as exc:
            errors[name] = [str(exc)]
            amounts[name] = None
    kinds = data.get("penalty_kinds") or []
    if isinstance(kinds, str):
        kinds = [k for k in kinds.replace(",", "|").split("|") if k.strip()]
    if errors:
        return None, errors
    return (
        TierSpec(
            level=str(data.get("level") or ""),
            conditions_text=str(data.get("conditions_text") or ""),
            conditions=conditions,
            match=str(data.get("match") or "all"),
            penalty_kinds=tuple(str(k).strip() for k in kinds),
            fine_min=amounts["fine_min"],
            fine_max=amounts["fine_max"],
            note=str(data.get("note") or ""),
        ),
        {},
    )


def entry_from_input(
    data: Mapping[str, Any], catalog: Mapping[str, FactorSpec]
) -> tuple[EntrySpec | None, dict[str, list[str]]]:
    try:
        conditions = conditions_input(data.get("conditions"), catalog)
    except ConditionError as exc:
        return None, {"conditions": [str(exc)]}
    required = data.get("required_factors") or []
    if isinstance(required, str):
        required = [r for r in required.replace(",", "|").split("|") if r.strip()]
    return (
        EntrySpec(
            kind=str(data.get("kind") or ""),
            conditions_text=str(data.get("conditions_text") or ""),
            conditions=conditions,
            match=str(data.get("match") or "all"),
            required_factors=tuple(str(r).strip() for r in required),
            measures=str(data.get("measures") or ""),
            legal_basis=str(data.get("legal_basis") or ""),
        ),
        {},
    )

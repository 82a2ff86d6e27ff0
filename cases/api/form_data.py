"""Turning an API request into the data a Django form expects, the way a browser posts it, so the API
validates with the same forms as the pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from authority.models import EnforcementItem
from enforcement.access import scope_for
from enforcement.models import Unit, User
from enforcement.rules import AnyUser


def ident(value: Any) -> tuple[int | None, str]:
    """(id, text) of a value that may be an id or a code/username."""
    if isinstance(value, bool):
        return None, str(value)
    if isinstance(value, int):
        return value, ""
    text = str(value if value is not None else "").strip()
    return (int(text), "") if text.isdigit() else (None, text)


@dataclass(frozen=True)
class NameScope:
    """Where the names and codes in one request are looked up: only among what the requesting user may name.

    A name found nowhere in it goes to the form as given, and the form refuses it with the answer it gives any
    value it does not offer, which repeats neither the value nor an id: another district's account, item,
    department or town and one that exists nowhere are the same answer (issue 12)."""

    users: QuerySet[User]
    items: QuerySet[EnforcementItem]
    departments: QuerySet[Unit]
    towns: QuerySet[Unit]

    @classmethod
    def of(cls, user: AnyUser) -> NameScope:
        scope = scope_for(user)
        return cls(
            users=User.objects.filter(
                Q(unit_id__in=scope.town_ids) | Q(secondments__town_id__in=scope.town_ids)
            ).distinct(),
            items=EnforcementItem.objects.filter(district_id__in=scope.district_ids),
            departments=Unit.objects.filter(district_id__in=scope.district_ids, kind=Unit.Kind.DEPARTMENT),
            # The towns whose cases the user may see: their own (and secondments); the district's for its
            # administrator, and for a department, which sees the cases any of them transferred to it.
            towns=Unit.objects.filter(kind=Unit.Kind.TOWN).filter(
                Q(district_id__in=scope.district_ids)
                if scope.district_admin or scope.department_ids
                else Q(pk__in=scope.town_ids)
            ),
        )

    def user_pk(self, value: Any) -> Any:
        pk, username = ident(value)
        if pk is not None or not username:
            return pk if pk is not None else value
        found = self.users.filter(username=username).values_list("pk", flat=True).first()
        return found if found is not None else username

    def item_code(self, value: Any) -> Any:
        pk, code = ident(value)
        if pk is None:
            return code
        return self.items.filter(pk=pk).values_list("code", flat=True).first() or str(pk)

    def department_pk(self, value: Any) -> Any:
        pk, code = ident(value)
        if pk is not None or not code:
            return pk if pk is not None else value
        return self.departments.filter(code=code).values_list("pk", flat=True).first() or code

    def town_code(self, value: Any) -> Any:
        pk, code = ident(value)
        if pk is None:
            return code
        return self.towns.filter(pk=pk).values_list("code", flat=True).first() or str(pk)

    def resolver(self, field: str) -> Any:
        return {
            "officers": self.user_pk,
            "lead": self.user_pk,
            "item": self.item_code,
            "department": self.department_pk,
            "town": self.town_code,
        }.get(field)


def _as_posted(value: Any) -> str:
    """One JSON scalar as the text a browser would post for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _shape_error(value: Any, *, multiple: bool) -> str | None:
    """Why a JSON value cannot be a field's input, or None: a container where one value is expected (or inside
    a list of choices), or a NUL character (a database refuses it)."""
    values = value if multiple and isinstance(value, list | tuple) else [value]
    if any(isinstance(v, list | tuple | dict) for v in values):
        return _("Give one value, not a list or an object.")
    if any(isinstance(v, str) and "\x00" in v for v in values):
        return _("Null characters are not allowed.")
    return None


def form_data(
    raw: Any, form_class: type[forms.Form], names: NameScope, *, defaults: bool = False
) -> dict[str, Any]:
    """JSON or multipart input as the form expects it, the way a browser posts it: text for one value, a list
    of texts for multiple choices, ids for officers given by username, codes for items given by id (looked up
    in `names`, the requesting user's scope). A JSON container
    where one value is expected, or a NUL character, is refused here (400 naming the field), so no form field
    ever sees a value a browser could not send. `defaults`: a missing field takes the form's initial value
    (today for most dates), as the page pre-fills it."""
    fields = form_class.base_fields
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key in list(raw.keys()) if hasattr(raw, "keys") else []:
        field = fields.get(key)
        multiple = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
        if isinstance(raw, QueryDict):
            values = raw.getlist(key)
            value: Any = values if multiple else (values[-1] if values else "")
        else:
            value = raw[key]
            if multiple and not isinstance(value, list | tuple):
                value = [] if value in (None, "") else [value]
        if field is None:
            out[key] = value  # not the form's: it ignores it
            continue
        problem = _shape_error(value, multiple=multiple)
        if problem is not None:
            errors[str(key)[:60]] = [problem]
            continue
        value = [_as_posted(v) for v in value] if multiple else _as_posted(value)
        resolve = names.resolver(str(key))
        if resolve is not None and value not in (None, ""):
            value = [resolve(v) for v in value] if isinstance(value, list | tuple) else resolve(value)
        out[key] = value
    if errors:
        raise ValidationError(errors)
    if defaults:
        for name, field in fields.items():
            if name not in out and field.initial is not None:
                out[name] = field.initial() if callable(field.initial) else field.initial
    return out


def version_of(raw: Any) -> int | None:
    value = raw.get("version") if hasattr(raw, "get") else None
    if value in (None, ""):
        return None
    pk, _text = ident(value)
    if pk is None:
        raise ValidationError({"version": [_("Give the case's version as a whole number.")]})
    return pk

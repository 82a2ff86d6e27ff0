"""Input shapes of the penalty-case API. The views validate with the same Django forms as the pages
(cases.forms); the input serializers below are generated from those forms so that the OpenAPI schema documents
exactly what the forms accept."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from rest_framework import serializers

from ...forms import ACTION_FORMS, CaseForm, DeclarationForm, OfficersForm
from ...workflow import Action, Stage


def _choices(field: forms.ChoiceField) -> list[Any]:
    """The (value, label) pairs of a form's choice field (a list, or an iterator the field builds from
    callables)."""
    return list(cast(Iterable[Any], field.choices))


def _form_choices(form_class: type[forms.Form], name: str) -> list[Any]:
    field = form_class.base_fields[name]
    assert isinstance(field, forms.ChoiceField), f"{name} is not a choice field"
    return _choices(field)


def _bound(value: Any) -> Any:
    """A form field's min_value or max_value, which Django also accepts as a callable, as a plain number."""
    return value() if callable(value) else value


# Choice lists the schema names as enums of their own (see ENUM_NAME_OVERRIDES in the report): the forms keep
# them inline, the schema needs an importable name.
CORRECTION_BASIS = _form_choices(ACTION_FORMS[Action.ORDER_CORRECTION], "basis")
NO_PENALTY_BASIS = _form_choices(ACTION_FORMS[Action.DECIDE_NO_PENALTY], "basis")
SERVICE_METHODS = _form_choices(ACTION_FORMS[Action.SERVE_DECISION], "method")
PAYMENT_CHANNELS = _form_choices(ACTION_FORMS[Action.RECORD_PAYMENT], "channel")
PAUSE_REASONS = _form_choices(ACTION_FORMS[Action.PAUSE], "reason")
ON_SPOT_PENALTIES = _form_choices(ACTION_FORMS[Action.ON_SPOT], "penalty_kinds")


def _serializer_field(
    name: str, field: forms.Field, notes: dict[str, str], optional: bool
) -> serializers.Field:
    required = bool(field.required) and not optional and field.initial is None
    help_text = notes.get(name) or str(field.help_text or "")
    if field.initial is not None and not optional:
        default = "today" if callable(field.initial) else field.initial
        help_text = f"{help_text} Default: {default}.".strip()
    common: dict[str, Any] = {"required": required, "help_text": help_text or None}
    if isinstance(field, forms.ModelMultipleChoiceField):
        return serializers.ListField(child=serializers.CharField(), **common)
    if isinstance(field, forms.ModelChoiceField):
        return serializers.CharField(allow_blank=not required, **common)
    if isinstance(field, forms.MultipleChoiceField):
        choices = _choices(field)
        child: serializers.Field = (
            serializers.ChoiceField(choices=choices) if choices else serializers.CharField()
        )
        return serializers.ListField(child=child, allow_empty=not required, **common)
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField(choices=_choices(field), **common)
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(required=False, default=False, help_text=help_text or None)
    nullable = not field.required
    if isinstance(field, forms.DateField):
        return serializers.DateField(allow_null=nullable, **common)
    if isinstance(field, forms.DecimalField):
        return serializers.DecimalField(
            max_digits=field.max_digits or 14,
            decimal_places=field.decimal_places or 2,
            min_value=_bound(field.min_value),
            max_value=_bound(field.max_value),
            allow_null=nullable,
            coerce_to_string=False,
            **common,
        )
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(
            allow_null=nullable,
            min_value=_bound(field.min_value),
            max_value=_bound(field.max_value),
            **common,
        )
    if isinstance(field, forms.CharField):
        return serializers.CharField(max_length=field.max_length, allow_blank=not required, **common)
    return serializers.CharField(**common)  # pragma: no cover - every form field above is mapped


def form_serializer(
    form_class: type[forms.Form],
    name: str,
    *,
    doc: str = "",
    notes: dict[str, str] | None = None,
    exclude: tuple[str, ...] = (),
    optional: bool = False,
    extra: dict[str, serializers.Field] | None = None,
) -> type[serializers.Serializer[Any]]:
    """A serializer with the form's fields (names, types, required, choices): for the schema only. `optional`:
    every field may be left out (a PATCH)."""
    attrs: dict[str, Any] = {
        field_name: _serializer_field(field_name, field, notes or {}, optional)
        for field_name, field in form_class.base_fields.items()
        if field_name not in exclude
    }
    attrs.update(extra or {})
    attrs["__doc__"] = doc or (form_class.__doc__ or "")
    attrs["__module__"] = __name__
    return type(name, (serializers.Serializer,), attrs)


VERSION_NOTE = (
    "The case's `version` as you last saw it: a change made meanwhile by someone else is refused (409)."
)

CaseCreateInput = form_serializer(
    CaseForm,
    "CaseCreateInput",
    doc="A lead (线索): the same fields as the page's form.",
    notes={
        "town": "Town code; may be left out when you work for one town only.",
        "item": "Enforcement item code (or id).",
        "officers": "Other handling officers: usernames or ids (you become the lead officer).",
    },
)
CaseUpdateInput = form_serializer(
    CaseForm,
    "CaseUpdateInput",
    doc="Change some details (fields not given keep their value). Allowed until the notice is served.",
    notes={"item": "Enforcement item code (or id)."},
    exclude=("town", "officers"),
    optional=True,
    extra={"version": serializers.IntegerField(required=False, allow_null=True, help_text=VERSION_NOTE)},
)

ACTION_INPUTS: dict[str, type[serializers.Serializer[Any]]] = {
    action: form_serializer(
        form_class,
        f"Case{''.join(part.title() for part in str(action).split('_'))}Input",
        doc=str(Action(action).label),
        notes={
            "version": VERSION_NOTE,
            "department": "Department id or code.",
            "factors": "Circumstance codes of the item's benchmark (see the case's recommendation).",
        },
    )
    for action, form_class in ACTION_FORMS.items()
}

DeclarationInput = form_serializer(
    DeclarationForm,
    "CaseDeclarationInput",
    doc="Your recusal declaration (回避声明, art 43) as a handling officer.",
)
OfficersInput = form_serializer(
    OfficersForm,
    "CaseOfficersInput",
    doc="The handling officers and the lead officer.",
    notes={
        "officers": "Usernames or ids.",
        "lead": "Username or id; one of the officers.",
        "version": VERSION_NOTE,
    },
)


class CaseListQuery(serializers.Serializer[Any]):
    stage = serializers.ChoiceField(choices=Stage.choices, required=False, allow_blank=True)
    item = serializers.CharField(required=False, allow_blank=True, help_text="Enforcement item code or id.")
    town = serializers.CharField(
        required=False, allow_blank=True, help_text="Town code (for users who see several towns)."
    )
    due_within = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=3650,
        help_text="Only cases whose next deadline is within this many days (or overdue).",
    )
    mine = serializers.BooleanField(required=False, default=False, help_text="Only cases I handle.")
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Number, summary, party name or exact ID number.",
    )
    after = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="The `next_cursor` of the previous page."
    )
    size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=25)

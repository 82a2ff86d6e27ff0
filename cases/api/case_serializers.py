"""Input and output shapes of the penalty-case API. No writes and no validation rules of their own here: the views
validate with the same Django forms as the pages (cases.forms), and the input serializers below are generated from
those forms so that the OpenAPI schema documents exactly what the forms accept."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from authority.api.serializers import ItemRefSerializer
from enforcement.api.exceptions import ErrorSerializer  # noqa: F401  (the views document errors with it)
from enforcement.api.serializers import UnitRefSerializer, UserRefSerializer

from ..forms import ACTION_FORMS, CaseForm, DeclarationForm, OfficersForm
from ..models import Case, CaseDocument, CaseEvent, CaseOfficer, Evidence
from ..workflow import Action, Stage


def _choices(field: forms.ChoiceField) -> list[Any]:
    """The (value, label) pairs of a form's choice field (a list, or an iterator the field builds from callables)."""
    return list(cast(Iterable[Any], field.choices))


def _form_choices(form_class: type[forms.Form], name: str) -> list[Any]:
    field = form_class.base_fields[name]
    assert isinstance(field, forms.ChoiceField), f"{name} is not a choice field"
    return _choices(field)


# Choice lists the schema names as enums of their own (see ENUM_NAME_OVERRIDES in the report): the forms keep them
# inline, the schema needs an importable name.
CORRECTION_BASIS = _form_choices(ACTION_FORMS[Action.ORDER_CORRECTION], "basis")
NO_PENALTY_BASIS = _form_choices(ACTION_FORMS[Action.DECIDE_NO_PENALTY], "basis")
SERVICE_METHODS = _form_choices(ACTION_FORMS[Action.SERVE_DECISION], "method")
PAYMENT_CHANNELS = _form_choices(ACTION_FORMS[Action.RECORD_PAYMENT], "channel")
PAUSE_REASONS = _form_choices(ACTION_FORMS[Action.PAUSE], "reason")
ON_SPOT_PENALTIES = _form_choices(ACTION_FORMS[Action.ON_SPOT], "penalty_kinds")


def url_or_blank(name: str, *args: Any) -> str:
    """A page URL, or "" while the page is not (yet) routed: an API answer never fails on a missing link."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --- output -----------------------------------------------------------------------------------------------------------


class CaseListItemSerializer(serializers.ModelSerializer[Case]):
    reference = serializers.CharField(read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    town = UnitRefSerializer(read_only=True)
    item = ItemRefSerializer(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "number",
            "title",
            "stage",
            "stage_label",
            "procedure",
            "source",
            "town",
            "item",
            "party_kind",
            "party_name",
            "place",
            "act_on",
            "created_at",
            "stage_changed_at",
            "next_due",
            "version",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, obj: Case) -> str:
        """The case's API address."""
        return reverse("api-case", args=[obj.pk])


class CasePageSerializer(serializers.Serializer[Any]):
    results = CaseListItemSerializer(many=True)
    next_cursor = serializers.CharField(
        help_text="Pass as `after` for the next page; empty on the last page."
    )
    has_next = serializers.BooleanField()


class CaseOfficerSerializer(serializers.ModelSerializer[CaseOfficer]):
    officer = UserRefSerializer(read_only=True)
    active = serializers.BooleanField(read_only=True)

    class Meta:
        model = CaseOfficer
        fields = [
            "officer",
            "lead",
            "active",
            "assigned_at",
            "declared_at",
            "conflict",
            "recused_at",
            "recusal_reason",
        ]
        read_only_fields = fields


class DeadlineSerializer(serializers.Serializer[Any]):
    # A declared field (the metaclass moves it into _declared_fields), not Field.label, which it seems to hide.
    label = serializers.CharField()  # type: ignore[assignment]
    due = serializers.DateField()
    overdue = serializers.BooleanField()
    done = serializers.BooleanField()
    provisional = serializers.BooleanField(
        help_text="Counted without the State Council holiday schedule of its year (not loaded yet): it may move."
    )


class AvailableActionSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=Action.choices)
    # A declared field (the metaclass moves it into _declared_fields), not Field.label, which it seems to hide.
    label = serializers.CharField()  # type: ignore[assignment]
    danger = serializers.BooleanField(help_text="Irreversible or refusing: ask for confirmation.")
    target = serializers.ChoiceField(
        choices=Stage.choices, allow_null=True, help_text="The stage it leads to; null: the case stays."
    )
    url = serializers.CharField(help_text="POST the action's fields here.")


class RecommendationSerializer(serializers.Serializer[Any]):
    summary = serializers.CharField()
    explain = serializers.ListField(child=serializers.CharField())
    punish = serializers.BooleanField()
    tier_level = serializers.CharField()
    penalty_kinds = serializers.ListField(child=serializers.CharField())
    fine_min = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    fine_max = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    fine_suggested = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class CasePermissionsSerializer(serializers.Serializer[Any]):
    edit = serializers.BooleanField()
    add_evidence = serializers.BooleanField()
    generate_document = serializers.BooleanField()
    declare_recusal = serializers.BooleanField()


class CaseLinksSerializer(serializers.Serializer[Any]):
    page = serializers.CharField()
    events = serializers.CharField()
    evidence = serializers.CharField()
    documents = serializers.CharField()


class CaseDetailSerializer(serializers.ModelSerializer[Case]):
    """The case with what its page shows. The view puts `deadlines`, `available_actions`, `recommendation` and
    `permissions` into the context (they need the requesting user and the database)."""

    reference = serializers.CharField(read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    town = UnitRefSerializer(read_only=True)
    item = ItemRefSerializer(read_only=True, allow_null=True)
    created_by = UserRefSerializer(read_only=True)
    decided_by = UserRefSerializer(read_only=True, allow_null=True)
    reviewed_by = UserRefSerializer(read_only=True, allow_null=True)
    officers = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()
    recommendation = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "number",
            "year",
            "title",
            "stage",
            "stage_label",
            "stage_changed_at",
            "version",
            "source",
            "source_ref",
            "complaint",
            "procedure",
            "town",
            "acting_name",
            "grant_kind",
            "item",
            "party_kind",
            "party_name",
            "party_identifier",
            "party_age",
            "party_representative",
            "party_contact",
            "party_address",
            "place",
            "latitude",
            "longitude",
            "act_on",
            "act_continuing",
            "act_ended_on",
            "discovered_on",
            "description",
            "harm_to_life_or_finance",
            "facts",
            "created_by",
            "created_at",
            "check_due",
            "filed_on",
            "paused_days",
            "paused_since",
            "pause_reason",
            "extended",
            "decision_due",
            "next_due",
            "correction_due",
            "no_penalty_basis",
            "notice_served_on",
            "proposed_kinds",
            "proposed_fine",
            "hearing_offered",
            "reply_due",
            "rights_waived",
            "statement_made",
            "hearing_requested_on",
            "hearing_on",
            "hearing_held_on",
            "review_required",
            "review_reasons",
            "reviewed_by",
            "reviewed_at",
            "review_opinion",
            "decided_on",
            "decided_by",
            "penalty_kinds",
            "fine",
            "confiscated",
            "tier",
            "deviation_kind",
            "deviation_reason",
            "service_due",
            "served_on",
            "service_method",
            "payment_due",
            "paid_on",
            "amount_paid",
            "late_fee",
            "payment_channel",
            "closed_on",
            "archived_on",
            "outcome",
            "officers",
            "deadlines",
            "available_actions",
            "recommendation",
            "permissions",
            "links",
        ]
        read_only_fields = fields

    @extend_schema_field(CaseOfficerSerializer(many=True))
    def get_officers(self, obj: Case) -> list[dict[str, Any]]:
        return list(CaseOfficerSerializer(obj.officers.all(), many=True).data)

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, obj: Case) -> list[dict[str, Any]]:
        return list(DeadlineSerializer(self.context.get("deadlines", []), many=True).data)

    @extend_schema_field(AvailableActionSerializer(many=True))
    def get_available_actions(self, obj: Case) -> list[dict[str, Any]]:
        """The actions the requesting user may take now (their role and the stage; the legal checks run on POST)."""
        return [
            {
                "action": t.action.value,
                "label": str(t.action.label),
                "danger": t.danger,
                "target": t.target.value if t.target else None,
                "url": reverse(f"api-case-{t.action.value}", args=[obj.pk]),
            }
            for t in self.context.get("available_actions", [])
        ]

    @extend_schema_field(RecommendationSerializer(allow_null=True))
    def get_recommendation(self, obj: Case) -> dict[str, Any] | None:
        """The discretion benchmark's recommendation for the case's item and facts (null without an item)."""
        rec = self.context.get("recommendation")
        if rec is None:
            return None
        # Through the serializer, so the fines are decimal strings as everywhere else in the API.
        return RecommendationSerializer(
            {
                "summary": rec.summary(),
                "explain": rec.explain(),
                "punish": rec.punish,
                "tier_level": rec.tier_level,
                "penalty_kinds": list(rec.penalty_kinds),
                "fine_min": rec.fine_min,
                "fine_max": rec.fine_max,
                "fine_suggested": rec.fine_suggested,
            }
        ).data

    @extend_schema_field(CasePermissionsSerializer)
    def get_permissions(self, obj: Case) -> dict[str, bool]:
        return dict(self.context.get("permissions", {}))

    @extend_schema_field(CaseLinksSerializer)
    def get_links(self, obj: Case) -> dict[str, str]:
        return {
            "page": url_or_blank("cases:case", obj.pk),
            "events": reverse("api-case-events", args=[obj.pk]),
            "evidence": reverse("api-case-evidence", args=[obj.pk]),
            "documents": reverse("api-case-documents", args=[obj.pk]),
        }


class CaseEventSerializer(serializers.ModelSerializer[CaseEvent]):
    action_label = serializers.CharField(read_only=True)
    actor = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CaseEvent
        fields = ["id", "action", "action_label", "from_stage", "to_stage", "actor", "at", "note", "data"]
        read_only_fields = fields


class EvidenceSerializer(serializers.ModelSerializer[Evidence]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    uploaded_by = UserRefSerializer(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "kind",
            "kind_label",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "caption",
            "taken_at",
            "uploaded_by",
            "uploaded_at",
            "verified_at",
            "intact",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, obj: Evidence) -> str:
        """Download with the API token (the same scoping as the case)."""
        return reverse("api-case-evidence-file", args=[obj.case_id, obj.pk])


class DocumentSerializer(serializers.ModelSerializer[CaseDocument]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    generated_by = UserRefSerializer(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = CaseDocument
        fields = [
            "id",
            "kind",
            "kind_label",
            "version",
            "size",
            "sha256",
            "generated_by",
            "generated_at",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, obj: CaseDocument) -> str:
        """Download the PDF with the API token (the same scoping as the case)."""
        return reverse("api-case-document-file", args=[obj.case_id, obj.pk])


class DocumentKindSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=CaseDocument.Kind.choices)
    # A declared field (the metaclass moves it into _declared_fields), not Field.label, which it seems to hide.
    label = serializers.CharField()  # type: ignore[assignment]


class DocumentListSerializer(serializers.Serializer[Any]):
    documents = DocumentSerializer(many=True)
    available = DocumentKindSerializer(many=True, help_text="What may be generated now.")


# --- input: generated from the Django forms ------------------------------------------------------------------------


def _bound(value: Any) -> Any:
    """A form field's min_value or max_value, which Django also accepts as a callable, as a plain number."""
    return value() if callable(value) else value


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
    """A serializer with the form's fields (names, types, required, choices): for the schema only. `optional`: every
    field may be left out (a PATCH)."""
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


class EvidenceUploadInput(serializers.Serializer[Any]):
    files = serializers.ListField(
        child=serializers.FileField(),
        min_length=1,
        help_text="Photos, video, audio or PDF; checked by content.",
    )
    caption = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    kind = serializers.ChoiceField(
        choices=Evidence.Kind.choices,
        required=False,
        help_text="Leave out: taken from the content (a PDF may be a signed record).",
    )


class DocumentGenerateInput(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=CaseDocument.Kind.choices)


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

"""Output shapes of the penalty-case API: list rows, the case with what its page shows, its timeline. No
writes and no validation rules of their own here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from authority.api.serializers import ItemRefSerializer
from enforcement.api.serializers import (
    FieldsBuiltOnce,
    UnitRefSerializer,
    UserRefSerializer,
    datetime_out,
    unit_ref,
    user_ref,
)
from enforcement.calendar import URGENCIES
from enforcement.choices import choice_label

from ...models import PENALTY_FIELDS, Case, CaseEvent, CaseOfficer
from ...workflow import Action, Stage


def url_or_blank(name: str, *args: Any) -> str:
    """A page URL, or "" while the page is not (yet) routed: an API answer never fails on a missing link."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --- output -------------------------------------------------------------------------------------------------


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

    def to_representation(self, instance: Case) -> dict[str, Any]:
        """The declared fields above, written out: DRF's generic walk (a field object, `get_attribute` and a
        callable check per value, nested serializers for town and item) cost about 1 ms a row, most of the
        list's time (issue 18). Same keys, values and formats; tests/api/test_case_list_rows.py holds the two
        equal."""
        c = instance
        town, item = c.town, c.item
        template = self.__dict__.get("_url_template")
        if template is None:
            template = self.__dict__["_url_template"] = reverse("api-case", args=[_URL_MARK])
        return {
            "id": c.pk,
            "reference": c.reference,
            "number": c.number,
            "title": c.title,
            "stage": c.stage,
            "stage_label": c.get_stage_display(),
            "procedure": c.procedure,
            "source": c.source,
            "town": {"id": town.pk, "code": town.code, "name": town.name},
            "item": (
                None
                if item is None
                else {"id": item.pk, "code": item.code, "name": item.name, "domain": item.domain}
            ),
            "party_kind": c.party_kind,
            "party_name": c.party_name,
            "place": c.place,
            "act_on": _date(c.act_on),
            "created_at": datetime_out(c.created_at),
            "stage_changed_at": datetime_out(c.stage_changed_at),
            "next_due": _date(c.next_due),
            "version": c.version,
            "url": template.replace(str(_URL_MARK), str(c.pk)),
        }


_URL_MARK = 987654321987


def case_list_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """CaseListItemSerializer's rows from the plain values of cases.selectors.CASE_ROW_VALUES (no model
    object per row, the language, time zone and page address looked up once per page, not per value): the
    same keys, values and formats; tests/api/test_case_list_rows.py holds the two equal (issue 18)."""
    english = (get_language() or "zh-hans").startswith("en")
    zone = timezone.get_current_timezone()
    stage_field = Case._meta.get_field("stage")
    lead = _("Lead %(id)s")
    url = reverse("api-case", args=[_URL_MARK])
    mark = str(_URL_MARK)

    def name(en: str, zh: str) -> str:
        # BilingualNameMixin.name, EnforcementItem.name
        return en if english and en else zh

    def when(value: dt.datetime | None) -> str | None:
        if value is None or value.tzinfo is None:
            return datetime_out(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    out = []
    for r in rows:
        pk = r["id"]
        item_id = r["item_id"]
        out.append(
            {
                "id": pk,
                "reference": r["number"] or str(lead % {"id": pk}),
                "number": r["number"],
                "title": r["title"],
                "stage": r["stage"],
                "stage_label": choice_label(stage_field, r["stage"]),
                "procedure": r["procedure"],
                "source": r["source"],
                "town": {
                    "id": r["town_id"],
                    "code": r["town__code"],
                    "name": name(r["town__name_en"], r["town__name_zh"]),
                },
                "item": (
                    None
                    if item_id is None
                    else {
                        "id": item_id,
                        "code": r["item__code"],
                        "name": name(r["item__name_en"], r["item__name_zh"]),
                        "domain": r["item__domain"],
                    }
                ),
                "party_kind": r["party_kind"],
                "party_name": r["party_name"],
                "place": r["place"],
                "act_on": _date(r["act_on"]),
                "created_at": when(r["created_at"]),
                "stage_changed_at": when(r["stage_changed_at"]),
                "next_due": _date(r["next_due"]),
                "version": r["version"],
                "url": url.replace(mark, str(pk)),
            }
        )
    return out


def _date(value: Any) -> str | None:
    return None if value is None else value.isoformat()


class CasePageSerializer(serializers.Serializer[Any]):
    results = CaseListItemSerializer(many=True)
    next_cursor = serializers.CharField(
        help_text="Pass as `after` for the next page; empty on the last page."
    )
    has_next = serializers.BooleanField()


class CaseOfficerSerializer(FieldsBuiltOnce, serializers.ModelSerializer[CaseOfficer]):
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
    # A declared field (the metaclass moves it into _declared_fields), not Field.label, which it seems to
    # hide.
    label = serializers.CharField()  # type: ignore[assignment]
    due = serializers.DateField()
    overdue = serializers.BooleanField()
    done = serializers.BooleanField()
    provisional = serializers.BooleanField(
        help_text="Counted without the State Council holiday schedule of its year (not loaded yet): it may "
        "move."
    )
    text = serializers.CharField(
        help_text="The deadline in words, in the user's language: which, when, working days left or overdue."
    )
    urgency = serializers.ChoiceField(
        choices=list(URGENCIES),
        help_text="overdue; soon: within 2 working days; later; empty when done.",
    )


class AvailableActionSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=Action.choices)
    # A declared field (the metaclass moves it into _declared_fields), not Field.label, which it seems to
    # hide.
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


class CaseDetailSerializer(FieldsBuiltOnce, serializers.ModelSerializer[Case]):
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
            *PENALTY_FIELDS,
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

    def to_representation(self, instance: Case) -> dict[str, Any]:
        """DRF's walk over the fields, without its cost: the ~90 fields are made once per process (not
        deep-copied for every case), each value read straight from its attribute and turned into JSON by
        the same field's `to_representation`; the nested references and the method fields are written out.
        Same keys, order, values and formats as DRF's generic output: tests/cases/test_case_detail_output.py
        holds the two equal (issue 18)."""
        plan = _detail_plan(type(self))
        out: dict[str, Any] = {}
        for name, kind, attr, convert in plan:
            if kind == _METHOD:
                out[name] = getattr(self, attr)(instance)
                continue
            value = getattr(instance, attr)
            if kind == _CALL:
                value = value()
            out[name] = None if value is None else convert(value)
        return out

    @extend_schema_field(CaseOfficerSerializer(many=True))
    def get_officers(self, obj: Case) -> list[dict[str, Any]]:
        """As CaseOfficerSerializer gives them (written out, held equal by the same test)."""
        return [
            {
                "officer": user_ref(row.officer),
                "lead": row.lead,
                "active": row.active,
                "assigned_at": datetime_out(row.assigned_at),
                "declared_at": datetime_out(row.declared_at),
                "conflict": row.conflict,
                "recused_at": datetime_out(row.recused_at),
                "recusal_reason": row.recusal_reason,
            }
            for row in obj.officers.all()
        ]

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, obj: Case) -> list[dict[str, Any]]:
        """As DeadlineSerializer gives them (written out, held equal by the same test)."""
        return [
            {
                "label": str(row.label),
                "due": row.due.isoformat(),
                "overdue": row.overdue,
                "done": row.done,
                "provisional": row.provisional,
                "text": str(row.text),
                "urgency": row.urgency,
            }
            for row in self.context.get("deadlines", [])
        ]

    @extend_schema_field(AvailableActionSerializer(many=True))
    def get_available_actions(self, obj: Case) -> list[dict[str, Any]]:
        """The actions the requesting user may take now (their role and the stage; the legal checks run on
        POST)."""
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
        # As RecommendationSerializer gives it: the fines as decimal strings, as everywhere else in the API.
        return {
            "summary": str(rec.summary()),
            "explain": [str(step) for step in rec.explain()],
            "punish": bool(rec.punish),
            "tier_level": str(rec.tier_level),
            "penalty_kinds": [str(kind) for kind in rec.penalty_kinds],
            "fine_min": _fine(rec.fine_min),
            "fine_max": _fine(rec.fine_max),
            "fine_suggested": _fine(rec.fine_suggested),
        }

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


# How CaseDetailSerializer.to_representation turns each field into JSON: worked out once per class from the
# fields DRF makes (a field object keeps no state of the case it last wrote).
_METHOD, _PLAIN, _CALL, _REF = "method", "plain", "call", "ref"
_plans: dict[type, list[tuple[str, str, str, Any]]] = {}


def _detail_plan(cls: type[serializers.ModelSerializer[Any]]) -> list[tuple[str, str, str, Any]]:
    plan = _plans.get(cls)
    if plan is not None:
        return plan
    plan = []
    for name, field in cls().fields.items():
        source = str(field.source)
        if isinstance(field, serializers.SerializerMethodField):
            plan.append((name, _METHOD, field.method_name or f"get_{name}", None))
        elif isinstance(field, serializers.PrimaryKeyRelatedField):
            attname = Case._meta.get_field(source).attname  # type: ignore[union-attr]
            plan.append((name, _PLAIN, attname, _same))
        elif isinstance(field, UserRefSerializer):
            plan.append((name, _REF, source, user_ref))
        elif isinstance(field, UnitRefSerializer):
            plan.append((name, _REF, source, unit_ref))
        elif isinstance(field, ItemRefSerializer):
            plan.append((name, _REF, source, _item_ref))
        elif isinstance(field, serializers.BaseSerializer) or len(field.source_attrs) != 1:
            raise TypeError(f"{cls.__name__}.{name}: no written-out form for {type(field).__name__}")
        else:
            # DRF calls what it finds callable (get_stage_display); fields and properties are read.
            kind = _CALL if callable(getattr(Case, source, None)) else _PLAIN
            plan.append((name, kind, source, field.to_representation))
    _plans[cls] = plan
    return plan


def _same(value: Any) -> Any:
    return value


def _item_ref(item: Any) -> dict[str, Any]:
    """As ItemRefSerializer gives an item."""
    return {"id": item.pk, "code": item.code, "name": item.name, "domain": item.domain}


_FINE = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


def _fine(value: Any) -> str | None:
    return None if value is None else _FINE.to_representation(value)


class CaseEventSerializer(FieldsBuiltOnce, serializers.ModelSerializer[CaseEvent]):
    action_label = serializers.CharField(read_only=True)
    actor = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CaseEvent
        fields = ["id", "action", "action_label", "from_stage", "to_stage", "actor", "at", "note", "data"]
        read_only_fields = fields


# --- the approvals queue ------------------------------------------------------------------------------------


class ApprovalRowSerializer(serializers.Serializer[Any]):
    case = CaseListItemSerializer()
    deadline_label = serializers.CharField(source="label", help_text="Which deadline next_due is.")
    deadline_text = serializers.CharField(
        help_text="The deadline in words, in the user's language (working days left or overdue)."
    )
    urgency = serializers.ChoiceField(
        choices=list(URGENCIES),
        help_text="overdue; soon: within 2 working days; later; empty: the request has no deadline.",
    )


class ApprovalGroupSerializer(serializers.Serializer[Any]):
    stage = serializers.ChoiceField(choices=Stage.choices, help_text="The stage whose request waits.")
    asked = serializers.CharField(help_text="What is asked (filing, decision, closing, archiving).")
    batch_archive = serializers.BooleanField(help_text="These may be archived several at once.")
    more = serializers.BooleanField(help_text="More wait than are listed (the most urgent are).")
    rows = ApprovalRowSerializer(many=True)


class ArchiveRefusalSerializer(serializers.Serializer[Any]):
    case = serializers.IntegerField(source="case_id")
    reference = serializers.CharField(source="number")
    detail = serializers.CharField()


class ArchiveBatchResultSerializer(serializers.Serializer[Any]):
    archived = serializers.ListField(child=serializers.IntegerField(), help_text="Ids of the cases archived.")
    refused = ArchiveRefusalSerializer(many=True, help_text="Each case not archived, with the reason.")

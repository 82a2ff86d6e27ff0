from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enforcement.models import FenceWarning
from enforcement.sweeps import warning_message

from ..facts import object_link, rule_label, warning_facts
from ..selectors import QUEUE_ALL, QUEUE_OPEN

S = FenceWarning.Status


class DeskPersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")


class WarningFactSerializer(serializers.Serializer[Any]):
    # A declared field (moved into _declared_fields), not the `label` attribute it seems to hide.
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.CharField()


class DeskWarningSerializer(serializers.ModelSerializer[FenceWarning]):
    rule_label = serializers.SerializerMethodField()
    town = serializers.CharField(source="town.code")
    town_name = serializers.CharField(source="town.name")
    officer = DeskPersonSerializer(allow_null=True)
    # In the reader's language (a sweep's from its template); the stored one is the default language's.
    message = serializers.SerializerMethodField()
    facts = serializers.SerializerMethodField()
    object_url = serializers.SerializerMethodField()
    reason_by = DeskPersonSerializer(allow_null=True)
    reviewed_by = DeskPersonSerializer(allow_null=True)
    resolved_by = DeskPersonSerializer(allow_null=True)

    class Meta:
        model = FenceWarning
        fields = [
            "id",
            "rule",
            "rule_label",
            "severity",
            "status",
            "message",
            "town",
            "town_name",
            "officer",
            "raised_at",
            "details",
            "facts",
            "object_type",
            "object_id",
            "object_url",
            "reason",
            "reason_by",
            "reason_at",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "follow_up",
            "resolved_by",
            "resolved_at",
            "resolution_note",
            "escalation",
            "escalated_at",
        ]
        read_only_fields = fields

    def get_message(self, warning: FenceWarning) -> str:
        return warning_message(warning)

    def get_rule_label(self, warning: FenceWarning) -> str:
        return rule_label(warning.rule)

    @extend_schema_field(WarningFactSerializer(many=True))
    def get_facts(self, warning: FenceWarning) -> list[dict[str, str]]:
        return [{"label": f.label, "value": f.value} for f in warning_facts(warning)]

    def get_object_url(self, warning: FenceWarning) -> str:
        link = object_link(warning)
        return link.url if link else ""


class ReviewInput(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(
        choices=[
            S.ACKNOWLEDGED.value,
            S.JUSTIFIED.value,
            S.CONFIRMED.value,
            S.DISMISSED.value,
            S.RESOLVED.value,
        ],
        help_text="acknowledged, justified, confirmed (needs follow_up), dismissed; resolved once confirmed",
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    follow_up = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class AcknowledgeInput(serializers.Serializer[Any]):
    warnings = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=500
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class AcknowledgeResult(serializers.Serializer[Any]):
    acknowledged = serializers.ListField(child=serializers.IntegerField())
    skipped = serializers.ListField(child=serializers.IntegerField())


class DeskOverdueSerializer(serializers.Serializer[Any]):
    case = serializers.IntegerField(source="case.pk")
    case_number = serializers.CharField(source="case.number")
    title = serializers.CharField(source="case.title")
    town = serializers.CharField(source="case.town.code")
    deadline = serializers.CharField(source="label")
    due = serializers.DateField()
    days_late = serializers.IntegerField()
    officers = DeskPersonSerializer(many=True)


class DeskApprovalSerializer(serializers.Serializer[Any]):
    case = serializers.IntegerField(source="pk")
    case_number = serializers.CharField(source="number")
    title = serializers.CharField()
    stage = serializers.CharField()
    next_due = serializers.DateField(allow_null=True)


class OfficerWarningsSerializer(serializers.Serializer[Any]):
    officer = DeskPersonSerializer()
    open = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    total = serializers.IntegerField()


class DeskTeamSerializer(serializers.Serializer[Any]):
    overdue = DeskOverdueSerializer(many=True)
    approvals = DeskApprovalSerializer(many=True)
    approvals_count = serializers.IntegerField()
    warnings_by_officer = OfficerWarningsSerializer(many=True)


STATUS_FILTER = [QUEUE_OPEN, *S.values[1:], QUEUE_ALL]

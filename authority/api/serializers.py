from __future__ import annotations

from typing import Any

from rest_framework import serializers

from enforcement.api.serializers import FieldsBuiltOnce
from enforcement.domains import Domain
from enforcement.models import Unit

from ..models import (
    Adjustment,
    AdjustmentLine,
    AuthorityGrant,
    EnforcementItem,
    EnforcementItemVersion,
    GrantKind,
)


class ItemRefSerializer(FieldsBuiltOnce, serializers.ModelSerializer[EnforcementItem]):
    """An item where another object points to it (a case, a whistle)."""

    name = serializers.CharField(read_only=True)

    class Meta:
        model = EnforcementItem
        fields = ["id", "code", "name", "domain"]


class AuthorityUnitSerializer(serializers.ModelSerializer[Unit]):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Unit
        fields = ["code", "kind", "name", "name_zh", "name_en"]


class EnforcementItemSummarySerializer(serializers.ModelSerializer[EnforcementItem]):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = EnforcementItem
        fields = ["id", "code", "name", "name_zh", "name_en", "domain", "kind"]


class ItemSerializer(serializers.ModelSerializer[EnforcementItem]):
    name = serializers.CharField(read_only=True)
    district = serializers.CharField(source="district.code", read_only=True)
    holder = serializers.CharField(source="held_by", read_only=True)
    department = AuthorityUnitSerializer(source="default_holder", read_only=True, allow_null=True)

    class Meta:
        model = EnforcementItem
        fields = [
            "id",
            "district",
            "code",
            "name",
            "name_zh",
            "name_en",
            "domain",
            "kind",
            "holder",
            "rule_broken",
            "penalty_clause",
            "legal_basis",
            "description_zh",
            "penalty_kinds",
            "fine_min",
            "fine_max",
            "fine_basis",
            "fine_multiple_min",
            "fine_multiple_max",
            "fine_multiple_from",
            "delegation_scope",
            "department",
            "version",
        ]


class ItemVersionSerializer(serializers.ModelSerializer[EnforcementItemVersion]):
    class Meta:
        model = EnforcementItemVersion
        fields = ["version", "valid_from", "source", "created_at", "content"]


class ItemDetailSerializer(ItemSerializer):
    versions = ItemVersionSerializer(many=True, read_only=True)

    class Meta(ItemSerializer.Meta):
        fields = [*ItemSerializer.Meta.fields, "versions"]


class AuthorityGrantSerializer(serializers.ModelSerializer[AuthorityGrant]):
    town = AuthorityUnitSerializer(read_only=True)
    item = EnforcementItemSummarySerializer(read_only=True)
    delegating_department = AuthorityUnitSerializer(read_only=True, allow_null=True)
    acting_name = serializers.SerializerMethodField()
    granted_by = serializers.PrimaryKeyRelatedField[Adjustment](read_only=True, allow_null=True)
    ended_by = serializers.PrimaryKeyRelatedField[Adjustment](read_only=True, allow_null=True)

    class Meta:
        model = AuthorityGrant
        fields = [
            "id",
            "town",
            "item",
            "kind",
            "valid_from",
            "valid_to",
            "source_document",
            "source_date",
            "delegating_department",
            "scope",
            "acting_name",
            "granted_by",
            "ended_by",
        ]

    def get_acting_name(self, obj: AuthorityGrant) -> str:
        """The name decisions are made in: the delegating department's for delegated items (arts 20-21)."""
        if obj.kind == GrantKind.DELEGATED and obj.delegating_department is not None:
            return obj.delegating_department.name_zh
        return obj.town.name_zh


class AdjustmentLineSerializer(serializers.ModelSerializer[AdjustmentLine]):
    item = EnforcementItemSummarySerializer(read_only=True)
    town = AuthorityUnitSerializer(read_only=True)
    delegating_department = AuthorityUnitSerializer(read_only=True, allow_null=True)

    class Meta:
        model = AdjustmentLine
        fields = ["id", "action", "item", "town", "kind", "delegating_department", "scope", "valid_to"]


class AdjustmentSerializer(serializers.ModelSerializer[Adjustment]):
    district = serializers.CharField(source="district.code", read_only=True)
    lines = AdjustmentLineSerializer(many=True, read_only=True)
    decided_by = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Adjustment
        fields = [
            "id",
            "district",
            "title",
            "document_number",
            "document_date",
            "effective_from",
            "note",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "created_at",
            "lines",
        ]


class AdjustmentInputSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=300)
    document_number = serializers.CharField(max_length=120)
    document_date = serializers.DateField()
    effective_from = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AdjustmentLineInputSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=AdjustmentLine.Action.choices)
    item = serializers.CharField(help_text="item code, e.g. CQ-CG-001")
    towns = serializers.ListField(child=serializers.CharField(), min_length=1, help_text="town codes")
    kind = serializers.ChoiceField(choices=GrantKind.choices, required=False, allow_blank=True, default="")
    delegating_department = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="department code"
    )
    scope = serializers.CharField(required=False, allow_blank=True, default="")
    valid_to = serializers.DateField(required=False, allow_null=True, default=None)


class AdjustmentDecisionInputSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TownListSerializer(serializers.Serializer[Any]):
    town = AuthorityUnitSerializer()
    on = serializers.DateField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="items per kind")
    items = AuthorityGrantSerializer(many=True)


class AuthorityChangeSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    change = serializers.ChoiceField(choices=["granted", "ended"])
    kind = serializers.CharField()
    item = EnforcementItemSummarySerializer()
    document = serializers.CharField()
    adjustment = serializers.IntegerField(allow_null=True)


class WhoEnforcesSerializer(serializers.Serializer[Any]):
    item = EnforcementItemSummarySerializer()
    town = AuthorityUnitSerializer(allow_null=True)
    on = serializers.DateField()
    town_holds = serializers.BooleanField()
    kind = serializers.CharField(
        help_text="statutory / empowered / delegated, empty if the town does not hold it"
    )
    acting_name = serializers.CharField(help_text="the name decisions are made in")
    acting_unit = AuthorityUnitSerializer(allow_null=True)
    department = AuthorityUnitSerializer(
        allow_null=True, help_text="the department to whistle to when the town does not hold it"
    )
    grant = AuthorityGrantSerializer(allow_null=True)
    explanation = serializers.CharField()


class UsageRowSerializer(serializers.Serializer[Any]):
    item = EnforcementItemSummarySerializer()
    town = AuthorityUnitSerializer()
    kind = serializers.CharField(source="grant.kind")
    held_since = serializers.DateField()
    uses = serializers.DictField(child=serializers.IntegerField(), help_text="uses in the window per source")
    total = serializers.IntegerField()
    last_used = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=["active", "new", "never", "idle", "unknown"])


class DemandRowSerializer(serializers.Serializer[Any]):
    item = EnforcementItemSummarySerializer()
    town = AuthorityUnitSerializer()
    count = serializers.IntegerField()
    last = serializers.DateField(allow_null=True)
    town_holds = serializers.BooleanField()
    department = AuthorityUnitSerializer(allow_null=True)


class UsageReportSerializer(serializers.Serializer[Any]):
    district = serializers.CharField(source="district.code")
    start = serializers.DateField()
    end = serializers.DateField()
    months = serializers.IntegerField()
    sources = serializers.SerializerMethodField()
    demand_sources = serializers.SerializerMethodField()
    rows = UsageRowSerializer(many=True)
    demand = DemandRowSerializer(many=True)

    def get_sources(self, obj: Any) -> list[str]:
        return [s.key for s in obj.use_sources]

    def get_demand_sources(self, obj: Any) -> list[str]:
        return [s.key for s in obj.demand_sources]


class CatalogImportResultSerializer(serializers.Serializer[Any]):
    district = serializers.CharField()
    effective = serializers.DateField()
    created = serializers.ListField(child=serializers.CharField())
    changed = serializers.ListField(child=serializers.CharField())
    unchanged = serializers.IntegerField()
    grants_created = serializers.IntegerField()
    grants_ended = serializers.IntegerField()


class CatalogImportInputSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()
    effective = serializers.DateField(required=False, allow_null=True, default=None)
    document = serializers.CharField(required=False, allow_blank=True, default="")
    towns = serializers.ListField(child=serializers.CharField(), required=False, default=list)


DOMAIN_CHOICES = Domain.values


class ProposeRecoveryInputSerializer(serializers.Serializer[Any]):
    items = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, help_text="ids of zombie items"
    )
    on = serializers.DateField(required=False, help_text="end of the period (default today)")
    months = serializers.IntegerField(required=False, min_value=1, max_value=60, default=12)


class RecoveryProposalSerializer(serializers.Serializer[Any]):
    created = serializers.BooleanField(help_text="false: an open draft already recovers these items")
    adjustment = AdjustmentSerializer()

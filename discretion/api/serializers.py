"""Input and output shapes of the discretion API."""

from __future__ import annotations

from typing import Any, cast

from rest_framework import serializers

from enforcement.api.exceptions import ErrorSerializer

from ..conditions import conditions_from_json, format_conditions
from ..models import Benchmark, BenchmarkEntry, BenchmarkTier
from ..vocabulary import Scale


class TierOutSerializer(serializers.ModelSerializer[BenchmarkTier]):
    conditions_dsl = serializers.SerializerMethodField(
        help_text="the structured conditions in their text form"
    )
    match = serializers.CharField(read_only=True, help_text="all / any")

    class Meta:
        model = BenchmarkTier
        fields = [
            "level",
            "conditions_text",
            "conditions",
            "conditions_dsl",
            "match",
            "penalty_kinds",
            "fine_min",
            "fine_max",
            "note",
        ]

    def get_conditions_dsl(self, obj: BenchmarkTier) -> str:
        return format_conditions(conditions_from_json(obj.conditions))


class EntryOutSerializer(serializers.ModelSerializer[BenchmarkEntry]):
    conditions_dsl = serializers.SerializerMethodField()
    kind = serializers.CharField(read_only=True, help_text="no_penalty / first_violation / lighter / reduced")
    match = serializers.CharField(read_only=True, help_text="all / any")

    class Meta:
        model = BenchmarkEntry
        fields = [
            "kind",
            "conditions_text",
            "conditions",
            "conditions_dsl",
            "match",
            "required_factors",
            "measures",
            "legal_basis",
        ]

    def get_conditions_dsl(self, obj: BenchmarkEntry) -> str:
        return format_conditions(conditions_from_json(obj.conditions))


class BenchmarkOutSerializer(serializers.ModelSerializer[Benchmark]):
    item_code = serializers.CharField(source="item.code", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)
    statutory_min = serializers.DecimalField(
        source="item.fine_min", max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )
    statutory_max = serializers.DecimalField(
        source="item.fine_max", max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )
    tiers = TierOutSerializer(many=True, read_only=True)
    entries = EntryOutSerializer(many=True, read_only=True)
    confirmed = serializers.BooleanField(read_only=True)

    class Meta:
        model = Benchmark
        fields = [
            "id",
            "item",
            "item_code",
            "item_name",
            "version",
            "status",
            "scale",
            "is_generated",
            "confirmed",
            "valid_from",
            "document_number",
            "document_title",
            "document_date",
            "basis",
            "note",
            "item_version",
            "statutory_min",
            "statutory_max",
            "updated_at",
            "published_at",
            "withdrawn_reason",
            "tiers",
            "entries",
        ]


class TierInSerializer(serializers.Serializer[dict[str, Any]]):
    level = serializers.CharField(
        help_text="minor normal serious grave (four tiers) or lighter normal heavier (three)"
    )
    conditions_text = serializers.CharField(allow_blank=True, required=False, default="")
    conditions = serializers.JSONField(
        required=False,
        # A JSON value may be text (the conditions' text form); some releases of the stubs allow only a
        # mapping as default.
        default=cast(Any, ""),
        help_text='text form ("area_m2 > 10; refused_correct") or a list of {fact, op, value}',
    )
    match = serializers.RegexField(r"^(all|any)$", required=False, default="all", help_text="all / any")
    penalty_kinds = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    fine_min = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)
    fine_max = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EntryInSerializer(serializers.Serializer[dict[str, Any]]):
    kind = serializers.RegexField(
        r"^(no_penalty|first_violation|lighter|reduced)$",
        help_text="no_penalty / first_violation / lighter / reduced",
    )
    conditions_text = serializers.CharField(allow_blank=True, required=False, default="")
    # A JSON value may be text (the conditions' text form); some releases of the stubs allow only a mapping
    # as default.
    conditions = serializers.JSONField(required=False, default=cast(Any, ""))
    match = serializers.RegexField(r"^(all|any)$", required=False, default="all", help_text="all / any")
    required_factors = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    measures = serializers.CharField(required=False, allow_blank=True, default="")
    legal_basis = serializers.CharField(required=False, allow_blank=True, default="")


class BenchmarkSaveSerializer(serializers.Serializer[dict[str, Any]]):
    scale = serializers.ChoiceField(choices=Scale.choices)
    basis = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)
    tiers = TierInSerializer(many=True)
    entries = EntryInSerializer(many=True, required=False, default=list)
    expected_updated_at = serializers.DateTimeField(
        required=False, help_text="updated_at as last read; 409 if it changed"
    )


class BenchmarkCheckSerializer(BenchmarkSaveSerializer):
    item = serializers.CharField(help_text="item code or id")
    expected_updated_at = None  # type: ignore[assignment]  # DRF's way to drop an inherited field


class DraftCreateSerializer(serializers.Serializer[dict[str, Any]]):
    item = serializers.CharField(help_text="item code or id")
    # A declared field (the metaclass moves it into _declared_fields), not Field.source, which it seems to
    # hide.
    source = serializers.IntegerField(  # type: ignore[assignment]
        required=False, help_text="benchmark id to copy; default: the version in force"
    )


class PublishSerializer(serializers.Serializer[dict[str, Any]]):
    document_number = serializers.CharField(allow_blank=True)
    document_title = serializers.CharField(allow_blank=True)
    document_date = serializers.DateField(required=False, allow_null=True, default=None)
    valid_from = serializers.DateField()


class WithdrawSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(allow_blank=True)


class PriorSerializer(serializers.Serializer[dict[str, Any]]):
    decided_on = serializers.DateField()
    item_code = serializers.CharField(required=False, allow_blank=True, default="")
    penalised = serializers.BooleanField(required=False, default=True)
    reference = serializers.CharField(required=False, allow_blank=True, default="")


class ProposedSerializer(serializers.Serializer[dict[str, Any]]):
    punish = serializers.BooleanField()
    kinds = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    fine = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RecommendInSerializer(serializers.Serializer[dict[str, Any]]):
    item = serializers.CharField(help_text="item code or id")
    on = serializers.DateField(required=False, help_text="decision date; default today")
    act_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="the act or its end (art 36)"
    )
    discovered_on = serializers.DateField(required=False, allow_null=True, default=None)
    facts = serializers.DictField(
        required=False, default=dict, help_text='e.g. {"area_m2": 12, "corrected_after_order": false}'
    )
    factors = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text="circumstance codes"
    )
    subject_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    identifier = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="ID number / credit code"
    )
    history = PriorSerializer(
        many=True, required=False, allow_null=True, default=None, help_text="explicit earlier violations"
    )


class DeviationInSerializer(RecommendInSerializer):
    proposed = ProposedSerializer()


class RecommendOutSerializer(serializers.Serializer[dict[str, Any]]):
    """The recommendation. `explanation` is in the request's language (?lang=en), the others in both."""

    punish = serializers.BooleanField()
    no_penalty_basis = serializers.CharField()
    no_penalty_mandatory = serializers.BooleanField()
    education = serializers.CharField()
    tier = serializers.CharField()
    tier_label = serializers.CharField()
    reduced = serializers.BooleanField()
    penalty_kinds = serializers.ListField(child=serializers.CharField())
    fine_min = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    fine_max = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    fine_suggested = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    statutory_min = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    statutory_max = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    factors = serializers.ListField(child=serializers.DictField())
    history_known = serializers.BooleanField()
    missing_facts = serializers.ListField(child=serializers.CharField())
    unknown_factors = serializers.ListField(child=serializers.CharField())
    summary = serializers.CharField()
    summary_zh = serializers.CharField()
    summary_en = serializers.CharField()
    citation = serializers.DictField()
    explanation = serializers.ListField(child=serializers.CharField())
    explanation_zh = serializers.ListField(child=serializers.CharField())
    explanation_en = serializers.ListField(child=serializers.CharField())
    item = serializers.DictField()
    on = serializers.DateField()


class DeviationOutSerializer(serializers.Serializer[dict[str, Any]]):
    recommendation = RecommendOutSerializer()
    deviation = serializers.DictField(
        help_text="kind: inside / lighter / heavier / outside_statutory; needs_reason; explanation"
    )


class ProblemSerializer(serializers.Serializer[dict[str, Any]]):
    section = serializers.CharField()
    index = serializers.IntegerField(allow_null=True)
    field = serializers.CharField()
    message = serializers.CharField()


class ProblemsSerializer(serializers.Serializer[dict[str, Any]]):
    problems = ProblemSerializer(many=True)


class BenchmarkErrorSerializer(ErrorSerializer):
    """The API's error shape, with each problem of the table where it lies."""

    problems = ProblemSerializer(many=True)


class ImportInSerializer(serializers.Serializer[dict[str, Any]]):
    file = serializers.FileField()
    publish = serializers.BooleanField(required=False, default=False)
    dry_run = serializers.BooleanField(required=False, default=False)

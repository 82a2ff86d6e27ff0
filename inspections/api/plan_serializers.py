"""Shapes of the planning, figures and registry parts of the inspections API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..models import AnnualPlan, AnnualPlanEntry, RiskLevel, SubjectProfile, Visit
from ..workflow import Scenario


class AnnualPlanSerializer(serializers.ModelSerializer[AnnualPlan]):
    unit = serializers.CharField(source="unit.code")
    status = serializers.CharField()

    class Meta:
        model = AnnualPlan
        fields = ["id", "unit", "year", "title", "status", "approved_at"]


class PlanEntrySerializer(serializers.ModelSerializer[AnnualPlanEntry]):
    subject_name = serializers.CharField(source="subject.name", allow_null=True, default=None)
    town = serializers.CharField(source="town.code", allow_null=True, default=None)
    items = serializers.SerializerMethodField()
    months = serializers.ListField(child=serializers.IntegerField())

    class Meta:
        model = AnnualPlanEntry
        fields = [
            "id",
            "subject",
            "subject_name",
            "subject_type",
            "town",
            "items",
            "visits_per_year",
            "months",
        ]

    def get_items(self, entry: AnnualPlanEntry) -> list[str]:
        return [item.code for item in entry.items.all()]


class AnnualPlanDetailSerializer(AnnualPlanSerializer):
    entries = PlanEntrySerializer(many=True)

    class Meta(AnnualPlanSerializer.Meta):
        fields = [*AnnualPlanSerializer.Meta.fields, "entries"]


class AnnualPlanInput(serializers.Serializer[Any]):
    unit = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class PlanEntryInput(serializers.Serializer[Any]):
    subject = serializers.IntegerField(required=False, allow_null=True, default=None)
    subject_type = serializers.ChoiceField(
        choices=Scenario.choices, required=False, default="", allow_blank=True
    )
    town = serializers.IntegerField(required=False, allow_null=True, default=None)
    items = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=50)
    visits_per_year = serializers.IntegerField(min_value=1, max_value=12)
    months = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=12), max_length=12)


class CalendarVisitSerializer(serializers.Serializer[Any]):
    task = serializers.IntegerField(allow_null=True, help_text="null when the user may not open it")
    title = serializers.CharField(allow_blank=True)
    planned_on = serializers.DateField()
    lead_unit = serializers.CharField()
    joined = serializers.ListField(child=serializers.CharField())
    kind = serializers.CharField()
    status = serializers.CharField()


class CalendarLineSerializer(serializers.Serializer[Any]):
    unit = serializers.CharField()
    entry = serializers.IntegerField()
    scheduled = serializers.BooleanField()


class CalendarRowSerializer(serializers.Serializer[Any]):
    subject = serializers.IntegerField()
    subject_name = serializers.CharField()
    units = serializers.IntegerField()
    visits = CalendarVisitSerializer(many=True)
    plan_lines = CalendarLineSerializer(many=True)


class ProposalSerializer(serializers.Serializer[Any]):
    subject = serializers.IntegerField()
    keep_lead_unit = serializers.CharField()
    keep_planned_on = serializers.DateField()
    joining_lead_unit = serializers.CharField()
    joining_planned_on = serializers.DateField()


class TypeLineSerializer(serializers.Serializer[Any]):
    unit = serializers.CharField()
    entry = serializers.IntegerField()
    subject_type = serializers.CharField()
    town = serializers.CharField(allow_null=True)


class CalendarSerializer(serializers.Serializer[Any]):
    month = serializers.CharField()
    rows = CalendarRowSerializer(many=True)
    proposals = ProposalSerializer(many=True)
    type_lines = TypeLineSerializer(many=True)


class FiguresSerializer(serializers.Serializer[Any]):
    inspections = serializers.IntegerField()
    joint = serializers.IntegerField()
    departments_per_joint = serializers.FloatField()
    visits_saved = serializers.IntegerField()
    visits = serializers.IntegerField()
    with_code = serializers.IntegerField()
    failures = serializers.IntegerField()
    cases = serializers.IntegerField()
    whistles = serializers.IntegerField()
    rechecked = serializers.IntegerField()
    codes_scanned = serializers.IntegerField()


class UnitFiguresSerializer(FiguresSerializer):
    unit = serializers.CharField()
    name = serializers.CharField()


class PerBusinessSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    businesses = serializers.IntegerField()
    visits = serializers.IntegerField()
    average = serializers.FloatField()
    most = serializers.IntegerField()
    buckets = serializers.DictField(child=serializers.IntegerField(), help_text='"1", "2", "3", "4+" visits')
    cap = serializers.IntegerField()
    pairs = serializers.IntegerField()
    pairs_at_cap = serializers.IntegerField()
    pairs_over_cap = serializers.IntegerField()


class FiguresReportSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()
    total = FiguresSerializer()
    units = UnitFiguresSerializer(many=True)
    per_business = PerBusinessSerializer()


class PeriodInput(serializers.Serializer[Any]):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("start") and attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": "The end cannot be before the start."})
        return attrs


class SubjectProfileSerializer(serializers.ModelSerializer[SubjectProfile]):
    subject_type = serializers.ChoiceField(choices=Scenario.choices)
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, default=None
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, default=None
    )

    class Meta:
        model = SubjectProfile
        fields = ["subject_type", "risk_level", "latitude", "longitude"]


class LedgerVisitSerializer(serializers.ModelSerializer[Visit]):
    unit = serializers.CharField(source="unit.code")
    purpose = serializers.CharField()

    class Meta:
        model = Visit
        fields = ["id", "visited_on", "unit", "purpose", "task", "with_code", "no_code_reason", "file_due"]


class SubjectRecordSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    identifier = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    profile = SubjectProfileSerializer(allow_null=True)
    visits = LedgerVisitSerializer(many=True)

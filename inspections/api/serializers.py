"""Input and output shapes of the inspections API. No writes here: views call services."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..models import InspectionTask, TaskInvitation, TaskOfficer, TaskPoint
from ..workflow import Exemption, PointResult, Scenario, TaskKind

# --- output -------------------------------------------------------------------------------------------------


class TaskSerializer(serializers.ModelSerializer[InspectionTask]):
    lead_unit = serializers.CharField(source="lead_unit.code")
    town = serializers.CharField(source="town.code")
    subject = serializers.CharField(source="subject.name")
    subject_id = serializers.IntegerField()
    # plain strings in the schema: the choices are documented on the input shapes and in workflow.py
    status = serializers.CharField()
    kind = serializers.CharField()
    exemption = serializers.CharField()
    scenario = serializers.CharField()

    class Meta:
        model = InspectionTask
        fields = [
            "id",
            "title",
            "kind",
            "exemption",
            "exemption_ref",
            "status",
            "lead_unit",
            "town",
            "subject",
            "subject_id",
            "scenario",
            "planned_on",
            "headcount",
            "approved_at",
            "approved_afterwards",
            "entered_at",
            "follow_up_of",
            "merged_into",
            "version",
        ]


class TaskPointSerializer(serializers.ModelSerializer[TaskPoint]):
    item_code = serializers.CharField(source="point.item.code")
    point_code = serializers.CharField(source="point.code")
    text = serializers.CharField(source="point.text_zh")
    legal_basis = serializers.CharField(source="point.legal_basis")
    enforcement_item = serializers.CharField(source="point.enforcement_item.code")
    requested_by = serializers.SerializerMethodField()
    holder = serializers.SerializerMethodField()
    result = serializers.CharField()
    disposition = serializers.CharField()

    class Meta:
        model = TaskPoint
        fields = [
            "id",
            "item_code",
            "point_code",
            "text",
            "legal_basis",
            "enforcement_item",
            "requested_by",
            "holder",
            "holder_kind",
            "ad_hoc",
            "result",
            "note",
            "major",
            "rectify_by",
            "disposition",
            "case",
            "whistle",
        ]

    def get_requested_by(self, row: TaskPoint) -> list[str]:
        return sorted(u.code for u in row.requested_by.all())

    def get_holder(self, row: TaskPoint) -> str | None:
        unit = row.holder_town or row.holder_department
        return unit.code if unit else None


class InvitationSerializer(serializers.ModelSerializer[TaskInvitation]):
    department = serializers.CharField(source="department.code")
    task_title = serializers.CharField(source="task.title")
    planned_on = serializers.DateField(source="task.planned_on")
    status = serializers.CharField()

    class Meta:
        model = TaskInvitation
        fields = [
            "id",
            "task",
            "task_title",
            "planned_on",
            "department",
            "status",
            "template",
            "reason",
            "responded_at",
        ]


class OfficerSerializer(serializers.ModelSerializer[TaskOfficer]):
    name = serializers.CharField(source="officer.__str__")
    unit = serializers.CharField(source="unit.code")

    class Meta:
        model = TaskOfficer
        fields = ["officer", "name", "unit", "certificate_number"]


class TaskDetailSerializer(TaskSerializer):
    points = TaskPointSerializer(many=True)
    invitations = InvitationSerializer(many=True)
    officers = OfficerSerializer(many=True)

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "points", "invitations", "officers"]


# --- input --------------------------------------------------------------------------------------------------


class TaskCreateInput(serializers.Serializer[Any]):
    lead_unit = serializers.IntegerField()
    town = serializers.IntegerField()
    subject = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=TaskKind.choices, help_text="routine, special, clue, immediate")
    title = serializers.CharField(max_length=200)
    planned_on = serializers.DateField()
    headcount = serializers.IntegerField(min_value=2, max_value=50, default=2)
    scenario = serializers.ChoiceField(choices=Scenario.choices, required=False, default="")
    exemption = serializers.ChoiceField(choices=Exemption.choices, required=False, default="")
    exemption_ref = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    templates = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=20
    )


class DepartmentInput(serializers.Serializer[Any]):
    department = serializers.IntegerField()


class OfficersInput(serializers.Serializer[Any]):
    officers = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=50)


class VersionInput(serializers.Serializer[Any]):
    version = serializers.IntegerField(required=False)


class ReasonInput(VersionInput):
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class EnterInput(VersionInput):
    with_code = serializers.BooleanField(default=True)
    no_code_reason = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)
    identifier_seen = serializers.CharField(max_length=32, required=False, default="", allow_blank=True)
    visited_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="filing a visit without a code afterwards"
    )


class FinishInput(VersionInput):
    present = serializers.ListField(
        child=serializers.IntegerField(),
        min_length=1,
        max_length=50,
        help_text="officers present at the sign-off",
    )
    business_signatory = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    business_refusal = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class AcceptInput(serializers.Serializer[Any]):
    template = serializers.IntegerField(required=False, allow_null=True, default=None)


class DeclineInput(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=1000)


class PointResultInput(serializers.Serializer[Any]):
    result = serializers.ChoiceField(choices=[c for c in PointResult.choices if c[0] != PointResult.PENDING])
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    major = serializers.BooleanField(default=False)
    rectify_by = serializers.DateField(required=False, allow_null=True, default=None)

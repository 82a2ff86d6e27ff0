"""Input and output shapes of the whistle API. No writes here: views call services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from authority.api.serializers import ItemRefSerializer
from authority.models import EnforcementItem
from enforcement.api.serializers import CodeOrIdField, UnitRefSerializer, datetime_out, unit_ref
from enforcement.choices import choice_label
from enforcement.models import Unit, User
from enforcement.people import PREFIX as PEOPLE_PREFIX
from enforcement.people import SEPARATOR as PEOPLE_SEPARATOR
from enforcement.people import name_fields

from .. import clock
from ..models import (
    Notification,
    WhistleAssignment,
    WhistleEvent,
    WhistlePhoto,
    WhistleRequest,
    WhistleReturn,
)
from ..notifications import render as render_notification
from ..photos import MAX_PHOTOS_PER_UPLOAD
from ..rules import can_act_on_assignment
from ..selectors import current_due
from ..workflow import (
    STEP_OWED_IN,
    Action,
    Reason,
    ReturnReason,
    Step,
    Urgency,
    WhistleStatus,
    actions_from,
)

# --- output -------------------------------------------------------------------------------------------------


class DueSerializer(serializers.Serializer[Any]):
    step = serializers.CharField()
    at = serializers.DateTimeField()
    overdue = serializers.BooleanField()


class ReturnSerializer(serializers.ModelSerializer[WhistleReturn]):
    reason_label = serializers.CharField(source="get_reason_display", read_only=True)
    returned_by = serializers.StringRelatedField[User]()
    decided_by = serializers.StringRelatedField[User](allow_null=True)

    class Meta:
        model = WhistleReturn
        fields = [
            "id",
            "cycle",
            "reason",
            "reason_label",
            "note",
            "from_status",
            "returned_by",
            "returned_at",
            "decision",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class PhotoSerializer(serializers.ModelSerializer[WhistlePhoto]):
    url = serializers.SerializerMethodField()
    uploaded_by = serializers.StringRelatedField[User]()

    class Meta:
        model = WhistlePhoto
        fields = [
            "id",
            "url",
            "content_type",
            "size",
            "width",
            "height",
            "caption",
            "assignment",
            "uploaded_by",
            "uploaded_at",
        ]

    def get_url(self, obj: WhistlePhoto) -> str:
        """Download with the API token (the same scoping as the whistle)."""
        return reverse("api-whistle-photo-file", args=[obj.pk])


class AssignmentSerializer(serializers.ModelSerializer[WhistleAssignment]):
    department = UnitRefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    current_due = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    whistle = serializers.PrimaryKeyRelatedField[WhistleRequest](read_only=True)
    acknowledged_by = serializers.StringRelatedField[User](allow_null=True)
    on_site_by = serializers.StringRelatedField[User](allow_null=True)
    handled_by = serializers.StringRelatedField[User](allow_null=True)
    rated_by = serializers.StringRelatedField[User](allow_null=True)

    class Meta:
        model = WhistleAssignment
        fields = [
            "id",
            "whistle",
            "department",
            "status",
            "status_label",
            "cycle",
            "sent_at",
            "check_in_due",
            "on_site_due",
            "handle_due",
            "current_due",
            "acknowledged_at",
            "acknowledged_by",
            "on_site_at",
            "on_site_by",
            "handled_at",
            "handled_by",
            "handling_note",
            "department_case_ref",
            "closed_at",
            "rating",
            "rating_comment",
            "rated_by",
            "return_count",
            "actions",
        ]

    @extend_schema_field(DueSerializer(allow_null=True))
    def get_current_due(self, obj: WhistleAssignment) -> dict[str, Any] | None:
        due = current_due(obj, clock.now())
        return {"step": due.step.value, "at": due.at, "overdue": due.overdue} if due else None

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Action.choices)))
    def get_actions(self, obj: WhistleAssignment) -> list[str]:
        """The actions the requesting user may take now."""
        request = self.context.get("request")
        return assignment_actions(request.user if request is not None else None, obj)


def assignment_actions(user: Any, assignment: WhistleAssignment) -> list[str]:
    """The actions `user` may take now on the assignment (AssignmentSerializer's `actions`)."""
    if assignment.whistle.status != WhistleStatus.OPEN:
        return []
    return [
        t.action.value
        for t in actions_from(assignment.status)
        if t.action != Action.CANCEL and can_act_on_assignment(user, assignment, t.action)
    ]


class AssignmentDetailSerializer(AssignmentSerializer):
    returns = ReturnSerializer(many=True, read_only=True)

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "returns"]


class InboxAssignmentSerializer(AssignmentSerializer):
    whistle_title = serializers.CharField(source="whistle.title", read_only=True)
    whistle_reference = serializers.CharField(source="whistle.reference", read_only=True)
    town = UnitRefSerializer(source="whistle.town", read_only=True)
    urgency = serializers.CharField(source="whistle.urgency", read_only=True)

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "whistle_title", "whistle_reference", "town", "urgency"]

    def to_representation(self, instance: WhistleAssignment) -> dict[str, Any]:
        """The fields above, written out: DRF's generic walk (building ~30 fields from the model per request,
        then a field object, `get_attribute` and a None check per value) was a quarter of the inbox's time
        (issue 18). Same keys, values and formats; tests/api/test_written_out_rows.py holds the two equal."""
        a, w = instance, instance.whistle
        return {
            "id": a.pk,
            "whistle": a.whistle_id,
            "department": unit_ref(a.department),
            "status": a.status,
            "status_label": str(a.get_status_display()),
            "cycle": a.cycle,
            "sent_at": datetime_out(a.sent_at),
            "check_in_due": datetime_out(a.check_in_due),
            "on_site_due": datetime_out(a.on_site_due),
            "handle_due": datetime_out(a.handle_due),
            "current_due": self.get_current_due(a),
            "acknowledged_at": datetime_out(a.acknowledged_at),
            "acknowledged_by": _str_or_none(a.acknowledged_by),
            "on_site_at": datetime_out(a.on_site_at),
            "on_site_by": _str_or_none(a.on_site_by),
            "handled_at": datetime_out(a.handled_at),
            "handled_by": _str_or_none(a.handled_by),
            "handling_note": a.handling_note,
            "department_case_ref": a.department_case_ref,
            "closed_at": datetime_out(a.closed_at),
            "rating": a.rating,
            "rating_comment": a.rating_comment,
            "rated_by": _str_or_none(a.rated_by),
            "return_count": a.return_count,
            "actions": self.get_actions(a),
            "whistle_title": w.title,
            "whistle_reference": w.reference,
            "town": unit_ref(w.town),
            "urgency": w.urgency,
        }


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def inbox_rows(rows: Iterable[dict[str, Any]], user: Any) -> list[dict[str, Any]]:
    """InboxAssignmentSerializer's rows from the plain values of whistles.selectors.INBOX_ROW_VALUES, for
    `user`: the same keys in the same order, values and formats, without making an assignment, a whistle, two
    units and up to four people a row; the language, time zone and labels looked up once per page, each
    person's name once per person and the actions once per kind of row (issue 18).
    tests/api/test_inbox_rows.py holds the two equal."""
    english = (get_language() or "zh-hans").startswith("en")
    zone = timezone.get_current_timezone()
    status_field = WhistleAssignment._meta.get_field("status")
    names: dict[str, str] = {}
    actions: dict[tuple[Any, ...], list[str]] = {}
    now = clock.now()

    def unit(pk: int, code: str, en: str, zh: str) -> dict[str, Any]:
        # unit_ref; BilingualNameMixin.name
        return {"id": pk, "code": code, "name": en if english and en else zh}

    def when(value: dt.datetime | None) -> str | None:
        # datetime_out
        if value is None or value.tzinfo is None:
            return datetime_out(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def reference(raised_at: dt.datetime, pk: int) -> str:
        # WhistleRequest.reference
        return f"W{timezone.localtime(raised_at, zone):%Y}-{pk or 0:05d}"

    def person(named: str | None) -> str | None:
        # str() of the user enforcement.people makes of the names
        if named is None:
            return None
        if named not in names:
            loaded = ["id", *name_fields()]
            values = [None, *named.split(PEOPLE_SEPARATOR, len(loaded) - 2)]
            names[named] = str(User.from_db(None, loaded, values))
        return names[named]

    def may(r: dict[str, Any]) -> list[str]:
        # assignment_actions: decided by these values alone (whistles.rules), so once per combination
        key = (
            r["status"],
            r["department_id"],
            r["whistle__status"],
            r["whistle__town_id"],
            r["whistle__district_id"],
        )
        if key not in actions:
            whistle = WhistleRequest(status=key[2], town_id=key[3], district_id=key[4])
            actions[key] = assignment_actions(
                user, WhistleAssignment(status=key[0], department_id=key[1], whistle=whistle)
            )
        return list(actions[key])

    out = []
    for r in rows:
        status = r["status"]
        due: dict[str, Any] | None = None
        for step in (Step.CHECK_IN, Step.ON_SITE, Step.HANDLE):  # selectors.current_due
            if status in STEP_OWED_IN[step]:
                at = r[_DUE_OF[step]]
                due = {"step": step.value, "at": at, "overdue": now > at}
                break
        out.append(
            {
                "id": r["id"],
                "whistle": r["whistle_id"],
                "department": unit(
                    r["department_id"],
                    r["department__code"],
                    r["department__name_en"],
                    r["department__name_zh"],
                ),
                "status": status,
                "status_label": str(choice_label(status_field, status)),
                "cycle": r["cycle"],
                "sent_at": when(r["sent_at"]),
                "check_in_due": when(r["check_in_due"]),
                "on_site_due": when(r["on_site_due"]),
                "handle_due": when(r["handle_due"]),
                "current_due": due,
                "acknowledged_at": when(r["acknowledged_at"]),
                "acknowledged_by": person(r[f"{PEOPLE_PREFIX}acknowledged_by"]),
                "on_site_at": when(r["on_site_at"]),
                "on_site_by": person(r[f"{PEOPLE_PREFIX}on_site_by"]),
                "handled_at": when(r["handled_at"]),
                "handled_by": person(r[f"{PEOPLE_PREFIX}handled_by"]),
                "handling_note": r["handling_note"],
                "department_case_ref": r["department_case_ref"],
                "closed_at": when(r["closed_at"]),
                "rating": r["rating"],
                "rating_comment": r["rating_comment"],
                "rated_by": person(r[f"{PEOPLE_PREFIX}rated_by"]),
                "return_count": r["return_count"],
                "actions": may(r),
                "whistle_title": r["whistle__title"],
                "whistle_reference": reference(r["whistle__raised_at"], r["whistle_id"]),
                "town": unit(
                    r["whistle__town_id"],
                    r["whistle__town__code"],
                    r["whistle__town__name_en"],
                    r["whistle__town__name_zh"],
                ),
                "urgency": r["whistle__urgency"],
            }
        )
    return out


_DUE_OF = {Step.CHECK_IN: "check_in_due", Step.ON_SITE: "on_site_due", Step.HANDLE: "handle_due"}


class EventSerializer(serializers.ModelSerializer[WhistleEvent]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    actor = serializers.StringRelatedField[User](allow_null=True)

    class Meta:
        model = WhistleEvent
        fields = ["id", "kind", "kind_label", "at", "actor", "assignment", "note", "data"]


class WhistleSerializer(serializers.ModelSerializer[WhistleRequest]):
    reference = serializers.CharField(read_only=True)
    town = UnitRefSerializer(read_only=True)
    item = ItemRefSerializer(read_only=True, allow_null=True)
    raised_by = serializers.StringRelatedField[User]()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    assignments = AssignmentSerializer(many=True, read_only=True)

    class Meta:
        model = WhistleRequest
        fields = [
            "id",
            "reference",
            "town",
            "raised_by",
            "raised_at",
            "title",
            "description",
            "reason",
            "urgency",
            "address",
            "latitude",
            "longitude",
            "item",
            "origin_type",
            "origin_id",
            "origin_label",
            "status",
            "status_label",
            "closed_at",
            "withdrawn_reason",
            "assignments",
        ]


class WhistleDetailSerializer(WhistleSerializer):
    assignments = AssignmentDetailSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta(WhistleSerializer.Meta):
        fields = [*WhistleSerializer.Meta.fields, "events", "photos"]


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    text = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "params", "whistle", "assignment", "created_at", "read_at"]

    def get_text(self, obj: Notification) -> str:
        return render_notification(obj)


# --- input --------------------------------------------------------------------------------------------------


class WhistleRaiseInput(serializers.Serializer[Any]):
    town = CodeOrIdField(
        queryset=Unit.objects.filter(kind=Unit.Kind.TOWN),
        required=False,
        help_text="The raising town's code (or id); may be left out when the user works for one town only.",
    )
    title = serializers.CharField(max_length=200)
    description = serializers.CharField()
    reason = serializers.ChoiceField(choices=Reason.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    address = serializers.CharField(max_length=300)
    departments = CodeOrIdField(
        queryset=Unit.objects.filter(kind=Unit.Kind.DEPARTMENT),
        many=True,
        allow_empty=False,
        help_text="Department codes (or ids).",
    )
    item = CodeOrIdField(
        queryset=EnforcementItem.objects.all(),
        required=False,
        allow_null=True,
        help_text="Enforcement item code (or id).",
    )
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, min_value=-90, max_value=90
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, min_value=-180, max_value=180
    )
    origin_type = serializers.ChoiceField(
        choices=WhistleRequest.OriginType.choices, required=False, allow_blank=True, default=""
    )
    origin_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=MAX_PHOTOS_PER_UPLOAD
    )


class NoteInput(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RequiredNoteInput(serializers.Serializer[Any]):
    note = serializers.CharField(min_length=5)


class HandleInput(serializers.Serializer[Any]):
    note = serializers.CharField(min_length=5, help_text="What was done.")
    case_ref = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        default="",
        help_text="Document number of a case the department opened, if any.",
    )
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=MAX_PHOTOS_PER_UPLOAD
    )


class ReturnInput(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=ReturnReason.choices)
    note = serializers.CharField(
        min_length=5, help_text="The explanation the town and the district will read."
    )


class ConfirmInput(serializers.Serializer[Any]):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class WithdrawInput(serializers.Serializer[Any]):
    reason = serializers.CharField(min_length=5)


class AddDepartmentInput(serializers.Serializer[Any]):
    department = CodeOrIdField(
        queryset=Unit.objects.filter(kind=Unit.Kind.DEPARTMENT), help_text="Department code (or id)."
    )


class PhotoInput(serializers.Serializer[Any]):
    photos = serializers.ListField(
        child=serializers.FileField(), allow_empty=False, max_length=MAX_PHOTOS_PER_UPLOAD
    )
    caption = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    assignment = serializers.IntegerField(
        required=False, allow_null=True, help_text="Set when a department adds photos of its work."
    )


class DeadlinePolicyInput(serializers.Serializer[Any]):
    check_in_minutes = serializers.IntegerField(min_value=1)
    on_site_minutes = serializers.IntegerField(min_value=1)
    handle_minutes = serializers.IntegerField(min_value=1)
    remind_before_minutes = serializers.IntegerField(min_value=0)
    escalate_after_minutes = serializers.IntegerField(min_value=1)


class DeadlinePolicySerializer(DeadlinePolicyInput):
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    # A declared field (the metaclass moves it into _declared_fields), not Field.label, which it seems to
    # hide.
    label = serializers.CharField()  # type: ignore[assignment]
    overridden = serializers.BooleanField(help_text="True when the district set it; false for the defaults.")


class AssessmentQuery(serializers.Serializer[Any]):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("start") and attrs.get("end") and attrs["start"] > attrs["end"]:
            raise serializers.ValidationError("start is after end")
        return attrs


class DepartmentFiguresSerializer(serializers.Serializer[Any]):
    department_id = serializers.IntegerField()
    department = serializers.CharField()
    received = serializers.IntegerField()
    checked_in = serializers.IntegerField()
    handled = serializers.IntegerField()
    median_check_in_minutes = serializers.FloatField(allow_null=True)
    median_handle_hours = serializers.FloatField(allow_null=True)
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    pending = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    open_overdue = serializers.IntegerField()
    returned = serializers.IntegerField()
    return_rate = serializers.FloatField(allow_null=True)
    returns_total = serializers.IntegerField()
    returns_overruled = serializers.IntegerField()
    returns_upheld = serializers.IntegerField()
    returns_pending = serializers.IntegerField()
    returns_territorial = serializers.IntegerField()
    rated = serializers.IntegerField()
    average_rating = serializers.FloatField(allow_null=True)


class TownFiguresSerializer(serializers.Serializer[Any]):
    town_id = serializers.IntegerField()
    town = serializers.CharField()
    raised = serializers.IntegerField()
    open = serializers.IntegerField()
    closed = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    justified = serializers.IntegerField()
    unjustified = serializers.IntegerField()
    undecided = serializers.IntegerField()
    justified_share = serializers.FloatField(allow_null=True)
    returns_received = serializers.IntegerField()
    average_rating_given = serializers.FloatField(allow_null=True)


class MonthSerializer(serializers.Serializer[Any]):
    month = serializers.CharField()
    raised = serializers.IntegerField()
    returns = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()


class ReasonCountSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()
    # A declared field (the metaclass moves it into _declared_fields), not Field.label, which it seems to
    # hide.
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()


class AssessmentSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()
    departments = DepartmentFiguresSerializer(many=True)
    towns = TownFiguresSerializer(many=True)
    months = MonthSerializer(many=True)
    return_reasons = ReasonCountSerializer(many=True)


class SuggestionSerializer(serializers.Serializer[Any]):
    item = ItemRefSerializer(allow_null=True)
    town_holds = serializers.BooleanField()
    explanation = serializers.CharField()
    department = UnitRefSerializer(allow_null=True)


class CountSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()

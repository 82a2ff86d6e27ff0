"""The inspections REST API. Reads through selectors (not visible = 404), writes through services (not allowed
= 403, bad input = 400, not possible in the current state or a concurrent change = 409)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement.access import access_or_404
from enforcement.http import AuthedRequest
from enforcement.models import Subject, Unit, User

from .. import services
from ..models import ChecklistTemplate, InspectionTask, TaskInvitation, TaskPoint
from ..selectors import invitation_inbox_for, task_get_for, task_list_for
from . import serializers as s

M = TypeVar("M", bound=Model)
T = TypeVar("T")


def _district_id(request: AuthedRequest) -> int:
    unit = request.user.unit
    if unit is None:
        raise Http404
    return unit.district_id


def _named(queryset: QuerySet[M], pk: int, field: str) -> M:
    """An object named in the body: one the user's district does not have is bad input (400 naming the field),
    the same answer whether it exists elsewhere or not at all."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise serializers.ValidationError({field: [_("No such record in your district.")]})
    return found


def _unit(request: AuthedRequest, pk: int, field: str) -> Unit:
    return _named(Unit.objects.filter(district_id=_district_id(request)), pk, field)


def _template(request: AuthedRequest, pk: int) -> ChecklistTemplate:
    return _named(ChecklistTemplate.objects.filter(unit__district_id=_district_id(request)), pk, "templates")


def _detail(request: AuthedRequest, pk: int, code: int = status.HTTP_200_OK) -> Response:
    task = task_get_for(user=request.user, pk=pk)
    task = (
        InspectionTask.objects.filter(pk=task.pk)
        .select_related("lead_unit", "town", "subject")
        .prefetch_related(
            Prefetch(
                "points",
                queryset=TaskPoint.objects.select_related(
                    "point__item", "point__enforcement_item", "holder_town", "holder_department"
                ).prefetch_related("requested_by"),
            ),
            Prefetch("invitations", queryset=TaskInvitation.objects.select_related("department", "task")),
            "officers__officer",
            "officers__unit",
        )
        .get()
    )
    return Response(s.TaskDetailSerializer(task).data, status=code)


class TaskListView(generics.ListAPIView[InspectionTask]):
    """Inspections the user may see: their town's, those their unit leads or was invited to, or the
    district's."""

    request: AuthedRequest

    serializer_class = s.TaskSerializer

    def get_queryset(self) -> QuerySet[InspectionTask]:
        if getattr(self, "swagger_fake_view", False):
            return InspectionTask.objects.none()
        params = self.request.query_params
        return task_list_for(
            user=self.request.user, status=params.get("status", ""), kind=params.get("kind", "")
        )

    @extend_schema(parameters=[OpenApiParameter("status", str), OpenApiParameter("kind", str)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=s.TaskCreateInput, responses={201: s.TaskDetailSerializer}, summary="Plan an inspection"
    )
    def post(self, request: AuthedRequest) -> Response:
        data = s.TaskCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        district_id = _district_id(request)
        task = services.task_create(
            actor=request.user,
            lead_unit=_unit(request, v["lead_unit"], "lead_unit"),
            town=_unit(request, v["town"], "town"),
            subject=_named(Subject.objects.filter(district_id=district_id), v["subject"], "subject"),
            kind=v["kind"],
            title=v["title"],
            planned_on=v["planned_on"],
            headcount=v["headcount"],
            scenario=v["scenario"],
            exemption=v["exemption"],
            exemption_ref=v["exemption_ref"],
            templates=[_template(request, pk) for pk in v["templates"]],
        )
        return _detail(request, task.pk, status.HTTP_201_CREATED)


class TaskDetailView(APIView):
    @extend_schema(responses=s.TaskDetailSerializer, summary="One inspection with its merged checklist")
    def get(self, request: AuthedRequest, pk: int) -> Response:
        return _detail(request, pk)


class TaskInviteView(APIView):
    @extend_schema(
        request=s.DepartmentInput, responses={201: s.TaskDetailSerializer}, summary="Invite a department"
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        task = task_get_for(user=request.user, pk=pk)
        data = s.DepartmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.task_invite(
            actor=request.user,
            task=task,
            department=_unit(request, data.validated_data["department"], "department"),
        )
        return _detail(request, pk, status.HTTP_201_CREATED)


class TaskOfficersView(APIView):
    @extend_schema(
        request=s.OfficersInput, responses=s.TaskDetailSerializer, summary="Set the officers on the visit"
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        task = task_get_for(user=request.user, pk=pk)
        data = s.OfficersInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data["officers"]
        officers = list(User.objects.filter(pk__in=ids, unit__district_id=_district_id(request)))
        if len(officers) != len(set(ids)):
            raise Http404
        services.task_officers_set(actor=request.user, task=task, officers=officers)
        return _detail(request, pk)


def _action_view(name: str, input_class: type, summary: str, fields: tuple[str, ...]) -> type[APIView]:
    service = getattr(services, f"task_{name}")

    class ActionView(APIView):
        @extend_schema(request=input_class, responses=s.TaskDetailSerializer, summary=summary)
        def post(self, request: AuthedRequest, pk: int) -> Response:
            task = task_get_for(user=request.user, pk=pk)
            data = input_class(data=request.data)
            data.is_valid(raise_exception=True)
            kwargs = {f: data.validated_data[f] for f in fields if f in data.validated_data}
            service(actor=request.user, task=task, **kwargs)
            return _detail(request, pk)

    ActionView.__name__ = f"Task{name.title()}View"
    return ActionView


ACTION_VIEWS: dict[str, type[APIView]] = {
    "publish": _action_view("publish", s.VersionInput, "Publish the task (invitations go out)", ("version",)),
    "approve": _action_view(
        "approve",
        s.ReasonInput,
        "The unit head approves the plan (即时: afterwards, with a reason)",
        ("version", "reason"),
    ),
    "cancel": _action_view("cancel", s.ReasonInput, "Cancel with a reason", ("reason",)),
    "enter": _action_view(
        "enter",
        s.EnterInput,
        "Enter the premises (the visit goes on the ledger)",
        ("version", "with_code", "no_code_reason", "identifier_seen", "visited_on"),
    ),
    "close": _action_view("close", s.VersionInput, "Close once the findings are handed on", ()),
}


class TaskFinishView(APIView):
    @extend_schema(
        request=s.FinishInput,
        responses=s.TaskDetailSerializer,
        summary="Finish the check: the officers present and the business sign (or its refusal is recorded)",
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        task = task_get_for(user=request.user, pk=pk)
        data = s.FinishInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        ids = set(v["present"])
        present = list(User.objects.filter(pk__in=ids, unit__district_id=_district_id(request)))
        if len(present) != len(ids):
            raise serializers.ValidationError({"present": [_("No such record in your district.")]})
        services.task_finish(
            actor=request.user,
            task=task,
            present=present,
            business_signatory=v["business_signatory"],
            business_refusal=v["business_refusal"],
            version=v.get("version"),
        )
        return _detail(request, pk)


ACTION_VIEWS["finish"] = TaskFinishView


class PointResultView(APIView):
    @extend_schema(
        request=s.PointResultInput,
        responses=s.TaskPointSerializer,
        summary="Record the result of one check point",
    )
    def post(self, request: AuthedRequest, pk: int, point_pk: int) -> Response:
        task = task_get_for(user=request.user, pk=pk)
        row = access_or_404(TaskPoint.objects.filter(task=task), pk=point_pk)
        data = s.PointResultInput(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.point_record(actor=request.user, task_point=row, **data.validated_data)
        return Response(s.TaskPointSerializer(row).data)


class InvitationInboxView(generics.ListAPIView[TaskInvitation]):
    """The department's open invitations (部门邀约)."""

    request: AuthedRequest

    serializer_class = s.InvitationSerializer

    def get_queryset(self) -> QuerySet[TaskInvitation]:
        if getattr(self, "swagger_fake_view", False):
            return TaskInvitation.objects.none()
        return invitation_inbox_for(user=self.request.user)


class InvitationAcceptView(APIView):
    @extend_schema(
        request=s.AcceptInput, responses=s.InvitationSerializer, summary="Accept, bringing a checklist"
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        invitation = access_or_404(invitation_inbox_for(user=request.user, open_only=False), pk=pk)
        data = s.AcceptInput(data=request.data)
        data.is_valid(raise_exception=True)
        template_pk = data.validated_data["template"]
        template = _template(request, template_pk) if template_pk is not None else None
        invitation = services.invitation_accept(actor=request.user, invitation=invitation, template=template)
        return Response(s.InvitationSerializer(invitation).data)


class InvitationDeclineView(APIView):
    @extend_schema(request=s.DeclineInput, responses=s.InvitationSerializer, summary="Decline with a reason")
    def post(self, request: AuthedRequest, pk: int) -> Response:
        invitation = access_or_404(invitation_inbox_for(user=request.user, open_only=False), pk=pk)
        data = s.DeclineInput(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.invitation_decline(
            actor=request.user,
            invitation=invitation,
            reason=data.validated_data["reason"],
        )
        return Response(s.InvitationSerializer(invitation).data)

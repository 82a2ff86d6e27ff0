"""The whistle REST API. Reads through selectors (not visible = 404), writes through services (not allowed =
403, bad input = 400, not possible in the current state or a concurrent change = 409)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement.access import scope_for
from enforcement.api.files import FileDownloadView, file_responses
from enforcement.http import AuthedRequest
from enforcement.models import Unit
from enforcement.work_cache import work_answer

from .. import services
from ..assessment import assess, default_period
from ..downloads import photo_file_response
from ..models import Notification, WhistleAssignment, WhistleEvent, WhistleRequest, WhistleReturn
from ..rules import can_edit_deadlines, can_view_assessment, towns_user_may_whistle_for
from ..selectors import (
    assignment_get_for,
    deadline_table,
    inbox_for,
    inbox_values_for,
    items_for_whistle,
    notification_get_for,
    notifications_for,
    photo_get_for,
    returns_to_review_for,
    suggest_department,
    unread_count,
    whistle_get_for,
    whistle_list_for,
)
from ..workflow import Action, Urgency, WhistleStatus
from . import serializers as s


def _unit_id(request: Request, value: str, kind: str) -> int | None:
    """A town or department filter given by code (or id), looked up in the user's districts; an unknown one,
    or one of another district, matches nothing."""
    if not value:
        return None
    units = Unit.objects.filter(kind=kind, district_id__in=scope_for(request.user).district_ids)
    found = units.filter(code=value[:64]).values_list("pk", flat=True).first()
    if found is None and value.isdigit() and len(value) < 19:
        found = units.filter(pk=int(value)).values_list("pk", flat=True).first()
    return found if found is not None else -1  # matches nothing


def _whistle_detail(request: Request, pk: int) -> Response:
    whistle = whistle_get_for(user=request.user, pk=pk)
    whistle = (
        WhistleRequest.objects.filter(pk=whistle.pk)
        .select_related("town", "item", "raised_by")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=WhistleAssignment.objects.select_related(
                    "department", "acknowledged_by", "on_site_by", "handled_by", "rated_by"
                ).prefetch_related(
                    Prefetch(
                        "returns", queryset=WhistleReturn.objects.select_related("returned_by", "decided_by")
                    )
                ),
            ),
            Prefetch("events", queryset=WhistleEvent.objects.select_related("actor").order_by("at", "pk")),
            "photos__uploaded_by",
        )
        .get()
    )
    return Response(s.WhistleDetailSerializer(whistle, context={"request": request}).data)


class WhistleListView(generics.ListAPIView[WhistleRequest]):
    """Whistles the user may see: their town's, those sent to their department, or the district's."""

    serializer_class = s.WhistleSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[WhistleRequest]:
        if getattr(self, "swagger_fake_view", False):
            return WhistleRequest.objects.none()
        params = self.request.query_params
        return whistle_list_for(
            user=self.request.user,
            status=params.get("status", "") if params.get("status", "") in WhistleStatus.values else "",
            urgency=params.get("urgency", "") if params.get("urgency", "") in Urgency.values else "",
            town_id=_unit_id(self.request, params.get("town", ""), Unit.Kind.TOWN),
            department_id=_unit_id(self.request, params.get("department", ""), Unit.Kind.DEPARTMENT),
            overdue=params.get("overdue") in ("1", "true"),
            returned=params.get("returned") in ("1", "true"),
            query=params.get("q", "")[:100],
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=WhistleStatus.values),
            OpenApiParameter("urgency", str, enum=Urgency.values),
            OpenApiParameter("town", str, description="Town code (or id)."),
            OpenApiParameter("department", str, description="Department code (or id)."),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("returned", bool),
            OpenApiParameter("q", str),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={"application/json": s.WhistleRaiseInput, "multipart/form-data": s.WhistleRaiseInput},
        responses={201: s.WhistleDetailSerializer},
        summary="Raise a whistle (吹哨) to one or more district departments",
    )
    def post(self, request: AuthedRequest) -> Response:
        data = s.WhistleRaiseInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        town = values.pop("town", None)
        if town is None:
            towns = towns_user_may_whistle_for(request.user)
            if not towns:
                raise PermissionDenied(_("Only the town's officers may whistle for it."))
            if len(towns) > 1:
                raise ValidationError({"town": [_("Choose the raising town.")]})
            town = Unit.objects.get(pk=towns[0])
        photos = values.pop("photos", [])
        whistle = services.whistle_raise(actor=request.user, town=town, photos=photos, **values)
        response = _whistle_detail(request, whistle.pk)
        response.status_code = status.HTTP_201_CREATED
        return response


class WhistleDetailView(APIView):
    @extend_schema(
        responses=s.WhistleDetailSerializer,
        summary="One whistle with its assignments, returns, timeline and photos",
    )
    def get(self, request: AuthedRequest, pk: int) -> Response:
        return _whistle_detail(request, pk)


class WhistleWithdrawView(APIView):
    @extend_schema(
        request=s.WithdrawInput,
        responses=s.WhistleDetailSerializer,
        summary="The raising town withdraws its whistle",
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        whistle = whistle_get_for(user=request.user, pk=pk)
        data = s.WithdrawInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.whistle_withdraw(actor=request.user, whistle=whistle, reason=data.validated_data["reason"])
        return _whistle_detail(request, pk)


class WhistleAddDepartmentView(APIView):
    @extend_schema(
        request=s.AddDepartmentInput,
        responses={201: s.AssignmentSerializer},
        summary="Call another department",
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        whistle = whistle_get_for(user=request.user, pk=pk)
        data = s.AddDepartmentInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        assignment = services.whistle_add_department(
            actor=request.user,
            whistle=whistle,
            department=data.validated_data["department"],
        )
        return Response(
            s.AssignmentSerializer(assignment, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class WhistlePhotoView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.PhotoInput},
        responses={201: s.PhotoSerializer(many=True)},
        summary="Add photos (checked by content: JPEG, PNG or WebP)",
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        whistle = whistle_get_for(user=request.user, pk=pk)
        data = s.PhotoInput(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = None
        if data.validated_data.get("assignment"):
            assignment = assignment_get_for(user=request.user, pk=data.validated_data["assignment"])
        rows = services.whistle_photo_add(
            actor=request.user,
            whistle=whistle,
            photos=data.validated_data["photos"],
            assignment=assignment,
            caption=data.validated_data["caption"],
        )
        return Response(s.PhotoSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)


class InboxView(generics.ListAPIView[WhistleAssignment]):
    """What the user's department owes, the most pressing deadline first (`all=1`: also what waits on the town
    or the district)."""

    serializer_class = s.InboxAssignmentSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[WhistleAssignment]:
        if getattr(self, "swagger_fake_view", False):
            return WhistleAssignment.objects.none()
        if not scope_for(self.request.user).department_ids:
            raise PermissionDenied(_("The inbox is for department staff."))
        return inbox_for(
            user=self.request.user, include_waiting=self.request.query_params.get("all") in ("1", "true")
        )

    @extend_schema(parameters=[OpenApiParameter("all", bool)])
    @work_answer()
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The page's rows written from plain values (s.inbox_rows), InboxAssignmentSerializer's output
        without three model objects a row (issue 18); the same rows, order, cursor and query."""
        if not scope_for(request.user).department_ids:
            raise PermissionDenied(_("The inbox is for department staff."))
        include_waiting = request.query_params.get("all") in ("1", "true")
        page = self.paginate_queryset(inbox_values_for(user=request.user, include_waiting=include_waiting))
        assert page is not None, "every API list is paged"
        return self.get_paginated_response(s.inbox_rows(page, request.user))


class ReturnsToReviewView(generics.ListAPIView[WhistleAssignment]):
    """Returned assignments awaiting the district administrator's decision."""

    serializer_class = s.AssignmentDetailSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[WhistleAssignment]:
        if getattr(self, "swagger_fake_view", False):
            return WhistleAssignment.objects.none()
        if not scope_for(self.request.user).district_admin:
            raise PermissionDenied(_("Only the district administrator reviews returns."))
        return returns_to_review_for(user=self.request.user)


ACTION_INPUTS: dict[Action, type[Any]] = {
    Action.ACKNOWLEDGE: s.NoteInput,
    Action.ARRIVE: s.NoteInput,
    Action.HANDLE: s.HandleInput,
    Action.RETURN: s.ReturnInput,
    Action.CONFIRM: s.ConfirmInput,
    Action.REOPEN: s.RequiredNoteInput,
    Action.OVERRULE: s.RequiredNoteInput,
    Action.UPHOLD: s.RequiredNoteInput,
}
ACTION_SUMMARIES = {
    Action.ACKNOWLEDGE: "Department checks in (报到)",
    Action.ARRIVE: "Department is on site / starts handling",
    Action.HANDLE: "Department reports it handled (what was done, a case it opened, photos)",
    Action.RETURN: "Department returns it (退回) with a reason from the list and an explanation",
    Action.CONFIRM: "Town confirms and rates (1-5)",
    Action.REOPEN: "Town says it is not resolved",
    Action.OVERRULE: "District administrator overrules a return and re-sends it with new deadlines",
    Action.UPHOLD: "District administrator upholds a return",
}


class AssignmentDetailView(APIView):
    @extend_schema(responses=s.AssignmentDetailSerializer, summary="One department's assignment")
    def get(self, request: AuthedRequest, pk: int) -> Response:
        assignment = assignment_get_for(user=request.user, pk=pk)
        return Response(s.AssignmentDetailSerializer(assignment, context={"request": request}).data)


class AssignmentActionView(APIView):
    action: Action = Action.ACKNOWLEDGE
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def post(self, request: AuthedRequest, pk: int) -> Response:
        assignment = assignment_get_for(user=request.user, pk=pk)
        data = ACTION_INPUTS[self.action](data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if self.action == Action.HANDLE:
            services.assignment_handle(actor=request.user, assignment=assignment, **values)
        else:
            services.ACTION_SERVICES[self.action](actor=request.user, assignment=assignment, **values)
        fresh = assignment_get_for(user=request.user, pk=pk)
        return Response(s.AssignmentDetailSerializer(fresh, context={"request": request}).data)


def _action_view(action: Action) -> type[AssignmentActionView]:
    request_body: Any = ACTION_INPUTS[action]
    if action == Action.HANDLE:
        request_body = {"application/json": s.HandleInput, "multipart/form-data": s.HandleInput}

    def post(self: AssignmentActionView, request: AuthedRequest, pk: int) -> Response:
        return AssignmentActionView.post(self, request, pk)

    # Each action gets its own function so each carries its own schema (decorating the shared one would not).
    documented = extend_schema(
        request=request_body,
        responses={200: s.AssignmentDetailSerializer},
        summary=ACTION_SUMMARIES[action],
        operation_id=f"whistles_assignment_{action.value}",
    )(post)
    return type(
        f"Assignment{action.value.title()}View",
        (AssignmentActionView,),
        {"action": action, "__doc__": ACTION_SUMMARIES[action], "post": documented},
    )


ACTION_VIEWS = {action: _action_view(action) for action in ACTION_INPUTS}


class AssessmentView(APIView):
    @extend_schema(
        parameters=[s.AssessmentQuery],
        responses=s.AssessmentSerializer,
        summary="Two-way assessment (双向考核): departments' response and towns' whistles",
    )
    def get(self, request: AuthedRequest) -> Response:
        if not can_view_assessment(request.user):
            raise PermissionDenied(_("There is no assessment for this account."))
        query = s.AssessmentQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = default_period(timezone.localdate())
        result = assess(
            user=request.user,
            start=query.validated_data.get("start", start),
            end=query.validated_data.get("end", end),
        )
        return Response(s.AssessmentSerializer(result.as_dict()).data)


class SuggestView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("item", str, required=True, description="Enforcement item code (or id)."),
            OpenApiParameter("town", str, description="Town code (or id)."),
        ],
        responses=s.SuggestionSerializer,
        summary="Which department to whistle to for an item (who_enforces)",
    )
    def get(self, request: AuthedRequest) -> Response:
        towns = towns_user_may_whistle_for(request.user)
        scope = scope_for(request.user)
        district_ids = list(scope.district_ids)
        item_ref = request.query_params.get("item", "")[:64]
        if not item_ref or not district_ids:
            raise ValidationError({"item": [_("Give an enforcement item code (or id).")]})
        items = items_for_whistle(district_ids[0])
        item = items.filter(code=item_ref).first()
        if item is None and item_ref.isdigit() and len(item_ref) < 19:
            item = items.filter(pk=int(item_ref)).first()
        if item is None:
            raise ValidationError({"item": [_("No such enforcement item in your district's catalog.")]})
        town_param = request.query_params.get("town", "")
        town_id = (
            _unit_id(request, town_param, Unit.Kind.TOWN) if town_param else (towns[0] if towns else None)
        )
        town = (
            Unit.objects.filter(pk=town_id, kind=Unit.Kind.TOWN, district_id__in=district_ids).first()
            if town_id
            else None
        )
        suggestion = suggest_department(item=item, town=town)
        return Response(
            s.SuggestionSerializer(
                {
                    "item": item,
                    "town_holds": suggestion.town_holds,
                    "explanation": suggestion.explain(),
                    "department": suggestion.department,
                }
            ).data
        )


class DeadlinePolicyListView(APIView):
    @extend_schema(
        responses=s.DeadlinePolicySerializer(many=True),
        summary="Deadlines per urgency for the user's district",
    )
    def get(self, request: AuthedRequest) -> Response:
        district_ids = list(scope_for(request.user).district_ids)
        if not district_ids:
            raise PermissionDenied(_("This account belongs to no district."))
        return Response(
            s.DeadlinePolicySerializer(
                [_policy_row(row) for row in deadline_table(district_ids[0])], many=True
            ).data
        )


def _policy_row(row: tuple[str, Any, Any, bool]) -> dict[str, Any]:
    urgency, label, d, overridden = row
    return {
        "urgency": urgency,
        "label": str(label),
        "overridden": overridden,
        "check_in_minutes": int(d.check_in.total_seconds() // 60),
        "on_site_minutes": int(d.on_site.total_seconds() // 60),
        "handle_minutes": int(d.handle.total_seconds() // 60),
        "remind_before_minutes": int(d.remind_before.total_seconds() // 60),
        "escalate_after_minutes": int(d.escalate_after.total_seconds() // 60),
    }


class DeadlinePolicyView(APIView):
    @extend_schema(
        request=s.DeadlinePolicyInput,
        responses=s.DeadlinePolicySerializer,
        summary="Set the district's deadlines for one urgency (district administrator)",
    )
    def put(self, request: AuthedRequest, urgency: str) -> Response:
        user = request.user
        district = getattr(getattr(user, "unit", None), "district", None)
        if district is None or not can_edit_deadlines(user, district.pk):
            raise PermissionDenied(_("Only the district administrator sets whistle deadlines."))
        if urgency not in Urgency.values:
            raise Http404
        data = s.DeadlinePolicyInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.deadline_policy_set(actor=user, district=district, urgency=urgency, **data.validated_data)
        row = next(r for r in deadline_table(district) if r[0] == urgency)
        return Response(s.DeadlinePolicySerializer(_policy_row(row)).data)


class NotificationListView(generics.ListAPIView[Notification]):
    serializer_class = s.NotificationSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return notifications_for(
            user=self.request.user, unread_only=self.request.query_params.get("unread") in ("1", "true")
        )

    @extend_schema(parameters=[OpenApiParameter("unread", bool)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class NotificationReadView(APIView):
    @extend_schema(request=None, responses=s.NotificationSerializer, summary="Mark one notification read")
    def post(self, request: AuthedRequest, pk: int) -> Response:
        notification = notification_get_for(user=request.user, pk=pk)
        services.notification_mark_read(actor=request.user, notification=notification)
        return Response(s.NotificationSerializer(notification).data)


class NotificationReadAllView(APIView):
    @extend_schema(request=None, responses=s.CountSerializer, summary="Mark all my notifications read")
    def post(self, request: AuthedRequest) -> Response:
        return Response({"count": services.notifications_mark_all_read(actor=request.user)})


class NotificationCountView(APIView):
    @extend_schema(responses=s.CountSerializer, summary="How many unread notifications I have")
    def get(self, request: AuthedRequest) -> Response:
        return Response({"count": unread_count(user=request.user)})


class PhotoFileView(FileDownloadView):
    @extend_schema(
        responses=file_responses("image/jpeg", "image/png", "image/webp", description="The photo."),
        summary="Download one whistle photo",
        operation_id="whistles_photo_file",
    )
    def get(self, request: AuthedRequest, pk: int) -> Any:
        return photo_file_response(photo_get_for(user=request.user, pk=pk))

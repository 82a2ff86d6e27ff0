"""Moving a case through the API: one endpoint per workflow action (documented with that action's input), the
handling officers and the recusal declaration. Not possible at the case's stage, or someone else changed the
case first: 409 with the reason; an unknown action 404."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement.api.exceptions import ErrorSerializer, FenceFindingSerializer, invalid_form
from enforcement.http import AuthedRequest

from ... import lifecycle, rules
from ...deadlines import policy_for
from ...fences import ACTION_FENCES, case_fence_preview
from ...forms import ACTION_FORMS, DeclarationForm, OfficersForm, action_form
from ...selectors import case_get_for, officer_candidates
from ...workflow import Action, check_transition
from ..errors import ERRORS
from ..form_data import NameScope, form_data
from ..serializers.cases import CaseDetailSerializer
from ..serializers.inputs import ACTION_INPUTS, DeclarationInput, OfficersInput
from .cases import case_detail_response


class CaseActionView(APIView):
    """Take one workflow action; the body carries the action's fields and the case's version."""

    action_name: str = ""
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def post(self, request: AuthedRequest, pk: int, action: str = "") -> Response:
        name = action or self.action_name
        case = case_get_for(user=request.user, pk=pk)
        if name not in ACTION_FORMS:
            raise NotFound(
                _("There is no action “%(action)s”. Known actions: %(known)s.")
                % {"action": name[:40], "known": ", ".join(ACTION_FORMS)}
            )
        check_transition(case.stage, name)  # a step the stage does not allow is a 409 whatever the input
        names = NameScope.of(request.user)
        form = action_form(name, case, form_data(request.data, ACTION_FORMS[name], names, defaults=True))
        if not form.is_valid():
            raise invalid_form(form)
        lifecycle.case_act(actor=request.user, case=case, action=name, data=form.cleaned_data)
        return case_detail_response(request, pk)


class UnknownActionView(CaseActionView):
    @extend_schema(exclude=True)
    def post(self, request: AuthedRequest, pk: int, action: str = "") -> Response:
        return super().post(request, pk, action)


def _action_view(action: str) -> type[CaseActionView]:
    form_input = ACTION_INPUTS[action]

    def post(self: CaseActionView, request: AuthedRequest, pk: int) -> Response:
        return CaseActionView.post(self, request, pk)

    with translation.override("en"):
        summary = str(Action(action).label)
    documented = extend_schema(
        request={"application/json": form_input, "multipart/form-data": form_input},
        responses={200: CaseDetailSerializer, **ERRORS},
        summary=summary,
        operation_id=f"cases_action_{action}",
    )(post)
    return type(
        f"Case{form_input.__name__.removeprefix('Case').removesuffix('Input')}View",
        (CaseActionView,),
        {"action_name": action, "__doc__": summary, "post": documented},
    )


ACTION_VIEWS: dict[str, type[CaseActionView]] = {str(action): _action_view(action) for action in ACTION_FORMS}


class CaseOfficersView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=OfficersInput,
        responses={200: CaseDetailSerializer, **ERRORS},
        summary="Set the handling officers (at least two with valid certificates before filing, art 42)",
    )
    def put(self, request: AuthedRequest, pk: int) -> Response:
        case = case_get_for(user=request.user, pk=pk)
        active = [o.officer_id for o in case.officers.all() if o.active]
        candidates = officer_candidates([case.town], include=active)
        form = OfficersForm(
            form_data(request.data, OfficersForm, NameScope.of(request.user)), candidates=candidates
        )
        if not form.is_valid():
            raise invalid_form(form)
        lifecycle.case_officers_set(
            actor=request.user,
            case=case,
            officers=list(form.cleaned_data["officers"]),
            lead=form.cleaned_data["lead"],
            version=form.cleaned_data.get("version"),
        )
        return case_detail_response(request, pk)


class CaseDeclarationView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=DeclarationInput,
        responses={200: CaseDetailSerializer, **ERRORS},
        summary="Declare, as a handling officer, whether you have a conflict of interest (回避, art 43)",
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        case = case_get_for(user=request.user, pk=pk)
        form = DeclarationForm(form_data(request.data, DeclarationForm, NameScope.of(request.user)))
        if not form.is_valid():
            raise invalid_form(form)
        lifecycle.case_declare(
            actor=request.user,
            case=case,
            conflict=form.cleaned_data["conflict"],
            note=form.cleaned_data["note"],
        )
        return case_detail_response(request, pk)


class FenceCheckSerializer(serializers.Serializer[Any]):
    action = serializers.CharField()
    reason_field = serializers.CharField(help_text="The field that takes the reason to go past a warning.")
    may_proceed = serializers.BooleanField(
        help_text="False when a fence blocks, or warns and the reason field is empty."
    )
    fences = FenceFindingSerializer(many=True)


class CaseFenceCheckView(APIView):
    """What the electronic fences (电子围栏) would say if the action were taken now with this body (the same
    fields as the action): blocks, warnings that need the reason, prompts. Nothing is written."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={
            200: FenceCheckSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
        summary="Check an action against the electronic fences before taking it",
        operation_id="cases_fence_check",
    )
    def post(self, request: AuthedRequest, pk: int, action: str) -> Response:
        case = case_get_for(user=request.user, pk=pk)
        if action not in ACTION_FENCES:
            raise NotFound(
                _("The fences check these actions: %(known)s.") % {"known": ", ".join(ACTION_FENCES)}
            )
        if not rules.can_take_action(request.user, case, action):
            raise PermissionDenied(_("You may not take this action on this case."))
        names = NameScope.of(request.user)
        form = action_form(action, case, form_data(request.data, ACTION_FORMS[action], names, defaults=True))
        if not form.is_valid():
            raise invalid_form(form)
        reason_field, findings = case_fence_preview(
            case, action, form.cleaned_data, actor=request.user, policy=policy_for(case.district_id)
        )
        reason = str(form.cleaned_data.get(reason_field) or "").strip() if reason_field else ""
        blocked = any(f.severity == "block" for f in findings)
        warned = any(f.severity == "warning" for f in findings)
        return Response(
            {
                "action": action,
                "reason_field": reason_field,
                "may_proceed": not blocked and (not warned or bool(reason)),
                "fences": [f.as_dict() for f in findings],
            }
        )

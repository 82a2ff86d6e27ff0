"""Moving a case through the API: one endpoint per workflow action (documented with that action's input), the
handling officers and the recusal declaration. Not possible at the case's stage, or someone else changed the
case first: 409 with the reason; an unknown action 404."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement.api.exceptions import invalid_form
from enforcement.http import AuthedRequest

from ... import lifecycle
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

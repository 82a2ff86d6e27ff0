"""The penalty-case REST API (/api/cases/).

Reads go through the selectors (another town's case is a 404, the same as a missing one); input is validated by the
same Django forms as the pages (cases.forms); every write is a service call. Answers: not allowed 403; bad input 400
`{"detail": "...", "errors": {field: [...]}}`; not possible at the case's stage, or someone else changed the case
first, 409 with the reason; an unknown action 404.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from authority.models import EnforcementItem
from enforcement.access import scope_for
from enforcement.api.exceptions import Conflict
from enforcement.api.files import FileDownloadView, file_responses
from enforcement.http import AuthedRequest
from enforcement.models import Unit, User
from enforcement.officers import team_members

from .. import clock, lifecycle, rules
from ..deadlines import deadline_rows
from ..documents import document_generate, documents_available_choices
from ..evidence import evidence_add_many
from ..forms import ACTION_FORMS, CaseForm, DeclarationForm, OfficersForm, action_form
from ..models import Case, Evidence
from ..selectors import (
    CaseFilters,
    case_cursor_valid,
    case_get_for,
    case_page_for,
    case_recommendation,
    case_timeline,
)
from ..views_files import document_file_response, evidence_file_response
from ..workflow import Action, InvalidTransition, StaleCase, check_transition
from . import case_serializers as s

ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description="Bad input: `errors` has the messages per field."),
    403: OpenApiResponse(s.ErrorSerializer, description="You may not do this."),
    404: OpenApiResponse(s.ErrorSerializer, description="No such case, or not one you may see."),
    409: OpenApiResponse(
        s.ErrorSerializer, description="Not possible at the case's stage, or changed meanwhile: reload."
    ),
}


class CaseInputError(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"


def _bad(errors: dict[str, list[str]]) -> CaseInputError:
    """400 with one readable sentence and the messages per field."""
    parts = [
        msg if field == "non_field_errors" else f"{field}: {msg}"
        for field, msgs in errors.items()
        for msg in msgs
    ]
    return CaseInputError({"detail": " ".join(parts) or _("The input is not valid."), "errors": errors})


def _form_errors(form: forms.BaseForm) -> dict[str, list[str]]:
    return {
        ("non_field_errors" if k == "__all__" else k): [str(m) for m in v] for k, v in form.errors.items()
    }


def _exception_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if k == "__all__" else k): [str(m) for m in v]
            for k, v in exc.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


@contextmanager
def service_errors() -> Iterator[None]:
    """The services' refusals as HTTP answers (PermissionDenied and Http404 are mapped by the project's handler)."""
    try:
        yield
    except DjangoValidationError as exc:
        raise _bad(_exception_errors(exc)) from exc
    except StaleCase as exc:
        raise Conflict(
            str(exc) or _("Someone else changed this case first; nothing was done. Reload it and try again.")
        ) from exc
    except InvalidTransition as exc:
        raise Conflict(str(exc)) from exc


# --- turning the request into form data ----------------------------------------------------------------------------


def _ident(value: Any) -> tuple[int | None, str]:
    """(id, text) of a value that may be an id or a code/username."""
    if isinstance(value, bool):
        return None, str(value)
    if isinstance(value, int):
        return value, ""
    text = str(value if value is not None else "").strip()
    return (int(text), "") if text.isdigit() else (None, text)


def _user_pk(value: Any) -> Any:
    pk, username = _ident(value)
    if pk is not None or not username:
        return pk if pk is not None else value
    found = User.objects.filter(username=username).values_list("pk", flat=True).first()
    return found if found is not None else username  # unknown: the form says it is not a valid choice


def _item_code(value: Any) -> Any:
    pk, code = _ident(value)
    if pk is None:
        return code
    return EnforcementItem.objects.filter(pk=pk).values_list("code", flat=True).first() or str(pk)


def _unit_pk(value: Any) -> Any:
    pk, code = _ident(value)
    if pk is not None or not code:
        return pk if pk is not None else value
    return Unit.objects.filter(code=code).values_list("pk", flat=True).first() or code


def _town_code(value: Any) -> Any:
    pk, code = _ident(value)
    if pk is None:
        return code
    return Unit.objects.filter(pk=pk, kind=Unit.Kind.TOWN).values_list("code", flat=True).first() or str(pk)


RESOLVERS = {
    "officers": _user_pk,
    "lead": _user_pk,
    "item": _item_code,
    "department": _unit_pk,
    "town": _town_code,
}


def _as_posted(value: Any) -> str:
    """One JSON scalar as the text a browser would post for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _shape_error(value: Any, *, multiple: bool) -> str | None:
    """Why a JSON value cannot be a field's input, or None: a container where one value is expected (or inside a
    list of choices), or a NUL character (a database refuses it)."""
    values = value if multiple and isinstance(value, list | tuple) else [value]
    if any(isinstance(v, list | tuple | dict) for v in values):
        return _("Give one value, not a list or an object.")
    if any(isinstance(v, str) and "\x00" in v for v in values):
        return _("Null characters are not allowed.")
    return None


def form_data(raw: Any, form_class: type[forms.Form], *, defaults: bool = False) -> dict[str, Any]:
    """JSON or multipart input as the form expects it, the way a browser posts it: text for one value, a list of
    texts for multiple choices, ids for officers given by username, codes for items given by id. A JSON container
    where one value is expected, or a NUL character, is refused here (400 naming the field), so no form field ever
    sees a value a browser could not send. `defaults`: a missing field takes the form's initial value (today for
    most dates), as the page pre-fills it."""
    fields = form_class.base_fields
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key in list(raw.keys()) if hasattr(raw, "keys") else []:
        field = fields.get(key)
        multiple = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
        if isinstance(raw, QueryDict):
            values = raw.getlist(key)
            value: Any = values if multiple else (values[-1] if values else "")
        else:
            value = raw[key]
            if multiple and not isinstance(value, list | tuple):
                value = [] if value in (None, "") else [value]
        if field is None:
            out[key] = value  # not the form's: it ignores it
            continue
        problem = _shape_error(value, multiple=multiple)
        if problem is not None:
            errors[str(key)[:60]] = [problem]
            continue
        value = [_as_posted(v) for v in value] if multiple else _as_posted(value)
        resolve = RESOLVERS.get(key)
        if resolve is not None and value not in (None, ""):
            value = [resolve(v) for v in value] if isinstance(value, list | tuple) else resolve(value)
        out[key] = value
    if errors:
        raise _bad(errors)
    if defaults:
        for name, field in fields.items():
            if name not in out and field.initial is not None:
                out[name] = field.initial() if callable(field.initial) else field.initial
    return out


def _version(raw: Any) -> int | None:
    value = raw.get("version") if hasattr(raw, "get") else None
    if value in (None, ""):
        return None
    pk, _text = _ident(value)
    if pk is None:
        raise _bad({"version": [_("Give the case's version as a whole number.")]})
    return pk


def _filing_towns(user: User) -> list[Unit]:
    scope = scope_for(user)
    towns = Unit.objects.filter(kind=Unit.Kind.TOWN, is_active=True, pk__in=scope.town_ids).order_by("code")
    return [t for t in towns if rules.can_file_case(user, t)]


def _district_items(user: User) -> QuerySet[EnforcementItem]:
    return EnforcementItem.objects.filter(district_id__in=scope_for(user).district_ids)


def _town_people(towns: list[Unit]) -> QuerySet[User]:
    return User.objects.filter(Q(unit__in=towns) | Q(secondments__town__in=towns), is_active=True).distinct()


def _case_values(case: Case) -> dict[str, Any]:
    """The case's details as the form's data (the base of a PATCH)."""

    def text(value: Any) -> Any:
        return "" if value is None else value

    return {
        "town": case.town.code,
        "source": case.source,
        "title": case.title,
        "description": case.description,
        "item": case.item.code if case.item else "",
        "place": case.place,
        "latitude": text(case.latitude),
        "longitude": text(case.longitude),
        "act_on": case.act_on.isoformat(),
        "act_continuing": case.act_continuing,
        "act_ended_on": case.act_ended_on.isoformat() if case.act_ended_on else "",
        "discovered_on": case.discovered_on.isoformat(),
        "harm_to_life_or_finance": case.harm_to_life_or_finance,
        "party_kind": case.party_kind,
        "party_name": case.party_name,
        "party_identifier": case.party_identifier,
        "party_age": text(case.party_age),
        "party_representative": case.party_representative,
        "party_contact": case.party_contact,
        "party_address": case.party_address,
    }


# --- answers -----------------------------------------------------------------------------------------------------------


def _recommendation(case: Case) -> Any:
    if case.item_id is None:
        return None
    return case_recommendation(case)


def case_detail_response(request: AuthedRequest, pk: int, code: int = status.HTTP_200_OK) -> Response:
    case = case_get_for(user=request.user, pk=pk)
    user = request.user
    context = {
        "request": request,
        "deadlines": deadline_rows(case),
        "available_actions": rules.available_actions(user, case),
        "recommendation": _recommendation(case),
        "permissions": {
            "edit": rules.can_edit_case(user, case),
            "add_evidence": rules.can_add_evidence(user, case),
            "generate_document": rules.can_generate_document(user, case),
            "declare_recusal": rules.can_declare_recusal(user, case),
        },
    }
    return Response(s.CaseDetailSerializer(case, context=context).data, status=code)


# --- views -------------------------------------------------------------------------------------------------------------


class CaseListView(APIView):
    """Penalty cases of the towns you work for, newest first, one keyset page at a time (GET); record a lead (POST)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        parameters=[s.CaseListQuery],
        responses={200: s.CasePageSerializer, 400: ERRORS[400]},
        summary="Cases you may see, newest first (keyset pages: pass next_cursor as after)",
        operation_id="cases_list",
    )
    def get(self, request: AuthedRequest) -> Response:
        query = s.CaseListQuery(data=request.query_params)
        if not query.is_valid():
            raise _bad({k: [str(m) for m in v] for k, v in query.errors.items()})
        q = query.validated_data
        if not case_cursor_valid(q.get("after", "")):
            raise _bad({"after": [_("This is not a cursor this list gave; start from the first page.")]})
        user = request.user
        item_id = town_id = None
        if q.get("item"):
            pk, code = _ident(q["item"])
            found = (
                _district_items(user)
                .filter(Q(pk=pk) if pk is not None else Q(code=code))
                .values_list("pk", flat=True)
                .first()
            )
            if found is None:
                raise _bad({"item": [_("There is no enforcement item “%(value)s”.") % {"value": q["item"]}]})
            item_id = found
        if q.get("town"):
            town_id = (
                Unit.objects.filter(code=q["town"], kind=Unit.Kind.TOWN).values_list("pk", flat=True).first()
            )
            if town_id is None:
                raise _bad({"town": [_("There is no town with code “%(code)s”.") % {"code": q["town"]}]})
        filters = CaseFilters(
            stage=q.get("stage", ""),
            item_id=item_id,
            town_id=town_id,
            due_within=q.get("due_within"),
            mine=q.get("mine", False),
            query=q.get("q", "").strip(),
        )
        page = case_page_for(user=user, filters=filters, after=q.get("after", ""), size=q.get("size", 25))
        return Response(
            s.CasePageSerializer(
                {"results": page.cases, "next_cursor": page.next_cursor, "has_next": page.has_next},
                context={"request": request},
            ).data
        )

    @extend_schema(
        request={"application/json": s.CaseCreateInput, "multipart/form-data": s.CaseCreateInput},
        responses={201: s.CaseDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
        summary="Record a lead (线索); you become its lead officer",
        operation_id="cases_create",
    )
    def post(self, request: AuthedRequest) -> Response:
        user = request.user
        towns = _filing_towns(user)
        if not towns:
            raise PermissionDenied(_("Only officers and supervisors of a town record its cases."))
        data = form_data(request.data, CaseForm, defaults=True)
        if not data.get("town") and len(towns) == 1:
            data["town"] = towns[0].code
        form = CaseForm(data, towns=towns, items=_district_items(user), officers=_town_people(towns))
        if not form.is_valid():
            raise _bad(_form_errors(form))
        values = dict(form.cleaned_data)
        values["officers"] = list(values.get("officers") or [])
        with service_errors():
            case = lifecycle.case_create(actor=user, data=values)
        return case_detail_response(request, case.pk, status.HTTP_201_CREATED)


class CaseDetailView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        responses={200: s.CaseDetailSerializer, 404: ERRORS[404]},
        summary="One case: officers, deadlines, the actions you may take, the benchmark's recommendation",
    )
    def get(self, request: AuthedRequest, pk: int) -> Response:
        return case_detail_response(request, pk)

    @extend_schema(
        request={"application/json": s.CaseUpdateInput, "multipart/form-data": s.CaseUpdateInput},
        responses={200: s.CaseDetailSerializer, **ERRORS},
        summary="Change details (party, place, facts, item) until the notice is served",
    )
    def patch(self, request: AuthedRequest, pk: int) -> Response:
        case = case_get_for(user=request.user, pk=pk)
        data = _case_values(case)
        given = form_data(request.data, CaseForm)
        given.pop("town", None)
        given.pop("officers", None)
        data.update(given)
        form = CaseForm(
            data, towns=[case.town], items=_district_items(request.user), officers=User.objects.none()
        )
        if not form.is_valid():
            raise _bad(_form_errors(form))
        values = {k: v for k, v in form.cleaned_data.items() if k not in ("town", "officers")}
        version = _version(request.data)
        with service_errors():
            lifecycle.case_update(actor=request.user, case=case, data=values, version=version)
        return case_detail_response(request, pk)


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
        with service_errors():
            check_transition(case.stage, name)  # a step the stage does not allow is a 409 whatever the input
        form = action_form(name, case, form_data(request.data, ACTION_FORMS[name], defaults=True))
        if not form.is_valid():
            raise _bad(_form_errors(form))
        with service_errors():
            lifecycle.case_act(actor=request.user, case=case, action=name, data=form.cleaned_data)
        return case_detail_response(request, pk)


class UnknownActionView(CaseActionView):
    @extend_schema(exclude=True)
    def post(self, request: AuthedRequest, pk: int, action: str = "") -> Response:
        return super().post(request, pk, action)


def _action_view(action: str) -> type[CaseActionView]:
    form_input = s.ACTION_INPUTS[action]

    def post(self: CaseActionView, request: AuthedRequest, pk: int) -> Response:
        return CaseActionView.post(self, request, pk)

    with translation.override("en"):
        summary = str(Action(action).label)
    documented = extend_schema(
        request={"application/json": form_input, "multipart/form-data": form_input},
        responses={200: s.CaseDetailSerializer, **ERRORS},
        summary=summary,
        operation_id=f"cases_action_{action}",
    )(post)
    return type(
        f"Case{form_input.__name__.removeprefix('Case').removesuffix('Input')}View",
        (CaseActionView,),
        {"action_name": action, "__doc__": summary, "post": documented},
    )


ACTION_VIEWS: dict[str, type[CaseActionView]] = {str(action): _action_view(action) for action in ACTION_FORMS}


class CaseEventsView(APIView):
    @extend_schema(
        responses={200: s.CaseEventSerializer(many=True), 404: ERRORS[404]},
        summary="The case's timeline (全过程记录): every step, who, when",
    )
    def get(self, request: AuthedRequest, pk: int) -> Response:
        case = case_get_for(user=request.user, pk=pk)
        return Response(s.CaseEventSerializer(case_timeline(case), many=True).data)


class CaseEvidenceView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        responses={200: s.EvidenceSerializer(many=True), 404: ERRORS[404]},
        summary="The case's evidence (files download through the permission-checked page address)",
    )
    def get(self, request: AuthedRequest, pk: int) -> Response:
        case = case_get_for(user=request.user, pk=pk)
        rows = case.evidence.select_related("uploaded_by").order_by("uploaded_at", "pk")
        return Response(s.EvidenceSerializer(rows, many=True).data)

    @extend_schema(
        request={"multipart/form-data": s.EvidenceUploadInput},
        responses={201: s.EvidenceSerializer(many=True), **ERRORS},
        summary="Add evidence files (checked by content; hashed on upload)",
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        case = case_get_for(user=request.user, pk=pk)
        files = request.FILES.getlist("files") or request.FILES.getlist("file")
        if not files:
            raise _bad({"files": [_("Choose at least one file.")]})
        posted = (
            request.data if isinstance(request.data, Mapping) else {}
        )  # multipart: the files came with it
        caption = str(posted.get("caption", "") or "")[:300]
        kind = str(posted.get("kind", "") or "")
        if kind and kind not in Evidence.Kind.values:
            raise _bad({"kind": [_("Unknown kind of evidence “%(kind)s”.") % {"kind": kind[:20]}]})
        with service_errors():
            rows = evidence_add_many(actor=request.user, case=case, uploads=files, caption=caption, kind=kind)
        return Response(s.EvidenceSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)


class CaseDocumentsView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        responses={200: s.DocumentListSerializer, 404: ERRORS[404]},
        summary="The case's documents (执法文书) and which may be generated now",
    )
    def get(self, request: AuthedRequest, pk: int) -> Response:
        case = case_get_for(user=request.user, pk=pk)
        rows = case.documents.select_related("generated_by").order_by("kind", "-version")
        available = [{"kind": kind, "label": label} for kind, label in documents_available_choices(case)]
        return Response(s.DocumentListSerializer({"documents": rows, "available": available}).data)

    @extend_schema(
        request=s.DocumentGenerateInput,
        responses={201: s.DocumentSerializer, **ERRORS},
        summary="Generate a document as PDF from the case as it is now (a new version each time)",
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        case = case_get_for(user=request.user, pk=pk)
        data = s.DocumentGenerateInput(data=request.data)
        if not data.is_valid():
            raise _bad({k: [str(m) for m in v] for k, v in data.errors.items()})
        with service_errors():
            document = document_generate(actor=request.user, case=case, kind=data.validated_data["kind"])
        return Response(s.DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class CaseOfficersView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=s.OfficersInput,
        responses={200: s.CaseDetailSerializer, **ERRORS},
        summary="Set the handling officers (at least two with valid certificates before filing, art 42)",
    )
    def put(self, request: AuthedRequest, pk: int) -> Response:
        case = case_get_for(user=request.user, pk=pk)
        candidates = User.objects.filter(pk__in=[u.pk for u in team_members(case.town, clock.today())])
        form = OfficersForm(form_data(request.data, OfficersForm), candidates=candidates)
        if not form.is_valid():
            raise _bad(_form_errors(form))
        with service_errors():
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
        request=s.DeclarationInput,
        responses={200: s.CaseDetailSerializer, **ERRORS},
        summary="Declare, as a handling officer, whether you have a conflict of interest (回避, art 43)",
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        case = case_get_for(user=request.user, pk=pk)
        form = DeclarationForm(form_data(request.data, DeclarationForm))
        if not form.is_valid():
            raise _bad(_form_errors(form))
        with service_errors():
            lifecycle.case_declare(
                actor=request.user,
                case=case,
                conflict=form.cleaned_data["conflict"],
                note=form.cleaned_data["note"],
            )
        return case_detail_response(request, pk)


EVIDENCE_TYPES = ("image/*", "video/*", "audio/*", "application/pdf")


class CaseEvidenceFileView(FileDownloadView):
    @extend_schema(
        responses=file_responses(
            *EVIDENCE_TYPES,
            description="The evidence file as uploaded; its SHA-256 in the `X-Evidence-SHA256` header.",
        ),
        summary="Download one evidence file",
        operation_id="cases_evidence_file",
    )
    def get(self, request: AuthedRequest, pk: int, evidence_pk: int) -> Any:
        return evidence_file_response(request.user, pk, evidence_pk)


class CaseDocumentFileView(FileDownloadView):
    @extend_schema(
        responses=file_responses(
            "application/pdf",
            description="The document as PDF; its SHA-256 in the `X-Document-SHA256` header.",
        ),
        summary="Download one generated document (PDF)",
        operation_id="cases_document_file",
    )
    def get(self, request: AuthedRequest, pk: int, document_pk: int) -> Any:
        return document_file_response(request.user, pk, document_pk)

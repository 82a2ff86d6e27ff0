"""The penalty-case API: the list (keyset pages) and recording a lead, one case (read, change its details),
its timeline.

Reads go through the selectors (another town's case is a 404, the same as a missing one); input is validated
by the same Django forms as the pages (cases.forms); every write is a service call."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement.access import scope_for
from enforcement.api.exceptions import invalid_form
from enforcement.http import AuthedRequest
from enforcement.models import Unit, User
from enforcement.work_cache import work_answer

from ... import lifecycle, rules
from ...deadlines import deadline_rows
from ...forms import NOT_AN_ITEM_HERE, CaseForm
from ...models import Case
from ...selectors import (
    CaseFilters,
    case_cursor_valid,
    case_get_for,
    case_recommendation,
    case_rows_page_for,
    case_timeline,
    items_for_cases,
    officer_candidates,
)
from ..errors import ERRORS
from ..form_data import NameScope, form_data, ident, version_of
from ..serializers.cases import (
    CaseDetailSerializer,
    CaseEventSerializer,
    CasePageSerializer,
    case_list_rows,
)
from ..serializers.inputs import CaseCreateInput, CaseListQuery, CaseUpdateInput


def _filing_towns(user: User) -> list[Unit]:
    scope = scope_for(user)
    towns = Unit.objects.filter(kind=Unit.Kind.TOWN, is_active=True, pk__in=scope.town_ids).order_by("code")
    return [t for t in towns if rules.can_file_case(user, t)]


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


# --- answers ------------------------------------------------------------------------------------------------


def _recommendation(case: Case) -> Any:
    if case.item_id is None:
        return None
    return case_recommendation(case, cached=True)


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
    return Response(CaseDetailSerializer(case, context=context).data, status=code)


_PLAIN_QUERY: dict[str, Any] = {}


def _list_query(params: Any) -> dict[str, Any]:
    """The list's query, validated. A request without parameters (the first page, the usual one) gets the
    defaults that validating an empty query gave once, not a serializer of its own (issue 18)."""
    if not params:
        if not _PLAIN_QUERY:
            _PLAIN_QUERY.update(_validated(params))
        return dict(_PLAIN_QUERY)
    return _validated(params)


def _validated(params: Any) -> dict[str, Any]:
    query = CaseListQuery(data=params)
    if not query.is_valid():
        raise ValidationError({k: [str(m) for m in v] for k, v in query.errors.items()})
    return dict(query.validated_data)


class CaseListView(APIView):
    """Penalty cases of the towns you work for, newest first, one keyset page at a time (GET); record a lead
    (POST)."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        parameters=[CaseListQuery],
        responses={200: CasePageSerializer, 400: ERRORS[400]},
        summary="Cases you may see, newest first (keyset pages: pass next_cursor as after)",
        operation_id="cases_list",
    )
    @work_answer(skip=("q",))  # a search is free text: answered afresh each time
    def get(self, request: AuthedRequest) -> Response:
        q = _list_query(request.query_params)
        if not case_cursor_valid(q.get("after", "")):
            raise ValidationError(
                {"after": [_("This is not a cursor this list gave; start from the first page.")]}
            )
        user = request.user
        item_id = town_id = None
        # Only a request that names an item or a town looks names up (issue 18: a tenth of the list's time).
        names: NameScope | None = None
        if q.get("item"):
            names = NameScope.of(user)
            pk, code = ident(q["item"])
            item_id = (
                names.items.filter(Q(pk=pk) if pk is not None else Q(code=code))
                .values_list("pk", flat=True)
                .first()
            )
            if item_id is None:
                raise ValidationError({"item": [str(NOT_AN_ITEM_HERE)]})
        if q.get("town"):
            names = names or NameScope.of(user)
            pk, code = ident(q["town"])
            town_id = (
                names.towns.filter(Q(pk=pk) | Q(code=q["town"]) if pk is not None else Q(code=code))
                .values_list("pk", flat=True)
                .first()
            )
            if town_id is None:
                raise ValidationError({"town": [_("Not a town whose cases you see.")]})
        filters = CaseFilters(
            stage=q.get("stage", ""),
            item_id=item_id,
            town_id=town_id,
            due_within=q.get("due_within"),
            mine=q.get("mine", False),
            query=q.get("q", "").strip(),
        )
        page = case_rows_page_for(
            user=user, filters=filters, after=q.get("after", ""), size=q.get("size", 25)
        )
        # CasePageSerializer's shape, written out: its rows are CaseListItemSerializer's, from plain values.
        return Response(
            {
                "results": case_list_rows(page.rows),
                "next_cursor": page.next_cursor,
                "has_next": page.has_next,
            }
        )

    @extend_schema(
        request={"application/json": CaseCreateInput, "multipart/form-data": CaseCreateInput},
        responses={201: CaseDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
        summary="Record a lead (线索); you become its lead officer",
        operation_id="cases_create",
    )
    def post(self, request: AuthedRequest) -> Response:
        user = request.user
        towns = _filing_towns(user)
        if not towns:
            raise PermissionDenied(_("Only officers and supervisors of a town record its cases."))
        data = form_data(request.data, CaseForm, NameScope.of(user), defaults=True)
        if not data.get("town") and len(towns) == 1:
            data["town"] = towns[0].code
        form = CaseForm(
            data,
            towns=towns,
            items=items_for_cases({t.district_id for t in towns}),
            officers=officer_candidates(towns, exclude=user),
        )
        if not form.is_valid():
            raise invalid_form(form)
        values = dict(form.cleaned_data)
        values["officers"] = list(values.get("officers") or [])
        case = lifecycle.case_create(actor=user, data=values)
        return case_detail_response(request, case.pk, status.HTTP_201_CREATED)


class CaseDetailView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        responses={200: CaseDetailSerializer, 404: ERRORS[404]},
        summary="One case: officers, deadlines, the actions you may take, the benchmark's recommendation",
    )
    @work_answer(level="district")  # the recommendation reads the party's decided cases in the district
    def get(self, request: AuthedRequest, pk: int) -> Response:
        return case_detail_response(request, pk)

    @extend_schema(
        request={"application/json": CaseUpdateInput, "multipart/form-data": CaseUpdateInput},
        responses={200: CaseDetailSerializer, **ERRORS},
        summary="Change details (party, place, facts, item) until the notice is served",
    )
    def patch(self, request: AuthedRequest, pk: int) -> Response:
        case = case_get_for(user=request.user, pk=pk)
        data = _case_values(case)
        given = form_data(request.data, CaseForm, NameScope.of(request.user))
        given.pop("town", None)
        given.pop("officers", None)
        data.update(given)
        form = CaseForm(
            data,
            towns=[case.town],
            items=items_for_cases([case.district_id], keep=case.item_id),
            officers=User.objects.none(),
        )
        if not form.is_valid():
            raise invalid_form(form)
        values = {k: v for k, v in form.cleaned_data.items() if k not in ("town", "officers")}
        version = version_of(request.data)
        lifecycle.case_update(actor=request.user, case=case, data=values, version=version)
        return case_detail_response(request, pk)


class CaseEventsView(APIView):
    @extend_schema(
        responses={200: CaseEventSerializer(many=True), 404: ERRORS[404]},
        summary="The case's timeline (全过程记录): every step, who, when",
    )
    def get(self, request: AuthedRequest, pk: int) -> Response:
        case = case_get_for(user=request.user, pk=pk)
        return Response(CaseEventSerializer(case_timeline(case), many=True).data)

"""A case's on-site and inquiry records through the API: list, and make one (signed, stored as evidence)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement.http import AuthedRequest

from ...records import RecordInput, record_create, record_officer_choices
from ...selectors import case_get_for, record_list_for
from ..errors import ERRORS
from ..serializers.records import RecordCreateInput, RecordSerializer


class CaseRecordsView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        responses={200: RecordSerializer(many=True), 404: ERRORS[404]},
        summary="The case's on-site and inquiry records (现场笔录 / 询问笔录)",
    )
    def get(self, request: AuthedRequest, pk: int) -> Response:
        case = case_get_for(user=request.user, pk=pk)
        return Response(RecordSerializer(record_list_for(case), many=True).data)

    @extend_schema(
        request=RecordCreateInput,
        responses={201: RecordSerializer, **ERRORS},
        summary="Make a signed record: its PDF is stored as evidence (kind record) with its SHA-256",
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        case = case_get_for(user=request.user, pk=pk)
        data = RecordCreateInput(data=request.data)
        if not data.is_valid():
            raise ValidationError(data.errors)
        values = dict(data.validated_data)
        officers = {o.pk: o for o in record_officer_choices(case)}
        for key in ("officer_1", "officer_2"):
            if values[key] not in officers:
                raise ValidationError({key: [_("Choose a handling officer of this case.")]})
            values[key] = officers[values[key]]
        values["questions"] = [dict(row) for row in values["questions"]]
        if values["corrects"] is not None:
            values["corrects"] = case.onsite_records.filter(pk=values["corrects"]).first()
            if values["corrects"] is None:
                raise ValidationError({"corrects": [_("No such record in this case.")]})
        record = record_create(actor=request.user, case=case, data=RecordInput(**values))
        return Response(RecordSerializer(record).data, status=status.HTTP_201_CREATED)

"""A case's evidence and documents through the API: list, upload, generate, and permission-checked
downloads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement.api.files import FileDownloadView, file_responses
from enforcement.http import AuthedRequest

from ...capture import capture_from
from ...documents import document_request, documents_available_choices
from ...downloads import document_file_response, evidence_file_response
from ...evidence import evidence_capture
from ...models import DocumentRequest, Evidence
from ...selectors import case_get_for, document_request_get_for
from ..errors import ERRORS
from ..serializers.files import (
    DocumentGenerateInput,
    DocumentListSerializer,
    DocumentRequestSerializer,
    DocumentSerializer,
    EvidenceSerializer,
    EvidenceUploadInput,
)


class CaseEvidenceView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        responses={200: EvidenceSerializer(many=True), 404: ERRORS[404]},
        summary="The case's evidence (files download through the permission-checked page address)",
    )
    def get(self, request: AuthedRequest, pk: int) -> Response:
        case = case_get_for(user=request.user, pk=pk)
        rows = case.evidence.select_related("uploaded_by").order_by("uploaded_at", "pk")
        return Response(EvidenceSerializer(rows, many=True).data)

    @extend_schema(
        request={"multipart/form-data": EvidenceUploadInput},
        responses={201: EvidenceSerializer(many=True), **ERRORS},
        summary="Add evidence files (checked by content; hashed on upload), with the device's place and time",
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        case = case_get_for(user=request.user, pk=pk)
        files = request.FILES.getlist("files") or request.FILES.getlist("file")
        if not files:
            raise ValidationError({"files": [_("Choose at least one file.")]})
        posted = (
            request.data if isinstance(request.data, Mapping) else {}
        )  # multipart: the files came with it
        caption = str(posted.get("caption", "") or "")[:300]
        kind = str(posted.get("kind", "") or "")
        if kind and kind not in Evidence.Kind.values:
            raise ValidationError({"kind": [_("Unknown kind of evidence “%(kind)s”.") % {"kind": kind[:20]}]})
        rows = evidence_capture(
            actor=request.user,
            case=case,
            uploads=files,
            caption=caption,
            kind=kind,
            capture=capture_from(posted),
        )
        return Response(EvidenceSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)


class CaseDocumentsView(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        responses={200: DocumentListSerializer, 404: ERRORS[404]},
        summary="The case's documents (执法文书) and which may be generated now",
    )
    def get(self, request: AuthedRequest, pk: int) -> Response:
        case = case_get_for(user=request.user, pk=pk)
        rows = case.documents.select_related("generated_by").order_by("kind", "-version")
        available = [{"kind": kind, "label": label} for kind, label in documents_available_choices(case)]
        return Response(DocumentListSerializer({"documents": rows, "available": available}).data)

    @extend_schema(
        request=DocumentGenerateInput,
        responses={
            201: OpenApiResponse(DocumentSerializer, description="Generated at once (no worker to take it)."),
            202: OpenApiResponse(
                DocumentRequestSerializer,
                description="Queued for the worker: poll the request's `url` (also the `Location` header).",
            ),
            **ERRORS,
        },
        summary="Generate a document as PDF from the case as it is now (a new version each time), as the "
        "case page does: by the worker (202) or, without one, at once (201)",
    )
    def post(self, request: AuthedRequest, pk: int) -> Response:
        case = case_get_for(user=request.user, pk=pk)
        data = DocumentGenerateInput(data=request.data)
        if not data.is_valid():
            raise ValidationError({k: [str(m) for m in v] for k, v in data.errors.items()})
        asked = document_request(actor=request.user, case=case, kind=data.validated_data["kind"])
        if asked.status == DocumentRequest.Status.FAILED:
            raise ValidationError({"kind": [asked.error]})  # refused when it was rendered here
        if asked.status == DocumentRequest.Status.DONE and asked.document is not None:
            return Response(DocumentSerializer(asked.document).data, status=status.HTTP_201_CREATED)
        body = DocumentRequestSerializer(asked).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class CaseDocumentRequestView(APIView):
    @extend_schema(
        responses={200: DocumentRequestSerializer, 403: ERRORS[403], 404: ERRORS[404]},
        summary="A document asked for: being generated, done (with the document) or failed (with the reason)",
    )
    def get(self, request: AuthedRequest, pk: int, request_pk: int) -> Response:
        _case, asked = document_request_get_for(user=request.user, case_pk=pk, pk=request_pk)
        return Response(DocumentRequestSerializer(asked).data)


EVIDENCE_TYPES = ("image/*", "video/*", "audio/*", "application/pdf")


class CaseEvidenceFileView(FileDownloadView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "copy",
                str,
                enum=["stamped", "original"],
                required=False,
                description="A captured photo's stamped copy (JPEG), or its bytes exactly as received "
                "(always a download; the hash in the header is `original_sha256`).",
            )
        ],
        responses=file_responses(
            *EVIDENCE_TYPES,
            description="The evidence file as uploaded; its SHA-256 in the `X-Evidence-SHA256` header.",
        ),
        summary="Download one evidence file",
        operation_id="cases_evidence_file",
    )
    def get(self, request: AuthedRequest, pk: int, evidence_pk: int) -> Any:
        return evidence_file_response(
            request.user, pk, evidence_pk, copy=request.query_params.get("copy", "")
        )


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

"""On-site and inquiry records (现场笔录 / 询问笔录) in the API: what is listed, what a new record is made of.

Signatures come as PNG data URLs (`data:image/png;base64,...`), checked here as the page's are (decoded, not
blank) by cases.signatures; the service checks them again with everything else."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from rest_framework import serializers

from enforcement.api.serializers import UserRefSerializer

from ...models import OnSiteRecord
from ...signatures import png_from_data_url


class RecordSerializer(serializers.ModelSerializer[OnSiteRecord]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    officer_1 = UserRefSerializer(read_only=True)
    officer_2 = UserRefSerializer(read_only=True)
    sha256 = serializers.CharField(source="pdf.sha256", read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = OnSiteRecord
        fields = [
            "id",
            "kind",
            "kind_label",
            "place",
            "started_at",
            "ended_at",
            "officer_1",
            "officer_1_certificate",
            "officer_2",
            "officer_2_certificate",
            "person_name",
            "person_role",
            "person_id_kind",
            "person_id_number",
            "rights_told",
            "questions",
            "findings",
            "party_refused",
            "refusal_reason",
            "refusal_witness",
            "pdf",
            "corrects",
            "sha256",
            "pdf_url",
            "created_at",
        ]
        read_only_fields = fields

    def get_pdf_url(self, obj: OnSiteRecord) -> str:
        """The signed PDF, downloaded with the API token (the evidence file of the record)."""
        return reverse("api-case-evidence-file", args=[obj.case_id, obj.pdf_id])


class QuestionSerializer(serializers.Serializer[Any]):
    q = serializers.CharField(max_length=2000)
    a = serializers.CharField(max_length=4000)


class SignatureField(serializers.CharField):
    """A PNG data URL that decodes to a signature with ink on it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 900_000)
        kwargs.setdefault("trim_whitespace", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if value:
            try:
                png_from_data_url(value, who=str(self.label or self.field_name))
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.messages) from None
        return value


class RecordCreateInput(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=OnSiteRecord.Kind.choices)
    place = serializers.CharField(max_length=200)
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField()
    officer_1 = serializers.IntegerField(help_text="user id of a handling officer of the case")
    officer_2 = serializers.IntegerField(help_text="user id of another handling officer of the case")
    person_name = serializers.CharField(max_length=100)
    person_role = serializers.ChoiceField(choices=OnSiteRecord.PersonRole.choices)
    person_id_kind = serializers.ChoiceField(
        choices=OnSiteRecord.IdKind.choices, required=False, allow_blank=True, default=""
    )
    person_id_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    rights_told = serializers.BooleanField()
    questions = serializers.ListField(
        child=QuestionSerializer(), required=False, default=list, max_length=200
    )
    findings = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)
    party_signature = SignatureField(required=False, allow_blank=True, default="", label="party")
    party_refused = serializers.BooleanField(required=False, default=False)
    refusal_reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    refusal_witness = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    corrects = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="id of the record of the case this corrects"
    )
    officer_1_signature = SignatureField(label="officer_1")
    officer_2_signature = SignatureField(label="officer_2")

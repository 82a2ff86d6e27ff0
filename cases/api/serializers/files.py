"""Evidence and documents of a case in the API: what is listed, what is uploaded or generated."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from enforcement.api.serializers import UserRefSerializer

from ...models import CaseDocument, Evidence


class EvidenceSerializer(serializers.ModelSerializer[Evidence]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    uploaded_by = UserRefSerializer(read_only=True)
    url = serializers.SerializerMethodField()
    stamped_url = serializers.SerializerMethodField()
    original_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "kind",
            "kind_label",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "caption",
            "taken_at",
            "uploaded_by",
            "uploaded_at",
            "verified_at",
            "intact",
            "url",
            "original_sha256",
            "stamped_sha256",
            "stamped_url",
            "original_url",
            "latitude",
            "longitude",
            "accuracy_m",
            "location_source",
            "device_time",
        ]
        read_only_fields = fields

    def get_url(self, obj: Evidence) -> str:
        """Download with the API token (the same scoping as the case)."""
        return reverse("api-case-evidence-file", args=[obj.case_id, obj.pk])

    def get_stamped_url(self, obj: Evidence) -> str | None:
        """A captured photo's copy stamped with the time, place, case and officer (null for other files)."""
        return f"{self.get_url(obj)}?copy=stamped" if obj.stamped_file else None

    def get_original_url(self, obj: Evidence) -> str | None:
        """A captured photo's bytes exactly as received, whose hash is `original_sha256`."""
        return f"{self.get_url(obj)}?copy=original" if obj.original_file else None


class DocumentSerializer(serializers.ModelSerializer[CaseDocument]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    generated_by = UserRefSerializer(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = CaseDocument
        fields = [
            "id",
            "kind",
            "kind_label",
            "version",
            "size",
            "sha256",
            "generated_by",
            "generated_at",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, obj: CaseDocument) -> str:
        """Download the PDF with the API token (the same scoping as the case)."""
        return reverse("api-case-document-file", args=[obj.case_id, obj.pk])


class DocumentKindSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=CaseDocument.Kind.choices)
    # A declared field (the metaclass moves it into _declared_fields), not Field.label, which it seems to
    # hide.
    label = serializers.CharField()  # type: ignore[assignment]


class DocumentListSerializer(serializers.Serializer[Any]):
    documents = DocumentSerializer(many=True)
    available = DocumentKindSerializer(many=True, help_text="What may be generated now.")


class EvidenceUploadInput(serializers.Serializer[Any]):
    files = serializers.ListField(
        child=serializers.FileField(),
        min_length=1,
        help_text="Photos, video, audio or PDF; checked by content.",
    )
    caption = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    kind = serializers.ChoiceField(
        choices=Evidence.Kind.choices,
        required=False,
        help_text="Leave out: taken from the content (a PDF may be a signed record).",
    )
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, help_text="The device's latitude (WGS 84)."
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, help_text="The device's longitude (WGS 84)."
    )
    accuracy = serializers.FloatField(required=False, help_text="The location's accuracy in metres.")
    device_time = serializers.DateTimeField(
        required=False, help_text="The device's clock when the files were captured (ISO 8601)."
    )


class DocumentGenerateInput(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=CaseDocument.Kind.choices)

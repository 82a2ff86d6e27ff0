from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from enforcement.api.renderers import StoredJSON
from enforcement.models import Unit, User

from ...complaints import MAX_IMPORT, MAX_TEXT
from ...models import Complaint, ComplaintLabel
from ...selectors import towns_for_filing


def resolve_filing_town(value: str | None, user: User) -> Unit:
    """The town given (code), or the user's own town; must be one the user records complaints for."""
    towns = towns_for_filing(user)
    if not value:
        if user.unit is not None and user.unit.kind == Unit.Kind.TOWN and user.unit in towns:
            return user.unit
        if len(towns) == 1:
            return towns[0]
        raise serializers.ValidationError(_("Give the town (its code)."))
    for town in towns:
        if town.code == value:
            return town
    if not Unit.objects.filter(code=value, kind=Unit.Kind.TOWN).exists():
        raise serializers.ValidationError(_("There is no town with code “%(code)s”.") % {"code": value})
    raise serializers.ValidationError(_("You do not record complaints for “%(code)s”.") % {"code": value})


class ComplaintLabelSerializer(serializers.ModelSerializer[ComplaintLabel]):
    """An officer's label: the items chosen (or none, and why), what the engine had suggested then and its
    fingerprint, who and when."""

    codes = serializers.ListField(child=serializers.CharField(), read_only=True)
    labelled_by = serializers.CharField(source="labelled_by.username", read_only=True)
    agrees_at_top1 = serializers.BooleanField(read_only=True)

    class Meta:
        model = ComplaintLabel
        fields = [
            "verdict",
            "codes",
            "none_reason",
            "suggested",
            "lang",
            "matcher_version",
            "agrees_at_top1",
            "labelled_by",
            "labelled_at",
        ]
        read_only_fields = fields


class ComplaintLabelInSerializer(serializers.Serializer[Any]):
    """One or two item codes of the district's catalog, or `none_reason` when the complaint names none."""

    codes = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, default=list, max_length=2
    )
    none_reason = serializers.ChoiceField(
        choices=ComplaintLabel.NoneReason.choices, required=False, allow_blank=True, default=""
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs["codes"] and not attrs["none_reason"]:
            raise serializers.ValidationError(
                {"codes": [_("Choose the item the complaint names, or say it names none.")]}
            )
        return attrs


_NOT_READ = object()


class StoredJSONField(serializers.JSONField):
    """A stored JSON value. A list reads it as the database's text (`with_raw_match_result` annotates
    `<source>_json`) and passes it into the answer undecoded: decoding and encoding 25 stored match results
    again was a fifth of the list's CPU (issue 18). Elsewhere (the detail, a new complaint): the model's."""

    def get_attribute(self, instance: Any) -> Any:
        raw: Any = getattr(instance, f"{self.source}_json", _NOT_READ)
        if raw is _NOT_READ:
            return super().get_attribute(instance)
        return None if raw is None else StoredJSON(raw)

    def to_representation(self, value: Any) -> Any:
        return value if isinstance(value, StoredJSON) else super().to_representation(value)


class ComplaintSerializer(serializers.ModelSerializer[Complaint]):
    town = serializers.CharField(source="town.code", read_only=True)
    # A nested field, built once per list (a serializer made per row cost about 1 ms each, most of a page's
    # time: issue 18); a complaint without a label reads None (DRF answers None for a missing one-to-one).
    # The metaclass takes declared fields off the class, so this does not replace Field.label at run time.
    label = ComplaintLabelSerializer(read_only=True, allow_null=True)  # type: ignore[assignment]
    match_result = StoredJSONField(read_only=True, allow_null=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "town",
            "channel",
            "external_id",
            "text",
            "address",
            "received_at",
            "match_status",
            "match_result",
            "matched_at",
            "matcher_version",
            "label",
        ]
        read_only_fields = fields


class ComplaintRowSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=MAX_TEXT)
    channel = serializers.ChoiceField(
        choices=Complaint.Channel.choices, required=False, default=Complaint.Channel.HOTLINE
    )
    external_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class FilingTownSerializer(serializers.Serializer[Any]):
    """The town a complaint is filed for: the one named (within the user's scope) or the user's own."""

    town = serializers.CharField(
        required=False, allow_blank=True, help_text="town code; default: your own town"
    )

    def validate_town(self, value: str) -> Unit:
        return resolve_filing_town(value, self.context["request"].user)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "town" not in attrs:
            try:
                attrs["town"] = resolve_filing_town(None, self.context["request"].user)
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"town": exc.detail}) from exc
        return attrs


class ComplaintInSerializer(FilingTownSerializer, ComplaintRowSerializer):
    pass


class BulkInSerializer(FilingTownSerializer):
    complaints = serializers.ListField(
        child=serializers.DictField(),
        min_length=1,
        max_length=MAX_IMPORT,
        help_text="rows with text and optionally channel, external_id, address, received_at",
    )


class BulkOutSerializer(serializers.Serializer[Any]):
    created = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField())
    skipped = serializers.ListField(child=serializers.DictField(), help_text="[{row, reason}]")

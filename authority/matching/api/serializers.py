from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from enforcement.models import Unit, User
from enforcement.units import unit_by_code

from ..engine import DEFAULT_LIMIT
from ..rules import can_match_for_town

MAX_TEXT = 4000


def resolve_town(value: str | int, user: User, version: str | None = None) -> Unit:
    """A town by code (or id) in the user's district; a ValidationError with a message otherwise."""
    raw = str(value).strip()
    if not raw:
        raise serializers.ValidationError(_("Give the town (its code)."))
    town = unit_by_code(raw, version)
    if town is None:
        raise serializers.ValidationError(_("There is no town with code “%(code)s”.") % {"code": raw})
    if town.kind != Unit.Kind.TOWN:
        raise serializers.ValidationError(_("“%(code)s” is not a town or subdistrict.") % {"code": raw})
    if not can_match_for_town(user, town):
        raise serializers.ValidationError(_("“%(code)s” is not a town of your district.") % {"code": raw})
    return town


class MatchInputSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=MAX_TEXT, trim_whitespace=True, help_text="Free-text description")
    town = serializers.CharField(help_text="Town code, e.g. 500103-001 (or its id)")
    date = serializers.DateField(
        required=False,
        help_text="Date of the conduct (YYYY-MM-DD); default today",
        error_messages={"invalid": "Enter a valid date as YYYY-MM-DD."},
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=20, default=DEFAULT_LIMIT)

    def validate_town(self, value: str) -> Unit:
        return resolve_town(value, self.context["request"].user, self.context.get("reference_version"))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs.setdefault("date", timezone.localdate())
        return attrs


class MatchUnitRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class MatchHolderSerializer(serializers.Serializer[Any]):
    town_holds = serializers.BooleanField(help_text="the town holds the item on that date")
    kind = serializers.CharField(help_text="statutory / empowered / delegated, or empty")
    kind_display = serializers.CharField()
    unit = MatchUnitRefSerializer(
        allow_null=True, help_text="the town, or the responsible district department"
    )
    acting_name = serializers.CharField(help_text="the name decisions are made in")
    explain = serializers.CharField()


class MatchEvidenceSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(help_text="as typed")
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    term = serializers.CharField()
    via = serializers.CharField(help_text="the legal vocabulary or rule it stands for")
    # A declared field (the metaclass moves it into _declared_fields), not Field.source, which it seems to
    # hide.
    source = serializers.CharField(
        help_text=(
            "derived, english (the item's English name or the dictionary's English for its Chinese "
            "words), lexicon, rule, phrase or regex"
        )
    )  # type: ignore[assignment]


class MatchCandidateSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    score = serializers.FloatField()
    terms = serializers.ListField(child=serializers.CharField(), help_text="matched stretches of the text")
    confident = serializers.BooleanField(help_text="clears the threshold on its own")
    confidence = serializers.ChoiceField(choices=["high", "medium", "low"])
    confidence_display = serializers.CharField(help_text="the confidence in words, in the request's language")
    confidence_reason = serializers.CharField(help_text="why that confidence, in words")
    evidence = MatchEvidenceSerializer(many=True)
    holder = MatchHolderSerializer()


class MatchOutputSerializer(serializers.Serializer[Any]):
    candidates = MatchCandidateSerializer(many=True)
    no_match = serializers.BooleanField()
    no_match_reason = serializers.CharField(
        allow_blank=True, help_text="off_topic, service_question, no_conduct or too_weak; empty if matched"
    )
    no_match_reason_display = serializers.CharField(allow_blank=True, help_text="why no match, in words")
    service_question = serializers.ListField(
        child=serializers.CharField(), help_text="words (as typed) asking about a public service"
    )
    lang = serializers.CharField(help_text="the language the description was read as: zh, en, de or ar")
    off_topic = serializers.ListField(
        child=serializers.CharField(),
        help_text="words (as typed) saying the text is about no enforcement item: praise, debts, lost "
        "property ...",
    )
    version = serializers.CharField(help_text="version of the compiled matcher")
    threshold = serializers.FloatField()
    town = serializers.CharField(allow_null=True)
    date = serializers.DateField()

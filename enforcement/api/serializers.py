import copy
import datetime as dt
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..audit_catalog import catalog_name
from ..models import AuditEvent, Certificate, Unit, User


class FieldsBuiltOnce:
    """For a ModelSerializer: its fields are worked out from the model once per class and copied for each
    use.

    DRF works them out again for every serializer it makes (`get_field_kwargs` and friends for each model
    field); for a case's detail, seven serializers of about 130 fields, that was a third of the request (issue
    18). Copying a field is what DRF does with declared fields already (a new field from the same
    arguments)."""

    _built: ClassVar[dict[type, dict[str, Any]]] = {}

    def get_fields(self) -> dict[str, Any]:
        built = FieldsBuiltOnce._built.get(type(self))
        if built is None:
            built = FieldsBuiltOnce._built[type(self)] = super().get_fields()  # type: ignore[misc]
        return copy.deepcopy(built)


_DATETIME = serializers.DateTimeField()


def datetime_out(value: dt.datetime | None) -> str | None:
    """What DRF's DateTimeField gives for a value (ISO 8601 in the current time zone, `Z` for UTC, None for
    None), without a field object: for the list serializers written out by hand (issue 18)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return _DATETIME.to_representation(value)
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def unit_ref(unit: Unit | None) -> dict[str, Any] | None:
    """UnitRefSerializer's output for a unit, written out."""
    return None if unit is None else {"id": unit.pk, "code": unit.code, "name": str(unit.name)}


def user_ref(user: Any) -> dict[str, Any] | None:
    """UserRefSerializer's output for a user, written out."""
    return None if user is None else {"id": user.pk, "username": user.username, "name": str(user)}


class UnitRefSerializer(FieldsBuiltOnce, serializers.ModelSerializer[Unit]):
    """A unit where another object points to it (a case's town, a whistle's department)."""

    name = serializers.CharField(read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name"]


class UserRefSerializer(FieldsBuiltOnce, serializers.ModelSerializer[User]):
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name"]


class UnitSerializer(serializers.ModelSerializer[Unit]):
    name = serializers.CharField(read_only=True)
    district = serializers.CharField(source="district.code", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "kind", "name", "name_zh", "name_en", "team_name", "domain", "district"]


class CertificateSerializer(serializers.ModelSerializer[Certificate]):
    class Meta:
        model = Certificate
        fields = ["number", "issuing_body", "valid_from", "valid_to", "domains", "revoked_at"]


class MeSerializer(serializers.ModelSerializer[User]):
    unit = UnitSerializer(read_only=True)
    roles = serializers.SerializerMethodField()
    certificates = CertificateSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "unit", "roles", "certificates"]

    def get_roles(self, obj: User) -> list[str]:
        return sorted(obj.role_names)


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    action = serializers.SerializerMethodField(
        help_text="The action's name in the catalog (<app>.<noun>.<verb>)."
    )
    recorded_action = serializers.CharField(
        source="action",
        read_only=True,
        help_text="The name the row was written and hashed under; differs from `action` only for rows "
        "written "
        "before the catalog renamed it.",
    )
    sentence = serializers.CharField(
        read_only=True, help_text="The row as a sentence in the user's language."
    )

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "seq",
            "at",
            "actor_label",
            "action",
            "recorded_action",
            "sentence",
            "object_type",
            "object_id",
            "object_repr",
            "summary",
            "before",
            "after",
            "request_id",
            "hash",
        ]

    def get_action(self, obj: AuditEvent) -> str:
        return catalog_name(obj.action)

    def to_representation(self, instance: AuditEvent) -> dict[str, Any]:
        """The fields above, written out: DRF's generic walk (a field object, `get_attribute` and a None check
        per value) was a third of the audit list's time (issue 18). Same keys, values and formats;
        tests/api/test_written_out_rows.py holds the two equal."""
        e = instance
        return {
            "id": e.pk,
            "seq": e.seq,
            "at": datetime_out(e.at),
            "actor_label": e.actor_label,
            "action": catalog_name(e.action),
            "recorded_action": e.action,
            "sentence": str(e.sentence),
            "object_type": e.object_type,
            "object_id": e.object_id,
            "object_repr": e.object_repr,
            "summary": e.summary,
            "before": e.before,
            "after": e.after,
            "request_id": e.request_id,
            "hash": e.hash,
        }


class OfficerCertificateSerializer(serializers.ModelSerializer[Certificate]):
    class Meta:
        model = Certificate
        fields = ["number", "issuing_body", "valid_from", "valid_to", "domains", "revoked_at"]


class TeamOfficerSerializer(serializers.Serializer[Any]):
    """One member of a town's team on a date, with the certificate that lets them act (art 42)."""

    id = serializers.IntegerField(source="user.pk")
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.__str__")
    unit = serializers.CharField(source="user.unit.code", allow_null=True, default=None)
    seconded_from = serializers.CharField(
        source="seconded_from.code",
        allow_null=True,
        default=None,
        help_text="The department's code when the officer is seconded to the town.",
    )
    certificate = OfficerCertificateSerializer(
        allow_null=True, help_text="Valid on the date, else the latest one."
    )
    valid = serializers.BooleanField(help_text="A certificate is valid on the date (and not revoked).")
    expires_soon = serializers.BooleanField(help_text="The valid certificate ends within 30 days.")
    may_act = serializers.BooleanField(help_text="Active account and a valid certificate: may handle a case.")


class TeamSerializer(serializers.Serializer[Any]):
    town = UnitRefSerializer()
    on = serializers.DateField()
    officers = TeamOfficerSerializer(many=True)


@extend_schema_field(
    {"oneOf": [{"type": "string"}, {"type": "integer"}], "description": "The code (or the id, as a number)."}
)
class CodeOrIdField(serializers.RelatedField[Any, Any, Any]):
    """A town, department or item given by its code, as the case API takes them, or by its id where ids were
    taken before: a JSON number is an id; a string is a code, or an id when no row has that code.

    Looked up only among the rows of the requesting user's districts (the serializer's context carries the
    request; without it nothing is found): a row of another district and one that exists nowhere get one
    answer, which repeats neither the value nor anything of the row."""

    default_error_messages = {
        "does_not_exist": gettext_lazy("There is nothing with this code or id in your district."),
        "invalid": gettext_lazy("Give a code (text) or an id (a whole number)."),
    }

    def get_queryset(self) -> Any:
        from enforcement.access import scope_for

        queryset = super().get_queryset()
        assert queryset is not None, "a writable related field has a queryset (DRF checks it when built)"
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return queryset.filter(district_id__in=scope_for(request.user).district_ids)

    def to_internal_value(self, data: Any) -> Any:
        queryset = self.get_queryset()
        assert queryset is not None, "a writable related field has a queryset (DRF checks it when built)"
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        if isinstance(data, int):
            found = queryset.filter(pk=data).first() if -(2**63) < data < 2**63 else None
        else:
            text = data.strip()[:64]
            found = queryset.filter(code=text).first()
            if found is None and text.isdigit() and len(text) < 19:
                found = queryset.filter(pk=int(text)).first()
        if found is None:
            self.fail("does_not_exist")
        return found

    def to_representation(self, value: Any) -> Any:
        return value.code


class FenceSettingSerializer(serializers.Serializer[Any]):
    """One row of a rule's history: a district's setting applying from a date."""

    effective_from = serializers.DateField()
    enabled = serializers.BooleanField()
    severity = serializers.CharField(help_text="Empty: the rule's default.")
    params = serializers.DictField()
    note = serializers.CharField()
    changed_by = serializers.CharField(source="changed_by.username", default="")
    changed_at = serializers.DateTimeField()


class FenceRuleSerializer(serializers.Serializer[Any]):
    """A fence rule as it applies in the user's district today, with its defaults and history."""

    code = serializers.CharField(source="rule.code")
    name = serializers.CharField(source="rule.label", help_text="The rule's name, in the user's language.")
    description = serializers.CharField(source="rule.description")
    article = serializers.CharField(source="rule.article")
    locked = serializers.BooleanField(
        source="rule.locked", help_text="The law itself: cannot be switched off or made milder."
    )
    default_severity = serializers.CharField(source="rule.severity")
    defaults = serializers.DictField(source="rule.params")
    enabled = serializers.BooleanField(source="config.enabled")
    severity = serializers.CharField(source="config.severity", help_text="In force today.")
    params = serializers.DictField(source="config.params", help_text="In force today.")
    history = FenceSettingSerializer(many=True, help_text="The district's settings, newest first.")


class FenceSettingInput(serializers.Serializer[Any]):
    effective_from = serializers.DateField(help_text="The change applies from this date.")
    enabled = serializers.BooleanField(default=True)
    severity = serializers.CharField(
        default="", allow_blank=True, help_text="`prompt`, `warning` or `block`; empty: the rule's default."
    )
    params = serializers.DictField(default=dict, help_text="Parameter name to value, typed as the default.")
    note = serializers.CharField(max_length=300, help_text="Why the setting changes.")


class CertificateVerifyInput(serializers.Serializer[Any]):
    number = serializers.CharField(max_length=40, help_text="The certificate number, as printed on it.")
    name = serializers.CharField(max_length=100, help_text="The holder's name, as printed on it.")


class CertificateCheckSerializer(serializers.Serializer[Any]):
    """The public answer about a certificate: only what the certificate shows (no login, phone or ID)."""

    state = serializers.ChoiceField(
        choices=["valid", "expired", "not_yet_valid", "revoked"],
        help_text="`valid` today, `expired`, `not_yet_valid` or `revoked` (revoked whatever the dates).",
    )
    state_label = serializers.CharField(help_text="The state in words, in the user's language.")
    valid = serializers.BooleanField(help_text="May the holder carry out enforcement today.")
    checked_on = serializers.DateField()
    holder = serializers.CharField(help_text="The holder's full name.")
    unit = serializers.CharField()
    number = serializers.CharField()
    issuing_body = serializers.CharField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
    domains = serializers.ListField(child=serializers.CharField(), help_text="Enforcement domains, in words.")


class MapMarkerSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="case, whistle or inspection (each app registers its layer)")
    id = serializers.IntegerField()
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    title = serializers.CharField()
    stage = serializers.CharField(help_text="the stage or status code")
    stage_label = serializers.CharField(help_text="in the user's language")
    open = serializers.BooleanField()
    url = serializers.CharField(help_text="the page of the case, whistle or inspection")
    on = serializers.DateField(help_text="recorded, raised or planned on")


class MapMarkersSerializer(serializers.Serializer[Any]):
    markers = MapMarkerSerializer(many=True)
    more = serializers.DictField(
        child=serializers.BooleanField(), help_text="per kind: more exist than the newest `limit` given"
    )
    limit = serializers.IntegerField()

from rest_framework import serializers

from ..models import AuditEvent, Certificate, Unit, User


class UnitRefSerializer(serializers.ModelSerializer[Unit]):
    """A unit where another object points to it (a case's town, a whistle's department)."""

    name = serializers.CharField(read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name"]


class UserRefSerializer(serializers.ModelSerializer[User]):
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
    class Meta:
        model = AuditEvent
        fields = [
            "seq", "at", "actor_label", "action", "object_type", "object_id", "object_repr",
            "summary", "before", "after", "request_id", "hash",
        ]

from django.db.models import QuerySet
from rest_framework import generics
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from ..models import AuditEvent, Unit
from ..rules import can_view_audit, require
from ..selectors import audit_events_for, units_visible_to
from .serializers import AuditEventSerializer, MeSerializer, UnitSerializer


class MeView(APIView):
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)

    serializer_class = MeSerializer


class UnitListView(generics.ListAPIView[Unit]):
    serializer_class = UnitSerializer
    filterset_fields = ["kind", "domain"]

    def get_queryset(self) -> QuerySet[Unit]:
        return units_visible_to(self.request.user)  # type: ignore[arg-type]


class AuditEventListView(generics.ListAPIView[AuditEvent]):
    serializer_class = AuditEventSerializer
    filterset_fields = ["action", "object_type", "object_id"]

    def get_queryset(self) -> QuerySet[AuditEvent]:
        if getattr(self, "swagger_fake_view", False):
            return AuditEvent.objects.none()
        require(can_view_audit(self.request.user), "only supervisors and district administrators read the audit trail")
        return audit_events_for(user=self.request.user)  # type: ignore[arg-type]


class TokenView(ObtainAuthToken):
    """Exchange username and password for an API token (for scripts). Throttled."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

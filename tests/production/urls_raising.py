"""The app's URLs plus views that fail on purpose, to see the error pages a user and an API client get."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from enforcement.urls import handler400, handler403, handler404, handler500  # noqa: F401
from enforcement.urls import urlpatterns as app_urlpatterns


class Boom(Exception):
    pass


def page_that_is_denied(request):
    raise PermissionDenied


def page_with_a_suspicious_request(request):
    raise SuspiciousOperation("a forged header")


def page_that_fails(request):
    raise Boom("a bug in a page")


@api_view(["GET"])
@permission_classes([AllowAny])
def api_view_that_fails(request):
    raise Boom("a bug in an API view")


urlpatterns = [
    path("boom/", page_that_fails),
    path("api/boom/", api_view_that_fails),
    path("api/plain-boom/", page_that_fails),
    path("api/plain-denied/", page_that_is_denied),
    path("api/plain-suspicious/", page_with_a_suspicious_request),
    path("suspicious/", page_with_a_suspicious_request),
    *app_urlpatterns,
]

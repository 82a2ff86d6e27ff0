"""The floor of an API request, for bench/cpu.py only (never a route of the project): the project's URLs plus
one DRF view that authenticates as every API view does (token, then session; IsAuthenticated), parses the JSON
body and answers `{}`. What the match request costs beyond it is the matching's own (issue 18: "3x the
engine's own time"). bench/cpu.py serves these URLs in its own process (`settings.ROOT_URLCONF`)."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

FLOOR_PATH = "/bench/floor/"


class FloorView(APIView):
    def post(self, request: Request) -> Response:
        request.data  # noqa: B018  (parsed, as the match request's serializer reads it)
        return Response({})


urlpatterns = [
    path(FLOOR_PATH.strip("/") + "/", FloorView.as_view()),
    path("", include("enforcement.urls")),
]

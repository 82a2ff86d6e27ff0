"""GET the figures of a city, a district or a town: the page's service, as JSON (404 when not the user's)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..forms import PeriodForm
from ..selectors import dashboard_for
from .serializers import DashboardSerializer

PERIOD_PARAMETERS = [
    OpenApiParameter("end", str, description="The last month, YYYY-MM (default: this month)."),
    OpenApiParameter("months", int, enum=[3, 6, 12], description="How many months (default 6)."),
]


class _FiguresView(APIView):
    level = ""

    def get(self, request: Request, pk: int) -> Response:
        form = PeriodForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})
        board = dashboard_for(user=request.user, level=self.level, pk=pk, period=form.period())
        return Response(DashboardSerializer(board).data)


@extend_schema(parameters=PERIOD_PARAMETERS, responses=DashboardSerializer, summary="A city's figures")
class CityFiguresView(_FiguresView):
    level = "city"


@extend_schema(parameters=PERIOD_PARAMETERS, responses=DashboardSerializer, summary="A district's figures")
class DistrictFiguresView(_FiguresView):
    level = "district"


@extend_schema(parameters=PERIOD_PARAMETERS, responses=DashboardSerializer, summary="A town's figures")
class TownFiguresView(_FiguresView):
    level = "town"

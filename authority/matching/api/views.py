from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement.http import AuthedRequest
from enforcement.rules import require
from enforcement.units import unit_by_pk

from ..rules import can_match_in
from ..selectors import match_answer, reference_version
from .serializers import MatchInputSerializer, MatchOutputSerializer


class MatchView(APIView):
    """Match a free-text description to the enforcement items of the town's district, ranked and explained."""

    serializer_class = MatchInputSerializer

    @extend_schema(
        request=MatchInputSerializer,
        responses={200: MatchOutputSerializer},
        examples=[
            OpenApiExample(
                "complaint",
                value={"text": "楼下烧烤摊天天占道，油烟熏人", "town": "500103-001", "date": "2025-06-01"},
                request_only=True,
            )
        ],
    )
    def post(self, request: AuthedRequest) -> Response:
        user = request.user
        version = reference_version()  # read once for the held units and answers
        unit = unit_by_pk(user.unit_id, version) if user.unit_id is not None else None
        if unit is not None:
            user.unit = unit  # the unit this process holds: no query
        require(
            user.unit is not None and can_match_in(user, user.unit.district_id),
            "matching is for members of a district",
        )
        data = MatchInputSerializer(
            data=request.data, context={"request": request, "reference_version": version}
        )
        data.is_valid(raise_exception=True)
        answer = match_answer(
            text=data.validated_data["text"],
            town=data.validated_data["town"],
            on=data.validated_data["date"],
            limit=data.validated_data["limit"],
            version=version,
        )
        return Response(answer.body)

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement.http import AuthedRequest
from enforcement.rules import require

from ..rules import can_match_in
from ..selectors import match_for_town
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
        require(
            user.unit is not None and can_match_in(user, user.unit.district_id),
            "matching is for members of a district",
        )
        data = MatchInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        outcome = match_for_town(
            text=data.validated_data["text"],
            town=data.validated_data["town"],
            on=data.validated_data["date"],
            limit=data.validated_data["limit"],
        )
        return Response(outcome.as_dict())

"""The dashboards' figures as JSON: the same numbers the page shows, rates as fractions (0.875), times in
days, null where there is nothing to divide by."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..compute import COUNT_FIELDS
from ..selectors import CHANGED, DERIVED, Dashboard, Figures


class DashboardFiguresSerializer(serializers.Serializer[Figures]):
    def to_representation(self, instance: Figures) -> dict[str, Any]:
        return instance.as_dict()


for _name in COUNT_FIELDS:
    DashboardFiguresSerializer._declared_fields[_name] = serializers.IntegerField(read_only=True)
for _name in DERIVED:
    DashboardFiguresSerializer._declared_fields[_name] = serializers.FloatField(
        read_only=True, allow_null=True
    )


class DashboardChangeSerializer(serializers.Serializer[dict[str, Any]]):
    pass


for _name in CHANGED:
    DashboardChangeSerializer._declared_fields[_name] = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="relative change against the previous period (-0.5: halved)",
    )


class DashboardPeriodSerializer(serializers.Serializer[Any]):
    start = serializers.DateField(read_only=True)
    end = serializers.DateField(read_only=True)
    months = serializers.IntegerField(read_only=True)


class DashboardMonthSerializer(serializers.Serializer[Any]):
    month = serializers.DateField(read_only=True)
    figures = DashboardFiguresSerializer(read_only=True)


class DashboardUnitSerializer(serializers.Serializer[Any]):
    level = serializers.CharField(read_only=True)
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    figures = DashboardFiguresSerializer(read_only=True)


class DashboardSerializer(serializers.Serializer[Dashboard]):
    level = serializers.ChoiceField(choices=["town", "district", "city"], read_only=True)
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    period = DashboardPeriodSerializer(read_only=True)
    previous_period = DashboardPeriodSerializer(read_only=True)
    total = DashboardFiguresSerializer(read_only=True)
    previous = DashboardFiguresSerializer(read_only=True)
    change = DashboardChangeSerializer(read_only=True)
    months = DashboardMonthSerializer(many=True, read_only=True)
    units = DashboardUnitSerializer(many=True, read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    reconciled_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def to_representation(self, instance: Dashboard) -> dict[str, Any]:
        def period(p: Any) -> dict[str, Any]:
            return {"start": p.start.isoformat(), "end": p.end.isoformat(), "months": p.months}

        return {
            "level": instance.level,
            "id": instance.pk,
            "name": instance.name,
            "period": period(instance.period),
            "previous_period": period(instance.period.previous),
            "total": instance.total.as_dict(),
            "previous": instance.previous.as_dict(),
            "change": instance.change,
            "months": [{"month": m.isoformat(), "figures": f.as_dict()} for m, f in instance.months],
            "units": [
                {"level": u.kind, "id": u.pk, "name": u.name, "figures": u.figures.as_dict()}
                for u in instance.units
            ],
            "updated_at": instance.updated_at.isoformat() if instance.updated_at else None,
            "reconciled_at": instance.reconciled_at.isoformat() if instance.reconciled_at else None,
        }

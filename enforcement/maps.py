"""Maps: where the tiles come from, the place picker of the forms (one widget), the layers of the town map.

The core offers a registry of map layers; each feature app registers its own in its AppConfig.ready() (cases,
whistles, joint inspections), with a function that reads through that app's scoped selectors. The map's JSON
endpoint (`GET /api/map/markers/`) and its page ask the registry, so the core imports no feature app.

No tile server is used unless `MAP_TILE_URL` is set: the maps then draw a plain base of their own (a
coordinate grid, static/enforcement/maps.js) and work offline.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import User

# --- where the tiles come from ------------------------------------------------------------------------------


def map_config() -> dict[str, str]:
    """What every map element carries as data- attributes (static/enforcement/maps.js reads them)."""
    return {
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "tile_max_zoom": str(settings.MAP_TILE_MAX_ZOOM),
        "center": settings.MAP_CENTER,
    }


# --- the place picker ---------------------------------------------------------------------------------------


class PointWidget(forms.MultiWidget):
    """Latitude and longitude inputs under a map: a tap on the map or "use my location" fills them (with the
    device's accuracy shown); they stay ordinary inputs, so the form works without JavaScript. The inputs keep
    the names `latitude` and `longitude` (the API's, the services' and the offline drafts' names)."""

    template_name = "enforcement/widgets/point.html"

    def __init__(
        self, attrs: dict[str, Any] | None = None, names: tuple[str, str] = ("latitude", "longitude")
    ):
        self.names = names
        number = {"step": "any", "inputmode": "decimal"}
        super().__init__(
            [forms.NumberInput(attrs=number), forms.NumberInput(attrs=number)],
            attrs or {"class": "form-control"},
        )

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, list | tuple) and len(value) == 2:
            return list(value)
        return [None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[Any]:
        return [data.get(self.names[0]), data.get(self.names[1])]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return all(n not in data for n in self.names)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        labels = (_("Latitude"), _("Longitude"))
        for sub, field_name, label in zip(context["widget"]["subwidgets"], self.names, labels, strict=True):
            sub["name"] = field_name
            sub["attrs"]["id"] = f"id_{field_name}"
            sub["label"] = label
        return context

    def id_for_label(self, id_: str) -> str:
        return f"id_{self.names[0]}"


class PointField(forms.MultiValueField):
    """A place as (latitude, longitude), both or neither, in range; six decimals as the models keep them."""

    widget = PointWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = (
            forms.DecimalField(min_value=-90, max_value=90, max_digits=9, decimal_places=6),
            forms.DecimalField(min_value=-180, max_value=180, max_digits=9, decimal_places=6),
        )
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Place on the map"))
        super().__init__(fields, require_all_fields=False, **kwargs)
        for sub in self.fields:
            sub.required = False

    def clean(self, value: Any) -> Any:
        try:
            return super().clean(value)
        except ValidationError as exc:
            if any(error.code == "pair" for error in exc.error_list):
                raise
            # A sub-field's message says what is wrong but not with which coordinate: say both ranges.
            raise ValidationError(
                _("Give the latitude from -90 to 90 and the longitude from -180 to 180, as numbers."),
                code="range",
            ) from exc

    def compress(self, data_list: list[Any]) -> tuple[Decimal, Decimal] | None:
        lat, lng = (list(data_list) + [None, None])[:2]
        if lat is None and lng is None:
            return None
        if lat is None or lng is None:
            raise ValidationError(_("Give both latitude and longitude, or neither."), code="pair")
        return (lat, lng)


def point_initial(initial: Mapping[str, Any], name: str = "location") -> dict[str, Any]:
    """A form's initial values with the point made from `latitude` and `longitude` (an edit form's)."""
    lat, lng = initial.get("latitude"), initial.get("longitude")
    if lat is not None and lng is not None and name not in initial:
        return {**initial, name: (lat, lng)}
    return dict(initial)


def point_split(data: dict[str, Any], name: str = "location") -> dict[str, Any]:
    """cleaned_data with the point back as `latitude` and `longitude`, as the services take them."""
    point = data.pop(name, None)
    data["latitude"], data["longitude"] = point if point else (None, None)
    return data


# --- the town map's layers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapQuery:
    state: str = ""  # "open", "closed" or "" (both)
    stage: str = ""  # one of the layer's stage codes, or ""
    limit: int = 300


@dataclass(frozen=True)
class Marker:
    kind: str
    id: int
    lat: Decimal | None  # never None on the map: each layer reads only what has a place
    lng: Decimal | None
    title: str
    stage: str
    stage_label: str
    open: bool
    url: str
    on: str  # the date that orders them (recorded, raised, planned), ISO


@dataclass(frozen=True)
class MapLayer:
    """One kind of thing on the town map. `markers(user, query)` reads through the app's scoped selectors and
    returns at most `query.limit + 1` markers, newest first (one more than the limit says that more exist)."""

    kind: str
    label: Any
    order: int
    stages: Callable[[], list[tuple[str, Any]]]
    markers: Callable[[User, MapQuery], list[Marker]]


_LAYERS: dict[str, MapLayer] = {}


def register_map_layer(layer: MapLayer) -> None:
    _LAYERS[layer.kind] = layer


def map_layers() -> list[MapLayer]:
    return sorted(_LAYERS.values(), key=lambda layer: (layer.order, layer.kind))


@dataclass(frozen=True)
class MapMarkers:
    markers: list[Marker]
    more: dict[str, bool]  # per kind: more exist than were given
    limit: int


def markers_for(*, user: User, kinds: list[str], query: MapQuery) -> MapMarkers:
    markers: list[Marker] = []
    more: dict[str, bool] = {}
    for layer in map_layers():
        if kinds and layer.kind not in kinds:
            continue
        rows = layer.markers(user, query)
        more[layer.kind] = len(rows) > query.limit
        markers.extend(rows[: query.limit])
    return MapMarkers(markers, more, query.limit)


STATES = ("open", "closed")


def map_query_from(params: Any) -> tuple[list[str], MapQuery]:
    """The kinds and query a map page or its endpoint was asked for (`kind` repeated, `state`, `stage` as
    `<kind>:<code>`); anything unknown is left out rather than refused, as a filter form sends it. A stage
    shows that kind only."""
    known = {layer.kind: layer for layer in map_layers()}
    kinds = [k for k in params.getlist("kind") if k in known]
    state = params.get("state", "")
    state = state if state in STATES else ""
    stage = ""
    kind, _sep, code = params.get("stage", "").partition(":")
    if kind in known and code in {value for value, _label in known[kind].stages()}:
        kinds, stage = [kind], code
    return kinds, MapQuery(state=state, stage=stage, limit=settings.MAP_MARKER_LIMIT)

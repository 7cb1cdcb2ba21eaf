"""Small maps without tiles: longitude/latitude projected to SVG x/y (pure Python, no Django).

The projection is equirectangular, with longitudes shrunk by the cosine of the map's middle
latitude, which keeps shapes right at the scale of a territory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_WIDTH = 640.0
MAX_HEIGHT = 480.0
PADDING = 16.0
MIN_SPAN_DEGREES = 0.02
ORGANISATION_SIZE = 9.0


@dataclass(frozen=True)
class MapPoint:
    latitude: float
    longitude: float
    label: str
    weight: float = 0.0


@dataclass(frozen=True)
class PlacedPoint:
    x: float
    y: float
    size: float
    label: str


@dataclass(frozen=True)
class TerritoryMap:
    width: float
    height: float
    communes: tuple[PlacedPoint, ...]
    organisations: tuple[PlacedPoint, ...]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"


def project(
    communes: list[MapPoint],
    organisations: list[MapPoint],
    *,
    max_width: float = MAX_WIDTH,
    max_height: float = MAX_HEIGHT,
) -> TerritoryMap | None:
    """Place communes (circles sized by weight) and organisations (squares, one per place)."""
    points = communes + organisations
    if not points:
        return None
    south = min(p.latitude for p in points)
    north = max(p.latitude for p in points)
    middle = (south + north) / 2
    shrink = math.cos(math.radians(middle))
    west = min(p.longitude for p in points) * shrink
    east = max(p.longitude for p in points) * shrink
    span_x = max(east - west, MIN_SPAN_DEGREES)
    span_y = max(north - south, MIN_SPAN_DEGREES)
    scale = min((max_width - 2 * PADDING) / span_x, (max_height - 2 * PADDING) / span_y)
    width = round(span_x * scale + 2 * PADDING)
    height = round(span_y * scale + 2 * PADDING)
    # Centre the drawing when a span was widened to its minimum.
    offset_x = (width - (east - west) * scale) / 2
    offset_y = (height - (north - south) * scale) / 2

    def xy(point: MapPoint) -> tuple[float, float]:
        x = offset_x + (point.longitude * shrink - west) * scale
        y = offset_y + (north - point.latitude) * scale
        return round(x, 1), round(y, 1)

    heaviest = max((p.weight for p in communes), default=0) or 1
    placed_communes = tuple(
        PlacedPoint(
            *xy(p), size=round(1.5 + 6 * math.sqrt(max(p.weight, 0) / heaviest), 1), label=p.label
        )
        for p in communes
    )
    by_place: dict[tuple[float, float], list[str]] = {}
    for p in organisations:
        by_place.setdefault(xy(p), []).append(p.label)
    half = ORGANISATION_SIZE / 2
    placed_organisations = tuple(
        PlacedPoint(x - half, y - half, size=ORGANISATION_SIZE, label=", ".join(sorted(labels)))
        for (x, y), labels in by_place.items()
    )
    return TerritoryMap(
        width=width,
        height=height,
        communes=placed_communes,
        organisations=placed_organisations,
    )

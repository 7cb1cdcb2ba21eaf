"""Distances on the Earth's surface, for mobility radii and "place + radius" searches."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


@dataclass(frozen=True, slots=True)
class Point:
    latitude: float
    longitude: float

    def __post_init__(self) -> None:
        if not -90.0 <= self.latitude <= 90.0:
            raise ValueError(f"latitude {self.latitude} is outside [-90, 90]")
        if not -180.0 <= self.longitude <= 180.0:
            raise ValueError(f"longitude {self.longitude} is outside [-180, 180]")


@dataclass(frozen=True, slots=True)
class BoundingBox:
    min_latitude: float
    max_latitude: float
    min_longitude: float
    max_longitude: float

    def contains(self, point: Point) -> bool:
        return (
            self.min_latitude <= point.latitude <= self.max_latitude
            and self.min_longitude <= point.longitude <= self.max_longitude
        )


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance (haversine formula) in kilometres."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(centre: Point, radius_km: float) -> BoundingBox:
    """A latitude/longitude box containing every point within ``radius_km`` of ``centre``.

    Databases filter on it with plain indexed comparisons before the exact distance is
    computed on the few rows left. Near the poles the box widens to all longitudes.
    """
    if radius_km < 0:
        raise ValueError("radius_km must not be negative")
    # A hair wider than exact (1e-9 degrees, about 0.1 mm) so rounding never drops a point
    # that the exact distance keeps.
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM) + 1e-9
    min_lat = max(-90.0, centre.latitude - dlat)
    max_lat = min(90.0, centre.latitude + dlat)
    cos_lat = math.cos(math.radians(max(abs(min_lat), abs(max_lat))))
    if cos_lat <= 1e-9 or radius_km / EARTH_RADIUS_KM >= math.pi / 2:
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    dlon = math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat)) + 1e-9
    if dlon >= 180.0:
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    return BoundingBox(
        min_lat, max_lat, max(-180.0, centre.longitude - dlon), min(180.0, centre.longitude + dlon)
    )

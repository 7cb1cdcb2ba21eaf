import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fabrique.engine.geo import Point, bounding_box, distance_km

# Mainland France and its neighbours, where the platform's places are.
points = st.builds(
    Point,
    latitude=st.floats(min_value=41.0, max_value=52.0),
    longitude=st.floats(min_value=-5.5, max_value=10.0),
)


def test_distance_forbach_metz_is_about_55_km():
    forbach = Point(49.1878, 6.8967)
    metz = Point(49.1196, 6.1764)

    assert distance_km(forbach, metz) == pytest.approx(53, abs=2)


def test_distance_quarter_meridian_is_10008_km():
    assert distance_km(Point(0, 0), Point(90, 0)) == pytest.approx(10008, rel=1e-3)


@given(points, points)
def test_distance_is_symmetric_and_non_negative(a, b):
    assert distance_km(a, b) == pytest.approx(distance_km(b, a))
    assert distance_km(a, b) >= 0


@given(points, points, points)
def test_distance_triangle_inequality(a, b, c):
    assert distance_km(a, c) <= distance_km(a, b) + distance_km(b, c) + 1e-6


@given(points, points, st.floats(min_value=0, max_value=500))
def test_bounding_box_contains_every_point_within_radius(centre, other, radius):
    if distance_km(centre, other) <= radius:
        assert bounding_box(centre, radius).contains(other)


def test_bounding_box_near_pole_spans_all_longitudes():
    box = bounding_box(Point(89.9, 0.0), 50)

    assert (box.min_longitude, box.max_longitude) == (-180.0, 180.0)


@pytest.mark.parametrize(("lat", "lon"), [(91, 0), (-91, 0), (0, 181), (math.nan, 0)])
def test_point_refuses_impossible_coordinates(lat, lon):
    with pytest.raises(ValueError, match="outside"):
        Point(lat, lon)

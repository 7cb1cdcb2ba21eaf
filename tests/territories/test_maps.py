import math

import pytest

from fabrique.territories.maps import MapPoint, project


def point(latitude, longitude, label="x", weight=0):
    return MapPoint(latitude=latitude, longitude=longitude, label=label, weight=weight)


def test_project_nothing_gives_no_map():
    assert project([], []) is None


def test_project_puts_north_up_and_east_right():
    drawn = project([point(49.0, 6.0, "south-west"), point(49.5, 7.0, "north-east")], [])
    south_west, north_east = drawn.communes

    assert north_east.x > south_west.x
    assert north_east.y < south_west.y


def test_project_shrinks_longitudes_by_the_cosine_of_latitude():
    drawn = project([point(49.0, 6.0), point(50.0, 7.0)], [])
    a, b = drawn.communes

    ratio = (b.x - a.x) / (a.y - b.y)
    assert ratio == pytest.approx(math.cos(math.radians(49.5)), rel=0.02)


def test_project_keeps_every_mark_inside_the_drawing():
    communes = [point(48.9 + i / 10, 6.1 + i / 7, weight=i * 1000) for i in range(8)]
    drawn = project(communes, [point(49.2, 6.9, "Usine")])

    for mark in (*drawn.communes, *drawn.organisations):
        assert 0 <= mark.x <= drawn.width
        assert 0 <= mark.y <= drawn.height
    assert drawn.width <= 640
    assert drawn.height <= 480


def test_project_sizes_communes_by_weight_and_groups_organisations_by_place():
    drawn = project(
        [point(49.0, 6.0, weight=100), point(49.1, 6.1, weight=10000)],
        [point(49.0, 6.0, "B"), point(49.0, 6.0, "A")],
    )

    small, big = drawn.communes
    assert big.size > small.size
    assert [mark.label for mark in drawn.organisations] == ["A, B"]


def test_project_a_single_point_does_not_divide_by_zero():
    drawn = project([point(49.0, 6.0)], [])

    assert drawn.view_box == f"0 0 {drawn.width:g} {drawn.height:g}"
    assert drawn.communes[0].x == pytest.approx(drawn.width / 2, abs=1)

"""The network-wide search of free slots: by category, capability words, place and radius,
and free time in a window; a fixed number of queries whatever the number of equipment."""

import datetime as dt
from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fabrique.engine import geo
from fabrique.platforms.enums import BookingState, EquipmentCategory, EquipmentStatus
from fabrique.platforms.queries import Search, search_free_slots
from tests.factories import CommuneFactory
from tests.factories_platforms import (
    BookingFactory,
    ClosureFactory,
    EquipmentFactory,
    TechnicalPlatformFactory,
    at,
    next_monday,
)

pytestmark = pytest.mark.django_db
MONDAY = next_monday()
FORBACH = geo.Point(49.19, 6.9)


def one_day(**kwargs) -> Search:
    """Monday 8:00–18:00 (one opening day), two hours wanted."""
    return Search(
        start=at(MONDAY, 0),
        end=at(MONDAY + dt.timedelta(days=1), 0),
        duration=dt.timedelta(hours=2),
        **kwargs,
    )


def names(matches) -> list[str]:
    return [match.equipment.name for match in matches]


def test_the_free_slots_are_opening_hours_minus_bookings():
    printer = EquipmentFactory(name="FDM")
    BookingFactory(equipment=printer, start=at(MONDAY, 10), end=at(MONDAY, 12))
    BookingFactory(
        equipment=printer, start=at(MONDAY, 13), end=at(MONDAY, 18), state=BookingState.CANCELLED
    )

    [match] = search_free_slots(one_day())

    assert [(slot.start, slot.end) for slot in match.free] == [
        (at(MONDAY, 8), at(MONDAY, 10)),
        (at(MONDAY, 12), at(MONDAY, 18)),
    ]


def test_fully_booked_closed_or_out_of_order_equipment_is_left_out():
    EquipmentFactory(name="Free")
    full = EquipmentFactory(name="Full")
    BookingFactory(equipment=full, start=at(MONDAY, 8), end=at(MONDAY, 17))
    closed = EquipmentFactory(name="Closed")
    ClosureFactory(platform=closed.platform, first_day=MONDAY, last_day=MONDAY)
    EquipmentFactory(name="Broken", status=EquipmentStatus.OUT_OF_ORDER)

    assert names(search_free_slots(one_day())) == ["Free"]


def test_search_by_category_and_capability_words():
    EquipmentFactory(name="Fraiseuse 5 axes", category=EquipmentCategory.CNC_MILLING)
    EquipmentFactory(
        name="Imprimante SLS",
        category=EquipmentCategory.PRINTING_SLS,
        capabilities={"materials": "PA12, PEEK"},
    )
    EquipmentFactory(name="Imprimante FDM", capabilities={"materials": "PLA"})

    assert names(search_free_slots(one_day(category=EquipmentCategory.CNC_MILLING))) == [
        "Fraiseuse 5 axes"
    ]
    assert names(search_free_slots(one_day(text="peek"))) == ["Imprimante SLS"]
    assert names(search_free_slots(one_day(text="imprimante"))) == [
        "Imprimante FDM",
        "Imprimante SLS",
    ]


def test_search_by_place_and_radius_nearest_first():
    near = TechnicalPlatformFactory(commune=CommuneFactory(latitude=49.2, longitude=6.95))
    far = TechnicalPlatformFactory(commune=CommuneFactory(latitude=48.69, longitude=6.18))  # Nancy
    EquipmentFactory(platform=far, name="Nancy")
    EquipmentFactory(platform=near, name="Forbach")

    assert names(search_free_slots(one_day(centre=FORBACH, radius_km=20))) == ["Forbach"]
    matches = search_free_slots(one_day(centre=FORBACH, radius_km=120))
    assert names(matches) == ["Forbach", "Nancy"]
    assert 70 < matches[1].distance_km < 90


def test_the_slot_must_last_the_duration_asked():
    printer = EquipmentFactory()
    BookingFactory(equipment=printer, start=at(MONDAY, 9), end=at(MONDAY, 17))

    assert search_free_slots(one_day()) == []
    assert len(search_free_slots(replace(one_day(), duration=dt.timedelta(hours=1)))) == 1


def test_shared_only_keeps_machines_listed_for_sharing():
    EquipmentFactory(name="Mine")
    EquipmentFactory(name="Shared", shared=True)

    assert names(search_free_slots(one_day(shared_only=True))) == ["Shared"]


def test_the_past_is_not_free():
    EquipmentFactory()
    yesterday = dt.date.today() - dt.timedelta(days=1)

    assert search_free_slots(Search(start=at(yesterday, 0), end=at(yesterday, 23))) == []


@pytest.mark.parametrize("count", [1, 3])
def test_the_search_runs_six_queries_whatever_the_number_of_equipment(count):
    for _ in range(count):
        printer = EquipmentFactory()
        BookingFactory(equipment=printer, start=at(MONDAY, 10), end=at(MONDAY, 12))

    with CaptureQueriesContext(connection) as queries:
        matches = search_free_slots(one_day())

    assert len(matches) == count
    assert len(queries) == 6

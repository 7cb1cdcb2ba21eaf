"""An equipment may have opening slots of its own (a machine run only when its technician is
there); they replace its platform's for bookings, the free-slot search and usage."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from fabrique.platforms import actions
from fabrique.platforms.queries import Search, search_free_slots
from fabrique.platforms.usage import monthly_usage
from tests.factories_platforms import AvailabilityFactory, EquipmentFactory, at, next_monday

pytestmark = pytest.mark.django_db
MONDAY = next_monday()


@pytest.fixture
def press(platform):
    """The platform opens 8:00–18:00 on weekdays; the press only Monday 13:00–17:00 and
    Saturday 9:00–12:00 (outside the platform's own hours)."""
    press = EquipmentFactory(platform=platform, name="Presse à injecter")
    AvailabilityFactory(
        platform=platform, equipment=press, weekday=0, start=dt.time(13), end=dt.time(17)
    )
    AvailabilityFactory(
        platform=platform, equipment=press, weekday=5, start=dt.time(9), end=dt.time(12)
    )
    return press


def test_an_equipment_with_slots_of_its_own_is_booked_within_those_only(
    press, printer, startup_user
):
    with pytest.raises(ValidationError) as caught:
        actions.book_equipment(
            equipment=press, start=at(MONDAY, 9), end=at(MONDAY, 10), by=startup_user
        )
    assert caught.value.code == "closed_hours"

    saturday = MONDAY + dt.timedelta(days=5)
    booked = actions.book_equipment(
        equipment=press, start=at(saturday, 9), end=at(saturday, 11), by=startup_user
    )
    assert booked.pk is not None
    # Another equipment of the platform keeps the platform's slots.
    actions.book_equipment(
        equipment=printer, start=at(MONDAY, 9), end=at(MONDAY, 10), by=startup_user
    )


def test_the_free_slot_search_reads_each_equipment_s_own_slots(press, printer):
    matches = search_free_slots(
        Search(start=at(MONDAY, 0), end=at(MONDAY, 23), duration=dt.timedelta(hours=2))
    )

    free = {match.equipment.name: [(s.start, s.end) for s in match.free] for match in matches}
    assert free[press.name] == [(at(MONDAY, 13), at(MONDAY, 17))]
    assert free[printer.name] == [(at(MONDAY, 8), at(MONDAY, 18))]


def test_usage_counts_the_opening_hours_of_each_equipment(press, printer):
    # March 2027: 5 Mondays (4 h each) and 4 Saturdays (3 h each) for the press.
    rows = {row.equipment: row for row in monthly_usage(press.platform, dt.date(2027, 3, 1))}

    assert rows[press.name].opening_hours == 5 * 4 + 4 * 3
    assert rows[printer.name].opening_hours == 23 * 10


def test_the_equipment_page_shows_its_own_slots(client, press):
    content = client.get(press.get_absolute_url()).content.decode()

    slots = content.split('id="equipment-opening-slots"')[1].split("</ul>")[0]
    assert "13:00–17:00" in slots
    assert "08:00" not in slots

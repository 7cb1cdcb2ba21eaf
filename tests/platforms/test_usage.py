"""Usage for accounting: hours booked and used per equipment and month, occupancy of the
opening hours, users by category, amounts of the bookings done by tariff; CSV export."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from fabrique.platforms.enums import BookingState
from fabrique.platforms.usage import monthly_usage
from tests.factories_platforms import BookingFactory, TariffFactory, at

pytestmark = pytest.mark.django_db
# A past month whose weekdays are known: March 2027 has 23 weekdays (Mon–Fri).
DAY = dt.date(2027, 3, 2)  # a Tuesday


def test_hours_occupancy_users_and_amounts_of_a_month(printer, startup_user):
    TariffFactory(equipment=printer, user_category="startup", unit="hour", amount=25)
    BookingFactory(
        equipment=printer, user=startup_user, start=at(DAY, 9), end=at(DAY, 12), state="done"
    )
    BookingFactory(
        equipment=printer,
        user=startup_user,
        start=at(DAY, 14),
        end=at(DAY, 16),
        state=BookingState.NO_SHOW,
    )
    BookingFactory(
        equipment=printer,
        start=at(DAY, 16),
        end=at(DAY, 18),
        state=BookingState.CANCELLED,
        user_category="sme",
    )

    [row] = monthly_usage(printer.platform, DAY)

    assert (row.opening_hours, row.booked_hours, row.used_hours) == (230.0, 5.0, 3.0)
    assert row.occupancy == pytest.approx(100 * 5 / 230)
    assert row.users == {"startup": 1}
    assert row.amount == Decimal("75.00")


def test_the_usage_page_and_csv_are_for_the_staff_only(client, printer, staff, startup_user):
    url = reverse("platforms:usage", args=[printer.platform.slug])
    client.force_login(startup_user)
    assert client.get(url).status_code == 403

    client.force_login(staff)
    page = client.get(url, {"mois": "2027-03"})
    export = client.get(url, {"mois": "2027-03", "format": "csv"})

    assert printer.name in page.content.decode().split('id="usage"')[1]
    lines = export.content.decode().splitlines()
    assert lines[0].startswith("platform;month;equipment;opening_hours")
    assert lines[1].split(";")[1:4] == ["2027-03", printer.name, "230.00"]


def test_the_xlsx_export_has_the_csv_figures_as_numbers(client, printer, staff):
    import io

    from openpyxl import load_workbook

    printer.name = "=HYPERLINK(1)"
    printer.save()
    TariffFactory(equipment=printer, user_category="startup", unit="hour", amount=25)
    BookingFactory(equipment=printer, start=at(DAY, 9), end=at(DAY, 12), state="done")
    client.force_login(staff)
    url = reverse("platforms:usage", args=[printer.platform.slug])

    export = client.get(url, {"mois": "2027-03", "format": "xlsx"})

    assert export["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(export.content)).active
    header, row = list(sheet.iter_rows(values_only=True))
    assert header[:4] == ("platform", "month", "equipment", "opening_hours")
    assert row[1:6] == ("2027-03", "=HYPERLINK(1)", 230, 3, 3)
    assert sheet.cell(row=2, column=3).data_type == "s"  # text, not a formula
    assert row[8] == 75

"""Usage of a platform's equipment for a month: hours booked and used, occupancy of the
opening hours, users by category and amounts by tariff (no payment is processed here: the
figures go to accounting as CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from fabrique.engine import slots
from fabrique.platforms.enums import BookingState, TariffUnit
from fabrique.platforms.models import Availability, Booking, Closure, Tariff, TechnicalPlatform

B = BookingState
BOOKED = (B.REQUESTED, B.CONFIRMED, B.DONE, B.NO_SHOW)


@dataclass
class UsageRow:
    equipment_id: int
    equipment: str
    booked_hours: float = 0.0
    used_hours: float = 0.0
    opening_hours: float = 0.0
    amount: Decimal = Decimal("0.00")
    users_by_category: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    @property
    def occupancy(self) -> float | None:
        """Booked hours over opening hours, in per cent."""
        if not self.opening_hours:
            return None
        return 100 * self.booked_hours / self.opening_hours

    @property
    def users(self) -> dict[str, int]:
        return {category: len(ids) for category, ids in sorted(self.users_by_category.items())}


def month_bounds(month: dt.date, zone: ZoneInfo) -> slots.Interval:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return slots.Interval(
        dt.datetime.combine(first, dt.time(0), tzinfo=zone),
        dt.datetime.combine(following, dt.time(0), tzinfo=zone),
    )


def _amount(booking: Booking, hours: float, tariffs: dict[tuple[int, str], Tariff]) -> Decimal:
    """Hourly tariff of the user's category, else its daily one per started local day."""
    hourly = tariffs.get((booking.equipment_id, booking.user_category + ":" + TariffUnit.HOUR))
    if hourly is not None:
        return (hourly.amount * Decimal(str(round(hours, 2)))).quantize(Decimal("0.01"))
    daily = tariffs.get((booking.equipment_id, booking.user_category + ":" + TariffUnit.DAY))
    if daily is not None:
        days = (booking.end.date() - booking.start.date()).days + 1
        return daily.amount * days
    return Decimal("0.00")


def monthly_usage(platform: TechnicalPlatform, month: dt.date) -> list[UsageRow]:
    zone = ZoneInfo(platform.time_zone)
    window = month_bounds(month, zone)
    equipment = list(platform.equipment.order_by("name", "pk").values_list("pk", "name"))
    rows = {pk: UsageRow(equipment_id=pk, equipment=name) for pk, name in equipment}
    weekly: dict[int | None, list[slots.WeeklySlot]] = defaultdict(list)
    for equipment_id, weekday, start, end in Availability.objects.filter(
        platform=platform
    ).values_list("equipment_id", "weekday", "start", "end"):
        weekly[equipment_id].append(slots.WeeklySlot(weekday, start, end))
    closures: dict[int | None, list[slots.Closure]] = defaultdict(list)
    for equipment_id, first, last in Closure.objects.filter(
        platform=platform,
        first_day__lt=window.end.date(),
        last_day__gte=window.start.date(),
    ).values_list("equipment_id", "first_day", "last_day"):
        closures[equipment_id].append(slots.Closure(first, last))
    tariffs = {
        (tariff.equipment_id, f"{tariff.user_category}:{tariff.unit}"): tariff
        for tariff in Tariff.objects.filter(equipment__platform=platform)
    }
    for pk, row in rows.items():
        opened = slots.openings(
            weekly.get(pk) or weekly[None], closures[None] + closures[pk], window, zone
        )
        row.opening_hours = sum(i.duration.total_seconds() for i in opened) / 3600
    for booking in Booking.objects.filter(
        equipment__platform=platform,
        state__in=BOOKED,
        start__lt=window.end,
        end__gt=window.start,
    ).order_by("start", "pk"):
        row = rows[booking.equipment_id]
        start, end = max(booking.start, window.start), min(booking.end, window.end)
        hours = (end - start).total_seconds() / 3600
        row.booked_hours += hours
        row.users_by_category[booking.user_category].add(booking.user_id)
        if booking.state == B.DONE:
            row.used_hours += hours
            row.amount += _amount(booking, hours, tariffs)
    return list(rows.values())


def usage_csv(platform: TechnicalPlatform, month: dt.date, rows: list[UsageRow]) -> str:
    """One line per equipment; amounts of the bookings done, excluding VAT."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            "platform",
            "month",
            "equipment",
            "opening_hours",
            "booked_hours",
            "used_hours",
            "occupancy_percent",
            "users_by_category",
            "amount_eur_excl_vat",
        ]
    )
    for row in rows:
        writer.writerow(
            [
                platform.name,
                f"{month:%Y-%m}",
                row.equipment,
                f"{row.opening_hours:.2f}",
                f"{row.booked_hours:.2f}",
                f"{row.used_hours:.2f}",
                "" if row.occupancy is None else f"{row.occupancy:.1f}",
                " ".join(f"{category}={count}" for category, count in row.users.items()),
                f"{row.amount:.2f}",
            ]
        )
    return out.getvalue()


def usage_xlsx(platform: TechnicalPlatform, month: dt.date, rows: list[UsageRow]) -> bytes:
    """The same figures as :func:`usage_csv`, as a workbook with numbers as numbers."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{month:%Y-%m}"
    sheet.append(
        [
            "platform",
            "month",
            "equipment",
            "opening_hours",
            "booked_hours",
            "used_hours",
            "occupancy_percent",
            "users_by_category",
            "amount_eur_excl_vat",
        ]
    )
    for row in rows:
        sheet.append(
            [
                platform.name,
                f"{month:%Y-%m}",
                str(row.equipment),
                round(row.opening_hours, 2),
                round(row.booked_hours, 2),
                round(row.used_hours, 2),
                None if row.occupancy is None else round(row.occupancy, 1),
                " ".join(f"{category}={count}" for category, count in row.users.items()),
                float(round(row.amount, 2)),
            ]
        )
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

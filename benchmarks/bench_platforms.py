"""Speed of the free-slot search across the network: 1,000 equipment over 4 weeks.

    .venv/bin/python benchmarks/bench_platforms.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fabrique_bench_platforms \
        .venv/bin/python benchmarks/bench_platforms.py

Builds 300 communes, 100 platforms (owners and opening slots: weekdays 8:00–12:00 and
13:30–18:00, some Saturday mornings, a few closures) and 1,000 equipment of every category,
with realistic bookings (about 60 % of the opening hours booked over the 4 coming weeks,
slots of 1 to 4 hours, some cancelled) in a temporary SQLite database, or in the database
DATABASE_URL names (which must be of its own: the platform tables are emptied first). Then
times typical searches as the search page and the API run them (4 weeks from next Monday)
and prints p50/p95 in milliseconds. Target: p95 under 200 ms on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
EQUIPMENT = 1_000
PLATFORMS = 100
COMMUNES = 300
WEEKS = 4
RUNS = 40
PARIS = ZoneInfo("Europe/Paris")
WORDS = ("peek", "pla", "5 axes", "300 mm", "gpu", "abs", "inox", "ur10")


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="fabrique-bench-platforms-"))
    try:
        run(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def build(rng: random.Random, monday: dt.date) -> int:
    from django.db import connection

    from fabrique.accounts.models import Organisation, User
    from fabrique.platforms.enums import EquipmentCategory
    from fabrique.platforms.models import (
        Availability,
        Booking,
        Closure,
        Equipment,
        TechnicalPlatform,
    )
    from fabrique.territories.models import Commune, Departement, Region

    # Raw deletes: the ORM's would record every row in the audit log, one by one.
    with connection.cursor() as cursor:
        for table in (
            "platforms_bookingtransition",
            "platforms_sharingrequest",
            "platforms_booking",
            "platforms_authorisation",
            "platforms_tariff",
            "platforms_equipmentdocument",
            "platforms_closure",
            "platforms_equipment",
            "platforms_availability",
            "platforms_technicalplatform_partners",
            "platforms_technicalplatform",
        ):
            cursor.execute(f"DELETE FROM {table}")
    Organisation.objects.filter(slug__startswith="bench-pf-").delete()
    Commune.objects.filter(departement__code="9P").delete()
    region, _ = Region.objects.get_or_create(code="98", defaults={"name": "Bench"})
    departement, _ = Departement.objects.get_or_create(
        code="9P", defaults={"name": "Bench", "region": region}
    )
    communes = Commune.objects.bulk_create(
        [
            Commune(
                insee_code=f"8{n:04d}",
                name=f"Bourg {n}",
                search_name=f"bourg {n}",
                departement=departement,
                postal_codes=f"8{n:04d}",
                latitude=rng.uniform(47.5, 49.5),
                longitude=rng.uniform(5.0, 8.0),
                population=rng.randint(500, 100_000),
            )
            for n in range(COMMUNES)
        ]
    )
    owners = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Bench owner {n}",
                slug=f"bench-pf-{n}",
                kind=rng.choice(["university", "lycee", "company", "training_centre"]),
                commune=rng.choice(communes),
            )
            for n in range(PLATFORMS)
        ]
    )
    platforms = TechnicalPlatform.objects.bulk_create(
        [
            TechnicalPlatform(
                name=f"Plateforme {n}",
                slug=f"bench-platform-{n}",
                owner=owner,
                commune=owner.commune,
            )
            for n, owner in enumerate(owners)
        ]
    )
    slots = []
    for platform in platforms:
        for weekday in range(5):
            slots.append(
                Availability(platform=platform, weekday=weekday, start=dt.time(8), end=dt.time(12))
            )
            slots.append(
                Availability(
                    platform=platform, weekday=weekday, start=dt.time(13, 30), end=dt.time(18)
                )
            )
        if rng.random() < 0.3:
            slots.append(
                Availability(platform=platform, weekday=5, start=dt.time(9), end=dt.time(12))
            )
    Availability.objects.bulk_create(slots)
    Closure.objects.bulk_create(
        [
            Closure(
                platform=platform,
                first_day=monday + dt.timedelta(days=rng.randrange(WEEKS * 7)),
                last_day=monday + dt.timedelta(days=rng.randrange(WEEKS * 7) + WEEKS * 7),
                reason="Fermeture",
            )
            for platform in rng.sample(platforms, PLATFORMS // 10)
        ]
    )
    categories = EquipmentCategory.values
    equipment = []
    for n in range(EQUIPMENT):
        platform = platforms[n % PLATFORMS]
        category = rng.choice(categories)
        capabilities = {
            "materials": ", ".join(rng.sample(["PLA", "ABS", "PEEK", "PA12", "inox", "alu"], 2)),
            "volume": f"{rng.choice([200, 300, 500])} mm",
            "axes": rng.choice(["3 axes", "5 axes"]),
        }
        item = Equipment(
            platform=platform,
            name=f"{category} {n}",
            category=category,
            capabilities=capabilities,
            status=rng.choice(["available"] * 9 + ["maintenance"]),
            latitude=platform.commune.latitude,
            longitude=platform.commune.longitude,
            shared=rng.random() < 0.2,
        )
        item.search_text = " ".join([item.name, *map(str, capabilities.values())]).lower()
        equipment.append(item)
    equipment = Equipment.objects.bulk_create(equipment)
    user = User.objects.filter(
        email="bench-platforms@example.org"
    ).first() or User.objects.create_user("bench-platforms@example.org")
    bookings = []
    for item in equipment:
        for offset in range(WEEKS * 7):
            day = monday + dt.timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for opens, closes in ((8, 12), (13.5, 18)):
                cursor = opens
                while cursor < closes:
                    length = rng.choice([1, 1, 2, 2, 3, 4])
                    end = min(cursor + length, closes)
                    if rng.random() < 0.6:
                        bookings.append(
                            Booking(
                                equipment=item,
                                user=user,
                                start=_at(day, cursor),
                                end=_at(day, end),
                                state=rng.choice(
                                    ["confirmed"] * 6 + ["requested"] * 3 + ["cancelled"]
                                ),
                            )
                        )
                    cursor = end
    Booking.objects.bulk_create(bookings, batch_size=5000)
    return len(bookings)


def _at(day: dt.date, hours: float) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(int(hours), int(hours * 60) % 60), tzinfo=PARIS)


def run(workdir: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["FABRIQUE_VAR_DIR"] = str(workdir / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "fabrique.settings"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from fabrique.engine import geo
    from fabrique.platforms.enums import EquipmentCategory
    from fabrique.platforms.queries import Search, search_free_slots
    from fabrique.territories.models import Commune

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
    today = dt.date.today()
    monday = today + dt.timedelta(days=7 - today.weekday())
    booked = build(rng, monday)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"build: {time.perf_counter() - started:.1f} s "
        f"({EQUIPMENT:,} equipment, {booked:,} bookings over {WEEKS} weeks)"
    )
    places = list(
        Commune.objects.filter(departement__code="9P").values_list("latitude", "longitude")
    )
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=PARIS)
    end = start + dt.timedelta(weeks=WEEKS)

    def near() -> geo.Point:
        latitude, longitude = rng.choice(places)
        return geo.Point(latitude, longitude)

    scenarios = {
        "whole network, 2 h (page: 50)": lambda: Search(
            start=start, end=end, duration=dt.timedelta(hours=2)
        ),
        "whole network, 4 h, first 200 (API max)": lambda: Search(
            start=start, end=end, duration=dt.timedelta(hours=4), limit=200
        ),
        "category": lambda: Search(
            start=start, end=end, category=rng.choice(EquipmentCategory.values)
        ),
        "capability words": lambda: Search(start=start, end=end, text=rng.choice(WORDS)),
        "place 50 km": lambda: Search(start=start, end=end, centre=near(), radius_km=50),
        "category + place 100 km, 8 h": lambda: Search(
            start=start,
            end=end,
            duration=dt.timedelta(hours=8),
            category=rng.choice(EquipmentCategory.values),
            centre=near(),
            radius_km=100,
        ),
        "shared machines, 3 h": lambda: Search(
            start=start, end=end, duration=dt.timedelta(hours=3), shared_only=True
        ),
    }
    print(f"{'search':<40} {'p50 ms':>8} {'p95 ms':>8} {'results':>8}")
    overall = []
    for label, make in scenarios.items():
        timings = []
        found = 0
        for _ in range(RUNS):
            search = make()
            begun = time.perf_counter()
            found = len(search_free_slots(search))
            timings.append((time.perf_counter() - begun) * 1000)
        timings.sort()
        overall += timings
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"{label:<40} {statistics.median(timings):8.1f} {p95:8.1f} {found:8d}")
    overall.sort()
    print(
        f"{'all searches':<40} {statistics.median(overall):8.1f} "
        f"{overall[int(len(overall) * 0.95) - 1]:8.1f}"
    )
    # Beyond what a page or the API asks (at most 200 results): every free machine at once.
    timings = []
    for _ in range(5):
        begun = time.perf_counter()
        found = len(search_free_slots(Search(start=start, end=end, limit=EQUIPMENT)))
        timings.append((time.perf_counter() - begun) * 1000)
    label = "(exhaustive scan, not a page)"
    print(f"{label:<40} {statistics.median(timings):8.1f} {'':>8} {found:8d}")


if __name__ == "__main__":
    main()

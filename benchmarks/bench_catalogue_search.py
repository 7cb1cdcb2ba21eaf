"""Speed of the catalogue search at 100,000 sessions.

    .venv/bin/python benchmarks/bench_catalogue_search.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fabrique_bench_catalogue \
        .venv/bin/python benchmarks/bench_catalogue_search.py

Builds 2,000 communes, 200 organisations, 10,000 trainings and 100,000 sessions (bulk) in a
temporary SQLite database, or in the database DATABASE_URL names (which must be of its own:
the offer tables are emptied first), then times typical searches as the catalogue page runs
them (the count, bounded at 1,000 as the page
does, and the first page of 20) and prints p50/p95 in milliseconds. The text
matcher is left out (its own speed is measured by bench_matcher.py).
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

ROOT = Path(__file__).resolve().parents[1]
SESSIONS = 100_000
TRAININGS = 10_000
ORGANISATIONS = 200
COMMUNES = 2_000
RUNS = 40
WORDS = (
    "Soudage",
    "Maintenance industrielle",
    "Électronique",
    "Usinage",
    "Plasturgie",
    "Logistique",
    "Automatismes",
    "Chaudronnerie",
    "Qualité",
    "Robotique",
)


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="fabrique-bench-catalogue-"))
    try:
        run(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def build(rng: random.Random) -> None:
    from fabrique.accounts.models import Organisation
    from fabrique.territories.models import Commune, Departement, Region
    from fabrique.trainings.enums import Audience, Funding, Modality
    from fabrique.trainings.models import Session, Training, TrainingAudience, TrainingFunding

    Session.objects.all().delete()
    Training.objects.all().delete()
    Organisation.objects.filter(slug__startswith="bench-").delete()
    Commune.objects.filter(departement__code="9B").delete()
    region, _ = Region.objects.get_or_create(code="99", defaults={"name": "Bench"})
    departement, _ = Departement.objects.get_or_create(
        code="9B", defaults={"name": "Bench", "region": region}
    )
    communes = Commune.objects.bulk_create(
        [
            Commune(
                insee_code=f"9{n:04d}",
                name=f"Ville {n}",
                search_name=f"ville {n}",
                departement=departement,
                postal_codes=f"9{n:04d}",
                latitude=rng.uniform(43.0, 50.5),
                longitude=rng.uniform(-1.5, 7.5),
                population=rng.randint(100, 100_000),
            )
            for n in range(COMMUNES)
        ]
    )
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Centre {n}", slug=f"bench-{n}", kind="training_centre")
            for n in range(ORGANISATIONS)
        ]
    )
    trainings = Training.objects.bulk_create(
        [
            Training(
                organisation=rng.choice(organisations),
                title=f"{rng.choice(WORDS)} niveau {n % 7} — parcours {n}",
                objectives="Diagnostiquer, régler et remettre en service des équipements.",
                modality=rng.choice(Modality.values),
                hours=rng.choice((35, 140, 420)),
                published=rng.random() > 0.05,
            )
            for n in range(TRAININGS)
        ],
        batch_size=2000,
    )
    TrainingAudience.objects.bulk_create(
        [
            TrainingAudience(training=t, audience=a)
            for t in trainings
            for a in rng.sample(list(Audience.values), 2)
        ],
        batch_size=5000,
    )
    TrainingFunding.objects.bulk_create(
        [
            TrainingFunding(training=t, funding=f)
            for t in trainings
            for f in rng.sample(list(Funding.values), 2)
        ],
        batch_size=5000,
    )
    today = dt.date.today()
    batch = []
    for n in range(SESSIONS):
        commune = rng.choice(communes)
        start = today + dt.timedelta(days=rng.randint(-200, 500))
        batch.append(
            Session(
                training=rng.choice(trainings),
                code=f"S{n}",
                start=start,
                end=start + dt.timedelta(days=rng.randint(1, 120)),
                city=commune.name,
                postcode=commune.postal_codes,
                latitude=commune.latitude + rng.uniform(-0.02, 0.02),
                longitude=commune.longitude + rng.uniform(-0.02, 0.02),
                capacity=12,
                status=rng.choice(("open",) * 8 + ("full", "cancelled")),
            )
        )
    Session.objects.bulk_create(batch, batch_size=5000)


def run(workdir: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["FABRIQUE_VAR_DIR"] = str(workdir / "var")
    os.environ["DJANGO_SETTINGS_MODULE"] = "fabrique.settings"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from fabrique.referentials import matching
    from fabrique.trainings.enums import Audience, Funding, Modality
    from fabrique.trainings.queries import CatalogueQuery, bounded_count, search_sessions

    matching.occupations = lambda texts, **options: [[] for _t in texts]  # type: ignore[assignment]
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    rng = random.Random(2026)
    build(rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"build: {time.perf_counter() - started:.1f} s ({SESSIONS:,} sessions)")

    today = dt.date.today()
    scenarios = {
        "no filter (from today)": lambda: CatalogueQuery(),
        "text": lambda: CatalogueQuery(text=rng.choice(WORDS)),
        "place 30 km": lambda: CatalogueQuery(place=f"Ville {rng.randrange(COMMUNES)}"),
        "text + place 30 km": lambda: CatalogueQuery(
            text=rng.choice(WORDS), place=f"9{rng.randrange(COMMUNES):04d}"
        ),
        "place 100 km + dates": lambda: CatalogueQuery(
            place=f"Ville {rng.randrange(COMMUNES)}",
            radius_km=100,
            date_from=today + dt.timedelta(days=30),
            date_to=today + dt.timedelta(days=120),
        ),
        "audience + funding + modality": lambda: CatalogueQuery(
            audience=rng.choice(Audience.values),
            funding=rng.choice(Funding.values),
            modality=rng.choice(Modality.values),
        ),
        "month (calendar view)": lambda: CatalogueQuery(
            date_from=today.replace(day=1) + dt.timedelta(days=62),
            date_to=today.replace(day=1) + dt.timedelta(days=92),
        ),
    }
    print(f"{'search':<32} {'p50 ms':>8} {'p95 ms':>8} {'results':>8}")
    for label, make in scenarios.items():
        timings = []
        found = 0
        for _ in range(RUNS):
            query = make()
            begun = time.perf_counter()
            sessions = search_sessions(query, user=None).sessions
            found = bounded_count(sessions)
            list(sessions[:20])
            timings.append((time.perf_counter() - begun) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"{label:<32} {statistics.median(timings):8.1f} {p95:8.1f} {found:8d}")


if __name__ == "__main__":
    main()

"""Demo technical platforms: a few platforms of the demo world's universities, lycées and
training centres, with equipment of every kind, opening slots and tariffs, and companies'
machines listed for sharing. Called by the demo builder after the organisations exist."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils.text import slugify

from fabrique.accounts.models import Organisation
from fabrique.platforms.enums import EquipmentCategory, TariffUnit, UserCategory
from fabrique.platforms.models import Availability, Equipment, Tariff, TechnicalPlatform

C = EquipmentCategory
MACHINES: dict[str, list[tuple[str, str, dict[str, str], bool]]] = {
    # kind of owner: (name, category, capabilities, needs an induction)
    "university": [
        (
            "Presse à injecter Arburg 80 t",
            C.INJECTION_MOULDING,
            {"force": "800 kN", "materials": "PP, PA6, PEEK"},
            True,
        ),
        (
            "Extrudeuse bi-vis",
            C.EXTRUSION,
            {"screw": "Ø 25 mm", "materials": "PP, PLA, composites"},
            True,
        ),
        (
            "Imprimante SLS",
            C.PRINTING_SLS,
            {"build volume": "340×340×600 mm", "materials": "PA12"},
            True,
        ),
        ("Cluster GPU", C.COMPUTE, {"gpu": "4 × 48 GB", "usage": "IA, simulation"}, False),
        ("Jumeau numérique de ligne", C.DIGITAL_TWIN, {"line": "assemblage, 6 postes"}, False),
    ],
    "lycee": [
        (
            "Centre d'usinage 5 axes",
            C.CNC_MILLING,
            {"axes": "5 axes", "stroke": "600×500×450 mm"},
            True,
        ),
        ("Tour CN", C.CNC_TURNING, {"diameter": "Ø 300 mm", "materials": "acier, inox, alu"}, True),
        (
            "Découpe laser CO2",
            C.LASER_CUTTING,
            {"bed": "1300×900 mm", "materials": "bois, PMMA"},
            True,
        ),
    ],
    "training_centre": [
        (
            "Imprimante FDM",
            C.PRINTING_FDM,
            {"build volume": "250×210×210 mm", "materials": "PLA, PETG, ABS"},
            False,
        ),
        (
            "Imprimante SLA",
            C.PRINTING_SLA,
            {"build volume": "145×145×185 mm", "materials": "résines"},
            False,
        ),
        (
            "Banc électronique et IoT",
            C.ELECTRONICS,
            {"tools": "oscilloscope, station de soudage"},
            False,
        ),
        ("Cobot UR10e", C.COBOT, {"payload": "12.5 kg", "reach": "1300 mm"}, True),
        ("Kit XR maintenance", C.XR_KIT, {"headsets": "6 casques"}, False),
    ],
    "company": [
        (
            "Presse à injecter 50 t",
            C.INJECTION_MOULDING,
            {"force": "500 kN", "materials": "PP, ABS"},
            True,
        ),
        (
            "Fraiseuse CN 3 axes",
            C.CNC_MILLING,
            {"axes": "3 axes", "stroke": "800×400×500 mm"},
            True,
        ),
    ],
}
HOURLY = {
    UserCategory.PARTNER: 20,
    UserCategory.STUDENT: 10,
    UserCategory.STARTUP: 30,
    UserCategory.SME: 45,
    UserCategory.COMPANY: 70,
    UserCategory.PUBLIC: 35,
}


@transaction.atomic
def build_demo_platforms(*, seed: int, per_kind: int = 3) -> int:
    """Up to ``per_kind`` platforms per kind of owner among the existing organisations (with
    a commune); returns the number of equipment made. Idempotent: platforms already made are
    kept."""
    rng = random.Random(seed)
    made = 0
    for kind, machines in MACHINES.items():
        owners = list(
            Organisation.objects.filter(kind=kind, commune__latitude__isnull=False)
            .select_related("commune")
            .order_by("pk")[:per_kind]
        )
        for owner in owners:
            slug = slugify(f"plateforme-{owner.slug}")[:80]
            platform, created = TechnicalPlatform.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": f"Plateforme technique — {owner.name}"[:200],
                    "owner": owner,
                    "commune": owner.commune,
                    "description": (
                        "Équipements ouverts aux partenaires, étudiants, start-up et PME."
                    ),
                    "opening_hours": "Du lundi au vendredi, 8 h – 12 h et 13 h 30 – 18 h.",
                    "rules": "Habilitation requise pour les machines signalées ; EPI obligatoires.",
                    "contact_email": owner.email,
                },
            )
            if not created:
                continue
            Availability.objects.bulk_create(
                [
                    Availability(platform=platform, weekday=day, start=opens, end=closes)
                    for day in range(5)
                    for opens, closes in ((dt.time(8), dt.time(12)), (dt.time(13, 30), dt.time(18)))
                ]
            )
            for name, category, capabilities, induction in machines:
                equipment = Equipment(
                    platform=platform,
                    name=name,
                    category=category,
                    capabilities=capabilities,
                    requires_induction=induction,
                    authorisation_months=24 if induction else None,
                    idle_months=6 if induction else None,
                    shared=kind == "company",
                    place=rng.choice(["Hall A", "Hall B", "Atelier 1", "FabLab"]),
                )
                equipment.save()
                Tariff.objects.bulk_create(
                    [
                        Tariff(
                            equipment=equipment,
                            user_category=category_,
                            unit=TariffUnit.HOUR,
                            amount=amount,
                        )
                        for category_, amount in HOURLY.items()
                    ]
                )
                made += 1
    return made

"""The demo world's industrial projects: the larger companies of each territory announce a
project on their own site, with hiring needs in the occupations of their sector spread over
the next eighteen months, and each territory's coordinators keep a planning scenario over that
horizon. Deterministic for a seed; dates are relative to ``population.REFERENCE_DATE``.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from fabrique.accounts.enums import OrganisationKind as Kind
from fabrique.accounts.enums import Role
from fabrique.accounts.models import Membership, Organisation
from fabrique.demo.population import REFERENCE_DATE
from fabrique.demo.world import SECTORS, TERRITORIES
from fabrique.needs.enums import Confidence, Contract, ProjectStage
from fabrique.needs.models import HiringNeed, IndustrialProject
from fabrique.planning.models import Scenario
from fabrique.referentials.models import Occupation, Scheme
from fabrique.territories.models import IndustrialTerritory

HORIZON_DAYS = 548  # eighteen months
# (name, stage, investment in M€) by the sector of the company that carries the project.
PROJECTS: dict[str, tuple[str, str, int]] = {
    "plastics": ("Nouvelle ligne d'injection bi-matière", ProjectStage.CONFIRMED, 12),
    "automotive": ("Atelier d'assemblage de modules électriques", ProjectStage.BUILDING, 45),
    "chemistry": ("Unité de recyclage chimique des polymères", ProjectStage.ANNOUNCED, 80),
    "metalwork": ("Extension de l'atelier de chaudronnerie", ProjectStage.CONFIRMED, 6),
    "mechanics": ("Îlot d'usinage robotisé", ProjectStage.RAMP_UP, 9),
    "microtechnics": ("Salle propre de micro-assemblage", ProjectStage.BUILDING, 18),
    "medical_devices": ("Ligne de production d'implants", ProjectStage.CONFIRMED, 25),
    "electronics": ("Atelier de cartes électroniques connectées", ProjectStage.ANNOUNCED, 7),
    "watchmaking": ("Atelier de fabrication de mouvements", ProjectStage.CONFIRMED, 10),
    "automation": ("Cellules robotisées pour l'agroalimentaire", ProjectStage.BUILDING, 8),
    "logistics": ("Plateforme logistique automatisée", ProjectStage.CONFIRMED, 30),
}


def build_demo_needs(*, seed: int) -> dict[str, int]:
    """Write the demo projects, their needs and one scenario per territory; returns counts."""
    rng = random.Random(seed)
    codes = sorted({code for fiches in SECTORS.values() for code in fiches})
    occupations = dict(
        Occupation.objects.filter(scheme=Scheme.ROME, code__in=codes, obsolete=False).values_list(
            "code", "id"
        )
    )
    counts = {"industrial_projects": 0, "hiring_needs": 0, "planning_scenarios": 0}
    for spec in TERRITORIES:
        territory = IndustrialTerritory.objects.filter(code=spec.code).first()
        if territory is None:
            continue
        companies = sorted(
            (member for member in spec.members if member.kind == Kind.COMPANY),
            key=lambda member: (-member.size, member.slug),
        )
        for member in companies[:4]:
            sector = member.sectors[0] if member.sectors else ""
            if sector not in PROJECTS:
                continue
            company = Organisation.objects.select_related("commune").get(slug=member.slug)
            counts["hiring_needs"] += _project(rng, territory, company, sector, occupations)
            counts["industrial_projects"] += 1
        counts["planning_scenarios"] += _scenario(territory)
    return counts


def _project(
    rng: random.Random,
    territory: IndustrialTerritory,
    company: Organisation,
    sector: str,
    occupations: dict[str, int],
) -> int:
    name, stage, millions = PROJECTS[sector]
    commune = company.commune
    project = IndustrialProject.objects.create(
        company=company,
        name=f"{name} — {company.name}",
        description=f"Projet de démonstration de {company.name}.",
        stage=stage,
        commune=commune,
        latitude=getattr(commune, "latitude", None),
        longitude=getattr(commune, "longitude", None),
        territory=territory,
        investment_eur=Decimal(millions * 1_000_000),
        # Most companies share their projects with the territory; one in three does not.
        confidential=rng.random() < 0.33,
    )
    needs = []
    for code in SECTORS[sector][:4]:
        if code not in occupations:
            continue
        needs.append(
            HiringNeed(
                project=project,
                occupation_id=occupations[code],
                count=rng.randint(2, 12),
                needed_by=REFERENCE_DATE + dt.timedelta(days=rng.randint(150, HORIZON_DAYS)),
                contract=rng.choice((Contract.PERMANENT, Contract.PERMANENT, Contract.FIXED_TERM)),
                confidence=rng.choice(tuple(Confidence)),
            )
        )
    HiringNeed.objects.bulk_create(needs)
    return len(needs)


def _scenario(territory: IndustrialTerritory) -> int:
    coordinator = (
        Membership.objects.filter(
            role=Role.COORDINATOR,
            organisation__in=territory.coordinating_organisations.all(),
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    Scenario.objects.create(
        name=f"{territory.name} — 18 mois",
        territory=territory,
        horizon_start=REFERENCE_DATE,
        horizon_end=REFERENCE_DATE + dt.timedelta(days=HORIZON_DAYS),
        created_by=coordinator.user if coordinator else None,
    )
    return 1

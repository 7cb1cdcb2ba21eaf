"""Demo technical platforms: a few platforms of the demo world's universities, lycées and
training centres, with equipment of every kind, opening slots and tariffs, and companies'
machines listed for sharing. Called by the demo builder after the organisations exist."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.text import slugify

from fabrique.accounts.enums import Role
from fabrique.accounts.models import Organisation, User
from fabrique.platforms.enums import (
    BookingState,
    EquipmentCategory,
    HolderKind,
    OutcomeKind,
    ProjectStage,
    TariffUnit,
    TeamRole,
    UserCategory,
)
from fabrique.platforms.models import (
    Availability,
    Booking,
    Equipment,
    InnovationProject,
    ProjectMember,
    ProjectMilestone,
    ProjectOutcome,
    ProjectStageRecord,
    Tariff,
    TechnicalPlatform,
)

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
                if category == C.COBOT:
                    # Run only when its technician is there: slots of its own.
                    Availability.objects.bulk_create(
                        [
                            Availability(
                                platform=platform,
                                equipment=equipment,
                                weekday=day,
                                start=dt.time(13, 30),
                                end=dt.time(17),
                            )
                            for day in (1, 3)
                        ]
                    )
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


# Innovation projects of the demo: (name, summary, holder kind, stages reached).
PROJECTS = [
    (
        "Capteur de vibrations autonome",
        "Un capteur sans fil pour la maintenance prédictive des machines des PME.",
        HolderKind.STARTUP,
        5,
    ),
    (
        "Boîtier injecté biosourcé",
        "Un boîtier en PLA renforcé de fibres de lin pour objets connectés d'extérieur.",
        HolderKind.SME,
        4,
    ),
    (
        "Préhenseur souple pour cobot",
        "Une pince imprimée en 3D pour saisir des pièces fragiles sur une ligne d'assemblage.",
        HolderKind.STUDENT_TEAM,
        3,
    ),
    (
        "Jumeau numérique d'une cellule d'usinage",
        "La cellule d'usinage d'un sous-traitant simulée pour former ses opérateurs à distance.",
        HolderKind.COMPANY,
        6,
    ),
    (
        "Drone d'inspection de toitures",
        "Un drone léger dont la structure est imprimée en SLS.",
        HolderKind.STARTUP,
        2,
    ),
]
STAGES = list(ProjectStage)


@transaction.atomic
def build_demo_projects(*, seed: int) -> int:
    """Innovation projects hosted by the demo platforms of universities and training centres,
    with their stage history, team, milestones, past bookings and outcomes; half of them have
    a public showcase page. Returns the number of projects made (none if some exist)."""
    if InnovationProject.objects.exists():
        return 0
    rng = random.Random(seed)
    hosts = list(
        TechnicalPlatform.objects.filter(owner__kind__in=["university", "training_centre"])
        .prefetch_related("equipment")
        .order_by("pk")
    )
    companies = list(Organisation.objects.filter(kind="company").order_by("pk"))
    if not hosts or not companies:
        return 0
    today = dt.date.today()
    made = 0
    for index, (name, summary, holder_kind, reached) in enumerate(PROJECTS):
        platform = hosts[index % len(hosts)]
        holder = None if holder_kind == HolderKind.STUDENT_TEAM else rng.choice(companies)
        project = InnovationProject.objects.create(
            name=name,
            slug=slugify(name)[:80],
            holder_kind=holder_kind,
            holder_organisation=holder,
            holder_name="" if holder else "Équipe GEII de l'IUT",
            platform=platform,
            summary=summary,
            stage=STAGES[reached - 1],
            showcase=index % 2 == 0,
        )
        # Stages one after another, the last one still running.
        day = today - dt.timedelta(days=90 * reached + rng.randint(0, 60))
        for number, stage in enumerate(STAGES[:reached]):
            last = number == reached - 1
            ended = None if last else day + dt.timedelta(days=rng.randint(45, 110))
            ended = min(ended, today) if ended else None
            ProjectStageRecord.objects.create(
                project=project, stage=stage, started_on=day, ended_on=ended
            )
            ProjectMilestone.objects.create(
                project=project,
                title=f"Revue de fin d'étape : {stage.label}",
                stage=stage,
                due_on=(ended or today + dt.timedelta(days=60)),
                done_on=ended,
            )
            day = ended or day
        contact = (
            User.objects.filter(
                memberships__organisation=holder,
                memberships__role__in=[Role.ORGANISATION_ADMIN, Role.COMPANY_CONTACT],
            )
            .order_by("pk")
            .first()
            if holder
            else None
        )
        engineer = (
            User.objects.filter(memberships__organisation=platform.owner).order_by("pk").first()
        )
        for user, role in ((contact, TeamRole.HOLDER), (engineer, TeamRole.ENGINEER)):
            if user is not None:
                ProjectMember.objects.get_or_create(
                    project=project, user=user, defaults={"role": role, "organisation": holder}
                )
        machines = list(platform.equipment.all())
        booker = contact or engineer
        if machines and booker is not None:
            for week in range(1, 4):
                start = dt.datetime.combine(
                    today - dt.timedelta(weeks=week, days=today.weekday()),
                    dt.time(8 + 2 * index),  # projects of one platform never overlap
                    tzinfo=ZoneInfo(platform.time_zone),
                )
                Booking.objects.create(
                    equipment=rng.choice(machines),
                    user=booker,
                    booked_by=booker,
                    project=name,
                    innovation_project=project,
                    user_category=UserCategory.STARTUP,
                    start=start,
                    end=start + dt.timedelta(hours=2),
                    state=BookingState.DONE,
                )
        if reached >= 5:
            ProjectOutcome.objects.bulk_create(
                [
                    ProjectOutcome(
                        project=project,
                        kind=OutcomeKind.JOBS_CREATED,
                        value=rng.randint(2, 12),
                        on=today - dt.timedelta(days=30),
                    ),
                    ProjectOutcome(
                        project=project,
                        kind=OutcomeKind.INVESTMENT_RAISED,
                        value=rng.choice([150_000, 400_000, 1_200_000]),
                        on=today - dt.timedelta(days=90),
                    ),
                    ProjectOutcome(
                        project=project,
                        kind=OutcomeKind.PRODUCTS_LAUNCHED,
                        value=1,
                        on=today - dt.timedelta(days=20),
                    ),
                ]
            )
        made += 1
    return made

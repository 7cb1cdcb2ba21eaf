"""The demo world's training catalogue: each school, university and training centre of the
demo offers a training per track it teaches (its ``sectors`` in ``demo.world``), aimed at the
ROME fiches of that track, teaching their first skills, with two to four dated sessions at its
own commune. Deterministic for a seed; dates are relative to ``population.REFERENCE_DATE``.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from fabrique.accounts.enums import OrganisationKind as Kind
from fabrique.accounts.models import Organisation
from fabrique.demo.population import REFERENCE_DATE
from fabrique.demo.world import NATIONAL, SECTORS, TERRITORIES
from fabrique.referentials.models import Occupation, OccupationSkill, Scheme
from fabrique.trainings.enums import Audience, Funding, Level, Modality, SessionStatus
from fabrique.trainings.models import (
    Session,
    Training,
    TrainingAudience,
    TrainingFunding,
)

BATCH_SIZE = 1000
TEACHING_KINDS = (Kind.LYCEE, Kind.UNIVERSITY, Kind.TRAINING_CENTRE)
SKILLS_PER_TRAINING = 6

# track → (title, objectives, hours, level)
TRACKS: dict[str, tuple[str, str, int, str]] = {
    "plastics": (
        "Conduite de lignes de plasturgie",
        "Régler et conduire une presse à injecter, contrôler la qualité des pièces plastiques.",
        420,
        Level.NIV4,
    ),
    "automotive": (
        "Opérateur régleur en équipements automobiles",
        "Préparer, régler et surveiller une ligne de production d'équipements automobiles.",
        350,
        Level.NIV4,
    ),
    "chemistry": (
        "Pilotage d'installations de chimie",
        "Conduire une installation de production chimique en sécurité et suivre la qualité.",
        490,
        Level.NIV4,
    ),
    "metalwork": (
        "Soudage et chaudronnerie",
        "Lire un plan, préparer les pièces et réaliser des soudures TIG, MIG et à l'arc.",
        560,
        Level.NIV3,
    ),
    "logistics": (
        "Préparation de commandes et conduite de chariots",
        "Préparer des commandes, conduire un chariot élévateur (CACES R489) et tenir un stock.",
        280,
        Level.NIV3,
    ),
    "electronics": (
        "Câblage et test de cartes électroniques",
        "Câbler, souder et tester des cartes et sous-ensembles électroniques.",
        420,
        Level.NIV4,
    ),
    "watchmaking": (
        "Opérateur en horlogerie et microtechnique",
        "Assembler, régler et contrôler des mouvements et composants horlogers.",
        630,
        Level.NIV4,
    ),
    "microtechnics": (
        "Usinage de précision en microtechnique",
        "Programmer et conduire une machine d'usinage à commande numérique de précision.",
        560,
        Level.NIV5,
    ),
    "mechanics": (
        "Usinage sur machines à commande numérique",
        "Tournage et fraisage sur commande numérique : programmation, réglage, contrôle.",
        560,
        Level.NIV4,
    ),
    "medical_devices": (
        "Production de dispositifs médicaux",
        "Produire en salle propre et appliquer les exigences qualité des dispositifs médicaux.",
        350,
        Level.NIV4,
    ),
    "automation": (
        "Automatismes et robotique industrielle",
        "Programmer un automate, intégrer un robot et mettre en service une cellule automatisée.",
        600,
        Level.NIV5,
    ),
    "materials": (
        "Matériaux composites et procédés",
        "Mettre en œuvre les matériaux composites et contrôler les pièces produites.",
        455,
        Level.NIV5,
    ),
    "glass": (
        "Fabrication verrière",
        "Conduire un four et une ligne de formage du verre, contrôler les produits.",
        420,
        Level.NIV4,
    ),
    "maintenance": (
        "Maintenance des systèmes industriels",
        "Diagnostiquer une panne, remettre en service un équipement et planifier la maintenance.",
        630,
        Level.NIV4,
    ),
    "food": (
        "Conduite de lignes agroalimentaires",
        "Conduire une ligne de fabrication et de conditionnement en respectant l'hygiène.",
        350,
        Level.NIV3,
    ),
    "digital": (
        "Jumeau numérique et réalité étendue pour l'industrie",
        "Concevoir un jumeau numérique d'atelier et des parcours de formation en réalité étendue.",
        210,
        Level.NIV6,
    ),
}
TIMETABLES = (
    "Du lundi au vendredi, 8 h 30 – 12 h 00 et 13 h 30 – 17 h 00",
    "Du lundi au jeudi, 8 h 00 – 12 h 00 et 13 h 00 – 16 h 00",
    "En alternance : deux semaines en centre, deux semaines en entreprise",
)
ACCESSIBILITY = (
    "Locaux de plain-pied accessibles en fauteuil. Adaptations possibles : prenez contact avec "
    "notre référent handicap."
)


def _tracks() -> dict[str, tuple[str, ...]]:
    specs = [spec for territory in TERRITORIES for spec in territory.organisations]
    return {spec.slug: spec.sectors for spec in (*specs, *NATIONAL)}


def build_demo_catalogue(*, seed: int) -> int:
    """Write the demo catalogue; returns how many trainings were made."""
    rng = random.Random(seed)
    tracks = _tracks()
    codes = sorted({code for fiches in SECTORS.values() for code in fiches})
    occupations = dict(
        Occupation.objects.filter(scheme=Scheme.ROME, code__in=codes, obsolete=False).values_list(
            "code", "id"
        )
    )
    skills: dict[int, list[int]] = {}
    for occupation_id, skill_id in (
        OccupationSkill.objects.filter(occupation_id__in=occupations.values(), essential=True)
        .order_by("occupation_id", "skill__code")
        .values_list("occupation_id", "skill_id")
    ):
        skills.setdefault(occupation_id, []).append(skill_id)

    organisations = (
        Organisation.objects.filter(kind__in=TEACHING_KINDS)
        .select_related("commune")
        .order_by("slug")
    )
    trainings: list[Training] = []
    plans: list[tuple[Training, str, Organisation]] = []
    for organisation in organisations:
        for number, track in enumerate(tracks.get(organisation.slug) or ("maintenance",), 1):
            if track not in TRACKS:
                continue
            title, objectives, hours, level = TRACKS[track]
            modality = Modality.HYBRID if track == "digital" else Modality.IN_PERSON
            training = Training(
                organisation=organisation,
                code=f"DEMO-{number:02d}",
                title=title,
                objectives=objectives,
                level=level,
                modality=modality,
                hours=hours,
                price=Decimal(hours * rng.choice((9, 11, 12, 14))),
                accessibility=ACCESSIBILITY,
                contact_email=organisation.email,
            )
            trainings.append(training)
            plans.append((training, track, organisation))
    Training.objects.bulk_create(trainings, batch_size=BATCH_SIZE)

    Occupations = Training.occupations.through
    Skills = Training.skills_taught.through
    occupation_links, skill_links, audiences, fundings, sessions = [], [], [], [], []
    for training, track, organisation in plans:
        fiches = [occupations[code] for code in SECTORS[track] if code in occupations][:3]
        occupation_links += [Occupations(training=training, occupation_id=pk) for pk in fiches]
        taught = sorted({s for pk in fiches for s in skills.get(pk, [])[:2]})
        skill_links += [Skills(training=training, skill_id=pk) for pk in taught][
            :SKILLS_PER_TRAINING
        ]
        for audience in sorted(rng.sample(list(Audience.values), 2)):
            audiences.append(TrainingAudience(training=training, audience=audience))
        for funding in sorted(rng.sample(list(Funding.values), 2)):
            fundings.append(TrainingFunding(training=training, funding=funding))
        commune = organisation.commune
        start = REFERENCE_DATE + dt.timedelta(days=rng.randint(-30, 60))
        for number in range(1, rng.randint(2, 4) + 1):
            length = dt.timedelta(days=max(training.hours or 35, 35) // 5)
            capacity = rng.choice((8, 10, 12, 15))
            sessions.append(
                Session(
                    training=training,
                    code=f"S{number}",
                    start=start,
                    end=start + length,
                    timetable=rng.choice(TIMETABLES),
                    registration_deadline=start - dt.timedelta(days=14),
                    place_name=organisation.name,
                    address=organisation.address,
                    postcode=(commune.postal_codes.split() or [""])[0] if commune else "",
                    city=commune.name if commune else "",
                    commune=commune,
                    latitude=commune.latitude if commune else None,
                    longitude=commune.longitude if commune else None,
                    capacity=capacity,
                    status=SessionStatus.OPEN,
                )
            )
            start += length + dt.timedelta(days=rng.randint(20, 90))
    Occupations.objects.bulk_create(occupation_links, batch_size=BATCH_SIZE)
    Skills.objects.bulk_create(skill_links, batch_size=BATCH_SIZE)
    TrainingAudience.objects.bulk_create(audiences, batch_size=BATCH_SIZE)
    TrainingFunding.objects.bulk_create(fundings, batch_size=BATCH_SIZE)
    Session.objects.bulk_create(sessions, batch_size=BATCH_SIZE)
    return len(trainings)

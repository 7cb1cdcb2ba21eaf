"""The demo's competency framework: “Pilotage et animation d'espaces d'innovation”, the
framework a learning factory uses to train the people who run fab labs, shared by a
consortium. Four blocs, twelve competences with three levels each, linked to ROME 4.0 skills
(those the database holds), published as version 1.

Built through the same actions as the pages (``import_framework``, ``publish_version``), so
``by`` must be allowed to edit the frameworks of ``organisation`` (one of its coordinators,
a coordinator of a consortium federating it, or a platform admin).
"""

from __future__ import annotations

from fabrique.accounts.models import Organisation, User
from fabrique.frameworks import actions
from fabrique.frameworks.documents import BlocDoc, CompetenceDoc, FrameworkDoc, LevelDoc, SkillRef
from fabrique.frameworks.enums import VersionStatus
from fabrique.frameworks.models import CompetencyFramework, FrameworkVersion
from fabrique.referentials.models import Skill

SLUG = "pilotage-animation-espaces-innovation"
TITLE = "Pilotage et animation d'espaces d'innovation"
DESCRIPTION = (
    "Les compétences des personnes qui pilotent et animent un fab lab, un atelier de "
    "fabrication numérique ou une learning factory : accueillir et accompagner les usagers, "
    "exploiter l'atelier en sécurité, conduire des projets d'innovation, piloter l'espace et "
    "son réseau. Cadre partagé par l'université, l'IUT, le lycée et l'incubateur du consortium."
)
CHANGE_NOTE = "Première version du cadre, validée par le comité pédagogique du consortium."
LEVEL_LABELS = ("Applique avec un appui", "Agit en autonomie", "Conçoit et transmet")

# (code, title, description, ROME code_ogr, (level 1, level 2, level 3))
CompetenceSpec = tuple[str, str, str, tuple[str, ...], tuple[str, str, str]]
BLOCS: tuple[tuple[str, str, str, tuple[CompetenceSpec, ...]], ...] = (
    (
        "B1",
        "Accueillir et accompagner les usagers",
        "Faire de l'espace un lieu ouvert où chacun apprend en fabriquant.",
        (
            (
                "B1.C1",
                "Accueillir les publics et analyser leurs besoins",
                "Accueillir étudiants, lycéens, porteurs de projet et salariés ; comprendre ce "
                "qu'ils veulent fabriquer et les orienter.",
                ("482796",),
                (
                    "Accueille les usagers et présente l'espace en suivant la charte.",
                    "Analyse la demande d'un usager et lui propose un parcours adapté.",
                    "Conçoit l'offre d'accueil de l'espace pour des publics variés.",
                ),
            ),
            (
                "B1.C2",
                "Accompagner les usagers sur les machines de fabrication numérique",
                "Impression 3D, découpe laser, fraiseuse numérique, électronique : du fichier à "
                "l'objet.",
                ("509209", "499406"),
                (
                    "Lance une fabrication sur une machine courante avec un usager.",
                    "Choisit le procédé et les réglages adaptés au projet de l'usager.",
                    "Forme les usagers et les animateurs à de nouveaux procédés.",
                ),
            ),
            (
                "B1.C3",
                "Animer des ateliers de découverte et de formation",
                "Ateliers thématiques pour classes, étudiants, salariés en reconversion.",
                ("121329", "300469"),
                (
                    "Anime un atelier existant à partir de sa fiche de déroulé.",
                    "Adapte le déroulé d'un atelier à son public et à sa durée.",
                    "Crée de nouveaux ateliers et forme d'autres animateurs.",
                ),
            ),
        ),
    ),
    (
        "B2",
        "Exploiter l'atelier en sécurité",
        "Des machines disponibles, des usagers protégés, des ressources maîtrisées.",
        (
            (
                "B2.C1",
                "Faire respecter les règles de sécurité de l'atelier",
                "Habilitations, équipements de protection, consignes par machine.",
                ("500469", "485668"),
                (
                    "Applique les consignes de sécurité et les rappelle aux usagers.",
                    "Vérifie les habilitations et interrompt une pratique dangereuse.",
                    "Rédige les consignes et organise les habilitations de l'espace.",
                ),
            ),
            (
                "B2.C2",
                "Organiser la maintenance des équipements",
                "Maintenance préventive et dépannage de premier niveau.",
                ("509210",),
                (
                    "Réalise l'entretien courant d'une machine selon sa fiche.",
                    "Diagnostique une panne et planifie les interventions.",
                    "Définit le plan de maintenance et choisit les équipements.",
                ),
            ),
            (
                "B2.C3",
                "Gérer les consommables, les déchets et le recyclage",
                "Stocks de matière, tri des chutes, filières de recyclage.",
                ("495102", "509219"),
                (
                    "Trie les déchets et signale les ruptures de consommables.",
                    "Gère les stocks et les filières de recyclage de l'atelier.",
                    "Conçoit une démarche de sobriété matière pour l'espace.",
                ),
            ),
        ),
    ),
    (
        "B3",
        "Conduire des projets d'innovation",
        "Accompagner des projets de l'idée au prototype, seul ou en équipe pluridisciplinaire.",
        (
            (
                "B3.C1",
                "Accompagner un projet de prototypage",
                "Du cahier des charges au prototype testé.",
                ("109845", "498093"),
                (
                    "Aide un porteur de projet à réaliser un premier prototype.",
                    "Planifie les itérations d'un prototype et les fait tester.",
                    "Accompagne plusieurs projets et capitalise les méthodes.",
                ),
            ),
            (
                "B3.C2",
                "Coordonner des projets interdisciplinaires",
                "Étudiants de l'université et de l'IUT, lycéens, start-up de l'incubateur.",
                ("509216",),
                (
                    "Participe à un projet d'équipe et en suit le planning.",
                    "Coordonne une équipe projet de plusieurs établissements.",
                    "Monte des projets inter-établissements et en assure le pilotage.",
                ),
            ),
            (
                "B3.C3",
                "Concevoir et animer une démarche d'innovation",
                "Design thinking, hackathons, défis industriels.",
                ("300084",),
                (
                    "Anime une séquence de créativité préparée.",
                    "Conçoit et anime une démarche d'innovation complète.",
                    "Diffuse la démarche d'innovation auprès des partenaires.",
                ),
            ),
        ),
    ),
    (
        "B4",
        "Piloter l'espace et son réseau",
        "Faire vivre l'espace dans la durée : moyens, partenaires, visibilité.",
        (
            (
                "B4.C1",
                "Élaborer et suivre le budget de l'espace",
                "Fonctionnement, investissements, recettes et subventions.",
                ("300323",),
                (
                    "Suit les dépenses courantes de l'espace.",
                    "Élabore le budget annuel et en rend compte.",
                    "Construit le modèle économique et recherche des financements.",
                ),
            ),
            (
                "B4.C2",
                "Développer les partenariats du consortium",
                "Entreprises, collectivités, établissements de formation.",
                ("122149", "300603"),
                (
                    "Présente l'espace aux partenaires lors des visites.",
                    "Noue et suit des partenariats avec des entreprises locales.",
                    "Négocie des partenariats structurants pour le consortium.",
                ),
            ),
            (
                "B4.C3",
                "Promouvoir les projets et animer la communauté",
                "Événements, portes ouvertes, réseaux sociaux, réseau des fab labs.",
                ("509211", "509214", "300471"),
                (
                    "Relaie les projets de l'espace sur ses canaux de communication.",
                    "Organise des événements pour présenter les projets.",
                    "Anime la communauté des usagers et le réseau des espaces.",
                ),
            ),
        ),
    ),
)


def demo_document() -> FrameworkDoc:
    """The framework as a document, linked to the ROME skills the database holds."""
    wanted = {code for *_, competences in BLOCS for c in competences for code in c[3]}
    held = set(Skill.objects.filter(scheme="rome", code__in=wanted).values_list("code", flat=True))
    return FrameworkDoc(
        title=TITLE,
        description=DESCRIPTION,
        slug=SLUG,
        blocs=tuple(
            BlocDoc(
                code=bloc_code,
                title=bloc_title,
                description=bloc_description,
                competences=tuple(
                    CompetenceDoc(
                        code=code,
                        title=title,
                        description=description,
                        skills=tuple(
                            SkillRef("rome", skill) for skill in sorted(skills) if skill in held
                        ),
                        levels=tuple(
                            LevelDoc(rank, label, text)
                            for rank, (label, text) in enumerate(
                                zip(LEVEL_LABELS, levels, strict=True), 1
                            )
                        ),
                    )
                    for code, title, description, skills, levels in competences
                ),
            )
            for bloc_code, bloc_title, bloc_description, competences in BLOCS
        ),
    )


def build_demo_frameworks(*, organisation: Organisation, by: User) -> FrameworkVersion:
    """Create and publish the demo framework, owned by ``organisation``; if it is there
    already, return its current version and write nothing."""
    existing = CompetencyFramework.objects.filter(slug=SLUG).first()
    if existing is not None:
        version = (
            existing.versions.filter(status=VersionStatus.PUBLISHED).first()
            or existing.versions.order_by("-number").first()
        )
        if version is not None:
            return version
    draft = actions.import_framework(document=demo_document(), owner=organisation, by=by)
    return actions.publish_version(version=draft, change_note=CHANGE_NOTE, by=by)

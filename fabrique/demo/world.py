"""What the demo world is made of: three territories modelled on the field, their partners,
the sectors of their companies, and one login per role.

Places are real (INSEE codes, EPCI SIRENs of COG 2026); organisations and people are
fictional. The builder (``builder.py``) turns this description into records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fabrique.accounts.enums import OrganisationKind as Kind
from fabrique.accounts.enums import Role

EMAIL_DOMAIN = "demo.fabrique.test"

# ROME fiches by sector: the occupations of a company, the tracks of a school.
SECTORS: dict[str, tuple[str, ...]] = {
    "plastics": ("H3201", "H3202", "H3203", "H2912", "H1404", "H1528"),
    "automotive": ("H2909", "H2906", "H2903", "H2912", "H1402", "H3404", "I1304"),
    "chemistry": ("H2301", "H1503", "H1303", "H3303", "H1502", "I1310"),
    "metalwork": ("H2902", "H2913", "H2911", "H2914", "H2903", "H2907"),
    "logistics": ("N1101", "N1103", "N1105", "N1302", "N1303", "H1403"),
    "electronics": ("H2605", "H2604", "H1209", "H1208", "M1805", "I1305"),
    "watchmaking": ("B1604", "B1616", "H2903", "H2912", "H1516", "H2906"),
    "microtechnics": ("H2903", "H2912", "H2906", "H1516", "H1210", "H1235"),
    "mechanics": ("H2903", "H2901", "H1203", "H2912", "I1310", "H1404"),
    "medical_devices": ("H1529", "H1528", "H2906", "I1327", "H1521", "H3203"),
    "automation": ("H1208", "I1302", "H2602", "M1805", "I1304", "H1402"),
    "materials": ("H1503", "H2301", "H1210", "H3402", "H1502"),
    "glass": ("H2801", "H2805", "H2912", "I1304"),
    "maintenance": ("I1304", "I1302", "I1309", "I1310", "I1102"),
    "food": ("H2102", "H2105", "H3301", "I1304"),
    "digital": ("M1805", "M1801", "M1810", "M1802", "I1401"),
}

# Ages of the students a school follows, by kind.
STUDENT_AGES: dict[str, tuple[int, int]] = {
    Kind.LYCEE: (15, 20),
    Kind.UNIVERSITY: (18, 22),
    Kind.TRAINING_CENTRE: (18, 22),
}

# Extra staff accounts per organisation and per unit of scale, and their role.
STAFF_PER_KIND: dict[str, tuple[int, str]] = {
    Kind.CONSORTIUM: (2, Role.COORDINATOR),
    Kind.COMPANY: (2, Role.COMPANY_CONTACT),
    Kind.LYCEE: (2, Role.TRAINER),
    Kind.COLLEGE: (1, Role.TRAINER),
    Kind.UNIVERSITY: (2, Role.TRAINER),
    Kind.TRAINING_CENTRE: (2, Role.TRAINER),
    Kind.ASSOCIATION: (1, Role.TRAINER),
    Kind.EMPLOYMENT_SERVICE: (3, Role.COORDINATOR),
    Kind.REGION: (2, Role.VIEWER),
    Kind.FUNDER: (2, Role.REVIEWER),
}

FICTION = "Organisation fictive du monde de démonstration."


@dataclass(frozen=True)
class OrgSpec:
    slug: str
    name: str
    kind: str
    about: str = ""
    commune: str | None = None  # INSEE code; None: placed by the builder in its territory
    sectors: tuple[str, ...] = ()  # company: its trades; school: its tracks
    size: int = 1  # weight for employees and students
    students: bool = True  # a school that follows students of the synthetic population

    @property
    def description(self) -> str:
        return f"{self.about} {FICTION}".strip()


@dataclass(frozen=True)
class TerritorySpec:
    code: str
    name: str
    description: str
    epci_sirens: tuple[str, ...]
    surnames: str  # key of names.SURNAME_POOLS
    coordinator: OrgSpec
    members: tuple[OrgSpec, ...]
    expected: dict[str, int] = field(default_factory=dict)  # members by kind, from the brief

    @property
    def organisations(self) -> tuple[OrgSpec, ...]:
        return (self.coordinator, *self.members)


def _companies(prefix: str, rows: tuple[tuple[str, str, str, int], ...]) -> tuple[OrgSpec, ...]:
    return tuple(
        OrgSpec(
            slug=f"{prefix}-{slug}",
            name=name,
            kind=Kind.COMPANY,
            sectors=(sector,),
            size=size,
            about="Entreprise industrielle.",
        )
        for slug, name, sector, size in rows
    )


FORBACH = TerritorySpec(
    code="moselle-est",
    name="Moselle-Est – Forbach, Saint-Avold, Sarreguemines",
    description=(
        "Ancien bassin houiller à la frontière sarroise : plasturgie, chimie, équipements "
        "automobiles, métallurgie et logistique. Territoire de démonstration."
    ),
    epci_sirens=(
        "245700372",  # CA de Forbach Porte de France
        "200067502",  # CA Saint-Avold Synergie
        "200070746",  # CA Sarreguemines Confluences
        "245700398",  # CC de Freyming-Merlebach
        "245701164",  # CC du Warndt
    ),
    surnames="lorraine",
    coordinator=OrgSpec(
        slug="moselle-est-consortium",
        name="Consortium Compétences Industrie Moselle-Est",
        kind=Kind.CONSORTIUM,
        about="Consortium des partenaires de l'industrie et de la formation de Moselle-Est.",
        commune="57227",  # Forbach
    ),
    members=(
        OrgSpec(
            slug="moselle-est-plateforme-plasturgie",
            name="Plateforme universitaire Plasturgie & Objets connectés",
            kind=Kind.UNIVERSITY,
            about="Plateforme technologique universitaire : injection, composites, capteurs.",
            commune="57606",  # Saint-Avold
            sectors=("plastics", "electronics"),
            students=False,
        ),
        OrgSpec(
            slug="moselle-est-iut",
            name="IUT Rosselle-Sarre",
            kind=Kind.UNIVERSITY,
            about="Institut universitaire de technologie : génie industriel, plasturgie, réseaux.",
            commune="57227",  # Forbach
            sectors=("plastics", "electronics", "maintenance"),
            size=3,
        ),
        OrgSpec(
            slug="moselle-est-lycee-chevalements",
            name="Lycée des métiers de l'industrie Les Chevalements",
            kind=Kind.LYCEE,
            about="Lycée professionnel et technologique : maintenance, chaudronnerie, plasturgie.",
            commune="57240",  # Freyming-Merlebach
            sectors=("maintenance", "metalwork", "plastics"),
            size=4,
        ),
        OrgSpec(
            slug="moselle-est-incubateur",
            name="Incubateur La Mine d'Idées",
            kind=Kind.ASSOCIATION,
            about="Incubateur d'entreprises industrielles et de start-up.",
            commune="57227",  # Forbach
            students=False,
        ),
        OrgSpec(
            slug="moselle-est-agence-emploi",
            name="Agence emploi Moselle-Est",
            kind=Kind.EMPLOYMENT_SERVICE,
            about="Agence du service public de l'emploi.",
            commune="57227",  # Forbach
        ),
        *_companies(
            "moselle-est",
            (
                ("rosselplast", "Rosselplast Injection", "plastics", 4),
                ("warndt-composites", "Warndt Composites", "plastics", 2),
                ("polymeres-sarre", "Polymères de la Sarre", "chemistry", 3),
                ("chimie-bassin", "Chimie du Bassin Houiller", "chemistry", 4),
                ("sarre-auto", "Sarre Auto Composants", "automotive", 4),
                ("mosel-equipements", "Mosel Équipements Automobiles", "automotive", 3),
                ("metallerie-frontaliere", "Métallerie Frontalière", "metalwork", 1),
                ("chaudronnerie-rosselle", "Chaudronnerie de la Rosselle", "metalwork", 2),
                ("mecanique-houillere", "Mécanique de précision Houillère", "mechanics", 1),
                ("trois-frontieres", "Logistique Trois Frontières", "logistics", 3),
                ("entrepots-est", "Transports & Entrepôts de l'Est mosellan", "logistics", 2),
                ("objetsconnect", "ObjetsConnect Industrie", "electronics", 1),
            ),
        ),
    ),
    expected={
        Kind.UNIVERSITY: 2,
        Kind.LYCEE: 1,
        Kind.ASSOCIATION: 1,
        Kind.COMPANY: 12,
        Kind.EMPLOYMENT_SERVICE: 1,
    },
)

_BESANCON_LYCEES = (
    ("boucle", "Lycée polyvalent de la Boucle", ("microtechnics", "mechanics"), "25056"),
    ("microtechnique", "Lycée des métiers de la microtechnique", ("microtechnics",), None),
    ("horlogerie", "Lycée professionnel de l'horlogerie", ("watchmaking",), None),
    ("mecaniques", "Lycée polyvalent des Mécaniques", ("mechanics",), None),
    ("ingenieur", "Lycée technologique des Sciences de l'ingénieur", ("automation",), None),
    ("dispositif-medical", "Lycée des métiers du dispositif médical", ("medical_devices",), None),
    ("maintenance", "Lycée professionnel de la maintenance industrielle", ("maintenance",), None),
    ("deux-rives", "Lycée polyvalent des Deux Rives", ("mechanics", "digital"), None),
    ("usinage", "Lycée des métiers de l'usinage", ("mechanics",), None),
    ("electronique", "Lycée des métiers de l'électronique", ("electronics",), None),
    ("collines", "Lycée polyvalent des Collines", ("digital", "maintenance"), None),
    ("plasturgie", "Lycée professionnel de la plasturgie", ("plastics",), None),
    ("mesure", "Lycée technologique de la mesure et du contrôle", ("microtechnics",), None),
    ("logistique", "Lycée professionnel de la logistique", ("logistics",), None),
    ("precision", "Lycée des métiers de la précision", ("watchmaking", "microtechnics"), None),
)

_BESANCON_COLLEGES = (
    ("bastion", "Collège du Bastion"),
    ("vergers", "Collège des Vergers"),
    ("source", "Collège de la Source"),
    ("cerisiers", "Collège des Cerisiers"),
    ("plateau", "Collège du Plateau"),
    ("trois-rivieres", "Collège des Trois Rivières"),
)

BESANCON = TerritorySpec(
    code="besancon-microtechniques",
    name="Besançon – Microtechniques et santé",
    description=(
        "Campus des métiers autour de Besançon : horlogerie, microtechniques, mécanique de "
        "précision et dispositifs médicaux. Territoire de démonstration."
    ),
    epci_sirens=(
        "242500361",  # CU Grand Besançon Métropole
        "242504447",  # CC du Doubs Baumois
        "200068070",  # CC Loue-Lison
        "242504181",  # CC des Portes du Haut-Doubs
    ),
    surnames="comte",
    coordinator=OrgSpec(
        slug="besancon-campus",
        name="Campus des métiers Microtechniques & Santé",
        kind=Kind.CONSORTIUM,
        about="Campus des métiers et des qualifications : lycées, collèges et entreprises.",
        commune="25056",  # Besançon
    ),
    members=(
        *(
            OrgSpec(
                slug=f"besancon-lycee-{slug}",
                name=name,
                kind=Kind.LYCEE,
                about="Lycée membre du campus des métiers.",
                commune=commune,
                sectors=sectors,
                size=2,
            )
            for slug, name, sectors, commune in _BESANCON_LYCEES
        ),
        *(
            OrgSpec(
                slug=f"besancon-college-{slug}",
                name=name,
                kind=Kind.COLLEGE,
                about="Collège partenaire des ateliers de découverte des métiers.",
                students=False,
            )
            for slug, name in _BESANCON_COLLEGES
        ),
        *_companies(
            "besancon",
            (
                (
                    "manufacture-haut-plateau",
                    "Manufacture horlogère du Haut-Plateau",
                    "watchmaking",
                    3,
                ),
                ("precision-bisontine", "Précision Horlogère Bisontine", "watchmaking", 2),
                ("microtechniques-comtoises", "Microtechniques Comtoises", "microtechnics", 4),
                ("micro-usinage", "Micro-Usinage des Plateaux", "microtechnics", 2),
                ("decolletage-franc-comtois", "Décolletage Franc-Comtois", "mechanics", 3),
                ("ateliers-mecaniques", "Ateliers Mécaniques Comtois", "mechanics", 2),
                ("engrenages-precision", "Engrenages de Précision de l'Est", "mechanics", 1),
                ("dispositifs-medicaux", "Comtoise Dispositifs Médicaux", "medical_devices", 3),
                ("implants-protheses", "Implants & Prothèses de l'Est", "medical_devices", 2),
                ("biomicro", "BioMicro Instruments", "medical_devices", 1),
            ),
        ),
        OrgSpec(
            slug="besancon-agence-emploi",
            name="Agence emploi Besançon-Doubs",
            kind=Kind.EMPLOYMENT_SERVICE,
            about="Agence du service public de l'emploi.",
            commune="25056",  # Besançon
        ),
    ),
    expected={
        Kind.LYCEE: 15,
        Kind.COMPANY: 10,
        Kind.COLLEGE: 6,
        Kind.EMPLOYMENT_SERVICE: 1,
    },
)

NANCY = TerritorySpec(
    code="sud-lorraine-nancy",
    name="Sud-Lorraine – Nancy",
    description=(
        "Réseau de learning factories et de fab labs autour de Nancy : écoles d'ingénieurs, "
        "centre de formation et industriels. Territoire de démonstration."
    ),
    epci_sirens=(
        "245400676",  # Métropole du Grand Nancy
        "245400601",  # CC du Bassin de Pompey
        "245400171",  # CC Moselle et Madon
        "245400189",  # CC des Pays du Sel et du Vermois
        "200070589",  # CC de Seille et Grand Couronné
    ),
    surnames="lorraine",
    coordinator=OrgSpec(
        slug="sud-lorraine-reseau",
        name="Réseau Learning Factory Sud-Lorraine",
        kind=Kind.CONSORTIUM,
        about="Réseau de learning factories, de fab labs et d'écoles d'ingénieurs.",
        commune="54395",  # Nancy
    ),
    members=(
        *(
            OrgSpec(
                slug=f"sud-lorraine-fablab-{slug}",
                name=name,
                kind=Kind.ASSOCIATION,
                about="Fab lab associatif : impression 3D, découpe laser, électronique.",
                students=False,
            )
            for slug, name in (
                ("etabli", "Fab lab L'Établi"),
                ("forge-numerique", "Fab lab La Forge numérique"),
                ("atelier-meurthe", "Fab lab Atelier Meurthe"),
                ("bidouilleurs", "Fab lab Les Bidouilleurs"),
                ("usine-partagee", "Fab lab L'Usine partagée"),
            )
        ),
        OrgSpec(
            slug="sud-lorraine-ecole-procedes",
            name="École supérieure des Procédés et de la Production",
            kind=Kind.UNIVERSITY,
            about="École d'ingénieurs : génie des procédés, production, learning factory.",
            commune="54547",  # Vandœuvre-lès-Nancy
            sectors=("materials", "automation"),
            size=3,
        ),
        OrgSpec(
            slug="sud-lorraine-institut-mecanique",
            name="Institut d'ingénierie Mécanique et Matériaux",
            kind=Kind.UNIVERSITY,
            about="École d'ingénieurs : mécanique, matériaux, conception.",
            commune="54578",  # Villers-lès-Nancy
            sectors=("mechanics", "materials"),
            size=2,
        ),
        OrgSpec(
            slug="sud-lorraine-ecole-numerique",
            name="École d'ingénieurs du Numérique industriel",
            kind=Kind.UNIVERSITY,
            about="École d'ingénieurs : informatique industrielle, jumeaux numériques.",
            commune="54395",  # Nancy
            sectors=("digital", "automation"),
            size=2,
        ),
        OrgSpec(
            slug="sud-lorraine-centre-formation",
            name="Centre de formation Industrie Sud-Lorraine",
            kind=Kind.TRAINING_CENTRE,
            about="Centre de formation d'apprentis et de formation continue de l'industrie.",
            sectors=("maintenance", "logistics", "metalwork"),
            size=2,
        ),
        *_companies(
            "sud-lorraine",
            (
                ("robotique", "Lorraine Robotique Industrielle", "automation", 2),
                ("materiaux-avances", "Meurthe Matériaux Avancés", "materials", 3),
                ("usinage-est", "Usinage et Mécanique de l'Est", "mechanics", 2),
                ("logistique", "Sud-Lorraine Logistique", "logistics", 4),
                ("verrerie-technique", "Verrerie Technique de l'Est", "glass", 2),
                ("electronique-puissance", "Électronique de Puissance Lorraine", "electronics", 2),
                ("maintenance", "Maintenance Industrielle Meurthe", "maintenance", 3),
                ("agro-process", "Agro-Process Lorrain", "food", 3),
            ),
        ),
        OrgSpec(
            slug="sud-lorraine-agence-emploi",
            name="Agence emploi Nancy-Métropole",
            kind=Kind.EMPLOYMENT_SERVICE,
            about="Agence du service public de l'emploi.",
            commune="54395",  # Nancy
        ),
    ),
    expected={
        Kind.ASSOCIATION: 5,
        Kind.UNIVERSITY: 3,
        Kind.TRAINING_CENTRE: 1,
        Kind.COMPANY: 8,
        Kind.EMPLOYMENT_SERVICE: 1,
    },
)

TERRITORIES: tuple[TerritorySpec, ...] = (FORBACH, BESANCON, NANCY)

# Organisations above the territories. A commune that is not loaded is left blank.
REGION = OrgSpec(
    slug="region-grand-est",
    name="Région Grand Est",
    kind=Kind.REGION,
    about="Conseil régional : formation professionnelle, développement économique. Site de Metz.",
    commune="57463",  # Metz
)
FUNDER = OrgSpec(
    slug="banque-nationale-industrie",
    name="Banque nationale pour l'industrie des territoires",
    kind=Kind.FUNDER,
    about="Financeur national des appels à projets industrie et compétences.",
    commune="75056",  # Paris
)
OPERATOR = OrgSpec(
    slug="fabrique-operateur",
    name="Fabrique – opérateur de la plateforme",
    kind=Kind.ASSOCIATION,
    about="Équipe qui administre la plateforme.",
    commune="54395",  # Nancy
)
NATIONAL: tuple[OrgSpec, ...] = (REGION, FUNDER, OPERATOR)

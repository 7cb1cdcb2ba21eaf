"""The columns of the training spreadsheet and the French words of its enumerated values.

Read by ``spreadsheets`` (the reader) and ``spreadsheet_export`` (the export and the
template); described for people in ``docs/formats/training-spreadsheet.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from fabrique.engine.text import fold
from fabrique.trainings.enums import Audience, Funding, Level, Modality, SessionStatus

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

MAX_TEXT = 10_000
LIST_SEPARATOR = "|"


# --- the vocabularies ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """The values of an enumerated column: the French word written for each code, and other
    spellings read (the codes themselves are read too; case and accents do not matter)."""

    words: Mapping[str, str]  # code -> the French word the export writes
    aliases: Mapping[str, str] = field(default_factory=dict)  # other spelling -> code

    def code(self, value: str) -> str | None:
        folded = fold(value)
        for code, word in self.words.items():
            if folded in (fold(code), fold(word)):
                return code
        return next((code for alias, code in self.aliases.items() if fold(alias) == folded), None)

    def word(self, code: str) -> str:
        return self.words.get(code, code)


MODALITIES = Vocabulary(
    {
        Modality.IN_PERSON: "présentiel",
        Modality.REMOTE: "à distance",
        Modality.HYBRID: "hybride",
        Modality.REMOTE_EQUIPMENT: "équipements à distance",
    },
    {
        "présentielle": Modality.IN_PERSON,
        "sur site": Modality.IN_PERSON,
        "distanciel": Modality.REMOTE,
        "en ligne": Modality.REMOTE,
        "FOAD": Modality.REMOTE,
        "mixte": Modality.HYBRID,
        "multimodal": Modality.HYBRID,
        "jumeau numérique": Modality.REMOTE_EQUIPMENT,
    },
)
AUDIENCES = Vocabulary(
    {
        Audience.INITIAL: "formation initiale",
        Audience.CONTINUING: "formation continue",
        Audience.JOB_SEEKERS: "demandeurs d'emploi",
        Audience.RECONVERSION: "reconversion",
        Audience.APPRENTICESHIP: "apprentissage",
        Audience.GENERAL_PUBLIC: "tout public",
    },
    {
        "demandeur d'emploi": Audience.JOB_SEEKERS,
        "salariés": Audience.CONTINUING,
        "initiale": Audience.INITIAL,
        "continue": Audience.CONTINUING,
        "alternance": Audience.APPRENTICESHIP,
        "reconversion professionnelle": Audience.RECONVERSION,
        "grand public": Audience.GENERAL_PUBLIC,
    },
)
FUNDINGS = Vocabulary(
    {
        Funding.CPF: "CPF",
        Funding.REGION: "Région",
        Funding.OPCO: "OPCO",
        Funding.EMPLOYMENT_SERVICE: "France Travail",
        Funding.EMPLOYER: "employeur",
        Funding.STATE: "État",
        Funding.SELF: "autofinancement",
        Funding.OTHER: "autre",
    },
    {
        "compte personnel de formation": Funding.CPF,
        "conseil régional": Funding.REGION,
        "Pôle emploi": Funding.EMPLOYMENT_SERVICE,
        "entreprise": Funding.EMPLOYER,
        "personnel": Funding.SELF,
    },
)
LEVELS = Vocabulary(
    {level: f"niveau {level[3:]}" for level in Level.values if level},
    {
        **{level[3:]: level for level in Level.values if level},
        "CAP": Level.NIV3,
        "bac": Level.NIV4,
        "BTS": Level.NIV5,
        "licence": Level.NIV6,
        "master": Level.NIV7,
        "doctorat": Level.NIV8,
    },
)
STATUSES = Vocabulary(
    {
        SessionStatus.OPEN: "ouverte",
        SessionStatus.FULL: "complète",
        SessionStatus.CLOSED: "fermée",
        SessionStatus.CANCELLED: "annulée",
    },
    {
        "ouvert": SessionStatus.OPEN,
        "complet": SessionStatus.FULL,
        "fermé": SessionStatus.CLOSED,
        "annulé": SessionStatus.CANCELLED,
    },
)


# --- the columns --------------------------------------------------------------------------------

ORGANISATION, TRAINING, SESSION = "organisation", "training", "session"


def _codes(regex: str) -> re.Pattern[str]:
    return re.compile(regex, re.IGNORECASE)


CERTIFICATION = _codes(r"(RNCP|RS)\d{1,6}")
BLOC = _codes(r"(RNCP|RS)\d{1,6}BC\d{1,3}")
FORMACODE = _codes(r"\d{5}")
NSF = _codes(r"\d{2,3}[a-z]?")
ROME = _codes(r"[A-Z]\d{4}")
SIRET = _codes(r"\d{14}")
INSEE = _codes(r"\d{5}|2[AB]\d{3}")


@dataclass(frozen=True)
class Column:
    """``kind``: text, free_text (may start with = in CSV), int, decimal, float, date, enum
    (one value of ``vocabulary``), enums (several, separated by |), codes (several)."""

    name: str
    part: str  # ORGANISATION, TRAINING or SESSION
    field: str  # the attribute of the record
    kind: str
    example: object = ""
    max_length: int = MAX_TEXT
    vocabulary: Vocabulary | None = None
    pattern: re.Pattern[str] | None = None

    @property
    def note(self) -> _StrPromise:
        return NOTES[self.name]


ORG, T, S = ORGANISATION, TRAINING, SESSION
COLUMNS = (
    Column("organisme", ORG, "name", "text", max_length=200),
    Column("siret", ORG, "siret", "text", pattern=SIRET, max_length=14),
    Column("code_formation", T, "code", "text", "MSA-2027", max_length=64),
    Column(
        "intitule",
        T,
        "title",
        "free_text",
        "Technicien de maintenance des systèmes automatisés",
        max_length=255,
    ),
    Column(
        "objectifs",
        T,
        "objectives",
        "free_text",
        "Diagnostiquer une panne et remettre en service un équipement automatisé.",
    ),
    Column("contenu", T, "content", "free_text"),
    Column("resultats_attendus", T, "expected_results", "free_text"),
    Column("conditions_acces", T, "entry_requirements", "free_text", "Niveau CAP ou expérience."),
    Column("niveau", T, "level", "enum", "niveau 4", vocabulary=LEVELS),
    Column("modalite", T, "modality", "enum", "présentiel", vocabulary=MODALITIES),
    Column("heures", T, "hours", "int", 420),
    Column("prix", T, "price", "decimal", Decimal("4200.00")),
    Column(
        "public", T, "audiences", "enums", "demandeurs d'emploi|reconversion", vocabulary=AUDIENCES
    ),
    Column("financements", T, "fundings", "enums", "Région|CPF", vocabulary=FUNDINGS),
    Column("certification", T, "certification_code", "text", pattern=CERTIFICATION, max_length=20),
    Column("blocs", T, "bloc_codes", "codes", pattern=BLOC, max_length=24),
    Column("formacodes", T, "formacodes", "codes", pattern=FORMACODE, max_length=5),
    Column("codes_nsf", T, "nsf_codes", "codes", pattern=NSF, max_length=4),
    Column("codes_rome", T, "rome_codes", "codes", pattern=ROME, max_length=5),
    Column("accessibilite", T, "accessibility", "free_text", "Locaux accessibles."),
    Column("email_contact", T, "contact_email", "text", "accueil@exemple.fr", max_length=254),
    Column("telephone_contact", T, "contact_phone", "text", "03 87 00 00 00", max_length=30),
    Column("url", T, "url", "text", max_length=400),
    Column("code_session", S, "code", "text", "MSA-2027-S1", max_length=64),
    Column("code_action", S, "action_code", "text", max_length=64),
    Column("debut", S, "start", "date", dt.date(2027, 9, 6)),
    Column("fin", S, "end", "date", dt.date(2028, 3, 31)),
    Column("horaires", S, "timetable", "free_text", "Lundi au jeudi, 8 h 30 – 17 h"),
    Column("date_limite_inscription", S, "registration_deadline", "date", dt.date(2027, 7, 15)),
    Column("lieu", S, "place_name", "text", "Lycée Jean-Moulin", max_length=200),
    Column("adresse", S, "address", "text", "1 rue du Lycée", max_length=250),
    Column("code_postal", S, "postcode", "text", "57600", max_length=10),
    Column("ville", S, "city", "text", "Forbach", max_length=100),
    Column("code_insee", S, "insee_code", "text", "57227", pattern=INSEE, max_length=5),
    Column("latitude", S, "latitude", "float", 49.188),
    Column("longitude", S, "longitude", "float", 6.896),
    Column("places", S, "capacity", "int", 12),
    Column("statut", S, "status", "enum", "ouverte", vocabulary=STATUSES),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
BY_NAME = {column.name: column for column in COLUMNS}
TRAINING_COLUMNS = tuple(column for column in COLUMNS if column.part == TRAINING)
SESSION_COLUMNS = tuple(column for column in COLUMNS if column.part == SESSION)
DEFAULTS = {"modality": Modality.IN_PERSON, "status": SessionStatus.OPEN}

NOTES = {
    "organisme": _(
        "Name of the training organisation. May stay empty when the import page chooses the "
        "organisation."
    ),
    "siret": _("SIRET of the training organisation (14 digits); found before the name."),
    "code_formation": _(
        "Your code of the training (the LHÉO formation number). Rows with the same code are "
        "the sessions of one training."
    ),
    "intitule": _("Title of the training. Required on the first row of a training."),
    "objectifs": _("What the learners will be able to do."),
    "contenu": _("Content of the training."),
    "resultats_attendus": _("Expected results: certification, skills."),
    "conditions_acces": _("Who may enter, in words."),
    "niveau": _("Level reached: niveau 3 to niveau 8 (or NIV3 to NIV8); empty for none."),
    "modalite": _("How the training is given; présentiel when empty."),
    "heures": _("Length in hours (a whole number)."),
    "prix": _("Price in euros, all taxes included (e.g. 4200 or 4200,50)."),
    "public": _("Audiences, separated by |."),
    "financements": _("Fundings, separated by |."),
    "certification": _("Certification prepared: RNCP or RS code (e.g. RNCP34567)."),
    "blocs": _("Blocs de compétences prepared, separated by | (e.g. RNCP34567BC01)."),
    "formacodes": _("Formacodes (5 digits), separated by |."),
    "codes_nsf": _("NSF specialities (e.g. 201 or 227u), separated by |."),
    "codes_rome": _("Target occupations: ROME codes (e.g. I1304), separated by |."),
    "accessibilite": _("How people with a disability are welcomed."),
    "email_contact": _("Contact e-mail."),
    "telephone_contact": _("Contact phone."),
    "url": _("Web page of the training."),
    "code_session": _(
        "Your code of the session (the LHÉO session number), unique within the training."
    ),
    "code_action": _("The LHÉO action number: sessions of one action share it."),
    "debut": _("First day (JJ/MM/AAAA or AAAA-MM-JJ). Required for a session."),
    "fin": _("Last day, on or after the first. Required for a session."),
    "horaires": _("Timetable, in words."),
    "date_limite_inscription": _("Last day to apply."),
    "lieu": _("Name of the place."),
    "adresse": _("Street address."),
    "code_postal": _("Postcode."),
    "ville": _("City."),
    "code_insee": _("INSEE code of the commune (5 characters)."),
    "latitude": _("Latitude in decimal degrees (WGS 84); give both coordinates or neither."),
    "longitude": _("Longitude in decimal degrees (WGS 84)."),
    "places": _("Number of seats (0 or more); empty when the seats are not counted."),
    "statut": _("ouverte, complète, fermée or annulée; ouverte when empty."),
}


def column_key(header: str) -> str:
    """A header cell as a column name: ``"Code formation"`` -> ``"code_formation"``."""
    return fold(header).replace(" ", "_")

"""The columns of the hiring needs and workforce spreadsheets, and the French words of their
enumerated values.

The cells are read by the training spreadsheet's reader (``Column`` and ``Vocabulary`` of
``trainings.spreadsheet_columns``); described for people in
``docs/formats/needs-spreadsheet.md`` and ``docs/formats/workforce-spreadsheet.md``.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from fabrique.needs.enums import AgeBand, Confidence, Contract, ProjectStage
from fabrique.trainings.spreadsheet_columns import INSEE, LEVELS, Column, Vocabulary

STAGES = Vocabulary(
    {
        ProjectStage.ANNOUNCED: "annoncé",
        ProjectStage.CONFIRMED: "confirmé",
        ProjectStage.BUILDING: "en construction",
        ProjectStage.RAMP_UP: "montée en charge",
        ProjectStage.OPERATING: "en activité",
    },
    {"chantier": ProjectStage.BUILDING, "en service": ProjectStage.OPERATING},
)
CONTRACTS = Vocabulary(
    {
        Contract.PERMANENT: "CDI",
        Contract.FIXED_TERM: "CDD",
        Contract.TEMPORARY: "intérim",
        Contract.APPRENTICESHIP: "apprentissage",
        Contract.PROFESSIONALISATION: "contrat de professionnalisation",
        Contract.OTHER: "autre",
    },
    {"interim": Contract.TEMPORARY, "alternance": Contract.APPRENTICESHIP},
)
CONFIDENCES = Vocabulary(
    {Confidence.FIRM: "ferme", Confidence.LIKELY: "probable", Confidence.POSSIBLE: "possible"},
    {"certain": Confidence.FIRM, "sûr": Confidence.FIRM},
)
AGE_BANDS = Vocabulary(
    {
        AgeBand.UNDER_25: "moins de 25 ans",
        AgeBand.FROM_25: "25-34 ans",
        AgeBand.FROM_35: "35-44 ans",
        AgeBand.FROM_45: "45-54 ans",
        AgeBand.FROM_55: "55-59 ans",
        AgeBand.FROM_60: "60 ans et plus",
    },
    {
        "<25": AgeBand.UNDER_25,
        "-25": AgeBand.UNDER_25,
        "moins de 25": AgeBand.UNDER_25,
        "25-34": AgeBand.FROM_25,
        "35-44": AgeBand.FROM_35,
        "45-54": AgeBand.FROM_45,
        "55-59": AgeBand.FROM_55,
        "60+": AgeBand.FROM_60,
        "60 et plus": AgeBand.FROM_60,
    },
)

COMPANY_NOTE = _(
    "The company: its SIRET (14 digits), or the name of an organisation already on the platform."
)
OCCUPATION_NOTE = _(
    "The occupation: a ROME code (e.g. H2903), an ESCO occupation URI, or a label, which the "
    "text matcher turns into a ROME code when it is available (otherwise the row is refused: "
    "give a ROME code)."
)

# --- hiring needs: one row per need --------------------------------------------------------

NEED = "need"
NEED_COLUMNS = (
    Column("projet", NEED, "project", "free_text", "Nouvelle ligne d'usinage", max_length=200),
    Column("entreprise", NEED, "company", "text", "12345678900012", max_length=200),
    Column("code_insee", NEED, "insee_code", "text", "57227", pattern=INSEE, max_length=5),
    Column("etape", NEED, "stage", "enum", "confirmé", vocabulary=STAGES),
    Column("metier", NEED, "occupation", "text", "H2903", max_length=200),
    Column("nombre", NEED, "count", "int", 12),
    Column("date_besoin", NEED, "needed_by", "date", dt.date(2027, 9, 1)),
    Column("contrat", NEED, "contract", "enum", "CDI", vocabulary=CONTRACTS),
    Column("niveau", NEED, "level", "enum", "niveau 4", vocabulary=LEVELS),
    Column("confiance", NEED, "confidence", "enum", "probable", vocabulary=CONFIDENCES),
    Column("note", NEED, "note", "free_text", "Équipe de nuit", max_length=2000),
)
NEED_REQUIRED = ("projet", "entreprise", "metier", "nombre", "date_besoin")
NEED_NOTES = {
    "projet": _(
        "Name of the industrial project. Rows with the same company and project name are the "
        "needs of one project; a project not on the platform yet is created."
    ),
    "entreprise": COMPANY_NOTE,
    "code_insee": _(
        "INSEE code of the site's commune (5 characters, e.g. 57227). Required for a new "
        "project; when given for an existing project, its site moves there."
    ),
    "etape": _(
        "Stage of the project: annoncé, confirmé, en construction, montée en charge, en "
        "activité; annoncé for a new project when empty, unchanged for an existing one."
    ),
    "metier": OCCUPATION_NOTE,
    "nombre": _("Number of jobs (a whole number, 1 or more)."),
    "date_besoin": _(
        "When the people are needed (JJ/MM/AAAA or AAAA-MM-JJ). A need is keyed on its project, "
        "occupation and this date: importing the file again updates it."
    ),
    "contrat": _(
        "CDI, CDD, intérim, apprentissage, contrat de professionnalisation or autre; CDI when "
        "empty."
    ),
    "niveau": _("Level required: niveau 3 to niveau 8 (or CAP, bac, BTS…); empty for none."),
    "confiance": _("How sure the need is: ferme, probable or possible; probable when empty."),
    "note": _("A note on the need (free text)."),
}
NEED_VOCABULARIES = {
    "etape": STAGES,
    "contrat": CONTRACTS,
    "niveau": LEVELS,
    "confiance": CONFIDENCES,
}

# --- workforce snapshots: one row per occupation and age band -----------------------------

WORKFORCE = "workforce"
WORKFORCE_COLUMNS = (
    Column("entreprise", WORKFORCE, "company", "text", "12345678900012", max_length=200),
    Column("date", WORKFORCE, "taken_on", "date", dt.date(2026, 1, 1)),
    Column("code_insee", WORKFORCE, "insee_code", "text", "57227", pattern=INSEE, max_length=5),
    Column("metier", WORKFORCE, "occupation", "text", "H2903", max_length=200),
    Column("tranche_age", WORKFORCE, "age_band", "enum", "55-59 ans", vocabulary=AGE_BANDS),
    Column("effectif", WORKFORCE, "headcount", "int", 8),
)
WORKFORCE_REQUIRED = ("entreprise", "date", "metier", "tranche_age", "effectif")
WORKFORCE_NOTES = {
    "entreprise": COMPANY_NOTE,
    "date": _(
        "Date of the headcount (JJ/MM/AAAA or AAAA-MM-JJ). The rows of one company and date "
        "are one snapshot, replaced whole when imported again."
    ),
    "code_insee": _("INSEE code of the site's commune (5 characters); may stay empty."),
    "metier": OCCUPATION_NOTE,
    "tranche_age": _(
        "Age band: moins de 25 ans, 25-34 ans, 35-44 ans, 45-54 ans, 55-59 ans, 60 ans et plus."
    ),
    "effectif": _("Number of people of this occupation and age band (a whole number, 0 or more)."),
}
WORKFORCE_VOCABULARIES = {"tranche_age": AGE_BANDS}

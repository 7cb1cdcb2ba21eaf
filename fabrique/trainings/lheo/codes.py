"""The LHÉO 2.3 code lists Fabrique maps to its own vocabularies (both ways).

From the dictionaries of the LHÉO 2.3 source definition (see ``fabrique/data/lheo/SOURCE.md``).
A code that maps to nothing of ours is read as nothing (or as ``other`` for funders).
"""

from __future__ import annotations

from fabrique.trainings.enums import Audience, Funding, Level, Modality, SessionStatus

NAMESPACE = "http://lheo.gouv.fr/2.3"
NAMESPACE_22 = "http://www.lheo.org/2.2"
ACCEPTED_NAMESPACES = (NAMESPACE, NAMESPACE_22, "")

# dict-niveaux: 11..18 are the levels 1..8 of the 2019 national framework; 3..8 the levels
# of the 1969 nomenclature (V bis .. I), which we translate to the nearest new level.
LEVEL_OF_CODE: dict[str, str] = {
    "13": Level.NIV3,
    "14": Level.NIV4,
    "15": Level.NIV5,
    "16": Level.NIV6,
    "17": Level.NIV7,
    "18": Level.NIV8,
    "4": Level.NIV3,  # niveau V (CAP, BEP)
    "5": Level.NIV4,  # niveau IV (baccalauréat)
    "6": Level.NIV5,  # niveau III (BTS, DUT)
    "7": Level.NIV6,  # niveau II (licence)
    "8": Level.NIV7,  # niveau I (master and above)
}
CODE_OF_LEVEL: dict[str, str] = {
    Level.NIV3: "13",
    Level.NIV4: "14",
    Level.NIV5: "15",
    Level.NIV6: "16",
    Level.NIV7: "17",
    Level.NIV8: "18",
}
LEVEL_UNKNOWN = "0"  # information non communiquée

# dict-modalites-enseignement: 0 entirely in person, 1 mixed, 2 entirely remote.
MODALITY_OF_CODE: dict[str, str] = {
    "0": Modality.IN_PERSON,
    "1": Modality.HYBRID,
    "2": Modality.REMOTE,
}
CODE_OF_MODALITY: dict[str, str] = {
    Modality.IN_PERSON: "0",
    Modality.HYBRID: "1",
    Modality.REMOTE: "2",
    Modality.REMOTE_EQUIPMENT: "2",
}

# dict-etat-recrutement: 1 open, 2 closed, 3 suspended.
STATUS_OF_CODE: dict[str, str] = {
    "1": SessionStatus.OPEN,
    "2": SessionStatus.CLOSED,
    "3": SessionStatus.CLOSED,
}
CODE_OF_STATUS: dict[str, str] = {
    SessionStatus.OPEN: "1",
    SessionStatus.FULL: "2",
    SessionStatus.CLOSED: "2",
    SessionStatus.CANCELLED: "3",
}

# dict-financeurs (code-financeur).
FUNDING_OF_CODE: dict[str, str] = {
    "2": Funding.REGION,  # Collectivité territoriale - Conseil régional
    "4": Funding.EMPLOYMENT_SERVICE,  # Pôle emploi (France Travail)
    "5": Funding.EMPLOYER,  # Entreprise
    "10": Funding.SELF,  # Bénéficiaire de l'action
    "11": Funding.STATE,  # Etat - Ministère chargé de l'emploi
    "12": Funding.STATE,  # Etat - Ministère de l'éducation nationale
    "13": Funding.STATE,  # Etat - Autre
    "16": Funding.OPCO,  # OPCO
    "19": Funding.STATE,  # État - Ministère de l'intérieur
}
CODE_OF_FUNDING: dict[str, str] = {
    Funding.REGION: "2",
    Funding.EMPLOYMENT_SERVICE: "4",
    Funding.EMPLOYER: "5",
    Funding.SELF: "10",
    Funding.STATE: "13",
    Funding.OPCO: "16",
    Funding.CPF: "0",  # LHÉO says CPF eligibility in certification/code-CPF, not as a funder
    Funding.OTHER: "0",  # Autre
}

# code-public-vise (Formacode "publics" codes, dict-public-vise-formacode-V10).
AUDIENCE_OF_CODE: dict[str, str] = {
    "80001": Audience.JOB_SEEKERS,  # Public sans emploi
    "80003": Audience.JOB_SEEKERS,
    "80004": Audience.JOB_SEEKERS,
    "80005": Audience.JOB_SEEKERS,
    "80006": Audience.JOB_SEEKERS,  # Demandeur d'emploi
    "80007": Audience.JOB_SEEKERS,
    "80008": Audience.JOB_SEEKERS,
    "80009": Audience.JOB_SEEKERS,
    "80015": Audience.JOB_SEEKERS,
    "80019": Audience.JOB_SEEKERS,
    "80010": Audience.RECONVERSION,  # Militaire en reconversion
    "82045": Audience.RECONVERSION,  # Salarié en reconversion
    "81061": Audience.INITIAL,  # Public de la formation initiale
    "82027": Audience.APPRENTICESHIP,  # contrat d'apprentissage
    "82029": Audience.APPRENTICESHIP,  # contrat de professionnalisation
    "82044": Audience.CONTINUING,  # Salarié
    "82058": Audience.CONTINUING,  # Public en emploi
    "82065": Audience.CONTINUING,  # Salarié dans le cadre du plan de formation
    "83056": Audience.GENERAL_PUBLIC,  # Tout public
    "81050": Audience.GENERAL_PUBLIC,  # Particulier, individuel
}
CODE_OF_AUDIENCE: dict[str, str] = {
    Audience.JOB_SEEKERS: "80006",
    Audience.RECONVERSION: "82045",
    Audience.INITIAL: "81061",
    Audience.APPRENTICESHIP: "82027",
    Audience.CONTINUING: "82044",
    Audience.GENERAL_PUBLIC: "83056",
}
EVERYONE = "83056"  # Tout public: an action names at least one public

# Placeholders of real flows for "nothing to say" in required text elements.
EMPTY_VALUES = frozenset({"-", "--", ".", "n/a", "N/A", "NC", "nc"})
NO_SIRET = "00000000000000"
NO_ACTIVITY_NUMBER = "00000000000"
NO_POSTCODE = "00000"

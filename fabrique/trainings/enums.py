"""The vocabularies of the training offer, and the life of an enrolment as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    INITIAL = "initial", _("initial education")
    CONTINUING = "continuing", _("continuing education")
    JOB_SEEKERS = "job_seekers", _("job seekers")
    RECONVERSION = "reconversion", _("career change")
    APPRENTICESHIP = "apprenticeship", _("apprenticeship")
    GENERAL_PUBLIC = "general_public", _("general public")


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    REMOTE = "remote", _("remote")
    HYBRID = "hybrid", _("hybrid")
    REMOTE_EQUIPMENT = "remote_equipment", _("remote access to shared equipment or a digital twin")


class Funding(models.TextChoices):
    CPF = "cpf", _("personal training account (CPF)")
    REGION = "region", _("region")
    OPCO = "opco", _("skills operator (OPCO)")
    EMPLOYMENT_SERVICE = "employment_service", _("employment service")
    EMPLOYER = "employer", _("employer")
    STATE = "state", _("the State")
    SELF = "self", _("the learner")
    OTHER = "other", _("other")


class Level(models.TextChoices):
    """Levels of the national framework of certifications (décret 2019-14), as in the RNCP."""

    NONE = "", _("no specific level")
    NIV3 = "NIV3", _("level 3 (CAP)")
    NIV4 = "NIV4", _("level 4 (baccalauréat)")
    NIV5 = "NIV5", _("level 5 (BTS, DEUST)")
    NIV6 = "NIV6", _("level 6 (bachelor, licence)")
    NIV7 = "NIV7", _("level 7 (master)")
    NIV8 = "NIV8", _("level 8 (doctorate)")


class SessionStatus(models.TextChoices):
    OPEN = "open", _("open")
    FULL = "full", _("full")
    CLOSED = "closed", _("closed")
    CANCELLED = "cancelled", _("cancelled")


class EnrolmentState(models.TextChoices):
    REQUESTED = "requested", _("requested")
    ACCEPTED = "accepted", _("accepted")
    WAITLISTED = "waitlisted", _("waitlisted")
    REFUSED = "refused", _("refused")
    IN_TRAINING = "in_training", _("in training")
    COMPLETED = "completed", _("completed")
    DROPPED = "dropped", _("dropped out")
    WITHDRAWN = "withdrawn", _("withdrawn")


E = EnrolmentState
# from → the states it may go to; the enrolment actions refuse anything else.
TRANSITIONS: dict[str, frozenset[str]] = {
    E.REQUESTED: frozenset({E.ACCEPTED, E.WAITLISTED, E.REFUSED, E.WITHDRAWN}),
    E.WAITLISTED: frozenset({E.ACCEPTED, E.REFUSED, E.WITHDRAWN}),
    E.ACCEPTED: frozenset({E.IN_TRAINING, E.WITHDRAWN}),
    E.IN_TRAINING: frozenset({E.COMPLETED, E.DROPPED}),
    E.REFUSED: frozenset(),
    E.COMPLETED: frozenset(),
    E.DROPPED: frozenset(),
    E.WITHDRAWN: frozenset(),
}

# States that hold a seat of the session.
SEAT_HOLDING = frozenset({E.ACCEPTED, E.IN_TRAINING, E.COMPLETED})
# States of a live enrolment: a person has at most one per session.
ACTIVE = frozenset({E.REQUESTED, E.WAITLISTED, E.ACCEPTED, E.IN_TRAINING, E.COMPLETED})


def can_go(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, frozenset())

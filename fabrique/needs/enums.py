"""The vocabularies of industrial projects and their hiring needs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStage(models.TextChoices):
    ANNOUNCED = "announced", _("announced")
    CONFIRMED = "confirmed", _("confirmed")
    BUILDING = "building", _("under construction")
    RAMP_UP = "ramp_up", _("ramping up")
    OPERATING = "operating", _("operating")


class Contract(models.TextChoices):
    PERMANENT = "permanent", _("permanent contract (CDI)")
    FIXED_TERM = "fixed_term", _("fixed-term contract (CDD)")
    TEMPORARY = "temporary", _("temporary work")
    APPRENTICESHIP = "apprenticeship", _("apprenticeship")
    PROFESSIONALISATION = "professionalisation", _("professionalisation contract")
    OTHER = "other", _("other")


class Confidence(models.TextChoices):
    FIRM = "firm", _("firm")
    LIKELY = "likely", _("likely")
    POSSIBLE = "possible", _("possible")


class AgeBand(models.TextChoices):
    """Age bands of a workforce snapshot; the last two drive the expected retirements."""

    UNDER_25 = "under_25", _("under 25")
    FROM_25 = "25_34", _("25 to 34")
    FROM_35 = "35_44", _("35 to 44")
    FROM_45 = "45_54", _("45 to 54")
    FROM_55 = "55_59", _("55 to 59")
    FROM_60 = "60_plus", _("60 and over")

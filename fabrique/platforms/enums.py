"""The vocabularies of technical platforms, and the life of a booking as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EquipmentCategory(models.TextChoices):
    INJECTION_MOULDING = "injection_moulding", _("injection moulding")
    EXTRUSION = "extrusion", _("extrusion")
    PRINTING_FDM = "printing_fdm", _("3D printing (FDM)")
    PRINTING_SLA = "printing_sla", _("3D printing (SLA)")
    PRINTING_SLS = "printing_sls", _("3D printing (SLS)")
    CNC_MILLING = "cnc_milling", _("CNC milling")
    CNC_TURNING = "cnc_turning", _("CNC turning")
    LASER_CUTTING = "laser_cutting", _("laser cutting")
    ELECTRONICS = "electronics", _("electronics and IoT bench")
    COBOT = "cobot", _("cobot")
    XR_KIT = "xr_kit", _("XR kit")
    DIGITAL_TWIN = "digital_twin", _("digital twin")
    COMPUTE = "compute", _("compute / GPU")
    OTHER = "other", _("other")


class EquipmentStatus(models.TextChoices):
    AVAILABLE = "available", _("available")
    MAINTENANCE = "maintenance", _("in maintenance")
    OUT_OF_ORDER = "out_of_order", _("out of order")


class UserCategory(models.TextChoices):
    PARTNER = "partner", _("partner")
    STUDENT = "student", _("student")
    STARTUP = "startup", _("start-up")
    SME = "sme", _("SME")
    COMPANY = "company", _("company")
    PUBLIC = "public", _("public body")


class TariffUnit(models.TextChoices):
    HOUR = "hour", _("per hour")
    DAY = "day", _("per day")


class AuthorisationSource(models.TextChoices):
    INDUCTION = "induction", _("platform induction")
    TRAINING = "training", _("catalogue training")


class BookingState(models.TextChoices):
    REQUESTED = "requested", _("requested")
    CONFIRMED = "confirmed", _("confirmed")
    DONE = "done", _("done")
    NO_SHOW = "no_show", _("no-show")
    CANCELLED = "cancelled", _("cancelled")


B = BookingState
# from → the states it may go to; the booking actions refuse anything else.
TRANSITIONS: dict[str, frozenset[str]] = {
    B.REQUESTED: frozenset({B.CONFIRMED, B.CANCELLED}),
    B.CONFIRMED: frozenset({B.DONE, B.NO_SHOW, B.CANCELLED}),
    B.DONE: frozenset(),
    B.NO_SHOW: frozenset(),
    B.CANCELLED: frozenset(),
}
# States that hold the equipment's time: no two of them overlap on one equipment.
ACTIVE = frozenset({B.REQUESTED, B.CONFIRMED})


def can_go(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, frozenset())


class SharingState(models.TextChoices):
    PENDING = "pending", _("pending")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")


class HolderKind(models.TextChoices):
    STARTUP = "startup", _("start-up")
    SME = "sme", _("SME")
    STUDENT_TEAM = "student_team", _("student team")
    COMPANY = "company", _("company")


class ProjectStage(models.TextChoices):
    """From an idea to a product made in series, in this order."""

    IDEA = "idea", _("idea")
    CONCEPT = "concept", _("concept")
    DESIGN = "design", _("design")
    PROTOTYPE = "prototype", _("prototype")
    PRE_SERIES = "pre_series", _("pre-series")
    INDUSTRIALISED = "industrialised", _("industrialised")


STAGE_ORDER: dict[str, int] = {stage: index for index, stage in enumerate(ProjectStage.values)}


class TeamRole(models.TextChoices):
    HOLDER = "holder", _("holder")
    ENGINEER = "engineer", _("platform engineer")
    MENTOR = "mentor", _("mentor")
    TRAINER = "trainer", _("trainer")
    RESEARCHER = "researcher", _("researcher")
    OTHER = "other", _("other support")


class OutcomeKind(models.TextChoices):
    JOBS_CREATED = "jobs_created", _("jobs created")
    INVESTMENT_RAISED = "investment_raised", _("investment raised (€)")
    PRODUCTS_LAUNCHED = "products_launched", _("products launched")

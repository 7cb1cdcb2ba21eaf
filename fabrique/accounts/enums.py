from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    TRAINING_CENTRE = "training_centre", _("training centre")
    LYCEE = "lycee", _("lycée")
    COLLEGE = "college", _("collège")
    UNIVERSITY = "university", _("university")
    COMPANY = "company", _("company")
    EMPLOYMENT_SERVICE = "employment_service", _("employment service")
    REGION = "region", _("region")
    FUNDER = "funder", _("funder")
    ASSOCIATION = "association", _("association")
    CONSORTIUM = "consortium", _("consortium")


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("platform admin")
    COORDINATOR = "coordinator", _("coordinator")
    ORGANISATION_ADMIN = "organisation_admin", _("organisation admin")
    TRAINER = "trainer", _("trainer")
    COMPANY_CONTACT = "company_contact", _("company contact")
    REVIEWER = "reviewer", _("reviewer")
    LEARNER = "learner", _("learner")
    VIEWER = "viewer", _("viewer")


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    DELETE = "delete", _("deleted")
    LOGIN = "login", _("logged in")
    EXPORT = "export", _("exported")
    ERASE = "erase", _("erased")

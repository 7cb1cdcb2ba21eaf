from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonStatus(models.TextChoices):
    JOB_SEEKER = "job_seeker", _("job seeker")
    RECONVERSION = "reconversion", _("employee in reconversion")
    STUDENT = "student", _("student")
    APPRENTICE = "apprentice", _("apprentice")
    EMPLOYEE = "employee", _("employee")
    PUBLIC = "public", _("member of the public")


class SkillSource(models.TextChoices):
    DECLARED = "declared", _("declared")
    TRAINING = "training", _("earned by a completed training")
    CERTIFICATION = "certification", _("from a certification")

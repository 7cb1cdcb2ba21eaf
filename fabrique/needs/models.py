"""Needs of industrial projects: the projects, the jobs they will open and when, the age of
the workforces already in place, and the BMO survey's hiring projects per bassin.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fabrique.needs.enums import AgeBand, Confidence, Contract, ProjectStage
from fabrique.trainings.enums import Level


def _coordinates_in_range(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(latitude__isnull=True, longitude__isnull=True)
        | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
        name=f"{prefix}_coordinates_in_range",
    )


class IndustrialProject(models.Model):
    """A company's project on a site: a new plant, an extension, a new line."""

    company = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="industrial_projects",
        verbose_name=_("company"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    stage = models.CharField(
        _("stage"), max_length=12, choices=ProjectStage.choices, default=ProjectStage.ANNOUNCED
    )
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="industrial_projects",
        verbose_name=_("site commune"),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    territory = models.ForeignKey(
        "territories.IndustrialTerritory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="industrial_projects",
        verbose_name=_("industrial territory"),
    )
    investment_eur = models.DecimalField(
        _("investment (€)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    confidential = models.BooleanField(
        _("confidential"),
        default=True,
        help_text=_(
            "Seen only by the company, the coordinators of its territory and platform admins."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("industrial project")
        verbose_name_plural = _("industrial projects")
        constraints = [
            _coordinates_in_range("industrialproject"),
            models.CheckConstraint(
                condition=Q(investment_eur__gte=0), name="industrialproject_investment_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class HiringNeed(models.Model):
    """Jobs a project will open: how many, in which occupation, by when."""

    project = models.ForeignKey(
        IndustrialProject,
        on_delete=models.CASCADE,
        related_name="needs",
        verbose_name=_("industrial project"),
    )
    occupation = models.ForeignKey(
        "referentials.Occupation",
        on_delete=models.PROTECT,
        related_name="hiring_needs",
        verbose_name=_("occupation"),
        help_text=_("A ROME fiche or an ESCO occupation."),
    )
    count = models.PositiveIntegerField(_("number of jobs"))
    needed_by = models.DateField(_("needed by"))
    contract = models.CharField(
        _("contract"), max_length=20, choices=Contract.choices, default=Contract.PERMANENT
    )
    level = models.CharField(
        _("level required"), max_length=4, choices=Level.choices, blank=True, default=Level.NONE
    )
    confidence = models.CharField(
        _("confidence"), max_length=10, choices=Confidence.choices, default=Confidence.LIKELY
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["needed_by", "pk"]
        verbose_name = _("hiring need")
        verbose_name_plural = _("hiring needs")
        constraints = [
            models.CheckConstraint(condition=Q(count__gte=1), name="hiringneed_at_least_one_job")
        ]
        indexes = [models.Index(fields=["needed_by", "occupation"])]

    def __str__(self) -> str:
        return f"{self.count} × {self.occupation} ({self.needed_by:%m/%Y})"


class WorkforceSnapshot(models.Model):
    """An employer's headcount on a date, by occupation and age band."""

    employer = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="workforce_snapshots",
        verbose_name=_("employer"),
    )
    taken_on = models.DateField(_("date"))
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site commune"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["employer_id", "-taken_on"]
        verbose_name = _("workforce snapshot")
        verbose_name_plural = _("workforce snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "taken_on"], name="workforcesnapshot_one_per_employer_and_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.taken_on:%d/%m/%Y}"


class WorkforceLine(models.Model):
    snapshot = models.ForeignKey(
        WorkforceSnapshot,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("workforce snapshot"),
    )
    occupation = models.ForeignKey(
        "referentials.Occupation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("occupation"),
    )
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices)
    headcount = models.PositiveIntegerField(_("headcount"))

    class Meta:
        ordering = ["snapshot_id", "occupation_id", "age_band"]
        verbose_name = _("workforce line")
        verbose_name_plural = _("workforce lines")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "occupation", "age_band"], name="workforceline_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occupation} {self.get_age_band_display()}: {self.headcount}"


class BmoFigure(models.Model):
    """One line of France Travail's Besoins en main-d'œuvre survey: hiring projects of a
    year in a bassin for one BMO occupation (FAP 2021 code)."""

    year = models.PositiveSmallIntegerField(_("year"))
    bassin = models.ForeignKey(
        "territories.BassinEmploi",
        on_delete=models.PROTECT,
        related_name="bmo_figures",
        verbose_name=_("bassin"),
    )
    occupation_code = models.CharField(_("BMO occupation code"), max_length=8)
    occupation_label = models.CharField(_("BMO occupation"), max_length=200)
    family_code = models.CharField(_("occupation family code"), max_length=2)
    family_label = models.CharField(_("occupation family"), max_length=200)
    # Empty where the survey hides a figure by statistical secrecy ("*" in the source).
    projects = models.PositiveIntegerField(_("hiring projects"), null=True, blank=True)
    difficult = models.PositiveIntegerField(_("of which difficult"), null=True, blank=True)
    seasonal = models.PositiveIntegerField(_("of which seasonal"), null=True, blank=True)

    class Meta:
        ordering = ["year", "bassin_id", "occupation_code"]
        verbose_name = _("BMO figure")
        verbose_name_plural = _("BMO figures")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "bassin", "occupation_code"], name="bmofigure_unique"
            )
        ]
        indexes = [models.Index(fields=["bassin", "year", "family_code"])]

    def __str__(self) -> str:
        return f"{self.year} {self.bassin} {self.occupation_code}: {self.projects}"

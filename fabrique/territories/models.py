"""Official geography (COG, zones d'emploi, BMO bassins) and industrial territories."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fabrique.territories.querysets import (
    CommuneQuerySet,
    EPCIQuerySet,
    IndustrialTerritoryQuerySet,
    search_key,
)

# Words used by the territory pages' own URLs, so never a territory code.
RESERVED_TERRITORY_CODES = frozenset({"nouveau", "communes", "epci"})


def obsolete_field() -> models.BooleanField:
    return models.BooleanField(
        _("obsolete"),
        default=False,
        help_text=_("No longer in the latest imported source; kept for the records that use it."),
    )


def validate_territory_code(value: str) -> None:
    if value in RESERVED_TERRITORY_CODES:
        raise ValidationError(
            _("“%(code)s” is reserved; choose another code."),
            code="reserved",
            params={"code": value},
        )


class Region(models.Model):
    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)
    obsolete = obsolete_field()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departements", verbose_name=_("region")
    )
    obsolete = obsolete_field()

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")
        verbose_name_plural = _("départements")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class EPCI(models.Model):
    class Kind(models.TextChoices):
        CC = "CC", _("communauté de communes")
        CA = "CA", _("communauté d'agglomération")
        CU = "CU", _("communauté urbaine")
        METRO = "METRO", _("métropole")
        MET69 = "MET69", _("Métropole de Lyon")

    siren = models.CharField(_("SIREN"), max_length=9, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    population = models.PositiveIntegerField(
        _("population"), null=True, blank=True, help_text=_("Municipal population (INSEE).")
    )
    search_name = models.CharField(
        _("name for searching"), max_length=200, blank=True, editable=False
    )
    obsolete = obsolete_field()

    objects = EPCIQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = search_key(self.name)[:200]
        super().save(*args, **kwargs)


class ZoneEmploi(models.Model):
    code = models.CharField(_("code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    obsolete = obsolete_field()

    class Meta:
        ordering = ["code"]
        verbose_name = _("zone d'emploi")
        verbose_name_plural = _("zones d'emploi")

    def __str__(self) -> str:
        return self.name


class BassinEmploi(models.Model):
    """A France Travail BMO survey area."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bassins",
        verbose_name=_("region"),
    )
    obsolete = obsolete_field()

    class Meta:
        ordering = ["code"]
        verbose_name = _("BMO bassin")
        verbose_name_plural = _("BMO bassins")

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    insee_code = models.CharField(_("INSEE code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="communes",
        verbose_name=_("département"),
    )
    epci = models.ForeignKey(
        EPCI,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name=_("EPCI"),
    )
    zone_emploi = models.ForeignKey(
        ZoneEmploi,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name=_("zone d'emploi"),
    )
    bassin = models.ForeignKey(
        BassinEmploi,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name=_("BMO bassin"),
    )
    population = models.PositiveIntegerField(
        _("population"), null=True, blank=True, help_text=_("Municipal population (INSEE).")
    )
    postal_codes = models.CharField(
        _("postal codes"), max_length=200, blank=True, help_text=_("Separated by spaces.")
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    search_name = models.CharField(
        _("name for searching"), max_length=100, blank=True, editable=False
    )
    obsolete = obsolete_field()

    objects = CommuneQuerySet.as_manager()

    class Meta:
        ordering = ["name", "insee_code"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        indexes = [models.Index(fields=["latitude", "longitude"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90),
                name="commune_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="commune_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.insee_code})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = search_key(self.name)[:100]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("territories:commune", kwargs={"insee_code": self.insee_code})


class IndustrialTerritory(models.Model):
    """A territory defined by coordinators as a set of EPCI."""

    code = models.SlugField(
        _("code"),
        max_length=60,
        unique=True,
        validators=[validate_territory_code],
        help_text=_("Short name used in addresses, e.g. “nord-lorraine”. Cannot be changed."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    epcis = models.ManyToManyField(
        EPCI, related_name="industrial_territories", verbose_name=_("EPCI")
    )
    coordinating_organisations = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="coordinated_territories",
        verbose_name=_("coordinating organisations"),
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

    objects = IndustrialTerritoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("industrial territory")
        verbose_name_plural = _("industrial territories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("territories:detail", kwargs={"code": self.code})

"""Occupations and skills of the référentiels (ROME 4.0, ESCO), keyed on their sources' codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scheme(models.TextChoices):
    ROME = "rome", "ROME 4.0"
    ESCO = "esco", "ESCO"
    CUSTOM = "custom", _("custom framework")


class Occupation(models.Model):
    scheme = models.CharField(_("scheme"), max_length=8, choices=Scheme.choices)
    code = models.CharField(
        _("code"), max_length=200, help_text=_("ROME fiche code (H2903) or ESCO URI.")
    )
    label = models.CharField(_("label"), max_length=300)
    label_en = models.CharField(_("English label"), max_length=300, blank=True)
    version = models.CharField(_("source version"), max_length=40, blank=True)
    obsolete = models.BooleanField(_("obsolete"), default=False)

    class Meta:
        ordering = ["scheme", "code"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="occupation_scheme_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}" if self.scheme == Scheme.ROME else self.label


class Skill(models.Model):
    scheme = models.CharField(_("scheme"), max_length=8, choices=Scheme.choices)
    code = models.CharField(_("code"), max_length=200, help_text=_("ROME code_ogr or ESCO URI."))
    label = models.CharField(_("label"), max_length=400)
    label_en = models.CharField(_("English label"), max_length=400, blank=True)
    kind = models.CharField(
        _("kind"), max_length=40, blank=True, help_text=_("savoir-faire, savoir-être, savoir...")
    )
    version = models.CharField(_("source version"), max_length=40, blank=True)
    obsolete = models.BooleanField(_("obsolete"), default=False)

    class Meta:
        ordering = ["scheme", "label"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="skill_scheme_code")]

    def __str__(self) -> str:
        return self.label


class OccupationSkill(models.Model):
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="skill_links")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="occupation_links")
    essential = models.BooleanField(_("essential"), default=True)

    class Meta:
        verbose_name = _("occupation skill")
        verbose_name_plural = _("occupation skills")
        constraints = [
            models.UniqueConstraint(fields=["occupation", "skill"], name="occupation_skill_unique")
        ]

    def __str__(self) -> str:
        return f"{self.occupation} → {self.skill}"

"""People being trained: job seekers, employees in reconversion, students, apprentices."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fabrique.people.enums import PersonStatus, SkillSource


class Person(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("account"),
    )
    external_id = models.CharField(
        _("external identifier"),
        max_length=64,
        blank=True,
        help_text=_(
            "The following organisation's own identifier of this person (e.g. a France Travail "
            "identifier); the key of spreadsheet imports, unique within the organisation."
        ),
    )
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=PersonStatus.choices)
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("commune"),
    )
    mobility_radius_km = models.PositiveSmallIntegerField(_("mobility radius (km)"), default=30)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    current_occupation = models.ForeignKey(
        "referentials.Occupation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current occupation"),
    )
    past_occupations = models.ManyToManyField(
        "referentials.Occupation",
        blank=True,
        related_name="+",
        verbose_name=_("past occupations"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("following organisation"),
        help_text=_("The organisation that follows this person (agency, school, employer)."),
    )
    consent_to_employers = models.BooleanField(_("may be proposed to employers"), default=False)
    consent_to_contact = models.BooleanField(_("may be contacted"), default=False)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(birth_year__isnull=True)
                | models.Q(birth_year__gte=1900, birth_year__lte=2100),
                name="person_birth_year_range",
            ),
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~models.Q(external_id=""),
                name="person_external_id_unique_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class PersonSkill(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(
        "referentials.Skill", on_delete=models.PROTECT, related_name="people_links"
    )
    source = models.CharField(
        _("source"), max_length=20, choices=SkillSource.choices, default=SkillSource.DECLARED
    )
    acquired_on = models.DateField(_("acquired on"), null=True, blank=True)

    class Meta:
        verbose_name = _("person's skill")
        verbose_name_plural = _("people's skills")
        constraints = [
            models.UniqueConstraint(fields=["person", "skill"], name="person_skill_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.skill}"

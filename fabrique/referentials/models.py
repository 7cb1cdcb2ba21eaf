"""The référentiels: occupations and skills (ROME 4.0, ESCO), certifications (RNCP, RS),
Formacode, NSF and NAF, keyed on their sources' own codes.

Rows that leave a newer version of their source are marked ``obsolete``, never deleted, so
that trainings, needs and people that point at them keep their references.
"""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Scheme(models.TextChoices):
    ROME = "rome", "ROME 4.0"
    ESCO = "esco", "ESCO"
    CUSTOM = "custom", _("custom framework")


class LabelKind(models.TextChoices):
    PREFERRED = "preferred", _("preferred label")
    ALTERNATIVE = "alternative", _("alternative label")
    HIDDEN = "hidden", _("hidden label")
    APPELLATION = "appellation", _("ROME appellation")


class OccupationGroup(models.Model):
    """A level above occupations: ROME grand domaine and domaine professionnel, ISCO group."""

    scheme = models.CharField(_("scheme"), max_length=8)
    code = models.CharField(_("code"), max_length=200, help_text=_("A, A11, or an ISCO code."))
    label = models.CharField(_("label"), max_length=300)
    label_en = models.CharField(_("English label"), max_length=300, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    version = models.CharField(_("source version"), max_length=40, blank=True)
    obsolete = models.BooleanField(_("obsolete"), default=False)

    class Meta:
        ordering = ["scheme", "code"]
        verbose_name = _("occupation group")
        verbose_name_plural = _("occupation groups")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="occupationgroup_scheme_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Occupation(models.Model):
    scheme = models.CharField(_("scheme"), max_length=8, choices=Scheme.choices)
    code = models.CharField(
        _("code"), max_length=200, help_text=_("ROME fiche code (H2903) or ESCO URI.")
    )
    label = models.CharField(_("label"), max_length=300)
    label_en = models.CharField(_("English label"), max_length=300, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="variants",
        verbose_name=_("parent fiche"),
        help_text=_("ROME: the fiche this déclinaison belongs to. ESCO: the broader occupation."),
    )
    group = models.ForeignKey(
        OccupationGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="occupations",
        verbose_name=_("group"),
    )
    definition = models.TextField(_("definition"), blank=True)
    definition_en = models.TextField(_("English definition"), blank=True)
    access = models.TextField(_("access to the job"), blank=True)
    source_code = models.CharField(
        _("source's other code"),
        max_length=40,
        blank=True,
        help_text=_("ROME code_ogr of the fiche, ESCO occupation code (e.g. 7233.1)."),
    )
    tags = models.JSONField(
        _("tags"),
        default=list,
        blank=True,
        help_text=_("Regulated, executive, ecological or digital transition…"),
    )
    version = models.CharField(_("source version"), max_length=40, blank=True)
    obsolete = models.BooleanField(_("obsolete"), default=False)
    work_contexts = models.ManyToManyField(
        "WorkContext", blank=True, related_name="occupations", verbose_name=_("work contexts")
    )

    class Meta:
        ordering = ["scheme", "code"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="occupation_scheme_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}" if self.scheme == Scheme.ROME else self.label


class OccupationLabel(models.Model):
    """Every name of an occupation: preferred, alternative and hidden labels in each language,
    and ROME appellations (which have their own ``code_ogr``)."""

    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="labels")
    language = models.CharField(_("language"), max_length=5, default="fr")
    kind = models.CharField(_("kind"), max_length=12, choices=LabelKind.choices)
    code = models.CharField(
        _("code"), max_length=40, blank=True, help_text=_("ROME appellation code_ogr.")
    )
    text = models.CharField(_("text"), max_length=400)
    folded = models.CharField(
        _("folded text"),
        max_length=400,
        db_index=True,
        help_text=_("Lower case, without accents or punctuation: what search compares."),
    )
    obsolete = models.BooleanField(
        _("obsolete"),
        default=False,
        help_text=_("A ROME appellation that left the source (other labels are removed)."),
    )

    class Meta:
        ordering = ["occupation", "kind", "text"]
        verbose_name = _("occupation label")
        verbose_name_plural = _("occupation labels")
        constraints = [
            # Labels without a code are unique by their text; ROME appellations by their code
            # (two appellations of a fiche may read the same).
            models.UniqueConstraint(
                fields=["occupation", "language", "kind", "text"],
                condition=models.Q(code=""),
                name="occupationlabel_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "code"],
                condition=~models.Q(code=""),
                name="occupationlabel_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Skill(models.Model):
    scheme = models.CharField(_("scheme"), max_length=8, choices=Scheme.choices)
    code = models.CharField(_("code"), max_length=200, help_text=_("ROME code_ogr or ESCO URI."))
    label = models.CharField(_("label"), max_length=400)
    label_en = models.CharField(_("English label"), max_length=400, blank=True)
    kind = models.CharField(
        _("kind"),
        max_length=40,
        blank=True,
        help_text=_("savoir-faire, savoir-être, savoir; ESCO skill/competence, knowledge…"),
    )
    category = models.CharField(
        _("category"),
        max_length=200,
        blank=True,
        help_text=_("ROME category and sub-category; ESCO reuse level."),
    )
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    source_code = models.CharField(
        _("source's other code"),
        max_length=40,
        blank=True,
        help_text=_("ROME macro-compétence code (4A101), ESCO skill group code (S1.1.1)."),
    )
    broader = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="narrower",
        verbose_name=_("broader skills"),
        help_text=_("ESCO skill hierarchy; ROME macro-compétence of a compétence."),
    )
    collections = models.JSONField(
        _("collections"),
        default=list,
        blank=True,
        help_text=_("ESCO collections (digital, green, transversal…)."),
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


class SkillLabel(models.Model):
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="labels")
    language = models.CharField(_("language"), max_length=5, default="fr")
    kind = models.CharField(_("kind"), max_length=12, choices=LabelKind.choices)
    text = models.CharField(_("text"), max_length=400)
    folded = models.CharField(_("folded text"), max_length=400, db_index=True)

    class Meta:
        ordering = ["skill", "kind", "text"]
        verbose_name = _("skill label")
        verbose_name_plural = _("skill labels")
        constraints = [
            models.UniqueConstraint(
                fields=["skill", "language", "kind", "text"], name="skilllabel_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text


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


class WorkContext(models.Model):
    """ROME work context (hours, place, conditions…)."""

    code = models.CharField(_("code"), max_length=40, unique=True, help_text=_("ROME code_ogr."))
    label = models.CharField(_("label"), max_length=300)
    category = models.CharField(_("category"), max_length=200, blank=True)
    version = models.CharField(_("source version"), max_length=40, blank=True)
    obsolete = models.BooleanField(_("obsolete"), default=False)

    class Meta:
        ordering = ["category", "label"]
        verbose_name = _("work context")
        verbose_name_plural = _("work contexts")

    def __str__(self) -> str:
        return self.label


class Mobility(models.Model):
    """A ROME mobility: from one fiche, people move on to another."""

    source = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="mobilities")
    target = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"), default=0)

    class Meta:
        ordering = ["source", "rank"]
        verbose_name = _("mobility")
        verbose_name_plural = _("mobilities")
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="mobility_unique")]

    def __str__(self) -> str:
        return f"{self.source.code} → {self.target.code}"


class Formacode(models.Model):
    code = models.CharField(_("Formacode"), max_length=10, unique=True)
    label = models.CharField(_("label"), max_length=300)
    field = models.CharField(_("semantic field"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    version = models.CharField(_("source version"), max_length=40, blank=True)
    obsolete = models.BooleanField(_("obsolete"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("Formacode")
        verbose_name_plural = _("Formacodes")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class NsfDomain(models.Model):
    """Nomenclature des spécialités de formation."""

    code = models.CharField(_("NSF code"), max_length=10, unique=True)
    label = models.CharField(_("label"), max_length=300)
    version = models.CharField(_("source version"), max_length=40, blank=True)
    obsolete = models.BooleanField(_("obsolete"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("NSF speciality")
        verbose_name_plural = _("NSF specialities")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class NafActivity(models.Model):
    """NAF rév. 2: section, division, groupe, classe, sous-classe."""

    code = models.CharField(_("NAF code"), max_length=10, unique=True)
    label = models.CharField(_("label"), max_length=300)
    level = models.CharField(_("level"), max_length=12)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    occupations = models.ManyToManyField(
        Occupation,
        blank=True,
        related_name="naf_activities",
        verbose_name=_("ROME fiches of this sector"),
    )
    version = models.CharField(_("source version"), max_length=40, blank=True)
    obsolete = models.BooleanField(_("obsolete"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("NAF activity")
        verbose_name_plural = _("NAF activities")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class Certifier(models.Model):
    siret = models.CharField(_("SIRET"), max_length=14, unique=True)
    name = models.CharField(_("name"), max_length=300)
    version = models.CharField(_("source version"), max_length=40, blank=True)
    obsolete = models.BooleanField(_("obsolete"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("certifier")
        verbose_name_plural = _("certifiers")

    def __str__(self) -> str:
        return self.name


class CertificationKind(models.TextChoices):
    RNCP = "rncp", "RNCP"
    RS = "rs", "RS"


class Certification(models.Model):
    """A fiche of the Répertoire national des certifications professionnelles (RNCP) or of the
    Répertoire spécifique (RS)."""

    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_("RNCP1234, RS567"))
    kind = models.CharField(_("register"), max_length=4, choices=CertificationKind.choices)
    title = models.CharField(_("title"), max_length=1000, blank=True)
    level = models.CharField(
        _("level"), max_length=40, blank=True, help_text=_("European level: NIV3 … NIV8.")
    )
    active = models.BooleanField(_("active"), null=True, blank=True)
    occupations = models.ManyToManyField(
        Occupation, blank=True, related_name="certifications", verbose_name=_("ROME fiches")
    )
    formacodes = models.ManyToManyField(
        Formacode, blank=True, related_name="certifications", verbose_name=_("Formacodes")
    )
    nsf_domains = models.ManyToManyField(
        NsfDomain, blank=True, related_name="certifications", verbose_name=_("NSF specialities")
    )
    certifiers = models.ManyToManyField(
        Certifier, blank=True, related_name="certifications", verbose_name=_("certifiers")
    )
    replaced_by = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )
    collective_agreements = models.JSONField(_("collective agreements"), default=list, blank=True)
    version = models.CharField(_("source version"), max_length=40, blank=True)
    obsolete = models.BooleanField(_("obsolete"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    @property
    def level_label(self) -> str:
        """The level as people read it: "NIV4" → "niveau 4"; other values as they are."""
        if len(self.level) == 4 and self.level.startswith("NIV") and self.level[3].isdigit():
            return gettext("level %(number)s") % {"number": self.level[3]}
        return self.level


class CertificationBloc(models.Model):
    """A bloc de compétences of an RNCP certification."""

    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="blocs")
    code = models.CharField(_("code"), max_length=40, unique=True, help_text=_("RNCP211BC03"))
    label = models.TextField(_("label"))
    version = models.CharField(_("source version"), max_length=40, blank=True)
    obsolete = models.BooleanField(_("obsolete"), default=False)

    class Meta:
        ordering = ["certification", "code"]
        verbose_name = _("bloc de compétences")
        verbose_name_plural = _("blocs de compétences")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

"""Custom competency frameworks built by coordinators.

A framework (``CompetencyFramework``) belongs to an organisation and lives in numbered
versions (``FrameworkVersion``): draft → published → retired (``enums.TRANSITIONS``). A
version holds a tree: blocs → competences → levels; competences are linked to the skills of
the référentiels (ROME, ESCO). A published version never changes; changes go to a new draft
copied from it. Writes go through ``actions.py``; reads through the querysets below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fabrique.frameworks.enums import PUBLIC_STATUSES, VersionStatus

if TYPE_CHECKING:
    from fabrique.accounts.models import User

CODE_MAX_LENGTH = 40
TITLE_MAX_LENGTH = 300
LABEL_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 5000
NOTE_MAX_LENGTH = 2000
MAX_LEVELS = 10

validate_code = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z",
    _("Use letters, digits, dots, hyphens and underscores, starting with a letter or a digit."),
    code="invalid_code",
)


# Short names that are addresses of the framework pages themselves.
RESERVED_SLUGS = frozenset({"nouveau", "importer", "import"})


def validate_framework_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This short name is reserved."), code="reserved")


def _editor_ids(user: User) -> set[int] | None:
    from fabrique.frameworks.rules import editor_organisation_ids

    return editor_organisation_ids(user)


class CompetencyFrameworkQuerySet(models.QuerySet["CompetencyFramework"]):
    def visible_to(self, user: User) -> CompetencyFrameworkQuerySet:
        """Frameworks with a published (or retired) version, and those the user edits."""
        if not (user is not None and user.is_authenticated and user.is_active):
            return self.none()
        editable = _editor_ids(user)
        if editable is None:
            return self
        public = FrameworkVersion.objects.filter(
            framework=OuterRef("pk"), status__in=PUBLIC_STATUSES
        )
        return self.filter(Q(Exists(public)) | Q(owner_id__in=editable))

    def editable_by(self, user: User) -> CompetencyFrameworkQuerySet:
        if not (user is not None and user.is_authenticated and user.is_active):
            return self.none()
        editable = _editor_ids(user)
        return self if editable is None else self.filter(owner_id__in=editable)

    def with_versions(self) -> CompetencyFrameworkQuerySet:
        """Annotated with the current published version (number, date) and the draft's number."""
        versions = FrameworkVersion.objects.filter(framework=OuterRef("pk"))
        published = versions.filter(status=VersionStatus.PUBLISHED)
        return self.annotate(
            published_number=models.Subquery(published.values("number")[:1]),
            published_on=models.Subquery(published.values("published_at")[:1]),
            draft_number=models.Subquery(
                versions.filter(status=VersionStatus.DRAFT).values("number")[:1]
            ),
        )


class CompetencyFramework(models.Model):
    """A competency framework of an organisation, e.g. “Pilotage et animation d'espaces
    d'innovation”; its content lives in its versions."""

    owner = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="competency_frameworks",
        verbose_name=_("owner organisation"),
        help_text=_("Its coordinators, and those of the consortia it belongs to, edit it."),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    slug = models.SlugField(
        _("short name"),
        max_length=80,
        unique=True,
        validators=[validate_framework_slug],
        help_text=_("Used in addresses, e.g. “animation-fab-lab”. Cannot be changed."),
    )
    description = models.TextField(_("description"), blank=True, max_length=DESCRIPTION_MAX_LENGTH)
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

    objects = CompetencyFrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["title", "slug"]
        verbose_name = _("competency framework")
        verbose_name_plural = _("competency frameworks")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("frameworks:detail", kwargs={"slug": self.slug})


class FrameworkVersionQuerySet(models.QuerySet["FrameworkVersion"]):
    def visible_to(self, user: User) -> FrameworkVersionQuerySet:
        """Published and retired versions for anyone logged in; drafts for their editors."""
        if not (user is not None and user.is_authenticated and user.is_active):
            return self.none()
        editable = _editor_ids(user)
        if editable is None:
            return self
        return self.filter(Q(status__in=PUBLIC_STATUSES) | Q(framework__owner_id__in=editable))


class FrameworkVersion(models.Model):
    """One numbered version of a framework: a draft, published (immutable) or retired."""

    framework = models.ForeignKey(
        CompetencyFramework,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("framework"),
    )
    number = models.PositiveIntegerField(_("number"), validators=[MinValueValidator(1)])
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    change_note = models.TextField(
        _("change note"),
        blank=True,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("What changed in this version, for its readers."),
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("copied from"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    objects = FrameworkVersionQuerySet.as_manager()

    class Meta:
        ordering = ["framework_id", "-number"]
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "number"], name="frameworkversion_unique_number"
            ),
            models.UniqueConstraint(
                fields=["framework"],
                condition=Q(status=VersionStatus.DRAFT),
                name="frameworkversion_one_draft",
                violation_error_message=_("This framework already has a draft version."),
            ),
            models.UniqueConstraint(
                fields=["framework"],
                condition=Q(status=VersionStatus.PUBLISHED),
                name="frameworkversion_one_published",
                violation_error_message=_("This framework already has a published version."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="frameworkversion_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(status__in=VersionStatus.values),
                name="frameworkversion_status_known",
            ),
            models.CheckConstraint(
                condition=Q(status=VersionStatus.DRAFT, published_at__isnull=True)
                | Q(~Q(status=VersionStatus.DRAFT), published_at__isnull=False),
                name="frameworkversion_published_at_iff_published",
            ),
            models.CheckConstraint(
                condition=Q(status=VersionStatus.RETIRED, retired_at__isnull=False)
                | Q(~Q(status=VersionStatus.RETIRED), retired_at__isnull=True),
                name="frameworkversion_retired_at_iff_retired",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse(
            "frameworks:version", kwargs={"slug": self.framework.slug, "number": self.number}
        )

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


class VersionTransition(models.Model):
    """History of a version's status: who moved it from which status to which, and why."""

    version = models.ForeignKey(
        FrameworkVersion,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("version"),
    )
    source = models.CharField(_("from"), max_length=10, choices=VersionStatus.choices)
    target = models.CharField(_("to"), max_length=10, choices=VersionStatus.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True, max_length=NOTE_MAX_LENGTH)

    class Meta:
        ordering = ["version_id", "at", "pk"]
        verbose_name = _("version status change")
        verbose_name_plural = _("version status changes")
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="versiontransition_changes_status"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.source} → {self.target}"


class Bloc(models.Model):
    """A bloc of competences (bloc de compétences) of a version."""

    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="blocs", verbose_name=_("version")
    )
    code = models.CharField(_("code"), max_length=CODE_MAX_LENGTH, validators=[validate_code])
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), blank=True, max_length=DESCRIPTION_MAX_LENGTH)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["version_id", "position", "pk"]
        verbose_name = _("bloc")
        verbose_name_plural = _("blocs")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"],
                name="bloc_unique_code_in_version",
                violation_error_message=_("Another bloc of this version has this code."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Competence(models.Model):
    """A competence of a bloc, described by levels and linked to référentiel skills.

    ``version`` repeats ``bloc.version`` so that the database keeps codes unique per version.
    """

    version = models.ForeignKey(
        FrameworkVersion,
        on_delete=models.CASCADE,
        related_name="competences",
        verbose_name=_("version"),
    )
    bloc = models.ForeignKey(
        Bloc, on_delete=models.CASCADE, related_name="competences", verbose_name=_("bloc")
    )
    code = models.CharField(_("code"), max_length=CODE_MAX_LENGTH, validators=[validate_code])
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), blank=True, max_length=DESCRIPTION_MAX_LENGTH)
    position = models.PositiveIntegerField(_("position"), default=0)
    skills = models.ManyToManyField(
        "referentials.Skill",
        through="CompetenceSkill",
        related_name="framework_competences",
        blank=True,
        verbose_name=_("linked skills"),
    )

    class Meta:
        ordering = ["bloc_id", "position", "pk"]
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"],
                name="competence_unique_code_in_version",
                violation_error_message=_("Another competence of this version has this code."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class CompetenceSkill(models.Model):
    """A link from a competence to a skill of ROME or ESCO: who made it, and whether the
    matcher suggested it (with its score)."""

    competence = models.ForeignKey(
        Competence,
        on_delete=models.CASCADE,
        related_name="skill_links",
        verbose_name=_("competence"),
    )
    skill = models.ForeignKey(
        "referentials.Skill",
        on_delete=models.PROTECT,
        related_name="framework_links",
        verbose_name=_("skill"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked by"),
    )
    linked_at = models.DateTimeField(_("linked"), default=timezone.now)
    suggested = models.BooleanField(
        _("suggested"), default=False, help_text=_("Chosen among the matcher's suggestions.")
    )
    score = models.FloatField(
        _("score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("The matcher's score of the suggestion (0 to 1)."),
    )

    class Meta:
        ordering = ["competence_id", "pk"]
        verbose_name = _("linked skill")
        verbose_name_plural = _("linked skills")
        constraints = [
            models.UniqueConstraint(
                fields=["competence", "skill"],
                name="competenceskill_unique",
                violation_error_message=_("This skill is already linked to the competence."),
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=1),
                name="competenceskill_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competence.code} → {self.skill}"


class Level(models.Model):
    """A level of mastery of a competence, ranked 1..n from the first to the highest."""

    competence = models.ForeignKey(
        Competence, on_delete=models.CASCADE, related_name="levels", verbose_name=_("competence")
    )
    rank = models.PositiveSmallIntegerField(
        _("rank"), validators=[MinValueValidator(1), MaxValueValidator(MAX_LEVELS)]
    )
    label = models.CharField(_("label"), max_length=LABEL_MAX_LENGTH)
    description = models.TextField(_("description"), blank=True, max_length=DESCRIPTION_MAX_LENGTH)

    class Meta:
        ordering = ["competence_id", "rank"]
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        constraints = [
            models.UniqueConstraint(
                fields=["competence", "rank"],
                name="level_unique_rank",
                violation_error_message=_("This competence already has a level of this rank."),
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="level_rank_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.label}"

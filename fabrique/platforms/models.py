"""Technical platforms and their equipment, who may use it, when it is open, what it costs,
and its bookings.

No two active bookings of one equipment overlap: on PostgreSQL an exclusion constraint
(migration 0002) holds it; on SQLite the booking action serialises writers (see
``actions`` and docs/decisions/0007-bookings-without-conflicts.md).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fabrique.core import uploads
from fabrique.platforms.enums import (
    AuthorisationSource,
    BookingState,
    EquipmentCategory,
    EquipmentStatus,
    HolderKind,
    OutcomeKind,
    ProjectStage,
    SharingState,
    TariffUnit,
    TeamRole,
    UserCategory,
)


def equipment_document_path(instance: object, filename: str) -> str:
    return uploads.stored_name("equipment", filename)


def project_document_path(instance: object, filename: str) -> str:
    return uploads.stored_name("projects", filename)


TIME_ZONES = [("Europe/Paris", "Europe/Paris"), ("Europe/Berlin", "Europe/Berlin")]


class TechnicalPlatform(models.Model):
    """A place with shared machines: a university platform, an IUT's workshops, a fab lab, or
    a company's site whose machines are listed for sharing."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    owner = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="technical_platforms",
        verbose_name=_("owner organisation"),
    )
    partners = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="partner_platforms",
        verbose_name=_("partner organisations"),
    )
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="technical_platforms",
        verbose_name=_("commune"),
    )
    address = models.CharField(_("address"), max_length=250, blank=True)
    description = models.TextField(_("description"), blank=True)
    opening_hours = models.TextField(
        _("opening hours"),
        blank=True,
        help_text=_("In words; the bookable slots are the platform's availabilities."),
    )
    rules = models.TextField(_("rules"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=40, choices=TIME_ZONES, default="Europe/Paris"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("technical platform")
        verbose_name_plural = _("technical platforms")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("platforms:platform", kwargs={"slug": self.slug})


class Equipment(models.Model):
    platform = models.ForeignKey(
        TechnicalPlatform,
        on_delete=models.CASCADE,
        related_name="equipment",
        verbose_name=_("platform"),
    )
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=24, choices=EquipmentCategory.choices)
    description = models.TextField(_("description"), blank=True)
    capabilities = models.JSONField(
        _("capabilities"),
        default=dict,
        blank=True,
        help_text=_(
            'Parameters, e.g. {"build volume": "250×210×210 mm", "materials": "PLA, PETG"}.'
        ),
    )
    search_text = models.TextField(
        _("search text"),
        blank=True,
        editable=False,
        help_text=_("Name and capabilities, lower case."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EquipmentStatus.choices,
        default=EquipmentStatus.AVAILABLE,
    )
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("Room, hall."))
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    shared = models.BooleanField(
        _("listed for sharing"),
        default=False,
        help_text=_("Other organisations may request it; the owner accepts or declines."),
    )
    requires_induction = models.BooleanField(_("requires the platform induction"), default=False)
    required_training = models.ForeignKey(
        "trainings.Training",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="required_by_equipment",
        verbose_name=_("required training"),
    )
    authorisation_months = models.PositiveSmallIntegerField(
        _("authorisation valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: an authorisation does not expire."),
    )
    idle_months = models.PositiveSmallIntegerField(
        _("authorisation lapses after (months without use)"), null=True, blank=True
    )
    lock_version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        indexes = [
            models.Index(fields=["category", "status"]),
            models.Index(fields=["latitude", "longitude"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="equipment_coordinates_in_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        words = [self.name, self.get_category_display()]
        for key, value in (self.capabilities or {}).items():
            words += [str(key), str(value)]
        self.search_text = " ".join(words).lower()
        if self.latitude is None and self.longitude is None and self.platform_id is not None:
            commune = self.platform.commune
            if commune is not None and commune.latitude is not None:
                self.latitude, self.longitude = commune.latitude, commune.longitude
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "search_text",
                "latitude",
                "longitude",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("platforms:equipment", kwargs={"pk": self.pk})

    @property
    def requires_authorisation(self) -> bool:
        return self.requires_induction or self.required_training_id is not None


class EquipmentDocument(models.Model):
    equipment = models.ForeignKey(
        Equipment, on_delete=models.CASCADE, related_name="documents", verbose_name=_("equipment")
    )
    title = models.CharField(_("title"), max_length=200)
    is_photo = models.BooleanField(_("photo"), default=False)
    file = models.FileField(
        _("file"), upload_to=equipment_document_path, max_length=200, blank=True
    )
    url = models.URLField(_("link"), max_length=400, blank=True)

    class Meta:
        ordering = ["equipment_id", "title"]
        verbose_name = _("equipment document")
        verbose_name_plural = _("equipment documents")
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(url=""), name="equipment_document_file_or_link"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.file:
            return reverse("platforms:equipment_document", kwargs={"pk": self.pk})
        return self.url


class Tariff(models.Model):
    equipment = models.ForeignKey(
        Equipment, on_delete=models.CASCADE, related_name="tariffs", verbose_name=_("equipment")
    )
    user_category = models.CharField(
        _("user category"), max_length=12, choices=UserCategory.choices
    )
    unit = models.CharField(_("unit"), max_length=8, choices=TariffUnit.choices)
    amount = models.DecimalField(_("amount (€, excl. VAT)"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["equipment_id", "user_category", "unit"]
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        constraints = [
            models.UniqueConstraint(
                fields=["equipment", "user_category", "unit"], name="tariff_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="tariff_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_user_category_display()} {self.amount} € {self.get_unit_display()}"


class Availability(models.Model):
    """A weekly opening slot of a platform (wall-clock time in the platform's time zone).

    An equipment with opening slots of its own (``equipment`` set) is open during those
    only; the others follow their platform's slots (``equipment`` empty)."""

    platform = models.ForeignKey(
        TechnicalPlatform,
        on_delete=models.CASCADE,
        related_name="availabilities",
        verbose_name=_("platform"),
    )
    equipment = models.ForeignKey(
        Equipment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="availabilities",
        verbose_name=_("equipment"),
        help_text=_("Empty: the platform's opening slot, for equipment without slots of its own."),
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    start = models.TimeField(_("opens at"))
    end = models.TimeField(_("closes at"))

    class Meta:
        ordering = ["platform_id", "equipment_id", "weekday", "start"]
        verbose_name = _("opening slot")
        verbose_name_plural = _("opening slots")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="availability_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="availability_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        if self.equipment_id is not None and self.equipment.platform_id != self.platform_id:
            raise ValidationError(
                {"equipment": _("The equipment belongs to another platform.")}, code="invalid"
            )


class Closure(models.Model):
    """Days a platform (or one of its equipment) is closed, both ends included."""

    platform = models.ForeignKey(
        TechnicalPlatform,
        on_delete=models.CASCADE,
        related_name="closures",
        verbose_name=_("platform"),
    )
    equipment = models.ForeignKey(
        Equipment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("equipment"),
        help_text=_("Empty: the whole platform is closed."),
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["platform_id", "first_day"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="closure_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_day:%d/%m/%Y} – {self.last_day:%d/%m/%Y}"


class Authorisation(models.Model):
    """A person may use an equipment: validated by a trainer after an induction or a training."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="equipment_authorisations",
        verbose_name=_("user"),
    )
    equipment = models.ForeignKey(
        Equipment,
        on_delete=models.CASCADE,
        related_name="authorisations",
        verbose_name=_("equipment"),
    )
    source = models.CharField(
        _("on the strength of"), max_length=12, choices=AuthorisationSource.choices
    )
    enrolment = models.ForeignKey(
        "trainings.Enrolment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed enrolment"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validated by"),
    )
    granted_at = models.DateTimeField(_("validated on"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires on"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["equipment_id", "-granted_at"]
        verbose_name = _("authorisation")
        verbose_name_plural = _("authorisations")
        indexes = [models.Index(fields=["user", "equipment"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.equipment}"


class Booking(models.Model):
    equipment = models.ForeignKey(
        Equipment, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("equipment")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="equipment_bookings",
        verbose_name=_("user"),
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="equipment_bookings",
        verbose_name=_("for the organisation"),
    )
    project = models.CharField(_("project"), max_length=200, blank=True)
    innovation_project = models.ForeignKey(
        "InnovationProject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("innovation project"),
    )
    user_category = models.CharField(
        _("user category"),
        max_length=12,
        choices=UserCategory.choices,
        default=UserCategory.COMPANY,
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    state = models.CharField(
        _("state"), max_length=12, choices=BookingState.choices, default=BookingState.REQUESTED
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="booking_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["equipment", "state", "start", "end"])]

    def __str__(self) -> str:
        return f"{self.equipment} {self.start:%d/%m/%Y %H:%M}"

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


class BookingTransition(models.Model):
    """History of a booking: who moved it from which state to which, and why."""

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("booking")
    )
    source = models.CharField(_("from"), max_length=12, choices=BookingState.choices, blank=True)
    target = models.CharField(_("to"), max_length=12, choices=BookingState.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["booking_id", "at", "pk"]
        verbose_name = _("booking state change")
        verbose_name_plural = _("booking state changes")

    def __str__(self) -> str:
        return f"{self.source or '∅'} → {self.target}"


class SharingRequest(models.Model):
    """An organisation asks to use a machine another one listed for sharing."""

    equipment = models.ForeignKey(
        Equipment,
        on_delete=models.CASCADE,
        related_name="sharing_requests",
        verbose_name=_("equipment"),
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sharing_requests",
        verbose_name=_("requested by"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sharing_requests",
        verbose_name=_("for the organisation"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    project = models.CharField(_("project"), max_length=200, blank=True)
    innovation_project = models.ForeignKey(
        "InnovationProject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sharing_requests",
        verbose_name=_("innovation project"),
    )
    message = models.TextField(_("message"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=SharingState.choices, default=SharingState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    booking = models.OneToOneField(
        Booking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sharing_request",
        verbose_name=_("booking"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sharing request")
        verbose_name_plural = _("sharing requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="sharingrequest_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.equipment} ← {self.requester}"


# --- innovation projects -----------------------------------------------------------------------


class InnovationProject(models.Model):
    """A product taken from an idea towards series production with the platforms' help: its
    holder, its current stage (each stage's dates are in ``ProjectStageRecord``), its team,
    milestones, documents, bookings and outcomes. Its showcase page is public only when the
    holder allows it."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    holder_kind = models.CharField(_("holder"), max_length=16, choices=HolderKind.choices)
    holder_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="innovation_projects",
        verbose_name=_("holder organisation"),
    )
    holder_name = models.CharField(
        _("holder's name"),
        max_length=200,
        blank=True,
        help_text=_("A student team or a start-up not yet registered as an organisation."),
    )
    platform = models.ForeignKey(
        TechnicalPlatform,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("host platform"),
        help_text=_("Its staff follow the project."),
    )
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    stage = models.CharField(
        _("stage"), max_length=16, choices=ProjectStage.choices, default=ProjectStage.IDEA
    )
    showcase = models.BooleanField(
        _("public showcase page"),
        default=False,
        help_text=_(
            "The holder allows a public page: summary, stages, public documents, outcomes."
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
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("innovation project")
        verbose_name_plural = _("innovation projects")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("platforms:project", kwargs={"pk": self.pk})

    @property
    def holder(self) -> str:
        if self.holder_organisation_id is not None:
            return str(self.holder_organisation)
        return self.holder_name


class ProjectStageRecord(models.Model):
    """A stage a project went through, from the day it started to the day the next began."""

    project = models.ForeignKey(
        InnovationProject,
        on_delete=models.CASCADE,
        related_name="stages",
        verbose_name=_("project"),
    )
    stage = models.CharField(_("stage"), max_length=16, choices=ProjectStage.choices)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["project_id", "started_on", "pk"]
        verbose_name = _("project stage")
        verbose_name_plural = _("project stages")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="projectstage_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(ended_on__isnull=True),
                name="projectstage_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.started_on:%d/%m/%Y}"


class ProjectMilestone(models.Model):
    project = models.ForeignKey(
        InnovationProject,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("project"),
    )
    title = models.CharField(_("milestone"), max_length=200)
    stage = models.CharField(_("stage"), max_length=16, choices=ProjectStage.choices, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("reached on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["project_id", "due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class ProjectMember(models.Model):
    """Someone of the project's team: its holder's people and the support team (platform
    engineers, mentors, trainers, researchers). Members see the project and book for it."""

    project = models.ForeignKey(
        InnovationProject, on_delete=models.CASCADE, related_name="team", verbose_name=_("project")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="project_memberships",
        verbose_name=_("account"),
    )
    role = models.CharField(_("role"), max_length=12, choices=TeamRole.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["project_id", "role", "pk"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="projectmember_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class ProjectDocument(models.Model):
    """A file or link of a project; public ones show on its showcase page."""

    project = models.ForeignKey(
        InnovationProject,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("project"),
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=project_document_path, max_length=200, blank=True)
    url = models.URLField(_("link"), max_length=400, blank=True)
    public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown on the showcase page.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    uploaded_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["project_id", "-uploaded_at", "pk"]
        verbose_name = _("project document")
        verbose_name_plural = _("project documents")
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(url=""), name="projectdocument_file_or_link"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.file:
            return reverse("platforms:project_document", kwargs={"pk": self.pk})
        return self.url

    @property
    def is_image(self) -> bool:
        return (
            bool(self.file) and uploads.extension(self.file.name or "") in uploads.IMAGE_EXTENSIONS
        )


class ProjectOutcome(models.Model):
    """What a project brought: jobs created, investment raised, products launched (counted
    by the indicators, see ``platforms.outcomes``)."""

    project = models.ForeignKey(
        InnovationProject,
        on_delete=models.CASCADE,
        related_name="outcomes",
        verbose_name=_("project"),
    )
    kind = models.CharField(_("outcome"), max_length=20, choices=OutcomeKind.choices)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    on = models.DateField(_("on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["project_id", "on", "pk"]
        verbose_name = _("project outcome")
        verbose_name_plural = _("project outcomes")
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="projectoutcome_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

"""The training offer: trainings, their sessions, and the enrolments of people in sessions.

LHÉO calls a training a *formation*, a way of delivering it an *action* (place, modality,
price, funding) and a dated instance of an action a *session*. Here an action's facts live on
its sessions, which keep the action's number, so that a file read and written again keeps
its codes (see ``docs/formats/lheo.md``).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fabrique.trainings.enums import (
    ACTIVE,
    Audience,
    EnrolmentState,
    Funding,
    Level,
    Modality,
    SessionStatus,
)


class Training(models.Model):
    """What an organisation teaches: a formation of its catalogue."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="trainings",
        verbose_name=_("training organisation"),
    )
    code = models.CharField(
        _("code"),
        max_length=64,
        blank=True,
        help_text=_("The organisation's own identifier (the LHÉO formation number)."),
    )
    title = models.CharField(_("title"), max_length=255)
    objectives = models.TextField(_("objectives"), blank=True)
    content = models.TextField(_("content"), blank=True)
    expected_results = models.TextField(_("expected results"), blank=True)
    entry_requirements = models.TextField(
        _("entry requirements"), blank=True, help_text=_("Who may enter, in words.")
    )
    level = models.CharField(
        _("level reached"), max_length=4, choices=Level.choices, blank=True, default=Level.NONE
    )
    modality = models.CharField(
        _("modality"), max_length=20, choices=Modality.choices, default=Modality.IN_PERSON
    )
    hours = models.PositiveIntegerField(_("hours"), null=True, blank=True)
    price = models.DecimalField(
        _("price (€, all taxes included)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    certification = models.ForeignKey(
        "referentials.Certification",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainings",
        verbose_name=_("certification"),
    )
    certification_blocs = models.ManyToManyField(
        "referentials.CertificationBloc",
        blank=True,
        related_name="trainings",
        verbose_name=_("blocs de compétences"),
    )
    formacodes = models.ManyToManyField(
        "referentials.Formacode", blank=True, related_name="trainings", verbose_name=_("Formacodes")
    )
    nsf_domains = models.ManyToManyField(
        "referentials.NsfDomain",
        blank=True,
        related_name="trainings",
        verbose_name=_("NSF specialities"),
    )
    occupations = models.ManyToManyField(
        "referentials.Occupation",
        blank=True,
        related_name="trainings",
        verbose_name=_("target occupations"),
    )
    skills_taught = models.ManyToManyField(
        "referentials.Skill",
        blank=True,
        related_name="taught_by",
        verbose_name=_("skills taught"),
    )
    prerequisite_skills = models.ManyToManyField(
        "referentials.Skill",
        blank=True,
        related_name="required_by_trainings",
        verbose_name=_("prerequisite skills"),
    )
    accessibility = models.TextField(
        _("accessibility"),
        blank=True,
        help_text=_("How people with a disability are welcomed: premises, adaptations, contact."),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    url = models.URLField(_("web page"), max_length=400, blank=True)
    published = models.BooleanField(
        _("published"), default=True, help_text=_("Shown in the catalogue.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"],
                condition=~Q(code=""),
                name="training_unique_code_per_organisation",
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="training_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("trainings:training", kwargs={"pk": self.pk})


class TrainingAudience(models.Model):
    """One audience a training is open to (a training has several)."""

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="audiences", verbose_name=_("training")
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)

    class Meta:
        ordering = ["training_id", "audience"]
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        constraints = [
            models.UniqueConstraint(fields=["training", "audience"], name="trainingaudience_unique")
        ]
        indexes = [models.Index(fields=["audience", "training"])]

    def __str__(self) -> str:
        return self.get_audience_display()


class TrainingFunding(models.Model):
    """One way a training may be paid for (a training has several)."""

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="fundings", verbose_name=_("training")
    )
    funding = models.CharField(_("funding"), max_length=20, choices=Funding.choices)

    class Meta:
        ordering = ["training_id", "funding"]
        verbose_name = _("funding")
        verbose_name_plural = _("fundings")
        constraints = [
            models.UniqueConstraint(fields=["training", "funding"], name="trainingfunding_unique")
        ]
        indexes = [models.Index(fields=["funding", "training"])]

    def __str__(self) -> str:
        return self.get_funding_display()


class Session(models.Model):
    """A dated instance of a training, at a place, with a number of seats."""

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("training")
    )
    code = models.CharField(
        _("code"), max_length=64, blank=True, help_text=_("The LHÉO session number.")
    )
    action_code = models.CharField(
        _("action code"),
        max_length=64,
        blank=True,
        help_text=_("The LHÉO action number: sessions of one action share it."),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    timetable = models.TextField(
        _("timetable"),
        blank=True,
        help_text=_("E.g. “Monday to Thursday, 8:30–12:00, 13:30–17:00”."),
    )
    registration_deadline = models.DateField(_("registration deadline"), null=True, blank=True)
    place_name = models.CharField(_("place"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("commune"),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("seats"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the seats are not counted."),
    )
    seats_taken = models.PositiveIntegerField(
        _("seats taken"),
        default=0,
        editable=False,
        help_text=_("Accepted enrolments, kept by the enrolment actions."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("trainers"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(seats_taken__lte=F("capacity")),
                name="session_never_over_capacity",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="session_coordinates_in_range",
            ),
            models.UniqueConstraint(
                fields=["training", "code"],
                condition=~Q(code=""),
                name="session_unique_code_per_training",
            ),
        ]
        indexes = [
            models.Index(fields=["start", "end"]),
            models.Index(fields=["status", "start"]),
            models.Index(fields=["latitude", "longitude"]),
        ]

    def __str__(self) -> str:
        return f"{self.training} ({self.start:%d/%m/%Y} – {self.end:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("trainings:session", kwargs={"pk": self.pk})

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken, 0)


class Enrolment(models.Model):
    """A person's application to a session, and what became of it."""

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("session")
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("person"),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=EnrolmentState.choices, default=EnrolmentState.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    note = models.TextField(_("note"), blank=True, help_text=_("Why the person applies."))
    requested_at = models.DateTimeField(_("requested on"), default=timezone.now)
    waitlisted_at = models.DateTimeField(
        _("on the waiting list since"),
        null=True,
        blank=True,
        help_text=_("Gives the rank on the waiting list."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["session_id", "requested_at", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=Q(state__in=sorted(ACTIVE)),
                name="enrolment_one_live_per_person_and_session",
            )
        ]
        indexes = [models.Index(fields=["session", "state", "waitlisted_at"])]

    def __str__(self) -> str:
        return f"{self.person} → {self.session}"


class EnrolmentTransition(models.Model):
    """History of an enrolment: who moved it from which state to which, and why."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("enrolment")
    )
    source = models.CharField(_("from"), max_length=12, choices=EnrolmentState.choices, blank=True)
    target = models.CharField(_("to"), max_length=12, choices=EnrolmentState.choices)
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
        ordering = ["enrolment_id", "at", "pk"]
        verbose_name = _("enrolment state change")
        verbose_name_plural = _("enrolment state changes")

    def __str__(self) -> str:
        return f"{self.source or '∅'} → {self.target}"

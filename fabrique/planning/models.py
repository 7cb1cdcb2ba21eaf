"""Just-in-time planning: scenarios, their runs, and what a published run proposes.

A :class:`Scenario` says what to plan (a territory, a horizon, parameters, what-if changes);
each :class:`PlanRun` snapshots the platform's data into a ``fabrique-plan/1`` document,
solves it in a background job and keeps the result, explained. Publishing a run turns its
assignments into :class:`Proposal` records that people accept or decline.

Documents refer to records by prefixed primary keys: candidates ``p-<person>``, sessions
``s-<session>`` (``w-<n>`` for sessions a what-if change adds), needs ``n-<hiring need>``.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fabrique.planning.enums import ProposalStatus, RunStatus


class Scenario(models.Model):
    """What to plan: people, sessions and needs of a territory over a horizon."""

    name = models.CharField(_("name"), max_length=200)
    territory = models.ForeignKey(
        "territories.IndustrialTerritory",
        on_delete=models.PROTECT,
        related_name="planning_scenarios",
        verbose_name=_("industrial territory"),
    )
    horizon_start = models.DateField(_("horizon start"))
    horizon_end = models.DateField(_("horizon end"))
    km_cost_eur = models.DecimalField(
        _("cost per km (€)"), max_digits=6, decimal_places=2, default=Decimal("0.30")
    )
    session_to_need_max_km = models.PositiveIntegerField(
        _("greatest distance from a session to a job (km)"), default=60
    )
    changes = models.JSONField(
        _("what-if changes"),
        default=list,
        blank=True,
        help_text=_("Changes applied to the platform's data before planning."),
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="variants",
        verbose_name=_("variant of"),
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
        ordering = ["-created_at", "pk"]
        verbose_name = _("planning scenario")
        verbose_name_plural = _("planning scenarios")
        constraints = [
            models.CheckConstraint(
                condition=Q(horizon_end__gte=models.F("horizon_start")),
                name="scenario_horizon_in_order",
            ),
            models.CheckConstraint(
                condition=Q(km_cost_eur__gte=0), name="scenario_km_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlanRun(models.Model):
    """One computation of a scenario: the snapshot it solved and the plan it found."""

    scenario = models.ForeignKey(
        Scenario, on_delete=models.CASCADE, related_name="runs", verbose_name=_("scenario")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    job = models.ForeignKey(
        "jobs.JobProgress",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("background job"),
    )
    document = models.JSONField(_("scenario document"), null=True, blank=True)
    result = models.JSONField(_("result document"), null=True, blank=True)
    filled = models.PositiveIntegerField(_("seats filled"), null=True, blank=True)
    demand = models.PositiveIntegerField(_("seats needed"), null=True, blank=True)
    total_cost_eur = models.DecimalField(
        _("total cost (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    solve_seconds = models.FloatField(_("solve time (s)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("launched by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("plan run")
        verbose_name_plural = _("plan runs")
        constraints = [
            models.CheckConstraint(
                condition=Q(filled__isnull=True) | Q(filled__lte=models.F("demand")),
                name="planrun_filled_within_demand",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} #{self.pk}"


class PlanAssignment(models.Model):
    """A person the plan sends to a job, through a session or directly."""

    run = models.ForeignKey(
        PlanRun, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("plan run")
    )
    candidate_ref = models.CharField(_("candidate"), max_length=40)
    session_ref = models.CharField(_("session"), max_length=40, blank=True)
    need_ref = models.CharField(_("need"), max_length=40)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_assignments",
        verbose_name=_("person"),
    )
    session = models.ForeignKey(
        "trainings.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_assignments",
        verbose_name=_("session"),
    )
    need = models.ForeignKey(
        "needs.HiringNeed",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_assignments",
        verbose_name=_("hiring need"),
    )
    cost_eur = models.DecimalField(_("cost (€)"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        ordering = ["run_id", "need_ref", "candidate_ref"]
        verbose_name = _("plan assignment")
        verbose_name_plural = _("plan assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "candidate_ref"], name="planassignment_one_per_candidate"
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate_ref} → {self.session_ref or '—'} → {self.need_ref}"


class UnfilledNeed(models.Model):
    """A need the plan cannot fill entirely, and why."""

    run = models.ForeignKey(
        PlanRun, on_delete=models.CASCADE, related_name="unfilled", verbose_name=_("plan run")
    )
    need_ref = models.CharField(_("need"), max_length=40)
    need = models.ForeignKey(
        "needs.HiringNeed",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hiring need"),
    )
    missing = models.PositiveIntegerField(_("missing"))
    reasons = models.JSONField(_("reasons"), default=list)

    class Meta:
        ordering = ["run_id", "need_ref"]
        verbose_name = _("unfilled need")
        verbose_name_plural = _("unfilled needs")
        constraints = [
            models.UniqueConstraint(fields=["run", "need_ref"], name="unfilledneed_unique")
        ]

    def __str__(self) -> str:
        return f"{self.need_ref}: {self.missing}"


class Proposal(models.Model):
    """What a published plan proposes to a person: a session towards a job, or the job."""

    assignment = models.OneToOneField(
        PlanAssignment,
        on_delete=models.CASCADE,
        related_name="proposal",
        verbose_name=_("plan assignment"),
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("person"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    enrolment = models.ForeignKey(
        "trainings.Enrolment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolment"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return f"{self.person}: {self.assignment}"

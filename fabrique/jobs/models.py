"""The platform's view of background jobs: one ``JobProgress`` per ``django.tasks`` result.

The task backend keeps the queue (``django_tasks_db``); this record adds what people need to
follow a job: a title, who launched it, how far it has got, and why it failed. Its status and
times mirror the task result's (see ``fabrique.jobs.lifecycle``), so pages, the API and the
terminal read one table whatever backend runs the tasks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from fabrique.accounts.models import User

FINISHED = (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)


# The same labels as Django's, named here so that Fabrique's catalogues carry them: Django's
# own catalogues do not translate them into every language the platform speaks.
STATUS_LABELS = {
    TaskResultStatus.READY: pgettext_lazy("Task", "Ready"),
    TaskResultStatus.RUNNING: pgettext_lazy("Task", "Running"),
    TaskResultStatus.FAILED: pgettext_lazy("Task", "Failed"),
    TaskResultStatus.SUCCESSFUL: pgettext_lazy("Task", "Successful"),
}


class JobProgressQuerySet(models.QuerySet["JobProgress"]):
    def visible_to(self, user: User | Any) -> JobProgressQuerySet:
        """A platform admin sees every job; anyone else the jobs they launched."""
        from fabrique.accounts.rules import is_platform_admin

        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if is_platform_admin(user):
            return self.all()
        return self.filter(owner=user)

    def unfinished(self) -> JobProgressQuerySet:
        return self.exclude(status__in=FINISHED)


class JobProgress(models.Model):
    """A background job as people see it: title, owner, status and progress."""

    id = models.CharField(
        _("task result id"),
        primary_key=True,
        max_length=64,
        editable=False,
        help_text=_("The id of the django.tasks result this job follows."),
    )
    task_path = models.CharField(_("task"), max_length=255, blank=True)
    label = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("launched by"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=[(status.value, STATUS_LABELS[status]) for status in TaskResultStatus],
        default=TaskResultStatus.READY,
    )
    done = models.PositiveBigIntegerField(_("done"), default=0)
    total = models.PositiveBigIntegerField(
        _("total"), null=True, blank=True, help_text=_("Empty while the amount of work is unknown.")
    )
    message = models.CharField(_("message"), max_length=300, blank=True)
    error = models.TextField(
        _("error"), blank=True, help_text=_("Exception class and message, when the job failed.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = JobProgressQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="jobprogress_owner_created"),
            models.Index(fields=["-created_at"], name="jobprogress_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TaskResultStatus.values), name="jobprogress_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def has_failed(self) -> bool:
        return self.status == TaskResultStatus.FAILED

    @property
    def percent(self) -> int | None:
        """How far the job has got, 0 to 100; None while the total is unknown."""
        if self.status == TaskResultStatus.SUCCESSFUL and not self.total:
            return 100
        if not self.total:
            return None
        return min(100, int(100 * self.done / self.total))

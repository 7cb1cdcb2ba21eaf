"""Platform-wide records: the versions of imported reference data, notifications."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataSource(models.Model):
    """One import of outside reference data: which source, which version, what it changed."""

    name = models.CharField(_("source"), max_length=60)
    version = models.CharField(_("version"), max_length=60)
    imported_at = models.DateTimeField(_("imported"), auto_now=True)
    counts = models.JSONField(_("counts"), default=dict)

    class Meta:
        ordering = ["name"]
        verbose_name = _("reference data source")
        verbose_name_plural = _("reference data sources")
        constraints = [models.UniqueConstraint(fields=["name"], name="datasource_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class Notification(models.Model):
    """A message for one user, shown in the platform (and usually also sent by e-mail)."""

    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    message = models.CharField(_("message"), max_length=500)
    url = models.CharField(_("link"), max_length=400, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.message

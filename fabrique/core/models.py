"""Platform-wide records: the versions of imported reference data."""

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

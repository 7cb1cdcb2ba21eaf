from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fabrique.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from fabrique.core import audit

        audit.connect()

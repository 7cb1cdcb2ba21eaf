from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformsConfig(AppConfig):
    name = "fabrique.platforms"
    label = "platforms"
    verbose_name = _("Technical platforms")

    def ready(self) -> None:
        from fabrique.platforms.outcomes import register_measures, register_personal_data

        register_measures()
        register_personal_data()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "fabrique.planning"
    label = "planning"
    verbose_name = _("Just-in-time planning")

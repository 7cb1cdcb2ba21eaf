"""Addresses of technical platforms (under /plateformes/)."""

from fabrique.platforms import views

app_name = "platforms"

urlpatterns = [*views.urlpatterns]

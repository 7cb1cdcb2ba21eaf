"""Addresses of technical platforms (under /plateformes/)."""

from fabrique.platforms import views, views_projects

app_name = "platforms"

urlpatterns = [*views_projects.urlpatterns, *views.urlpatterns]

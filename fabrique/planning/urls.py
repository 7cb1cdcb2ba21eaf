from django.urls import include, path

app_name = "planning"

# Each part of the planning pages keeps its own routes.
urlpatterns = [
    path("", include("fabrique.planning.urls_scenarios")),
    path("analyse-des-ecarts/", include("fabrique.planning.urls_gap")),
    path("", include("fabrique.planning.urls_proposals")),
]

from django.urls import path

from fabrique.planning import views_scenarios as views

urlpatterns = [
    path("", views.scenario_list, name="scenario_list"),
    path("scenarios/nouveau/", views.scenario_create, name="scenario_create"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario"),
    path("scenarios/<int:pk>/modifier/", views.scenario_edit, name="scenario_edit"),
    path("scenarios/<int:pk>/changements/", views.scenario_change_add, name="scenario_change_add"),
    path(
        "scenarios/<int:pk>/changements/<int:index>/supprimer/",
        views.scenario_change_remove,
        name="scenario_change_remove",
    ),
    path("scenarios/<int:pk>/variante/", views.scenario_variant, name="scenario_variant"),
    path("scenarios/<int:pk>/calculer/", views.scenario_launch, name="scenario_launch"),
    path("plans/<int:pk>/", views.run_detail, name="run"),
    path("plans/<int:pk>/scenario.json", views.run_document, name="run_document"),
    path("plans/<int:pk>/resultat.json", views.run_result, name="run_result"),
    path("comparaison/", views.compare, name="compare"),
]

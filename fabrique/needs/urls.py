from django.urls import path

from fabrique.needs import spreadsheet_views, views, workforce_views

app_name = "needs"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("projets/nouveau/", views.project_create, name="project_create"),
    path("projets/<int:pk>/", views.project_detail, name="project"),
    path("projets/<int:pk>/modifier/", views.project_edit, name="project_edit"),
    path("projets/<int:pk>/besoins/ajouter/", views.need_add, name="need_add"),
    path("projets/<int:pk>/besoins/<int:need_id>/modifier/", views.need_edit, name="need_edit"),
    path(
        "projets/<int:pk>/besoins/<int:need_id>/supprimer/", views.need_delete, name="need_delete"
    ),
    *spreadsheet_views.urlpatterns,
    *workforce_views.urlpatterns,
]

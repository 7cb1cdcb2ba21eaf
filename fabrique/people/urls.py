from django.urls import path, re_path

from fabrique.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/donnees.json", views.person_data, name="data"),
    path("<int:pk>/effacement/", views.person_erase, name="erase"),
    path("importer/", views.people_import, name="import"),
    re_path(
        r"^importer/modele\.(?P<file_format>xlsx|csv)$",
        views.people_import_template,
        name="import_template",
    ),
]

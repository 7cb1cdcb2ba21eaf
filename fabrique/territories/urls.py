from django.urls import path

from fabrique.territories import views

app_name = "territories"
urlpatterns = [
    path("", views.territory_list, name="list"),
    path("nouveau/", views.territory_create, name="create"),
    path("epci/", views.epci_search, name="epci_search"),
    path("communes/", views.commune_list, name="communes"),
    path("communes/<slug:insee_code>/", views.commune_detail, name="commune"),
    path("<slug:code>/", views.territory_detail, name="detail"),
    path("<slug:code>/modifier/", views.territory_edit, name="edit"),
]

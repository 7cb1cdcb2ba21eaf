from django.urls import path

from fabrique.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/donnees.json", views.person_data, name="data"),
    path("<int:pk>/effacement/", views.person_erase, name="erase"),
]

from django.urls import path

from fabrique.people import views_space

app_name = "space"
urlpatterns = [
    path("", views_space.home, name="home"),
    path("propositions/", views_space.proposals, name="proposals"),
    path("consentements/", views_space.consents, name="consents"),
]

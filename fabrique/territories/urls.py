from django.urls import path

from fabrique.territories import views

app_name = "territories"
urlpatterns: list = []

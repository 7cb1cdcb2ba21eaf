from django.urls import path

from fabrique.jobs import views

app_name = "jobs"
urlpatterns: list = []

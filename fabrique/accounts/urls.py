from django.urls import path

from fabrique.accounts import views

app_name = "accounts"
urlpatterns: list = []
